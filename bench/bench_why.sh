#!/usr/bin/env bash
# Prints what one `fwsvc why` costs under Wine against the WFP emulator
# (printed figures, not a timed test), with fwsvc's filters alone and with
# FOREIGN (100,000 and 1,000,000) filters of another provider present:
#   - the wall time of one flow's why (it asks WFP only for the filters that
#     can match the flow: FWP_FILTER_ENUM_OVERLAPPING), the median of RUNS,
#     beside `fwsvc --version` (Wine's process start, the floor under every
#     figure);
#   - of that, the emulator's own time (the sum of its calls' durations in
#     its call log, in the same run) and fwsvc's share (the rest, beyond the
#     process start);
#   - the filters WFP returned for it;
#   - the same flow read the old way, every filter at every layer (`why
#     --flows` with that one flow), for the ratio;
#   - the emulator's own classify of the flow, for scale.
# Compare the ratios measured in one run. What a real BFE costs per filter
# returned (RPC marshalling) is not known here: docs/why.md.
# Usage: bench/bench_why.sh [BUILD_DIR]   (default build/windows)
set -u
. "$(dirname "$0")/bench-wine.sh"
RUNS=${RUNS:-5}
FOREIGN=${FOREIGN:-100000 1000000}
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
printf 'in\ttcp\t10000\t10.0.0.5\n' >"$work/one.flow"
calls="$work/calls.log"
# RUNS runs of one why, each timed and with the emulator's call log: "WALL
# EMULATOR" (ms) of the median run, the emulator's part being the sum of its
# calls' durations in that same run.
why_runs() {
  local runs=()
  for _ in $(seq 1 "$RUNS"); do
    : >"$calls"
    local t0 t1
    t0=$(ms)
    FWPEMU_CALLLOG=$(winpath "$calls") wine fwsvc.exe why "${FLOW[@]}" >/dev/null 2>&1
    t1=$(ms)
    runs+=("$(( (t1 - t0) / 1000000 )) $(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^=[0-9]+us$/) { v = $i; gsub(/[=us]/, "", v); s += v } } END { printf "%d\n", s / 1000 }' "$calls")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
filters_read() { wine fwsvc.exe why "${FLOW[@]}" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["filters_read"])'; }

wine fwpemu.exe reset >/dev/null
wine fwsvc.exe apply --profile be-remote-agent --profile dpm-agent --set dpm_server=10.0.0.5 >/dev/null 2>&1
start=$(median_ms wine fwsvc.exe --version)
echo "why: Wine's process start (fwsvc --version): ${start} ms"
report() { # LABEL TOTAL_FILTERS
  local one emu returned full classify verdict
  read -r one emu <<<"$(why_runs)"
  returned=$(filters_read)
  full=$(RUNS=1 median_ms wine fwsvc.exe why --flows "$(winpath "$work/one.flow")")
  classify=$(RUNS=1 median_ms wine fwpemu.exe classify --dir in --proto tcp --local-port 10000 --remote 10.0.0.5)
  verdict=$(wine fwsvc.exe why "${FLOW[@]}" | head -1 | cut -d' ' -f1 | tr -d '\r')
  echo "why: $1 ($2 filters in WFP): one flow ${one} ms ($verdict), $returned filters read; beyond the process start $(( one - start )) ms, of which the emulator $emu ms and fwsvc $(( one - start - emu )) ms; reading every filter instead: ${full} ms; the emulator's own classify: ${classify} ms"
}
total=$(wine fwpemu.exe dump | grep -c '"id":')
report "fwsvc's filters alone" "$total"
added=0
for n in $FOREIGN; do
  wine fwpemu.exe tamper add-foreign $((n - added)) >/dev/null
  added=$n
  total=$(wine fwpemu.exe dump | grep -c '"id":')
  report "with $n of another provider" "$total"
done
echo "why: (goal: under 250 ms beyond the process start at 100,000; time growing sub-linearly with foreign filters that cannot match)"
