#!/usr/bin/env bash
# End-to-end under Wine: the host configuration (docs/configuration.md) and
# the CLI findings of the host-configuration issue, each a check that failed
# on the code before it. Usage: host_config.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
cleanup() {
  rm -rf "$work" "$WINEPREFIX/drive_c/Program Files/Microsoft DPM"
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
}
trap cleanup EXIT
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
fresh() {
  wine fwpemu.exe reset >/dev/null
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not ($1))" "$work/out"; }
verdict() { wine fwpemu.exe classify --dir in --proto tcp --local-port "$1" --remote "${2:-10.0.0.5}" | cut -d' ' -f1; }
dpm_bin="$WINEPREFIX/drive_c/Program Files/Microsoft DPM/DPM/bin"
mkdir -p "$dpm_bin"
cp fwpemu.exe "$dpm_bin/msdpm.exe"
cp fwpemu.exe "$dpm_bin/dpmra.exe"

echo "== 2: --catalog is recorded; a plain status uses it"
fresh
cp -r catalog "$work/catalog"
sed -i 's/default: 1024-65535/default: 5000-5100/' "$work/catalog/dpm.yaml"
grep -q 'default: 5000-5100' "$work/catalog/dpm.yaml" || fail "the test catalog was not edited"
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5 --catalog "$(winpath "$work/catalog")"
check "apply with another catalog: its narrower range enforced (6000 blocked, 5050 permitted)" '[ "$(rc)" = 0 ] && [ "$(verdict 6000)" = BLOCK ] && [ "$(verdict 5050)" = PERMIT ]'
fwsvc status
check "plain status: in sync against the recorded catalog (exit 4: sqlservr.exe pending), no repair proposed" '[ "$(rc)" = 4 ]'
fwsvc config --json
check "config --json: the catalog folder, local; valid against config.schema.json" 'valid config && json "d[\"catalog_dir\"][\"source\"] == \"local\" and d[\"catalog_dir\"][\"value\"].lower().endswith(\"catalog\")"'
# The stock catalog as installed (the source tree's copy may sit under a folder
# everyone may change, such as /tmp, which the trust boundary refuses).
fwsvc status --catalog "$(winpath "$fwsvc_install_dir/catalog")"
check "status --catalog DIR compares this once with DIR: the stock range differs (exit 3)" '[ "$(rc)" = 3 ]'
fwsvc status
check "... and does not record it (a plain status is in sync again)" '[ "$(rc)" = 4 ]'

echo "== 3: --services-file is recorded; remove undoes its line there"
fresh
cp "$root/tests/services/corpus/windows-stock-crlf.txt" "$work/services"
cp "$work/services" "$work/services.orig"
fwsvc apply --profile raws --services-file "$(winpath "$work/services")"
check "apply raws: the ndmp line in the given file" '[ "$(rc)" = 0 ] && grep -q "^ndmp" "$work/services"'
fwsvc status
check "plain status checks the recorded file: its line in sync (exit 4: beremote.exe pending)" '[ "$(rc)" = 4 ] && grep -q "in sync" "$work/out"'
fwsvc remove --profile raws
check "plain remove --profile raws undoes the line in the recorded file, byte for byte" '[ "$(rc)" = 0 ] && cmp -s "$work/services" "$work/services.orig"'

echo "== 1: settings are kept, --set replaces, --unset returns to the default, widening is warned"
fresh
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5 --set dcom_ports=5000-5100
fwsvc apply
check "apply without --profile re-applies the recorded profiles: exit 0, keeps dcom_ports" '[ "$(rc)" = 0 ] && grep -q "Keeping dcom_ports=5000-5100" "$work/out" && [ "$(verdict 6000)" = BLOCK ]'
fwsvc apply --profile dpm-sql --unset dcom_ports
check "--unset: back to 1024-65535, warned as widening, 6000 permitted" '[ "$(rc)" = 0 ] && grep -q "WIDENS" "$work/err" && [ "$(verdict 6000)" = PERMIT ]'
fwsvc apply --profile dpm-sql --unset no_such_variable
check "--unset of a variable no profile has: exit 2" '[ "$(rc)" = 2 ] && grep -q "none of the profiles" "$work/err"'
fresh
fwsvc apply
check "apply with nothing recorded and no --profile: exit 2, told what to do" '[ "$(rc)" = 2 ] && grep -q "no profile is recorded" "$work/err"'

echo "== Group Policy wins, and fwsvc does not change what it sets"
fresh
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc' /v CatalogDir /t REG_SZ /d "$(winpath "$work/catalog")" /f >/dev/null
fwsvc apply --profile dpm --catalog "$(winpath "$root/catalog")"
check "apply --catalog against a policy CatalogDir: exit 2, names the policy" '[ "$(rc)" = 2 ] && grep -q "set by Group Policy" "$work/err"'
fwsvc apply --profile dpm-sql --set dpm_server=10.0.0.5
check "apply uses the policy's catalog (its 5000-5100: 6000 blocked)" '[ "$(rc)" = 0 ] && [ "$(verdict 6000)" = BLOCK ]'
fwsvc config
check "config shows the catalog folder from policy" '[ "$(rc)" = 0 ] && grep -qE "^catalog folder .* policy" "$work/out"'
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc\AppliedProfiles' /v dpm /t REG_MULTI_SZ /d "" /f >/dev/null
fwsvc apply --profile raws
check "profiles set by policy: apply --profile refused (exit 2)" '[ "$(rc)" = 2 ] && grep -q "set by Group Policy" "$work/err"'
fwsvc apply
check "plain apply applies the policy's profiles: dpm's filters come, dpm-sql's go" '[ "$(rc)" = 0 ] && wine fwsvc.exe filters | grep -q " fwsvc dpm/" && ! wine fwsvc.exe filters | grep -q "dpm-sql/"'
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1

echo "== strict reading: a wrong value fails closed, naming key and value"
fresh
fwsvc apply --profile dpm
before=$(state_sum)
wine reg add 'HKLM\SOFTWARE\fwsvc' /v CatalogDir /t REG_DWORD /d 5 /f >/dev/null
fwsvc apply --profile dpm-sql
check "CatalogDir as REG_DWORD: exit 1, names it, WFP unchanged" '[ "$(rc)" = 1 ] && grep -q "HKLM.SOFTWARE.fwsvc, value CatalogDir: must be REG_SZ" "$work/err" && [ "$(state_sum)" = "$before" ]'
fwsvc status --json
check "... status --json says so as a JSON error object (exit 1)" '[ "$(rc)" = 1 ] && valid error && json "\"CatalogDir\" in d[\"error\"][\"message\"]"'
wine reg delete 'HKLM\SOFTWARE\fwsvc' /v CatalogDir /f >/dev/null
wine reg add 'HKLM\SOFTWARE\fwsvc' /v IntervalSeconds /t REG_DWORD /d 5 /f >/dev/null
fwsvc config
check "IntervalSeconds 5: out of range (exit 1)" '[ "$(rc)" = 1 ] && grep -q "IntervalSeconds: 5 is out of range" "$work/err"'
wine reg delete 'HKLM\SOFTWARE\fwsvc' /v IntervalSeconds /f >/dev/null
wine reg add 'HKLM\SOFTWARE\fwsvc\AppliedProfiles' /v dpm /t REG_DWORD /d 1 /f >/dev/null
fwsvc status
check "a profile recorded as REG_DWORD: exit 1, names the value" '[ "$(rc)" = 1 ] && grep -q "AppliedProfiles, value dpm: must be REG_MULTI_SZ (NAME=VALUE lines) or REG_SZ (NAME=VALUE;...), but is REG_DWORD" "$work/err"'
wine reg add 'HKLM\SOFTWARE\fwsvc\AppliedProfiles' /v dpm /t REG_SZ /d "dcom_ports=5000-5100;sql_port" /f >/dev/null
fwsvc status
check "a REG_SZ profile (a Group Policy list row) with a setting that is not NAME=VALUE: exit 1, names it" '[ "$(rc)" = 1 ] && grep -q "AppliedProfiles, value dpm: .sql_port. is not NAME=VALUE" "$work/err"'

echo "== 9: JSON documents validate, and carry what a dashboard needs"
fresh
fwsvc apply --profile dpm --json
check "apply --json validates (reconcile.schema.json)" 'valid reconcile'
wine fwpemu.exe tamper delete-one --provider "$OURS" >/dev/null
fwsvc status --json
check "status --json validates, has host, version, time, configuration" 'valid reconcile && json "d[\"host\"] and d[\"version\"] and d[\"time\"].endswith(\"Z\") and d[\"configuration\"][\"profiles\"][0][\"name\"] == \"dpm\""'
check "... and its missing entry has identity, key and layer" 'json "(lambda m: len(m) == 1 and m[0][\"key\"].startswith(\"{\") and m[0][\"layer\"] and m[0][\"identity\"].startswith(\"dpm/\"))(d[\"profiles\"][0][\"missing\"])"'
fwsvc filters --json
check "filters --json validates and lists every filter of fwsvc's" 'valid filters && json "len(d[\"filters\"]) >= 20"'
fwsvc remove --all --json
check "remove --all --json validates" '[ "$(rc)" = 0 ] && valid reconcile'

echo "host configuration end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
