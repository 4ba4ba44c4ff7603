#!/usr/bin/env bash
# Veeam's infrastructure roles, rules that know their product version, and the
# site's own catalog folder (issue 19), under Wine against the WFP emulator's
# classify. Usage: veeam_roles.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
transport="$WINEPREFIX/drive_c/Program Files (x86)/Veeam/Backup Transport"
cleanup() {
  rm -rf "$work" "$WINEPREFIX/drive_c/Program Files (x86)/Veeam"
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
}
trap cleanup EXIT
fwsvc() { fwsvc_scratch "$@"; }
# classify_in PORT REMOTE [PROGRAM]: the emulator's verdict for an inbound TCP connection.
classify_in() { wine fwpemu.exe classify --dir in --proto tcp --local-port "$1" --remote "$2" ${3:+--program "$3"} | tr -d '\r' | cut -d' ' -f1; }
filters() { wine fwsvc.exe filters | tr -d '\r'; }
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1

echo "== a backup proxy: the Data Mover port is its program's, from the listed Veeam servers only"
mover='C:\Program Files (x86)\Veeam\Backup Transport\VeeamTransportSvc.exe'
mkdir -p "$transport/x64"
cp fwpemu.exe "$transport/VeeamTransportSvc.exe"
cp fwpemu.exe "$transport/x64/VeeamAgent.exe"
fwsvc apply --profile veeam-proxy --set veeam_servers=10.0.0.0/24 --set backup_server=10.0.0.5
check "apply veeam-proxy: the Data Mover programs are installed, so only the Installer and VSS services wait (exit 0)" '[ "$(rc)" = 0 ] && filters | grep -q "veeam-proxy/data-mover-in/recv-accept-v4"'
check "6162 from the backup server (10.0.0.5) to VeeamTransportSvc.exe: PERMIT" '[ "$(classify_in 6162 10.0.0.5 "$mover")" = PERMIT ]'
check "6162 from 192.0.2.9, outside veeam_servers: BLOCK" '[ "$(classify_in 6162 192.0.2.9 "$mover")" = BLOCK ]'
check "6162 from 10.0.0.5 to another program: BLOCK" '[ "$(classify_in 6162 10.0.0.5 "C:\windows\system32\svchost.exe")" = BLOCK ]'
check "2500 from a Veeam server to x64\\VeeamAgent.exe: PERMIT; to no program: BLOCK" '[ "$(classify_in 2500 10.0.0.7 "C:\Program Files (x86)\Veeam\Backup Transport\x64\VeeamAgent.exe")" = PERMIT ] && [ "$(classify_in 2500 10.0.0.7)" = BLOCK ]'
check "445 (deployment) from the backup server: PERMIT; from another Veeam server: BLOCK" '[ "$(classify_in 445 10.0.0.5)" = PERMIT ] && [ "$(classify_in 445 10.0.0.7)" = BLOCK ]'

echo "== proxy and repository on one host: the openings they share are installed once"
fwsvc apply --profile veeam-repository --set veeam_servers=10.0.0.0/24 --set backup_server=10.0.0.5
check "apply veeam-repository beside it, with the same peers (settings are per profile): exit 0" '[ "$(rc)" = 0 ]'
check "the repository's Data Mover filter is the proxy's: no veeam-repository/data-mover-in filter" '! filters | grep -q "veeam-repository/data-mover-in/" && filters | grep -q "veeam-repository/agent-data-in/"'
fwsvc plan --profile veeam-proxy --profile veeam-repository --json
check "plan --json lists the shared rules with the filter that serves them; valid" 'valid plan && jtrue "{(s[\"rule\"], s[\"with\"]) for s in d[\"shared\"]} >= {(\"data-mover-in\", \"veeam-proxy/data-mover-in\"), (\"deploy-smb-in\", \"veeam-proxy/deploy-smb-in\")}"'
wine fwsvc.exe filters --json >"$work/out"
shared_key=$(python3 -c "import json,sys; print([f['key'] for f in json.load(open(sys.argv[1]))['filters'] if f['name'] == 'fwsvc veeam-proxy/data-mover-in/recv-accept-v4'][0])" "$work/out")
wine fwpemu.exe tamper delete-key "$shared_key" >/dev/null
fwsvc why --dir in --proto tcp --port 6162 --remote-addr 10.0.0.5 --program "$mover" --json
both_drifted='sorted(m["rule"] for m in d["near_misses"] if m["unmatched"] == ["drifted"]) == ["veeam-proxy/data-mover-in", "veeam-repository/data-mover-in"]'
check "the shared filter deleted: blocked, and both rules it served say drifted (why)" '[ "$(rc)" = 3 ] && jtrue "$both_drifted"'
fwsvc apply
fwsvc status
check "status: in sync with the shared filters (exit 0 or 4)" '[ "$(rc)" = 0 ] || [ "$(rc)" = 4 ]'
fwsvc remove --profile veeam-proxy
check "remove the proxy: the repository keeps its Data Mover port, now its own filter" '[ "$(rc)" = 0 ] && filters | grep -q "veeam-repository/data-mover-in/recv-accept-v4" && [ "$(classify_in 6162 10.0.0.5 "$mover")" = PERMIT ]'
fwsvc remove --all

echo "== versions: a v12 backup server, a v13 one, and one whose version is not set"
fwsvc apply --profile veeam-backup-server --set veeam_version=12.3
check "v12.3: the v12 certificate port 9405 is open, 9420 (console update, 12.3.2.4165 on) is not" '[ "$(rc)" = 0 ] && [ "$(classify_in 9405 192.0.2.9)" = PERMIT ] && [ "$(classify_in 9420 192.0.2.9)" = BLOCK ]'
fwsvc status
check "status says which rule this version leaves out" 'out | grep -q "veeam_version=12.3: left out as rules of other versions: console-update-in (>=12.3.2.4165)"'
fwsvc apply --profile veeam-backup-server --set veeam_version=13.0.2.29
check "v13.0.2.29: 9420 open, 9405 (v12 only) closed again" '[ "$(rc)" = 0 ] && [ "$(classify_in 9420 192.0.2.9)" = PERMIT ] && [ "$(classify_in 9405 192.0.2.9)" = BLOCK ] && ! filters | grep -q enterprise-manager-v12-in'
fwsvc plan --profile veeam-backup-server --json
check "plan --json: the version, and the v12 rule left out; valid" 'valid plan && jtrue "d[\"profiles\"][0][\"versions\"][\"value\"] == \"13.0.2.29\" and [x[\"rule\"] for x in d[\"profiles\"][0][\"versions\"][\"left_out\"]] == [\"enterprise-manager-v12-in\"]"'
fwsvc apply --profile veeam-backup-server --unset veeam_version
check "no version: the union, both ports open" '[ "$(rc)" = 0 ] && [ "$(classify_in 9420 192.0.2.9)" = PERMIT ] && [ "$(classify_in 9405 192.0.2.9)" = PERMIT ]'
fwsvc show --profile veeam-backup-server
check "show says the version is not set and every version's rules are planned" 'out | grep -q "veeam_version is not set: the rules of every version are planned"'
fwsvc apply --profile veeam-backup-server --set veeam_version=twelve
check "a version that is not one: exit 2, nothing changed" '[ "$(rc)" = 2 ] && [ "$(classify_in 9405 192.0.2.9)" = PERMIT ]'
fwsvc remove --all

echo "== the site's catalog folder: recorded, used, and steered by policy"
mkdir -p "$work/site"
cp "$root/tests/site-catalog/contoso.yaml" "$work/site/"
site=$(winpath "$work/site")
fwsvc apply --site-catalog "$site" --profile contoso-veeam-one-agent --set veeam_one_server=10.0.0.9
check "apply a site profile: exit 0, its rule enforced" '[ "$(rc)" = 0 ] && [ "$(classify_in 2805 10.0.0.9)" = PERMIT ] && [ "$(classify_in 2805 10.0.0.8)" = BLOCK ]'
fwsvc config --json
check "config: the site folder is recorded (local); valid" 'valid config && jtrue "d[\"site_catalog_dir\"][\"source\"] == \"local\" and d[\"site_catalog_dir\"][\"value\"].lower().endswith(\"site\")"'
fwsvc status
check "status needs no --site-catalog: the host's folder is used (exit 0)" '[ "$(rc)" = 0 ]'
fwsvc apply
check "apply with nothing named: the recorded site folder still holds the site profile (exit 0)" '[ "$(rc)" = 0 ]'
fwsvc list
check "list (the host's folders) marks the site's profile" 'out | grep -qE "^  contoso-veeam-one-agent .*\[site\]"'
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc' /v SiteCatalogDir /t REG_SZ /d 'C:\policy-site' /f >/dev/null 2>&1
fwsvc apply --site-catalog "$site"
check "policy sets SiteCatalogDir: --site-catalog is refused (exit 2)" '[ "$(rc)" = 2 ] && err | grep -q "SiteCatalogDir is set by Group Policy"'
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
fwsvc apply --site-catalog none
check "--site-catalog none with a site profile applied: exit 2, the profile is unknown" '[ "$(rc)" = 2 ] && err | grep -q "contoso-veeam-one-agent"'
fwsvc remove --all

echo "veeam roles end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
