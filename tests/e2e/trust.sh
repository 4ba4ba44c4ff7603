#!/usr/bin/env bash
# End-to-end under Wine: the trust boundary (docs/security.md, "Threat
# model"). What a standard user could write must not steer fwsvc or open the
# firewall: the DLL fwsvc.exe loads, raw registry values, configuration keys
# and catalog folders others can change, programs others can replace, values
# that would widen a hard permit (from the command line and from the
# registry, through the service), and the service's data folder. Wine keeps
# file permissions as Unix mode bits: `chmod o+w` is "Everyone may change it"
# (checked in test_admin_only). Usage: trust.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
. "$root/scripts/wine-service.sh"
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
data="$WINEPREFIX/drive_c/ProgramData/fwsvc"
log_file="$data/fwsvc.log"
dpm_root="$WINEPREFIX/drive_c/Program Files/Microsoft DPM"
cleanup() {
  chmod -R u+w,o-w "$dpm_root" "$work" 2>/dev/null
  wine_service_end --remove
  rm -rf "$work" "$dpm_root" "$data"
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
}
trap cleanup EXIT
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not ($1))" "$work/out"; }
logged() { awk -v p="$1" 'index($0, p) { n++ } END { print n + 0 }' "$log_file" 2>/dev/null || echo 0; }
in_sync() { wine fwsvc.exe status >/dev/null 2>&1; local rc=$?; [ $rc = 0 ] || [ $rc = 4 ]; }
# Stopped, its last event written: nothing of it writes afterwards.
stop_service() {
  wine net stop fwsvc >/dev/null 2>&1
  for _ in $(seq 1 50); do wine sc query fwsvc | grep -q STOPPED && break; sleep 0.1; done
  sleep 0.5
}
fresh() {
  wine fwpemu.exe reset >/dev/null
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
}
mkdir -p "$dpm_root/DPM/bin"
cp fwpemu.exe "$dpm_root/DPM/bin/msdpm.exe"
cp fwpemu.exe "$dpm_root/DPM/bin/dpmra.exe"

echo "== 6: fwpuclnt.dll comes from System32, never from beside fwsvc.exe"
check "fwsvc.exe's import table does not name fwpuclnt.dll" '! x86_64-w64-mingw32-objdump -p "$bin/fwsvc.exe" | grep -qi "DLL Name: fwpuclnt.dll"'
check "the build folder holds no fwpuclnt.dll beside fwsvc.exe" '[ ! -e "$bin/fwpuclnt.dll" ]'
fresh
# A DLL of that name planted beside fwsvc.exe (one with no WFP export at all):
# loaded, every WFP call would fail.
cp "$bin/fwsvc_ca.dll" fwpuclnt.dll
fwsvc apply --profile dpm
check "a planted fwpuclnt.dll beside fwsvc.exe is not loaded: apply works against System32's" '[ "$(rc)" = 0 ] && grep -q "^Applied:" "$work/out"'
rm -f fwpuclnt.dll

echo "== 8: raw registry values: a clear error naming key and value, never a crash"
fresh
AP='HKLM\SOFTWARE\fwsvc\AppliedProfiles'
raw_case() { # VALUE TYPE DATA EXPECTED-TEXT [KEY]
  local key=${5:-$AP} want=$4
  wine fwtest.exe reg-raw "$key" "$1" "$2" "$3" || fail "fwtest could not write $1"
  fwsvc status
  check "$1 as $2 ($3): exit 1, '$want'" '[ "$(rc)" = 1 ] && grep -qF "$want" "$work/err"'
  wine reg delete "$key" /v "$1" /f >/dev/null 2>&1
}
raw_case dpm multi 64007000 "HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles, value dpm: is not terminated"
raw_case dpm multi 640070006d00 "value dpm: is not terminated"
raw_case dpm multi 6400700000 "value dpm: has an odd length (5 bytes)"
raw_case dpm sz 00d800000000 "value dpm: is not valid UTF-16"
raw_case dpm sz 65536x41 "value dpm: is 65536 bytes, more than the 32768 fwsvc reads"
raw_case CatalogDir sz 65536x41 "HKLM\\SOFTWARE\\fwsvc, value CatalogDir: is 65536 bytes" 'HKLM\SOFTWARE\fwsvc'
raw_case CatalogDir sz 4300 "value CatalogDir: is not terminated by a NUL" 'HKLM\SOFTWARE\fwsvc'
raw_case IntervalSeconds dword 1e00 "value IntervalSeconds: a REG_DWORD of 2 bytes instead of 4" 'HKLM\SOFTWARE\fwsvc'
raw_case IntervalSeconds binary 1e000000 "value IntervalSeconds: must be REG_DWORD, but is REG_BINARY" 'HKLM\SOFTWARE\fwsvc'

echo "== 5: a configuration key, catalog folder or file others can change is refused"
fresh
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5
before=$(state_sum)
wine fwtest.exe key-sd "$AP" 'D:(A;;KA;;;BA)(A;;KA;;;SY)(A;;KA;;;WD)'
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.6
# (Wine also gives the key another owner when its DACL is set, which the
# check names instead: either way it is refused.)
check "a subkey (AppliedProfiles) Everyone can change: apply refused (exit 2), naming the key; WFP unchanged" '[ "$(rc)" = 2 ] && grep -q "refused: the host configuration can be changed by non-administrators: HKLM.SOFTWARE.fwsvc.AppliedProfiles: " "$work/err" && [ "$(state_sum)" = "$before" ]'
fwsvc status
check "... status says so too (exit 2)" '[ "$(rc)" = 2 ] && grep -q "refused: the host configuration can be changed by non-administrators" "$work/err"'
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc' /v IntervalSeconds /t REG_DWORD /d 300 /f >/dev/null
wine fwtest.exe key-sd 'HKLM\SOFTWARE\Policies\fwsvc' 'D:(A;;KA;;;BA)(A;;KA;;;SY)(A;;KA;;;BU)'
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5
check "the Group Policy key others can change: refused (exit 2)" '[ "$(rc)" = 2 ] && grep -q "HKLM.SOFTWARE.Policies.fwsvc: " "$work/err"'
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5
fwsvc apply --profile dpm-sql --catalog '\\server\share\catalog'
check "a UNC catalog folder: refused (exit 2)" '[ "$(rc)" = 2 ] && grep -q "a network or device path" "$work/err"'
mkdir -p "$work/open/catalog"
cp catalog/*.yaml "$work/open/catalog/"
chmod o+w "$work/open"
fwsvc apply --profile dpm-sql --catalog "$(winpath "$work/open/catalog")"
check "a catalog folder whose parent Everyone can change: refused (exit 2), naming the folder" '[ "$(rc)" = 2 ] && grep -qF "$(winpath "$work/open"): Everyone (S-1-1-0) may change it" "$work/err" && [ "$(state_sum)" = "$before" ]'
chmod o-w "$work/open"
chmod o+w "$work/open/catalog/dpm.yaml"
fwsvc apply --profile dpm-sql --catalog "$(winpath "$work/open/catalog")"
check "a catalog file Everyone can change: refused (exit 2), naming the file" '[ "$(rc)" = 2 ] && grep -q "dpm.yaml: error: refused: writable by non-administrators: Everyone" "$work/err"'
chmod o-w "$work/open/catalog/dpm.yaml"
# Wine reports a link to a folder as a reparse point (not one to a file:
# that case is Windows'): a catalog folder that is a link is refused.
ln -s "$work/open/catalog" "$work/linked"
fwsvc apply --profile dpm-sql --catalog "$(winpath "$work/linked")"
check "a catalog folder that is a link (a junction): refused (exit 2)" '[ "$(rc)" = 2 ] && grep -q "refused: the catalog folder is a reparse point" "$work/err" && [ "$(state_sum)" = "$before" ]'

echo "== 2: a program rule whose program others can replace is refused"
fresh
fwsvc apply --profile dpm
check "dpm with msdpm.exe and dpmra.exe in place: in sync (exit 0), their program rules enforced" '[ "$(rc)" = 0 ] && wine fwsvc.exe filters | grep -q "dpm/msdpm-program/"'
chmod o+w "$dpm_root"
fwsvc status
# The refused rules' filters are still in WFP: drift that apply repairs.
check "Everyone may change a folder above msdpm.exe: status DRIFT (exit 3), 8 filters REFUSED, naming the folder and who" '[ "$(rc)" = 3 ] && grep -qE "^dpm +DRIFT +16 +0 +8 +0 +0 +0 +8" "$work/out" && grep -q "REFUSED dpm/msdpm-program/recv-accept-v4: its program C:.Program Files.Microsoft DPM.DPM.bin.msdpm.exe" "$work/err" && grep -q "C:.Program Files.Microsoft DPM: Everyone (S-1-1-0) may change it" "$work/err"'
fwsvc apply
check "apply: exit 5, and the refused rules' filters are gone from WFP" '[ "$(rc)" = 5 ] && ! wine fwsvc.exe filters | grep -q "dpm/msdpm-program/" && wine fwsvc.exe filters | grep -q "dpm/dcom-in/"'
fwsvc status --json
check "... status --json: state refused (exit 5), the refused rules with program and reason" '[ "$(rc)" = 5 ] && json "d[\"state\"] == \"refused\" and any(r[\"identity\"].startswith(\"dpm/msdpm-program/\") and r[\"program\"].endswith(\"msdpm.exe\") for r in d[\"profiles\"][0][\"refused\"])" && /usr/bin/python3 "$root/tests/e2e/validate_json.py" reconcile "$work/out" >/dev/null'
chmod o-w "$dpm_root"
fwsvc apply
check "permissions fixed: apply enforces them again (exit 0)" '[ "$(rc)" = 0 ] && wine fwsvc.exe filters | grep -q "dpm/msdpm-program/"'
fwsvc apply --profile dpm --set dpm_install='C:\Elsewhere\DPM'
check "moving an install folder is reported as widening" 'grep -q "dpm_install .* WIDENS what profile dpm opens" "$work/err"'

echo "== 3: values that widen a hard permit, from the registry, through the service"
fresh
wine_service_begin "$FWPEMU_STATE"
rm -rf "$data"
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5
fwsvc service install --interval 60
wine net start fwsvc >/dev/null 2>&1
for _ in $(seq 1 50); do [ "$(logged "event 1: process")" -ge 1 ] && in_sync && break; sleep 0.1; done
before=$(state_sum)
wine reg add "$AP" /v dpm-sql /t REG_MULTI_SZ /d 'dpm_server=0.0.0.0/0' /f >/dev/null
for _ in $(seq 1 30); do [ "$(logged "dpm_server=0.0.0.0/0: rule dpm-sql/")" -ge 1 ] && break; sleep 0.1; done
check "dpm_server=0.0.0.0/0 written to the registry: the service refuses it (event 6, naming rule and value), WFP keeps the last good state" '[ "$(logged "event 6:")" -ge 1 ] && [ "$(logged "dpm_server=0.0.0.0/0: rule dpm-sql/sql-in would open 1433")" -ge 1 ] && [ "$(state_sum)" = "$before" ]'
wine reg add "$AP" /v dpm-sql /t REG_MULTI_SZ /d 'dpm_server=10.0.0.5\0sql_port=3389' /f >/dev/null
for _ in $(seq 1 30); do [ "$(logged "sql_port=3389")" -ge 1 ] && break; sleep 0.1; done
check "sql_port=3389 in the registry: refused the same way, WFP unchanged" '[ "$(logged "sql_port=3389: rule dpm-sql/sql-in would move onto port 3389")" -ge 1 ] && [ "$(state_sum)" = "$before" ]'
wine reg add "$AP" /v dpm-sql /t REG_MULTI_SZ /d 'dpm_server=10.0.0.5' /f >/dev/null
wine reg add "$AP" /v dpm /t REG_MULTI_SZ /d 'dpm_network=any' /f >/dev/null
for _ in $(seq 1 30); do [ "$(logged "event 11:")" -ge 1 ] && break; sleep 0.1; done
check "dpm_network=any from the registry: enforced, and a warning in the logs (event 11)" '[ "$(logged "event 11: dpm_network=any counts as any address")" -ge 1 ]'
wine reg delete "$AP" /v dpm /f >/dev/null

echo "== 1: the service's data folder"
stop_service
rm -rf "$data"
fwsvc service status
check "service status never creates the data folder" '[ ! -e "$data" ] && grep -q "(none yet)" "$work/out"'
wine net start fwsvc >/dev/null 2>&1
for _ in $(seq 1 50); do [ -f "$data/status.json" ] && break; sleep 0.1; done
check "the service creates it, SYSTEM's and Administrators' alone (Wine: no access for others), and writes there" '[ -f "$log_file" ] && [ $((0$(stat -c %a "$data") & 7)) = 0 ]'
stop_service
printf '{"started":"2026","planted":"by a user"}' >"$data/status.json"
fwsvc service status --json
check "a status.json not of the service's shape is refused, not shown (exit 1)" '[ "$(rc)" = 1 ] && ! grep -q "planted" "$work/out" && json "d[\"last\"] is None and \"shape\" in d[\"record_problem\"]"'
chmod 777 "$data"
rm -f "$log_file"
wine net start fwsvc >/dev/null 2>&1
sleep 1
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
for _ in $(seq 1 30); do in_sync && break; sleep 0.1; done
check "a data folder Everyone can change: the service writes nothing there, and keeps enforcing (drift repaired)" '[ ! -e "$log_file" ] && in_sync'
stop_service
rm -rf "$data"
mkdir -p "$work/elsewhere"
ln -s "$work/elsewhere" "$data"
wine net start fwsvc >/dev/null 2>&1
sleep 1
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
for _ in $(seq 1 30); do in_sync && break; sleep 0.1; done
check "a data folder that is a link: nothing written through it, enforcement goes on" '[ -z "$(ls -A "$work/elsewhere")" ] && in_sync'
stop_service
touch "$work/elsewhere/keep.txt"
fwsvc remove --all --purge
check "remove --purge leaves a linked data folder alone (exit 1, says so), nothing deleted through it" '[ "$(rc)" = 1 ] && grep -q "left alone: .*reparse point" "$work/err" && [ -f "$work/elsewhere/keep.txt" ]'
rm -f "$data"

echo "trust end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
