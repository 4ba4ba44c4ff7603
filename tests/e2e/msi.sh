#!/usr/bin/env bash
# The MSI, end to end: its tables as installer/fwsvc.wxs says (msiinfo), then
# under Wine's msiexec and service manager: a bad property fails cleanly, an
# install with PROFILES leaves the service running and the filters in the
# WFP emulator, an upgrade keeps both, a downgrade is refused, and an
# uninstall leaves nothing of fwsvc's. Usage: msi.sh BUILD_DIR (windows)
#
# The harness, never the MSI, puts the emulator (fwpuclnt.dll) in the
# prefix's system32 (wine-e2e.sh): fwsvc.exe loads it from there only, and
# the MSI starts the service at once. The harness's own copy of fwsvc in
# C:\Program Files\fwsvc is removed: the MSI installs there.
. "$(dirname "$0")/wine-e2e.sh"
. "$root/scripts/wine-service.sh"
cp "$bin/fwpemu.exe" "$work/"
cd "$work"
rm -rf "$fwsvc_install_dir"
OURS='{6482c740-e714-4384-a334-8d81e8a75eea}'
UPGRADE_CODE='{6C1F0E52-8B4D-4E36-9A0B-5F2D7C3A9E41}'
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$bin/CMakeCache.txt")
next=$(echo "$version" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
msi="$bin/installer/fwsvc-$version-x64.msi"
pf="$WINEPREFIX/drive_c/Program Files/fwsvc"
services="$WINEPREFIX/drive_c/windows/system32/drivers/etc/services"
# msiexec's exit code is a Win32 error; Linux keeps its low byte:
# ERROR_INSTALL_FAILURE 1603 -> 67.
FAILED=$((1603 % 256))

# Uninstalls every fwsvc product the prefix has: what an earlier run that
# failed half-way left.
uninstall_leftovers() {
  for code in $(wine reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null |
    grep -o '{[0-9A-F-]*}'); do
    wine reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code" /v DisplayName 2>/dev/null |
      tr -d '\r' | grep -q 'REG_SZ *fwsvc$' && wine msiexec /x "$code" /qn >/dev/null 2>&1
  done
}
cleanup() {
  cp "$WINEPREFIX/drive_c/msi-"*.log /tmp/ 2>/dev/null
  uninstall_leftovers
  [ -f "$work/services.before" ] && cp "$work/services.before" "$services"
  wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
  rm -rf "$pf" "$WINEPREFIX/drive_c/msi-"*.log "$WINEPREFIX/drive_c/Program Files/Symantec"
  wine_service_end
  rm -rf "$work"
}
trap cleanup EXIT

table() { msiinfo export "$1" "$2" | tail -n +4 | tr -d '\r'; }
row() { table "$msi" "$1" | awk -F'\t' -v k="$2" '$1 == k'; }

echo "== the package: its tables are what installer/fwsvc.wxs says"
check "built as fwsvc-$version-x64.msi" '[ -f "$msi" ]'
check "x64, per-machine (Template x64;1033, ALLUSERS=1)" 'msiinfo suminfo "$msi" | grep -q "Template: x64;1033" && [ "$(row Property ALLUSERS | cut -f2)" = 1 ]'
check "ProductVersion is the project's ($version); the UpgradeCode is the fixed one" '[ "$(row Property ProductVersion | cut -f2)" = "$version" ] && [ "$(row Property UpgradeCode | cut -f2)" = "$UPGRADE_CODE" ]'
# Not secure: a non-administrator's managed install or repair cannot pass them to a LocalSystem action.
check "PROFILES, SETTINGS and INTERVAL are not secure properties (only the upgrade's are)" '[ "$(row Property SecureCustomProperties | cut -f2 | tr ";" "\n" | sort | tr "\n" " ")" = "WIX_DOWNGRADE_DETECTED WIX_UPGRADE_DETECTED " ]'
table "$msi" File | cut -f3 | sort >"$work/files"
(cd "$root/catalog" && ls *.yaml; echo fwsvc.exe; echo fwsvc.dsc.resource.json) | sort >"$work/files.want"
check "it installs fwsvc.exe, the DSC resource manifest and every catalog file, and never the WFP emulator" 'cmp -s "$work/files" "$work/files.want" && ! grep -qi fwpuclnt "$work/files"'
table "$msi" Directory >"$work/dirs"
check "under Program Files (64-bit)\\fwsvc\\catalog" 'grep -qP "^INSTALLDIR\tProgramFiles64Folder\tfwsvc$" "$work/dirs" && grep -qP "^CATALOGDIR\tINSTALLDIR\tcatalog$" "$work/dirs"'
row ServiceInstall FwsvcService >"$work/svc"
# Name DisplayName ServiceType StartType ErrorControl LoadOrderGroup Dependencies StartName Password Arguments
check "ServiceInstall: fwsvc, own process (16), automatic (2), after BFE, LocalSystem, 'service run'" '[ "$(cut -f2,4,5,6,8,9,11 "$work/svc")" = "$(printf "fwsvc\t16\t2\t1\tBFE[~][~]\tLocalSystem\tservice run")" ]'
# 163 = start on install (1) + stop on install (2) and uninstall (32) + delete on uninstall (128)
check "ServiceControl: started on install, stopped on both, deleted on uninstall (163), waits" '[ "$(row ServiceControl FwsvcServiceControl | cut -f2,3,5)" = "$(printf "fwsvc\t163\t1")" ]'
table "$msi" Registry >"$work/reg"
check "Event Log source as registry values: EventMessageFile REG_EXPAND_SZ (#%), TypesSupported 7" 'grep -qP "EventLog\\\\Application\\\\fwsvc\\\\?\tEventMessageFile\t#%\[#fwsvc.exe\]" "$work/reg" && grep -qP "\tTypesSupported\t#7\t" "$work/reg"'
# 3073 = DLL in the Binary table (1) + deferred (1024) + no impersonation (2048)
check "uninstall cleanup: deferred, not impersonated, before RemoveFiles, not during an upgrade" '[ "$(row CustomAction FwsvcRemoveAll | cut -f2,4)" = "$(printf "3073\tFwsvcUninstallCleanup")" ] && [ "$(row InstallExecuteSequence FwsvcRemoveAll | cut -f2,3)" = "$(printf "REMOVE=\"ALL\" AND NOT UPGRADINGPRODUCTCODE\t3399")" ]'
check "configure: deferred, not impersonated, between InstallServices (5800) and StartServices (5900), only when a property is given" '[ "$(row CustomAction FwsvcConfigure | cut -f2)" = 3073 ] && [ "$(row InstallExecuteSequence FwsvcConfigure | cut -f3)" = 5849 ] && row CustomAction SetFwsvcConfigure | grep -q "configure --profiles \"\[PROFILES\]\" --settings \"\[SETTINGS\]\" --interval \"\[INTERVAL\]\""'
# 3393 = DLL (1) + ignore its return (64) + rollback (256) + in script (1024) + no impersonation (2048)
check "configure's rollback: a rollback action (3393), before configure, only when FwsvcPlanRollback (immediate) set it" '[ "$(row CustomAction FwsvcConfigureRollback | cut -f2)" = 3393 ] && [ "$(row InstallExecuteSequence FwsvcConfigureRollback | cut -f2,3)" = "$(printf "FwsvcConfigureRollback\t5847")" ] && [ "$(row CustomAction FwsvcPlanRollback | cut -f2)" = 2113 ]'
check "MajorUpgrade: same or older versions upgraded (VersionMax inclusive, 513), newer ones refused" '[ "$(table "$msi" Upgrade | awk -F"\t" "\$7==\"WIX_UPGRADE_DETECTED\" {print \$3 \"/\" \$5}")" = "$version/513" ] && table "$msi" LaunchCondition | grep -q "^NOT WIX_DOWNGRADE_DETECTED"'
python3 - "$bin/fwsvc.exe" "$version" >"$work/verres" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
# Inside the resource only (the program's own strings may name the keys too).
start = data.find("VS_VERSION_INFO\0".encode("utf-16-le"))
def value(name):
    key = (name + "\0").encode("utf-16-le")
    i = data.find(key, start) if start >= 0 else -1
    if i < 0:
        return None
    i += len(key)
    while data[i:i + 2] == b"\0\0":  # padding to a 32-bit boundary
        i += 2
    end = data.find(b"\0\0", i)
    while (end - i) % 2:
        end = data.find(b"\0\0", end + 1)
    return data[i:end].decode("utf-16-le")
print(value("FileVersion"), value("ProductVersion"), value("ProductName"))
EOF
check "INSTALLDIR and %ProgramData%\\fwsvc are created with protected ACLs (MsiLockPermissionsEx): SYSTEM and Administrators, Users read on INSTALLDIR only" '[ "$(row MsiLockPermissionsEx LockInstallDir | cut -f2-4)" = "$(printf "INSTALLDIR\tCreateFolder\tD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)")" ] && [ "$(row MsiLockPermissionsEx LockDataDir | cut -f2-4)" = "$(printf "FWSVCDATADIR\tCreateFolder\tD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)")" ] && table "$msi" CreateFolder | grep -qP "^FWSVCDATADIR\tFwsvcDataFolder$" && table "$msi" CreateFolder | grep -qP "^INSTALLDIR\tFwsvcExe$"'
check "fwsvc.exe's version resource: file and product version $version, product fwsvc" '[ "$(cat "$work/verres")" = "$version $version fwsvc" ]'

echo "== under Wine: the emulator is in system32 (the harness's, never the MSI's)"
wine_service_begin "$FWPEMU_STATE"
uninstall_leftovers
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc" "$pf"
cp "$services" "$work/services.before"
# A Backup Exec Remote Agent is installed here: be-remote-agent's rules are
# bound to its program.
raws="$WINEPREFIX/drive_c/Program Files/Symantec/Backup Exec/RAWS"
mkdir -p "$raws" && cp fwpemu.exe "$raws/beremote.exe"
msiexec() { local log=$1; shift; wine msiexec "$@" /qn /l*v "C:\\msi-$log.log" >/dev/null 2>&1; echo $? >"$work/rc"; }
msilog() { tr -d '\r' <"$WINEPREFIX/drive_c/msi-$1.log"; }
installed_versions() { wine reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' | awk '/DisplayName +REG_SZ +fwsvc$/ { f = 1 } /DisplayVersion/ && f { print $3; f = 0 }' | sort | tr '\n' ' '; }
ours() { wine fwpemu.exe dump | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for f in d["filters"] if f["provider"] == sys.argv[1]))' "$OURS"; }
nothing_left() {
  [ -z "$(installed_versions)" ] && ! wine reg query 'HKLM\System\CurrentControlSet\Services\fwsvc' >/dev/null 2>&1 &&
    ! wine reg query 'HKLM\SOFTWARE\fwsvc' >/dev/null 2>&1 && [ ! -e "$WINEPREFIX/drive_c/ProgramData/fwsvc" ] &&
    { [ ! -e "$pf" ] || [ -z "$(ls -A "$pf")" ]; }
}
fwsvc() { wine "C:\\Program Files\\fwsvc\\fwsvc.exe" "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
before=$(state_sum)

echo "== a bad property fails the install, says why in the MSI log, and leaves nothing"
msiexec bad-profile /i "$msi" PROFILES=dmp
check "PROFILES=dmp: exit 1603 ($FAILED here)" '[ "$(rc)" = "$FAILED" ]'
check "the MSI log has fwsvc's own message, said once to be fwsvc's: did you mean 'dpm'?" 'msilog bad-profile | grep -q "^fwsvc: error: no profile named .dmp." && ! msilog bad-profile | grep -q "^fwsvc: fwsvc:" && msilog bad-profile | grep -q "^fwsvc: Did you mean .dpm.?" && msilog bad-profile | grep -q "^fwsvc: fwsvc failed with exit code 2"'
check "nothing left: no product, service, configuration key, data folder or file; WFP untouched" 'nothing_left && [ "$(state_sum)" = "$before" ]'
msiexec bad-setting /i "$msi" PROFILES=dpm "SETTINGS=dcom_ports=lots"
check "SETTINGS=dcom_ports=lots: exit 1603, the reason in the log, nothing left, WFP untouched" '[ "$(rc)" = "$FAILED" ] && msilog bad-setting | grep -q "^fwsvc: .*dcom_ports" && nothing_left && [ "$(state_sum)" = "$before" ]'
msiexec bad-interval /i "$msi" PROFILES=dpm INTERVAL=5
check "INTERVAL=5: exit 1603, 'out of range' in the log, nothing left, WFP untouched" '[ "$(rc)" = "$FAILED" ] && msilog bad-interval | grep -q "^fwsvc: .*interval 5 s is out of range" && nothing_left && [ "$(state_sum)" = "$before" ]'

echo "== install with PROFILES, SETTINGS and INTERVAL"
msiexec install /i "$msi" "PROFILES=dpm;be-remote-agent" "SETTINGS=dcom_ports=5000-5100;ndmp_port=10001;dpm_network=any" INTERVAL=600
check "exit 0; the product is installed ($version)" '[ "$(rc)" = 0 ] && [ "$(installed_versions)" = "$version " ]'
check "fwsvc.exe and the catalog under Program Files\\fwsvc" '[ -f "$pf/fwsvc.exe" ] && [ "$(ls "$pf/catalog" | wc -l)" = "$(ls "$root"/catalog/*.yaml | wc -l)" ]'
check "the service is running" 'wine sc query fwsvc | grep -q RUNNING'
check "the DSC resource manifest beside fwsvc.exe, with the package's version" 'python3 -c "import json,sys; m=json.load(open(sys.argv[1])); sys.exit(not (m[\"type\"] == \"Fwsvc/BackupFirewall\" and m[\"version\"] == sys.argv[2]))" "$pf/fwsvc.dsc.resource.json" "$version"'
syspath() { wine reg query 'HKLM\System\CurrentControlSet\Control\Session Manager\Environment' /v PATH 2>/dev/null | tr -d '\r' | grep -i 'PATH'; }
check "the system PATH ends with C:\\Program Files\\fwsvc\\ (where DSC looks for manifests)" 'syspath | grep -qiE ";C:.Program Files.fwsvc.?$"'
wine reg query 'HKLM\System\CurrentControlSet\Services\EventLog\Application\fwsvc' >"$work/evt" 2>&1
check "the Event Log source points at the installed fwsvc.exe (REG_EXPAND_SZ)" 'grep -qE "EventMessageFile +REG_EXPAND_SZ +C:.Program Files.fwsvc.fwsvc.exe" "$work/evt"'
fwsvc config --json
check "the host configuration: dpm (dcom_ports=5000-5100, dpm_network=any), be-remote-agent (ndmp_port=10001), interval 600, all local" 'python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
p={x[\"name\"]: x[\"settings\"] for x in d[\"profiles\"][\"items\"]}
assert p == {\"dpm\": {\"dcom_ports\": \"5000-5100\", \"dpm_network\": \"any\"}, \"be-remote-agent\": {\"ndmp_port\": \"10001\"}}, p
assert d[\"interval_seconds\"] == {\"value\": 600, \"source\": \"local\"}, d[\"interval_seconds\"]
" "$work/out"'
fwsvc status
check "status: WFP holds both profiles' filters (in sync, or pending programs)" '{ [ "$(rc)" = 0 ] || [ "$(rc)" = 4 ]; } && [ "$(ours)" -gt 0 ]'
check "SETTINGS that widen a scope to any address: warned in the Event Log and the text log, not only the MSI log" 'grep -q "event 11: dpm_network=any counts as any address: dpm/.* (set by the installer)" "$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log" && msilog install | grep -q "^fwsvc: warning: dpm_network=any counts as any address" && ! msilog install | grep -q "^fwsvc: fwsvc:"'
check "the MSI log has what apply did" 'msilog install | grep -q "^fwsvc: added *dpm/" && msilog install | grep -q "^fwsvc: added *be-remote-agent/"'
check "the services file has Backup Exec's ndmp 10001/tcp" 'grep -qP "^ndmp\s+10001/tcp" "$services"'
started() { grep -qE "event 1: process [0-9]+; (recovery actions set|the Service Control Manager refused)" "$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log" 2>/dev/null; }
for _ in $(seq 1 50); do started && break; sleep 0.1; done
check "the service set its own recovery actions at start, or logged what Wine refused" 'started'
wine reg query 'HKLM\System\CurrentControlSet\Services\fwsvc' >"$work/qc" 2>&1
check "registered as 'fwsvc service install' registers it: own process, automatic, after BFE, LocalSystem" 'grep -qE "Type +REG_DWORD +0x10" "$work/qc" && grep -qE "Start +REG_DWORD +0x2" "$work/qc" && grep -qE "DependOnService +REG_MULTI_SZ +BFE" "$work/qc" && grep -q "LocalSystem" "$work/qc"'
# Wine's msiexec writes the image path unquoted; the service quotes it.
check "its image path is quoted (no C:\\Program.exe), as the service corrects it at start" 'grep -qF "\"C:\\Program Files\\fwsvc\\fwsvc.exe\" service run" "$work/qc"'

echo "== upgrade to $next keeps the configuration and the filters"
# The upgrade is built signed, with a throwaway code-signing certificate:
# what it installs must carry the signature (docs/release.md).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/sign.key" -out "$work/sign.pem" -days 2 \
  -subj "/CN=fwsvc msi test" -addext "extendedKeyUsage=codeSigning" >/dev/null 2>&1
FWSVC_SIGN_CERT="$work/sign.pem" FWSVC_SIGN_KEY="$work/sign.key" \
  bash "$root/installer/build-msi.sh" "$next" "$bin" "$root/catalog" "$work/next" >/dev/null 2>&1
fwsvc filters --json && cp "$work/out" "$work/filters.before"
fwsvc config --json && cp "$work/out" "$work/config.before"
filters_before=$(ours)
# While the upgrade runs, count fwsvc's filters as often as Wine allows.
(while [ ! -f "$work/upgrade.done" ]; do ours >>"$work/samples"; done) &
sampler=$!
msiexec upgrade /i "$work/next/fwsvc-$next-x64.msi"
touch "$work/upgrade.done"
wait $sampler
fewest=$(sort -n "$work/samples" | head -1)
echo "fwsvc filters sampled $(wc -l <"$work/samples") times during the upgrade: fewest $fewest, before $filters_before"
check "exit 0; only $next is installed now" '[ "$(rc)" = 0 ] && [ "$(installed_versions)" = "$next " ]'
check "the build was signed: the installed fwsvc.exe carries a valid signature (osslsigncode verify -CAfile)" 'osslsigncode verify -CAfile "$work/sign.pem" -in "$pf/fwsvc.exe" 2>&1 | grep -q "^Signature verification: ok"'
check "the newer package noted the upgrade before RemoveExistingProducts (the older uninstall then keeps the configuration)" 'msilog upgrade | grep -q "upgrading {"'
check "while the upgrade ran, fwsvc's filters were never all gone (fewest $fewest of $filters_before)" '[ "$(wc -l <"$work/samples")" -ge 2 ] && [ "$fewest" = "$filters_before" ]'
fwsvc filters --json && cp "$work/out" "$work/filters.after"
fwsvc config --json && cp "$work/out" "$work/config.after"
check "the same filters and the same configuration after it" 'cmp -s "$work/filters.before" "$work/filters.after" && cmp -s "$work/config.before" "$work/config.after"'
check "the service is running again" 'sleep 1; wine sc query fwsvc | grep -q RUNNING'
check "the upgrade note is gone" '! wine reg query "HKLM\\SOFTWARE\\fwsvc\\UpgradeInProgress" >/dev/null 2>&1'

echo "== a downgrade is refused"
msiexec downgrade /i "$msi"
# Wine's log omits the launch condition's text; it shows where the install stopped.
check "installing $version over $next: exit 1603, stopped by its launch condition, $next still installed and running" '[ "$(rc)" = "$FAILED" ] && msilog downgrade | grep -q "Action ended .*: LaunchConditions. Return value 0" && ! msilog downgrade | grep -q "Action start .*: InstallFiles" && [ "$(installed_versions)" = "$next " ] && wine sc query fwsvc | grep -q RUNNING && [ "$(ours)" = "$filters_before" ]'

echo "== an upgrade that has to create HKLM\\SOFTWARE\\fwsvc creates it as an ordinary key"
# The note the upgrade leaves under it is volatile; its parent, which then
# holds the configuration, must not be (it would be gone at the next restart).
later=$(echo "$next" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
bash "$root/installer/build-msi.sh" "$later" "$bin" "$root/catalog" "$work/later" >/dev/null 2>&1
wine net stop fwsvc >/dev/null 2>&1
fwsvc remove --all # undoes the services-file line: its record goes with the key
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
msiexec upgrade-later /i "$work/later/fwsvc-$later-x64.msi" PROFILES=dpm-agent SETTINGS=dpm_server=10.0.0.5
check "upgrade to $later with PROFILES=dpm-agent: exit 0, recorded" '[ "$(rc)" = 0 ] && wine reg query "HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles" /v dpm-agent >/dev/null 2>&1'
wineserver -k >/dev/null 2>&1
wine_service_begin "$FWPEMU_STATE" # a restart of the machine, as far as the registry goes
check "after a restart, the configuration is still there (its key was not volatile)" 'wine reg query "HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles" /v dpm-agent >/dev/null 2>&1'

echo "== a note left by an upgrade that did not finish does not stop the cleanup"
code=$(wine reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null | grep -o '{[0-9A-F-]*}' |
  while read -r c; do wine reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$c" /v DisplayName 2>/dev/null |
    tr -d '\r' | grep -q 'REG_SZ *fwsvc$' && echo "$c"; done | head -1)
wine reg add 'HKLM\SOFTWARE\fwsvc\UpgradeInProgress' /v Replacing /t REG_SZ /d "$code" /f >/dev/null
wine reg add 'HKLM\SOFTWARE\fwsvc\UpgradeInProgress' /v Pid /t REG_DWORD /d 4 /f >/dev/null
wine reg add 'HKLM\SOFTWARE\fwsvc\UpgradeInProgress' /v Started /t REG_QWORD /d 1 /f >/dev/null
check "a stale note naming the installed product ($code) is in place" '[ -n "$code" ] && wine reg query "HKLM\\SOFTWARE\\fwsvc\\UpgradeInProgress" /v Replacing | grep -qF "$code"'

echo "== uninstall leaves nothing of fwsvc's (policy keys belong to policy)"
wine reg add 'HKLM\SOFTWARE\Policies\fwsvc' /v SublayerWeight /t REG_DWORD /d 65520 /f >/dev/null
msiexec uninstall /x "$work/later/fwsvc-$later-x64.msi"
# A failure's post-mortem: what fwsvc and the failing action said.
[ "$(rc)" = 0 ] || msilog uninstall | grep -E "^fwsvc:|Return value 3" | sed 's/^/    msi log: /'
check "the stale note was ignored: the log says so" 'msilog uninstall | grep -q "^fwsvc: an upgrade note was found that this uninstall is not part of"'
check "exit 0; no product" '[ "$(rc)" = 0 ] && [ -z "$(installed_versions)" ]'
check "the cleanup ran before the files went, and said what it removed" 'msilog uninstall | grep -q "^fwsvc: Removed: [0-9]* filter(s), fwsvc.s sublayer and its provider" && msilog uninstall | grep -q "^fwsvc: Deleted the host configuration"'
check "no service" '! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\fwsvc" >/dev/null 2>&1'
wine fwpemu.exe dump >"$work/dump.json"
check "no fwsvc provider, sublayer or filter in WFP" '! grep -qi "6482c740-e714-4384-a334-8d81e8a75eea\|dc05f04f-4b86-4074-9437-b6567ab81075" "$work/dump.json"'
check "the services file is byte-identical to before the install" 'cmp -s "$work/services.before" "$services"'
check "no HKLM\\SOFTWARE\\fwsvc, no Event Log source, no %ProgramData%\\fwsvc" '! wine reg query "HKLM\\SOFTWARE\\fwsvc" >/dev/null 2>&1 && ! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\fwsvc" >/dev/null 2>&1 && [ ! -e "$WINEPREFIX/drive_c/ProgramData/fwsvc" ]'
check "nothing left in Program Files\\fwsvc" '[ ! -e "$pf" ] || [ -z "$(ls -A "$pf")" ]'
check "the system PATH no longer names Program Files\\fwsvc" 'syspath | grep -q . && ! syspath | grep -qi "Program Files.fwsvc"'
check "the policy key stays: it belongs to policy" 'wine reg query "HKLM\\SOFTWARE\\Policies\\fwsvc" /v SublayerWeight >/dev/null 2>&1'

echo "msi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
