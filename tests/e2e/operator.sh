#!/usr/bin/env bash
# What the operator sees is the host's truth (issue: operator truth): show
# and plan with the host's applied settings and where each value comes
# from, a pending program that names its path variable and where it was
# found instead, and the small findings (messages, warnings, exit codes).
# Under Wine against the WFP emulator. Usage: operator.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
veritas="$WINEPREFIX/drive_c/Program Files/Veritas"
cleanup() {
  rm -rf "$work" "$veritas"
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
}
trap cleanup EXIT
fwsvc() { fwsvc_scratch "$@"; } # Backup Exec profiles edit the (scratch) services file
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1

echo "== 1: show and plan take the host's applied settings"
fwsvc apply --profile be-media-server --set ndmp_port=10001
check "the first apply of ndmp_port=10001 does not warn WIDENS: nothing was open before (6)" '! err | grep -q WIDENS'
fwsvc show --profile be-media-server
check "show: ndmp_port 10001, from the host's local record; the settings are said to be this host's" '[ "$(rc)" = 0 ] && out | grep -qE "^ndmp_port +10001 +local +10000 " && out | grep -q "^Settings: this host.s, as applied"'
fwsvc plan --profile be-media-server
check "plan: the NDMP filters on 10001, not 10000" '[ "$(rc)" = 0 ] && out | grep -q "be-media-server/ndmp-in .*IP_LOCAL_PORT=10001" && ! out | grep -q "IP_LOCAL_PORT=10000"'
fwsvc plan --profile be-media-server --json
check "plan --json: applied, ndmp_port 10001 from local, the rest default; valid" 'valid plan && jtrue "d[\"profiles\"][0][\"applied\"] and d[\"profiles\"][0][\"variables\"][\"ndmp_port\"] == \"10001\" and d[\"profiles\"][0][\"variable_sources\"] == {\"ndmp_port\": \"local\", \"dynamic_ports\": \"default\", \"be_install\": \"default\"}"'
fwsvc show --profile be-media-server --set ndmp_port=10002
check "show --set: the value from this command line says --set" 'out | grep -qE "^ndmp_port +10002 +--set "'
fwsvc show --profile be-media-server --defaults
check "show --defaults: the catalog alone, 10000 from default" 'out | grep -qE "^ndmp_port +10000 +default " && out | grep -q "^Settings: the catalog.s defaults (--defaults)"'
fwsvc show --profile be-remote-agent
check "a profile the host does not apply: the catalog's defaults, and it says so" 'out | grep -qE "^ndmp_port +10000 +default " && out | grep -q "be-remote-agent is not applied on this host"'

echo "== 3: a pending program names its path variable, and where it is instead"
mkdir -p "$veritas/Backup Exec"
cp fwpemu.exe "$veritas/Backup Exec/beremote.exe"
fwsvc status
check "status: PENDING (exit 4); beremote.exe found under the Veritas folder, with the command that points be_install there" '[ "$(rc)" = 4 ] && out | grep -qF "be-media-server/ndmp-in/recv-accept-v4: waits for C:\\Program Files\\Symantec\\Backup Exec\\beremote.exe; beremote.exe is installed under %ProgramFiles%\\Veritas\\Backup Exec instead: fwsvc apply --profile be-media-server --set \"be_install=%ProgramFiles%\\Veritas\\Backup Exec\""'
check "... and a program found nowhere names the variable to set if it is installed elsewhere" 'out | grep -qF "be-media-server/dynamic-in/recv-accept-v4: waits for C:\\Program Files\\Symantec\\Backup Exec\\bengine.exe; it is added once the program is installed; installed in another folder: fwsvc apply --profile be-media-server --set be_install=FOLDER"'
fwsvc status --json
found='[(p["path_variable"], p["found_at"]) for pr in d["profiles"] for p in pr["pending"] if p["identity"] == "be-media-server/ndmp-in/recv-accept-v4"] == [("be_install", "%ProgramFiles%\\Veritas\\Backup Exec")]'
check "status --json: path_variable and found_at; valid" 'valid reconcile && jtrue "$found"'
fwsvc apply --set 'be_install=%ProgramFiles%\Veritas\Backup Exec'
fwsvc status --json
ndmp_in='not [p for pr in d["profiles"] for p in pr["pending"] if p["identity"].startswith("be-media-server/ndmp-in/")]'
check "the hint's command works: ndmp-in enforced (only bengine.exe's rules still wait)" 'jtrue "$ndmp_in"'

echo "== 6: the small ones"
fwsvc apply --profile dpm --set dpm_network=any
check "--set dpm_network=any warns once, not twice (apply)" '[ "$(err | grep -c "dpm_network=any counts as any address")" = 1 ]'
fwsvc show --profile dpm --set dpm_network=any
check "... and once in show" '[ "$(err | grep -c "dpm_network=any counts as any address")" = 1 ]'
fwsvc apply --profile dpm --unset dpm_network
fwsvc apply --profile veeam-backup-server --set veeam_servers=
check "--set veeam_servers= (empty): exit 2, pointing to --unset" '[ "$(rc)" = 2 ] && err | grep -q "has no value; .* use --unset veeam_servers"'
FWPEMU_FAULTS='FwpmEngineOpen0#*=ERROR_ACCESS_DENIED' fwsvc apply --profile dpm
check "apply denied before any transaction: says none began, not that one was aborted" '[ "$(rc)" = 1 ] && err | grep -q "no WFP transaction began; nothing was changed" && ! err | grep -q "was aborted"'
FWPEMU_FAULTS='FwpmFilterAdd0#1=ERROR_NOT_ENOUGH_MEMORY' fwsvc apply --profile dpm-agent --set dpm_server=10.0.0.5
check "... while a failure inside the transaction says it was aborted" '[ "$(rc)" = 1 ] && err | grep -q "the WFP transaction was aborted; nothing was changed"'
fwsvc remove --all

echo "operator end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
