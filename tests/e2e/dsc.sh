#!/usr/bin/env bash
# fwsvc's DSC v3 resource under Wine, driven as `dsc config set` drives it
# (tests/e2e/dsc_flow.py; dsc itself is not available here): the manifest
# against Microsoft's schema; a DPM fleet's instance set, with its diff;
# the second run a no-op in the desired state; a filter deleted by another
# program makes test false, and set repairs it; --what-if changes nothing;
# invalid input, Group Policy's profiles and _exist false; every output
# against Microsoft's stdout schemas. Usage: dsc.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
# One persistent wineserver for the many short wine commands (a server
# ending between two of them fails the next with "recvmsg: Connection reset").
wineserver -k >/dev/null 2>&1
wineserver -w
wineserver -p
trap 'wine reg delete "HKLM\\SOFTWARE\\Policies\\fwsvc" /f >/dev/null 2>&1; wineserver -k; rm -rf "$work"' EXIT
export FWSVC_DSC_RUN="wine fwsvc.exe"
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
# flow OP [INSTANCE]: one operation or the config-set flow; its JSON result in $work/out.
flow() { python3 "$root/tests/e2e/dsc_flow.py" "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
show() { out | sed 's/^/    /'; }

wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1

echo "== the manifest"
shared="$root/../shared/reference/dsc-v3"
if [ -d "$shared" ]; then
  check "tests/reference/dsc-v3 holds Microsoft's schemas unchanged (as ../shared/reference/dsc-v3)" '(for f in "$shared"/*.json; do cmp -s "$f" "$root/tests/reference/dsc-v3/$(basename "$f")" || exit 1; done)'
fi
flow manifest
check "fwsvc.dsc.resource.json validates against Microsoft's manifest schema" '[ "$(rc)" = 0 ]'
show

fleet='{"profiles":[{"name":"dpm","settings":{"dcom_ports":"5000-5100","dpm_network":"10.0.0.0/24"}}],"intervalSeconds":600}'
echo "== dsc config set, first run: a DPM server"
flow config-set "$fleet"
show
check "test said not in the desired state; get, set, get ran; exit 0" '[ "$(rc)" = 0 ] && jtrue "d[\"setCalled\"] and not d[\"inDesiredState\"]"'
check "the diff: profiles, intervalSeconds, _exist (the outputs checked against the stdout schemas)" 'jtrue "d[\"changedProperties\"] == [\"profiles\", \"intervalSeconds\", \"_exist\"]"'
check "before: nothing applied; after: dpm with its settings, 600 s, enforced (pending: DPM is not installed)" 'jtrue "d[\"beforeState\"][\"_exist\"] is False and d[\"afterState\"][\"profiles\"] == [{\"name\": \"dpm\", \"settings\": {\"dcom_ports\": \"5000-5100\", \"dpm_network\": \"10.0.0.0/24\"}}] and d[\"afterState\"][\"intervalSeconds\"] == 600 and d[\"afterState\"][\"state\"] == \"pending\""'
fwsvc status --json --services-file "$services_file"
check "fwsvc status agrees: in sync apart from DPM's program rules (exit 4)" '[ "$(rc)" = 4 ]'
fwsvc filters --json
check "WFP holds dpm's filters" 'jtrue "len(d[\"filters\"]) > 0 and all(\"dpm/\" in f[\"name\"] for f in d[\"filters\"])"'

echo "== the second run: in the desired state"
before=$(state_sum)
flow config-set "$fleet"
show
check "test says in the desired state; set is not called; the diff is empty" '[ "$(rc)" = 0 ] && jtrue "d[\"inDesiredState\"] and not d[\"setCalled\"] and d[\"changedProperties\"] == []"'
flow set "$fleet"
check "set called anyway (dsc resource set) writes nothing: its pretest finds nothing to do, diff []" '[ "$(rc)" = 0 ] && jtrue "d[\"lines\"][1] == []" && [ "$(state_sum)" = "$before" ]'

echo "== another program deletes one of fwsvc's filters"
check "fwpemu tamper deletes one" 'wine fwpemu.exe tamper delete-one --provider "$OURS" | grep -q "^deleted"'
flow test "$fleet"
show
check "test: _inDesiredState false, state drift, the diff names profiles" '[ "$(rc)" = 0 ] && jtrue "d[\"lines\"][0][\"_inDesiredState\"] is False and d[\"lines\"][0][\"state\"] == \"drift\" and d[\"lines\"][1] == [\"profiles\"]"'
flow config-set "$fleet"
show
check "config set repairs it: set called, the diff is profiles, after: no longer drift" '[ "$(rc)" = 0 ] && jtrue "d[\"setCalled\"] and d[\"changedProperties\"] == [\"profiles\"] and d[\"beforeState\"][\"state\"] == \"drift\" and d[\"afterState\"][\"state\"] == \"pending\""'
flow test "$fleet"
check "test is true again" 'jtrue "d[\"lines\"][0][\"_inDesiredState\"] is True"'

echo "== what-if"
before=$(state_sum)
wider='{"profiles":[{"name":"dpm","settings":{"dcom_ports":"5000-5200"}}]}'
flow whatif "$wider"
show
check "set --what-if: the state set would leave (dcom_ports 5000-5200, dpm_network kept) and the diff, profiles" '[ "$(rc)" = 0 ] && jtrue "d[\"lines\"][0][\"profiles\"][0][\"settings\"] == {\"dcom_ports\": \"5000-5200\", \"dpm_network\": \"10.0.0.0/24\"} and d[\"lines\"][1] == [\"profiles\"]"'
check "... a wider range is a warning, as DSC's JSON message" 'err | grep -q "{\"warn\": \"dcom_ports 5000-5100 -> 5000-5200 WIDENS what profile dpm opens\"}"'
check "... and nothing changed: WFP, and the configuration" '[ "$(state_sum)" = "$before" ] && flow test "$fleet" && jtrue "d[\"lines\"][0][\"_inDesiredState\"] is True"'

echo "== refusals: nothing changes"
flow set '{"profiles":[{"name":"dmp"}]}'
check "an unknown profile: exit 2 (declared), the error as {\"error\": ...}, WFP untouched" '[ "$(rc)" = 0 ] && jtrue "d[\"exitCode\"] == 2" && err | grep -q "{\"error\": \"profiles\[0\].name: the catalog has no profile .dmp." && [ "$(state_sum)" = "$before" ]'
flow set '{"profiles":[{"name":"dpm","settings":{"dcom_port":"5000"}}]}'
check "a setting the profile does not have: exit 2, named" 'jtrue "d[\"exitCode\"] == 2" && err | grep -q "profiles\[0\].settings.dcom_port: profile dpm has no such variable"'
flow set '{"profiles":[{"name":"dpm","settings":{"dcom_ports":"lots"}}]}'
check "a value the catalog refuses: exit 2, WFP untouched" 'jtrue "d[\"exitCode\"] == 2" && err | grep -q "dcom_ports" && [ "$(state_sum)" = "$before" ]'
flow set '{"profile":[]}'
check "a property the resource does not have: exit 2" 'jtrue "d[\"exitCode\"] == 2" && err | grep -q "unknown property .profile."'
fwsvc dsc set --input '{"intervalSeconds":5}'
check "intervalSeconds 5: exit 2" '[ "$(rc)" = 2 ]'
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc\AppliedProfiles' /v dpm /t REG_MULTI_SZ /d 'dcom_ports=5000-5100\0dpm_network=10.0.0.0/24' /f >/dev/null
flow set '{"profiles":[{"name":"dpm"},{"name":"dpm-agent"}]}'
check "profiles Group Policy sets: exit 2, said, nothing changed" 'jtrue "d[\"exitCode\"] == 2" && err | grep -q "set by Group Policy" && [ "$(state_sum)" = "$before" ]'
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
fwsvc dsc bogus
check "an unknown operation: exit 2, the operations named" '[ "$(rc)" = 2 ] && err | grep -q "get, test, set or export"'

echo "== export, and _exist false"
flow export
check "export: one line, the configuration (export's and the instance schema)" '[ "$(rc)" = 0 ] && jtrue "d[\"lines\"][0][\"profiles\"][0][\"name\"] == \"dpm\" and d[\"lines\"][0][\"intervalSeconds\"] == 600"'
flow config-set '{"_exist":false}'
show
check "_exist false: set removes every profile, the diff names profiles and _exist" '[ "$(rc)" = 0 ] && jtrue "d[\"setCalled\"] and d[\"changedProperties\"] == [\"profiles\", \"_exist\"] and d[\"afterState\"][\"_exist\"] is False and d[\"afterState\"][\"profiles\"] == []"'
wine fwpemu.exe dump >"$work/dump.json"
check "no filter of fwsvc's left in WFP" '! grep -qi "6482c740-e714-4384-a334-8d81e8a75eea" "$work/dump.json"'
flow config-set '{"_exist":false}'
check "again: in the desired state" 'jtrue "d[\"inDesiredState\"] and not d[\"setCalled\"]"'
flow get
check "get: _exist false, interval kept (600: not managed by that instance)" 'jtrue "d[\"lines\"][0][\"_exist\"] is False and d[\"lines\"][0][\"intervalSeconds\"] == 600"'

echo "dsc: $passed passed, $failed failed"
[ "$failed" = 0 ]
