#!/usr/bin/env bash
# Prints reconcile figures for fwsvc.exe against the WFP emulator under Wine:
#   - WFP writes per apply / filters the profile needs (from the call log);
#   - writes of an in-sync reconcile; transactions per apply;
#   - with 100,000 filters of another provider present: call counts, and the
#     median time of apply and of an in-sync status against the run with
#     none (a ratio measured in one run, not a timed test): inside the
#     process (from the emulator DLL's load to the last WFP call, from the
#     call log), and wall time, which adds Wine's noisy process start.
# Usage: bench/bench_reconcile.sh [BUILD_DIR]   (default build/windows)
set -eu
. "$(dirname "$0")/bench-wine.sh"
trap 'rm -rf "$work"; wine reg delete "HKLM\\SOFTWARE\\fwsvc" /f >/dev/null 2>&1 || true' EXIT
export FWPEMU_CALLLOG=$(winpath "$work/calls.log")
RUNS=${RUNS:-21}
profile=${PROFILE:-dpm}

count() { grep -cE " ($1) " "$work/calls.log" || true; }
writes_re='FwpmFilterAdd0|FwpmFilterDeleteByKey0|FwpmFilterDeleteById0|FwpmProviderAdd0|FwpmSubLayerAdd0|FwpmSubLayerDeleteByKey0|FwpmProviderDeleteByKey0'
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Microseconds from the emulator DLL's load to the last logged WFP call.
inside_us() { tail -n 1 "$work/calls.log" | sed -n 's/.* +\([0-9]*\)us$/\1/p'; }

prepare() { # FOREIGN: a fresh engine with that many filters of another provider
  wine fwpemu.exe reset >/dev/null
  [ "$1" -gt 0 ] && wine fwpemu.exe tamper add-foreign "$1" >/dev/null
  rm -rf "$work/base-$1" && cp -r "$work/state" "$work/base-$1"
}

# Both engines measured in alternation, run after run, so that load on this
# noisy machine falls on both alike. Prints per engine: apply_ms status_ms
# apply_calls status_calls apply_inside_us status_inside_us.
measure_both() {
  local -A applies statuses applies_in statuses_in
  for n in 0 100000; do
    rm -rf "$work/state-$n" && cp -r "$work/base-$n" "$work/state-$n"
  done
  sync
  for _ in $(seq "$RUNS"); do
    for n in 0 100000; do
      export FWPEMU_STATE=$(winpath "$work/state-$n")
      wine fwsvc.exe remove --all >/dev/null 2>&1 || true # back to no fwsvc objects, untimed
      sync # the emulator flushes each commit: start it with no other writes pending
      : >"$work/calls.log"
      t0=$(ms); wine fwsvc.exe apply --profile "$profile" >/dev/null; t1=$(ms)
      echo "$(wc -l <"$work/calls.log")" >"$work/apply-calls-$n"
      applies_in[$n]+="$(inside_us) "
      : >"$work/calls.log"
      t2=$(ms); wine fwsvc.exe status >/dev/null || true; t3=$(ms)
      echo "$(wc -l <"$work/calls.log")" >"$work/status-calls-$n"
      statuses_in[$n]+="$(inside_us) "
      applies[$n]+="$((t1 - t0)) "; statuses[$n]+="$((t3 - t2)) "
    done
  done
  for n in 0 100000; do
    echo "$(tr ' ' '\n' <<<"${applies[$n]}" | grep . | median) $(tr ' ' '\n' <<<"${statuses[$n]}" | grep . | median)" \
      "$(cat "$work/apply-calls-$n") $(cat "$work/status-calls-$n")" \
      "$(tr ' ' '\n' <<<"${applies_in[$n]}" | grep . | median) $(tr ' ' '\n' <<<"${statuses_in[$n]}" | grep . | median)"
  done
}

wine fwsvc.exe --version >/dev/null # warm up wineserver
filters=$(wine fwsvc.exe plan --profile "$profile" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["filters"]))')

prepare 0
rm -rf "$work/state" && cp -r "$work/base-0" "$work/state"
: >"$work/calls.log"
wine fwsvc.exe apply --profile "$profile" >"$work/apply.out"
pending=$(grep -c '^  ' "$work/apply.out" | tail -1 || true)
filter_writes=$(count 'FwpmFilterAdd0|FwpmFilterDeleteByKey0')
all_writes=$(count "$writes_re")
txns=$(count FwpmTransactionBegin0)
installed=$(count FwpmFilterAdd0)
: >"$work/calls.log"
wine fwsvc.exe apply --profile "$profile" >/dev/null
insync_writes=$(count "$writes_re")

echo "profile $profile: $filters filters planned, $installed installed (the rest wait for their program)"
printf 'filter writes per apply / filters installed: %d / %d = %.2f\n' "$filter_writes" "$installed" \
  "$(echo "$filter_writes / $installed" | bc -l)"
echo "all WFP writes of a first apply: $all_writes (the filters + fwsvc's provider and sublayer)"
echo "writes of an in-sync reconcile: $insync_writes"
echo "transactions per apply: $txns"

prepare 100000
measure_both >"$work/measured"
read -r a0 s0 ac0 sc0 ai0 si0 <"$work/measured"
read -r a1 s1 ac1 sc1 ai1 si1 < <(sed -n 2p "$work/measured")
echo "API calls, apply: $ac0 with no foreign filters, $ac1 with 100,000 ($([ "$ac0" = "$ac1" ] && echo unchanged || echo CHANGED))"
echo "API calls, status: $sc0 / $sc1 ($([ "$sc0" = "$sc1" ] && echo unchanged || echo CHANGED))"
printf 'apply inside the process, median of %d interleaved runs: %.1f ms without, %.1f ms with 100,000 foreign filters: ratio %.2f\n' \
  "$RUNS" "$(echo "$ai0 / 1000" | bc -l)" "$(echo "$ai1 / 1000" | bc -l)" "$(echo "$ai1 / $ai0" | bc -l)"
printf 'status (in sync) inside the process, median of %d: %.1f ms without, %.1f ms with: ratio %.2f\n' \
  "$RUNS" "$(echo "$si0 / 1000" | bc -l)" "$(echo "$si1 / 1000" | bc -l)" "$(echo "$si1 / $si0" | bc -l)"
printf 'wall time with Wine process start (noisier): apply %d / %d ms, ratio %.2f; status %d / %d ms, ratio %.2f\n' \
  "$a0" "$a1" "$(echo "$a1 / $a0" | bc -l)" "$s0" "$s1" "$(echo "$s1 / $s0" | bc -l)"
echo "emulator state with 100,000 foreign filters: $(du -sh "$work/base-100000" | cut -f1) (the foreign provider's segment is never read by apply or status)"
