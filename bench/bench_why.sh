#!/usr/bin/env bash
# Prints what one `fwsvc why` costs under Wine against the WFP emulator
# (printed figures, not a timed test): the wall time of one flow's why with
# fwsvc's filters alone and with 100,000 filters of another provider present,
# each the median of RUNS, beside the time of `fwsvc --version` (Wine's
# process start, the floor under every figure); and the emulator's classify
# of the same flow, for scale. Compare the ratios measured in one run.
# Usage: bench/bench_why.sh [BUILD_DIR]   (default build/windows)
set -u
. "$(dirname "$0")/bench-wine.sh"
RUNS=${RUNS:-5}
FOREIGN=${FOREIGN:-100000}
cleanup() {
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wineserver -k >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
# One wineserver for all runs: its start is not what is measured.
wineserver -k >/dev/null 2>&1
wineserver -w
wineserver -p
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1

ms() { date +%s%N; }
# median_ms COMMAND...: the median wall time of RUNS runs, in ms.
median_ms() {
  local t=()
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1
    t0=$(ms)
    "$@" >/dev/null 2>&1
    t1=$(ms)
    t+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
FLOW=(--dir in --proto tcp --port 10000 --remote-addr 10.0.0.5)

wine fwpemu.exe reset >/dev/null
wine fwsvc.exe apply --profile be-remote-agent --profile dpm-agent --set dpm_server=10.0.0.5 >/dev/null 2>&1
start=$(median_ms wine fwsvc.exe --version)
alone=$(median_ms wine fwsvc.exe why "${FLOW[@]}")
count_alone=$(wine fwpemu.exe dump | grep -c '"id":')
wine fwpemu.exe tamper add-foreign "$FOREIGN" >/dev/null
count_many=$(wine fwpemu.exe dump | grep -c '"id":')
many=$(median_ms wine fwsvc.exe why "${FLOW[@]}")
classify=$(median_ms wine fwpemu.exe classify --dir in --proto tcp --local-port 10000 --remote 10.0.0.5)
verdict=$(wine fwsvc.exe why "${FLOW[@]}" | head -1 | cut -d' ' -f1)
echo "why: one flow with $count_alone filters in WFP: ${alone} ms; with $count_many (${FOREIGN} of another provider): ${many} ms ($verdict); median of $RUNS"
echo "why: Wine's process start (fwsvc --version): ${start} ms; the emulator's own classify of the flow with $count_many filters: ${classify} ms"
if [ "$alone" -gt "$start" ]; then
  echo "why: beyond the process start, 100,000 foreign filters cost $(( many - start )) ms against $(( alone - start )) ms without them"
fi
