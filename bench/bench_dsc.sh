#!/usr/bin/env bash
# Prints what fwsvc's DSC v3 resource costs against the WFP emulator under
# Wine, from the emulator's call log, beside `fwsvc apply` of the same
# configuration: WFP writes, transactions and API calls of `dsc test`, of
# the first `dsc set` (and of `apply` on a fresh engine), of `dsc set` in the
# desired state, of `set --what-if`, and of a `dsc config set` run as
# tests/e2e/dsc_flow.py plays it (test; get, set, get when out of the desired
# state). Counts, not times: they are the same on every run.
# Usage: bench/bench_dsc.sh [BUILD_DIR]   (default build/windows)
set -eu
. "$(dirname "$0")/bench-wine.sh"
trap 'rm -rf "$work"; wine reg delete "HKLM\\SOFTWARE\\fwsvc" /f >/dev/null 2>&1 || true' EXIT
export FWPEMU_CALLLOG=$(winpath "$work/calls.log")
instance='{"profiles":[{"name":"dpm","settings":{"dcom_ports":"5000-5100","dpm_network":"10.0.0.0/24"}}],"intervalSeconds":600}'
writes_re='FwpmFilterAdd0|FwpmFilterDeleteByKey0|FwpmFilterDeleteById0|FwpmProviderAdd0|FwpmSubLayerAdd0|FwpmSubLayerDeleteByKey0|FwpmProviderDeleteByKey0'
count() { grep -cE " ($1) " "$work/calls.log" || true; }
fresh() { wine fwpemu.exe reset >/dev/null; wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1 || true; }
# measure LABEL COMMAND...: one run, its WFP writes, transactions and calls.
measure() {
  local label=$1
  shift
  : >"$work/calls.log"
  "$@" >/dev/null 2>&1 || true
  printf '%-44s %6d writes %3d transactions %6d API calls\n' "$label" "$(count "$writes_re")" \
    "$(count FwpmTransactionBegin0)" "$(wc -l <"$work/calls.log")"
}
dsc() { echo "$instance" | wine fwsvc.exe dsc "$@"; }
flow() { FWSVC_DSC_RUN="wine fwsvc.exe" python3 "$root/tests/e2e/dsc_flow.py" config-set "$instance"; }

echo "profile dpm, dcom_ports 5000-5100, dpm_network 10.0.0.0/24, interval 600 s"
fresh
measure "apply --profile dpm --set ... (fresh engine)" \
  wine fwsvc.exe apply --profile dpm --set dcom_ports=5000-5100 --set dpm_network=10.0.0.0/24
fresh
measure "dsc test (out of the desired state)" dsc test
measure "dsc set --what-if" dsc set --what-if
measure "dsc set (first: sets)" dsc set
measure "dsc set (in the desired state: pretest only)" dsc set
measure "dsc test (in the desired state)" dsc test
measure "dsc get" dsc get
fresh
measure "dsc config set flow, first run" flow
measure "dsc config set flow, second run (no-op)" flow
