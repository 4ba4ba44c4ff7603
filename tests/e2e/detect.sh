#!/usr/bin/env bash
# Detection (issue 20), under Wine: the evidence built the way the products
# leave it (services with 'sc create' and their real names and image paths,
# keys with 'reg add', executables with version resources from windres), then
# 'fwsvc detect', 'apply --detect', and the MSI's PROFILES=auto with the
# service following products as they are installed and removed.
# Usage: detect.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
. "$root/scripts/wine-service.sh"
cp "$bin/fwpemu.exe" "$work/"
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$bin/CMakeCache.txt")
msi="$bin/installer/fwsvc-$version-x64.msi"
pf="$WINEPREFIX/drive_c/Program Files/fwsvc"
services="$WINEPREFIX/drive_c/windows/system32/drivers/etc/services"
log="$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log"
exes=$(mktemp -d)
SERVICES="MSDPM DPMRA BackupExecJobEngine BackupExecAgentAccelerator VeeamBackupSvc VeeamTransportSvc VeeamDeploySvc"
KEYS='SOFTWARE\Microsoft\Microsoft Data Protection Manager SOFTWARE\Veritas SOFTWARE\Symantec SOFTWARE\Veeam'
FOLDERS="Microsoft System Center|Microsoft Azure Backup Server|Microsoft Data Protection Manager|Veritas|Symantec|Veeam"

# The host without any product: no service, key or folder this test makes.
clean_host() {
  for s in $SERVICES; do wine sc delete "$s" >/dev/null 2>&1; done
  for k in 'SOFTWARE\Microsoft\Microsoft Data Protection Manager' 'SOFTWARE\Veritas' 'SOFTWARE\Symantec' 'SOFTWARE\Veeam'; do
    wine reg delete "HKLM\\$k" /f >/dev/null 2>&1
  done
  (IFS='|'; for f in $FOLDERS; do rm -rf "$WINEPREFIX/drive_c/Program Files/$f" "$WINEPREFIX/drive_c/Program Files (x86)/$f"; done)
}
uninstall_fwsvc_msi() {
  for code in $(wine reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null | grep -o '{[0-9A-F-]*}'); do
    wine reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code" /v DisplayName 2>/dev/null |
      tr -d '\r' | grep -q 'REG_SZ *fwsvc$' && wine msiexec /x "$code" /qn >/dev/null 2>&1
  done
}
cleanup() {
  cp "$log" /tmp/detect-fwsvc.log 2>/dev/null # for a failure's post-mortem
  uninstall_fwsvc_msi
  [ -f "$work/services.before" ] && cp "$work/services.before" "$services"
  clean_host
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
  wine_service_end
  rm -rf "$work" "$exes" "$pf" "$WINEPREFIX/drive_c/msi-detect.log"
}
trap cleanup EXIT
fwsvc() { fwsvc_scratch "$@"; }
keys_of_filters() { wine fwsvc.exe filters --json | tr -d '\r' | python3 -c 'import json,sys; print(sorted(f["key"] for f in json.load(sys.stdin)["filters"]))'; }

# product_exe WINDOWS_PATH VERSION PRODUCT_NAME: a small program with a version
# resource (what the product's setup would have put there).
product_exe() {
  local unix="$WINEPREFIX/drive_c/${1#C:\\}" commas=${2//./,}
  unix=${unix//\\//}
  mkdir -p "$(dirname "$unix")"
  printf 'int main(void) { return 0; }\n' >"$exes/main.c"
  cat >"$exes/v.rc" <<EOF
1 VERSIONINFO
FILEVERSION $commas
PRODUCTVERSION $commas
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "FileVersion", "$2"
      VALUE "ProductName", "$3"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
EOF
  x86_64-w64-mingw32-windres "$exes/v.rc" -O coff -o "$exes/v.o" &&
    x86_64-w64-mingw32-gcc -o "$unix" "$exes/main.c" "$exes/v.o"
}
# service NAME 'COMMAND LINE': a service as the product's setup registers it.
service() { wine sc create "$1" binPath= "$2" >/dev/null; }
# DPM and MABS install the same services and Setup key: FOLDER VERSION PRODUCT_NAME.
dpm_like_server() {
  product_exe "$1\\bin\\msdpm.exe" "$2" "$3"
  service MSDPM "\"$1\\bin\\msdpm.exe\""
  service DPMRA "\"$1\\bin\\DPMRA.exe\""
  wine reg add 'HKLM\SOFTWARE\Microsoft\Microsoft Data Protection Manager\Setup' /v InstallPath /t REG_SZ /d "$1\\" /f >/dev/null
}

detected() { jtrue "any(x[\"profile\"] == \"$1\" for x in d[\"detected\"])"; }

wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
clean_host
cp "$services" "$work/services.before"

echo "== detect: each product and role, with its version and folder"
fwsvc detect --json
check "a computer without a product: nothing detected, nothing ambiguous (valid)" '[ "$(rc)" = 0 ] && valid detect && jtrue "d[\"detected\"] == [] and d[\"ambiguous\"] == []"'

dpm='C:\Program Files\Microsoft System Center\DPM\DPM'
dpm_like_server "$dpm" 10.22.123.0 "Microsoft System Center Data Protection Manager"
fwsvc detect --json
check "DPM server: dpm, version 10.22.123.0 from msdpm.exe, dpm_install from its service; DPMRA is the server's (no dpm-agent)" 'valid detect && jtrue "[(x[\"profile\"], x[\"version\"], x[\"settings\"]) for x in d[\"detected\"]] == [(\"dpm\", \"10.22.123.0\", {\"dpm_install\": r\"$dpm\"})]"'
check "its evidence: the service and its image path, the file and its version, the Setup key's InstallPath" 'jtrue "{e[\"kind\"] for e in d[\"detected\"][0][\"evidence\"]} == {\"service\", \"file\", \"registry\"} and any(e.get(\"value\") == \"InstallPath\" for e in d[\"detected\"][0][\"evidence\"])"'
fwsvc detect
check "the text names product, role, profile, version and folder" 'out | grep -q "DPM DPM server: profile dpm" && out | grep -q "version *10.22.123.0" && out | grep -qF "installed in   $dpm"'

clean_host
mabs='C:\Program Files\Microsoft Azure Backup Server\DPM\DPM'
dpm_like_server "$mabs" 14.0.30.0 "Microsoft Azure Backup Server"
fwsvc detect --json
check "Microsoft Azure Backup Server (same services, same key): not taken for DPM, listed as ambiguous with no profile" 'valid detect && jtrue "d[\"detected\"] == [] and [(a[\"product\"], a[\"candidates\"]) for a in d[\"ambiguous\"]] == [(\"Microsoft Azure Backup Server\", [])]"'

clean_host
be='C:\Program Files\Veritas\Backup Exec'
product_exe "$be\\bengine.exe" 22.0.1193.0 "Veritas Backup Exec"
product_exe "$be\\beremote.exe" 22.0.1193.0 "Veritas Backup Exec"
service BackupExecJobEngine "\"$be\\bengine.exe\""
service BackupExecAgentAccelerator "\"$be\\beremote.exe\""
wine reg add 'HKLM\SOFTWARE\Veritas\Backup Exec For Windows\Backup Exec\Server' /f >/dev/null
fwsvc detect --json
check "Backup Exec under Veritas\\: be-media-server, 22.0.1193.0, be_install from bengine.exe's service; its own Remote Agent is its" 'valid detect && jtrue "[(x[\"profile\"], x[\"version\"], x[\"settings\"]) for x in d[\"detected\"]] == [(\"be-media-server\", \"22.0.1193.0\", {\"be_install\": r\"$be\"})]"'
check "... with the Veritas root as evidence" 'jtrue "any(e.get(\"key\") == r\"HKLM\SOFTWARE\Veritas\Backup Exec For Windows\" for e in d[\"detected\"][0][\"evidence\"])"'

echo "== apply --detect gives the filters of the equivalent explicit apply"
fwsvc apply --detect
check "apply --detect: exit 0, be-media-server added by detection" '[ "$(rc)" = 0 ] && out | grep -q "profile be-media-server added"'
check "... with its ndmp line in the services file" 'grep -qP "^ndmp\s+10000/tcp" "$work/services"'
detect_keys=$(keys_of_filters)
fwsvc config --json
check "recorded: be-media-server with the detected be_install, marked as added by detection (valid config)" 'valid config && jtrue "[(p[\"name\"], p[\"settings\"], p[\"detected\"]) for p in d[\"profiles\"][\"items\"]] == [(\"be-media-server\", {\"be_install\": r\"$be\"}, True)]"'
fwsvc remove --all
fwsvc apply --profile be-media-server --set "be_install=$be"
check "the same filters as 'apply --profile be-media-server --set be_install=...' (same keys)" '[ "$(rc)" = 0 ] && [ -n "$detect_keys" ] && [ "$(keys_of_filters)" = "$detect_keys" ]'
fwsvc remove --all
fwsvc apply --detect --set ndmp_port=10001 --set 'be_install=C:\Program Files\Veritas\Other'
fwsvc config --json
check "explicit --set values win over detected ones (be_install, ndmp_port)" 'jtrue "d[\"profiles\"][\"items\"][0][\"settings\"] == {\"be_install\": r\"C:\Program Files\Veritas\Other\", \"ndmp_port\": \"10001\"}"'
fwsvc apply --detect
fwsvc config --json
check "apply --detect again: the detected folder back, ndmp_port kept" 'jtrue "d[\"profiles\"][\"items\"][0][\"settings\"] == {\"be_install\": r\"$be\", \"ndmp_port\": \"10001\"}"'
fwsvc apply --profile dpm-agent --set dpm_server=10.0.0.5
fwsvc status
check "a profile applied by hand whose product is not here: status warns, names the role" 'err | grep -q "warning: dpm-agent (DPM protection agent) is applied, but its product is not detected"'
clean_host
fwsvc apply --detect
check "Backup Exec uninstalled: apply --detect removes the profile detection added, keeps dpm-agent (by hand)" '[ "$(rc)" = 0 ] && out | grep -q "Profile be-media-server was added by detection and its product is no longer detected: removed" && ! wine fwsvc.exe filters | tr -d "\r" | grep -q be-media-server && wine fwsvc.exe filters | tr -d "\r" | grep -q dpm-agent'
check "... and its ndmp line from the services file" '! grep -qP "^ndmp\s" "$work/services"'
fwsvc remove --all
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1

raws='C:\Program Files\Symantec\Backup Exec'
product_exe "$raws\\RAWS\\beremote.exe" 16.2.1142.0 "Symantec Backup Exec"
service BackupExecAgentAccelerator "\"$raws\\RAWS\\beremote.exe\""
wine reg add 'HKLM\SOFTWARE\Symantec\Backup Exec For Windows' /f >/dev/null
fwsvc detect --json
check "a Remote Agent under the older Symantec\\ root: be-remote-agent, be_install above RAWS, version 16.2.1142.0" 'valid detect && jtrue "[(x[\"profile\"], x[\"version\"], x[\"settings\"]) for x in d[\"detected\"]] == [(\"be-remote-agent\", \"16.2.1142.0\", {\"be_install\": r\"$raws\"})]"'
clean_host

vbr='C:\Program Files\Veeam\Backup and Replication'
transport='C:\Program Files (x86)\Veeam\Backup Transport'
product_exe "$vbr\\Backup\\Veeam.Backup.Service.exe" 13.0.2.29 "Veeam Backup & Replication"
service VeeamBackupSvc "\"$vbr\\Backup\\Veeam.Backup.Service.exe\""
service VeeamTransportSvc "\"$transport\\VeeamTransportSvc.exe\""
wine reg add 'HKLM\SOFTWARE\Veeam\Veeam Backup and Replication' /v CorePath /t REG_SZ /d "$vbr\\Backup\\" /f >/dev/null
fwsvc detect --json
check "Veeam backup server: veeam_version=13.0.2.29 (its service's file version), veeam_install, the Data Mover's folder" 'valid detect && jtrue "[(x[\"profile\"], x[\"settings\"]) for x in d[\"detected\"]] == [(\"veeam-backup-server\", {\"veeam_install\": r\"$vbr\", \"veeam_version\": \"13.0.2.29\", \"veeam_transport_install\": r\"$transport\"})] and d[\"ambiguous\"] == []"'
wine sc delete VeeamBackupSvc >/dev/null
service VeeamDeploySvc '"C:\Windows\Veeam\Backup\VeeamDeploymentSvc.exe"'
fwsvc detect --json
check "the Data Mover alone: ambiguous (proxy, repository, gateway...), with the folders they would take; nothing applied" 'valid detect && jtrue "d[\"detected\"] == [] and d[\"ambiguous\"][0][\"candidates\"][:3] == [\"veeam-proxy\", \"veeam-repository\", \"veeam-gateway\"] and d[\"ambiguous\"][0][\"settings\"][\"veeam_installer_install\"] == r\"C:\Windows\Veeam\Backup\""'
clean_host

echo "== the MSI with PROFILES=auto, and the service following products"
rm -rf "$fwsvc_install_dir"
cd "$work"
wine_service_begin "$FWPEMU_STATE"
uninstall_fwsvc_msi
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"
# Prepared host: a Backup Exec Remote Agent.
product_exe "$raws\\RAWS\\beremote.exe" 16.2.1142.0 "Symantec Backup Exec"
service BackupExecAgentAccelerator "\"$raws\\RAWS\\beremote.exe\""
wine msiexec /i "$msi" PROFILES=auto /qn /l*v 'C:\msi-detect.log' >/dev/null 2>&1
echo $? >"$work/rc"
svc() { wine "C:\\Program Files\\fwsvc\\fwsvc.exe" "$@" 2>"$work/err" | tr -d '\r' >"$work/out"; }
check "msiexec PROFILES=auto: exit 0, the service running" '[ "$(rc)" = 0 ] && wine sc query fwsvc | grep -q RUNNING'
svc config --json
check "recorded: be-remote-agent (detected, be_install from its service), AutoDetect 1" 'jtrue "[(p[\"name\"], p[\"settings\"], p[\"detected\"]) for p in d[\"profiles\"][\"items\"]] == [(\"be-remote-agent\", {\"be_install\": r\"$raws\"}, True)] and d[\"auto_detect\"] == {\"value\": 1, \"source\": \"local\"}"'
has_filters() { wine "C:\\Program Files\\fwsvc\\fwsvc.exe" filters 2>/dev/null | tr -d '\r' | grep -q "$1"; }
check "its filters are in WFP and its ndmp line in the services file" 'has_filters be-remote-agent/ndmp-in && grep -qP "^ndmp\s+10000/tcp" "$services"'
ms() { date +%s%3N; }
# A DPM protection agent is installed: its service appears.
dpmra='C:\Program Files\Microsoft Data Protection Manager\DPM'
product_exe "$dpmra\\bin\\DPMRA.exe" 10.22.123.0 "Microsoft System Center Data Protection Manager"
# The service's log stamps its commit (UTC, ms): from there back to 'sc create'.
# The trigger may share its reconcile with others gathered in the same burst
# (an apply's own notifications arriving late): the log then names them all.
logged_ms() { grep "$1" "$log" | tail -1 | cut -c1-23 | { read -r t; [ -n "$t" ] && date -u -d "$t" +%s%3N; }; }
t0=$(ms)
service DPMRA "\"$dpmra\\bin\\DPMRA.exe\""
t1=$(ms)
for _ in $(seq 1 100); do has_filters dpm-agent/ && break; sleep 0.05; done
added_ms=$(( $(ms) - t0 ))
commit=$(logged_ms "event 3: [0-9]* WFP write(s) ([^)]*a service was installed or removed[^)]*): missing dpm-agent/")
check "DPMRA created: the service adds dpm-agent's filters (seen by polling in ${added_ms} ms, within 5 s)" 'has_filters dpm-agent/ && [ "$added_ms" -lt 5000 ] && [ -n "$commit" ]'
echo "DPMRA service created: dpm-agent's filters committed $((commit - t0)) ms after 'sc create' began ($((commit - t1)) ms after it returned; sc create itself took $((t1 - t0)) ms)"
check "the log names the product, the profile and the evidence (event 14)" 'grep -q "event 14: DPM protection agent 10.22.123.0: profile dpm-agent added with dpm_agent_install=C:.Program Files.Microsoft Data Protection Manager.DPM (evidence: service DPMRA runs" "$log"'
svc apply --profile veeam-agent
for _ in $(seq 1 40); do grep -q "event 16: veeam-agent" "$log" 2>/dev/null && break; sleep 0.05; done
check "a profile applied by hand without its product: kept, and warned of (event 16); never taken for drift" '! grep -q "extra veeam-agent/" "$log" && has_filters veeam-agent/ && grep -q "event 16: veeam-agent (Veeam Agent for Microsoft Windows protected computer)" "$log"'
t0=$(ms)
wine sc delete DPMRA >/dev/null
t1=$(ms)
for _ in $(seq 1 100); do has_filters dpm-agent/ || break; sleep 0.05; done
removed_ms=$(( $(ms) - t0 ))
# Right after an apply by hand, the reconcile that removes it may have been
# woken first by that apply's own late notifications: any trigger will do.
commit=$(logged_ms "event 3: [0-9]* WFP write(s) ([^)]*): extra dpm-agent/")
check "DPMRA deleted: dpm-agent (added by detection) removed with its filters (seen in ${removed_ms} ms), event 15" '! has_filters dpm-agent/ && grep -q "event 15: profile dpm-agent (added by detection)" "$log" && [ -n "$commit" ]'
echo "DPMRA service deleted: dpm-agent's filters deleted $((commit - t0)) ms after 'sc delete' began ($((commit - t1)) ms after it returned)"
check "the profiles applied by hand and still detected stay: veeam-agent, be-remote-agent" 'has_filters veeam-agent/ && has_filters be-remote-agent/'
svc status
check "status warns of veeam-agent's missing product" 'grep -q "warning: veeam-agent (Veeam Agent for Microsoft Windows protected computer) is applied, but its product is not detected" "$work/err"'
cp "$log" /tmp/detect-fwsvc.log 2>/dev/null # for a failure's post-mortem
wine msiexec /x "$msi" /qn >/dev/null 2>&1
check "uninstalled: no fwsvc filter left" '! wine fwpemu.exe dump | grep -qi "6482c740-e714-4384-a334-8d81e8a75eea"'

echo "detect: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
