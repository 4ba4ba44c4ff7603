#!/usr/bin/env bash
# End-to-end under Wine's service manager: fwsvc.exe as the fwsvc service
# against the WFP emulator (scripts/wine-service.sh keeps the wineserver
# alive). Usage: service.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
log_file="$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log"
. "$root/scripts/wine-service.sh"
cleanup() {
  cp "$log_file" /tmp/service-test.log 2>/dev/null
  wine_service_end
  rm -rf "$work"
}
trap cleanup EXIT
# The service does not inherit this shell's FWPEMU_STATE: the machine-wide value.
wine_service_begin "$FWPEMU_STATE"
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
logged() { awk -v p="$1" 'index($0, p) { n++ } END { print n + 0 }' "$log_file" 2>/dev/null || echo 0; }
in_sync() { wine fwsvc.exe status >/dev/null 2>&1; local rc=$?; [ $rc = 0 ] || [ $rc = 4 ]; } # 4: sqlservr.exe pending
ms() { date +%s%3N; }
# Polls (10 ms) until fwsvc's status is back in sync; prints the delay in ms.
repair_delay() { local t0=$1; for _ in $(seq 1 300); do if in_sync; then echo $(($(ms) - t0)); return; fi; sleep 0.01; done; echo 99999; }

wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5

echo "== install and start"
fwsvc service install --interval 10
check "install: exit 0" '[ "$(rc)" = 0 ]'
# Wine's 'sc qc' prints nothing: the service manager's own registry entry.
wine reg query 'HKLM\System\CurrentControlSet\Services\fwsvc' >"$work/qc" 2>&1
check "registered: own process (0x10), automatic (0x2), depends on BFE, LocalSystem, runs fwsvc.exe service run" 'grep -qE "Type +REG_DWORD +0x10" "$work/qc" && grep -qE "Start +REG_DWORD +0x2" "$work/qc" && grep -qE "DependOnService +REG_MULTI_SZ +BFE" "$work/qc" && grep -q "LocalSystem" "$work/qc" && grep -q "fwsvc.exe\" service run" "$work/qc"'
wine reg query 'HKLM\System\CurrentControlSet\Services\EventLog\Application\fwsvc' >"$work/evt" 2>&1
check "the Event Log source is registered (EventMessageFile, TypesSupported)" 'grep -q "EventMessageFile" "$work/evt" && grep -qE "TypesSupported +REG_DWORD +0x7" "$work/evt"'
fwsvc service run
check "'service run' by hand: exit 2, told how to start it" '[ "$(rc)" = 2 ] && grep -q "net start fwsvc" "$work/err"'
wine net start fwsvc >/dev/null 2>&1
sleep 1
check "running, started logged in the text log" '[ "$(logged "event 1: process")" -ge 1 ] && wine sc query fwsvc | grep -q RUNNING'
exe_sha=$(sha256sum "$fwsvc_install_dir/fwsvc.exe" | cut -d' ' -f1)
dpm_sha=$(sha256sum "$fwsvc_install_dir/catalog/dpm.yaml" | cut -d' ' -f1)
check "the started event names fwsvc.exe's SHA-256 and each catalog file's (docs/release.md)" 'grep " event 1: process" "$log_file" | tail -1 | grep -q "fwsvc.exe sha256 $exe_sha; catalog .*dpm.yaml sha256 $dpm_sha"'
check "in sync after its start reconcile" 'in_sync'
fwsvc service status --json
check "service status --json: running, automatic, its last reconcile ok" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d[\"state\"]==\"running\" and d[\"start\"]==\"automatic\" and d[\"last\"][\"last_reconcile\"][\"result\"]==\"ok\"))" "$work/out"'

echo "== drift repaired within a second"
delays=()
for i in 1 2 3 4 5; do
  t0=$(ms)
  wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
  delays+=("$(repair_delay "$t0")")
done
worst=$(printf '%s\n' "${delays[@]}" | sort -n | tail -1)
echo "repair delays after a deletion (ms, including Wine's process start of the tamper): ${delays[*]}"
check "5 deletions by another process: each repaired, the slowest in $worst ms (< 1000)" '[ "$worst" -lt 1000 ]'
t0=$(ms)
wine fwpemu.exe tamper rewrite-one --provider "$OURS" >/dev/null
d=$(repair_delay "$t0")
check "a filter re-added under fwsvc's key with other conditions: repaired ($d ms)" '[ "$d" -lt 1000 ] && [ "$(logged "changed dpm-sql")" -ge 1 ]'
check "each repair logged as drift (event 4)" '[ "$(logged "event 4:")" -ge 6 ]'
status_json() { wine fwsvc.exe service status --json >"$work/status.json" 2>"$work/err"; echo $? >"$work/rc"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[\"last\"]; sys.exit(not ($1))" "$work/status.json"; }
status_json
check "the record keeps the last repair's writes, its trigger and time, and the count since the start; it validates (service-status.schema.json)" '/usr/bin/python3 "$root/tests/e2e/validate_json.py" service-status "$work/status.json" && jq_py "d[\"last_write\"][\"writes\"] >= 1 and d[\"last_write\"][\"trigger\"] == \"filters changed\" and d[\"writes_since_start\"] >= 6 and d[\"drift_repairs\"] >= 6"'

echo "== a burst of deletions: repaired at once, then once more when it stops"
repairs_before=$(logged "event 4:")
wine fwpemu.exe tamper delete-burst 5 --provider "$OURS" >"$work/burst" 2>&1
for _ in $(seq 1 30); do in_sync && break; sleep 0.1; done
sleep 0.5
repairs=$(( $(logged "event 4:") - repairs_before ))
check "5 deletions back to back: in sync, with $repairs repair(s) (at most 2: the service's own writes do not wake it)" 'grep -q "deleted 5 filter" "$work/burst" && in_sync && [ "$repairs" -ge 1 ] && [ "$repairs" -le 2 ]'

echo "== a configuration change is applied without a restart"
wine reg add 'HKLM\SOFTWARE\fwsvc\AppliedProfiles' /v dpm-sql /t REG_MULTI_SZ /d 'dpm_server=10.0.0.5\0dcom_ports=5000-5100' /f >/dev/null
sleep 1.5
verdict() { wine fwpemu.exe classify --dir in --proto tcp --local-port "$1" --remote 10.0.0.5 | cut -d' ' -f1; }
check "dcom_ports narrowed in the registry: 6000 blocked, 5050 permitted, no restart" '[ "$(verdict 6000)" = BLOCK ] && [ "$(verdict 5050)" = PERMIT ] && [ "$(logged "event 1: process")" = 1 ]'

echo "== a broken catalog keeps the last good state"
cp -r catalog "$work/catalog"
wine reg add 'HKLM\SOFTWARE\fwsvc' /v CatalogDir /t REG_SZ /d "$(winpath "$work/catalog")" /f >/dev/null
sleep 1.5
before=$(state_sum)
echo "not: [valid" >>"$work/catalog/dpm.yaml"
sleep 1.5
check "broken: the error is logged, WFP unchanged" '[ "$(logged "event 6:")" -ge 1 ] && [ "$(state_sum)" = "$before" ]'
check "... with the diagnostic's file:line:column in the text log (event 6)" 'grep " event 6: " "$log_file" | grep -qE "dpm\.yaml:[0-9]+:[0-9]+: error"'
status_json
check "service status: exit 7 (running, last reconcile failed); the record's trigger is the log's, its diagnostics have positions" '/usr/bin/python3 "$root/tests/e2e/validate_json.py" service-status "$work/status.json" && [ "$(rc)" = 7 ] && jq_py "d[\"last_reconcile\"][\"result\"] == \"error\" and d[\"last_reconcile\"][\"trigger\"] == \"catalog change\" and any(\"dpm.yaml:\" in x for x in d[\"diagnostics\"]) and d[\"last_error\"]"'
cp catalog/dpm.yaml "$work/catalog/dpm.yaml"
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
sleep 1.5
check "fixed: picked up without a restart, drift repaired again" 'in_sync && [ "$(logged "event 1: process")" = 1 ]'
status_json
check "... the error cleared from the record (exit 0), and an event says it is accepted again (event 13)" '[ "$(rc)" = 0 ] && jq_py "d[\"last_error\"] is None and d[\"diagnostics\"] == [] and d[\"last_reconcile\"][\"result\"] == \"ok\"" && [ "$(logged "event 13:")" -ge 1 ]'

echo "== BFE stops and starts under the service"
wine fwpemu.exe bfe stop >/dev/null
sleep 1.2
wine fwpemu.exe bfe start >/dev/null
sleep 12 # the subscription died with BFE: the next wake-up (the 10 s timer) renews it
check "BFE gone and back: logged" '[ "$(logged "event 7:")" -ge 1 ] && [ "$(logged "event 8:")" -ge 1 ]'
check "filters back, in sync" 'in_sync'
t0=$(ms)
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
d=$(repair_delay "$t0")
check "subscriptions work again: a deletion repaired in $d ms" '[ "$d" -lt 1000 ]'

echo "== a pending rule's program appears; the CLI acts at the same moment"
sql_bin="$WINEPREFIX/drive_c/Program Files/Microsoft SQL Server/MSSQL11.MSDPM2012/MSSQL/Binn"
sleep 1 # the repair above notifies the loop too: let it settle first
mkdir -p "$sql_bin"
cp fwpemu.exe "$sql_bin/sqlservr.exe"
sleep 1.5
check "sqlservr.exe installed: its rule added without waiting for the timer (status in sync, exit 0)" '{ wine fwsvc.exe status >/dev/null 2>&1; [ $? = 0 ]; }'
check "... logged as the configuration taking effect (event 3, a pending program appeared)" '[ "$(logged "a pending program appeared")" -ge 1 ]'
wine fwsvc.exe apply --profile dpm-sql >"$work/apply.out" 2>&1 &
cli=$!
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
wait $cli
cli_rc=$?
sleep 1
check "the CLI and the service at the same time: both succeed (apply exit $cli_rc), in sync after" '[ "$cli_rc" = 0 ] && { wine fwsvc.exe status >/dev/null 2>&1; [ $? = 0 ]; }'
rm -rf "$WINEPREFIX/drive_c/Program Files/Microsoft SQL Server"

echo "== stop within 3 s, even while a reconcile waits for another program's transaction"
wine fwpemu.exe hold-lock 5000 >"$work/hold" &
holder=$!
for _ in $(seq 1 100); do grep -q holding "$work/hold" && break; sleep 0.05; done
wine reg add 'HKLM\SOFTWARE\fwsvc' /v IntervalSeconds /t REG_DWORD /d 11 /f >/dev/null # wakes the loop
sleep 1 # past the debounce: the reconcile now waits for the lock
t0=$(ms)
wine net stop fwsvc >/dev/null 2>&1
stop_ms=$(($(ms) - t0))
for _ in $(seq 1 20); do [ "$(logged "event 2:")" -ge 1 ] && break; sleep 0.1; done
check "stopped in $stop_ms ms (< 3000) while its reconcile waited for the lock, which it gave up (logged)" '[ "$stop_ms" -lt 3000 ] && [ "$(logged "cancelled while waiting for the WFP transaction lock")" -ge 1 ] && [ "$(logged "event 2:")" -ge 1 ]'
wait $holder
wine net start fwsvc >/dev/null 2>&1
for _ in $(seq 1 50); do in_sync && break; sleep 0.1; done
t0=$(ms)
wine net stop fwsvc >/dev/null 2>&1
stop_ms=$(($(ms) - t0))
for _ in $(seq 1 20); do [ "$(logged "event 2:")" -ge 2 ] && break; sleep 0.1; done
check "stopped in $stop_ms ms (< 3000), stop logged" '[ "$stop_ms" -lt 3000 ] && [ "$(logged "event 2:")" -ge 2 ]'
status_json
check "service status of a stopped service: exit 6, state stopped" '[ "$(rc)" = 6 ] && python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1]))[\"state\"] != \"stopped\")" "$work/status.json"'
record="$WINEPREFIX/drive_c/ProgramData/fwsvc/status.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['drops']; json.dump(d, open(sys.argv[1], 'w'))" "$record"
status_json
check "a record from an fwsvc before the drop watch (no drops) is read, its drops 'not recorded'" '[ "$(rc)" = 6 ] && /usr/bin/python3 "$root/tests/e2e/validate_json.py" service-status "$work/status.json" && jq_py "d[\"drops\"][\"watch\"] == \"not recorded\" and d[\"drops\"][\"seen\"] == 0 and d[\"started\"]"'
wine fwpemu.exe reboot >/dev/null
wine fwsvc.exe filters >"$work/filters"
check "reboot with the service installed (automatic): fwsvc's filters enforced" '! grep -q DISABLED "$work/filters" && grep -q enforced "$work/filters"'

echo "== uninstall"
fwsvc service uninstall
check "uninstall: exit 0, says what happens to the filters" '[ "$(rc)" = 0 ] && grep -q "DISABLED" "$work/out"'
check "the service and its Event Log source are gone" '! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\fwsvc" >/dev/null 2>&1 && ! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\fwsvc" >/dev/null 2>&1'
wine fwpemu.exe reboot >/dev/null
wine fwsvc.exe filters >"$work/filters"
check "reboot after uninstall: BFE keeps fwsvc's filters DISABLED" 'grep -q DISABLED "$work/filters" && ! grep -q enforced "$work/filters"'

fwsvc service install
fwsvc service uninstall --remove
wine fwpemu.exe dump >"$work/dump.json"
check "uninstall --remove: the service gone and no fwsvc object left in WFP" '[ "$(rc)" = 0 ] && ! grep -qi "6482c740-e714-4384-a334-8d81e8a75eea\|dc05f04f-4b86-4074-9437-b6567ab81075" "$work/dump.json" && ! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\fwsvc" >/dev/null 2>&1'
check "... and it says that it forgot the applied profiles, naming them" 'grep -q "Forgot the applied profiles (HKLM\\\\SOFTWARE\\\\fwsvc\\\\AppliedProfiles): dpm-sql" "$work/out"'

echo "service end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
