#!/usr/bin/env bash
# Builds fwsvc-<version>-x64.msi with wixl from installer/fwsvc.wxs.
#   build-msi.sh VERSION BIN_DIR CATALOG_DIR OUT_DIR
# BIN_DIR holds fwsvc.exe and fwsvc_ca.dll. The Windows build calls it
# (CMake target 'msi'); tests/e2e/msi.sh calls it again with a higher
# VERSION to build an upgrade.
# Authenticode (docs/release.md): with FWSVC_SIGN_CERT and FWSVC_SIGN_KEY
# (PEM files) set, its own copies of fwsvc.exe and fwsvc_ca.dll are signed
# with osslsigncode and SHA-256 before they are packed, then the MSI, last
# (anything written into it afterwards would break its signature);
# FWSVC_SIGN_TIMESTAMP, when set, is the RFC 3161 timestamp server. BIN_DIR
# is never changed. Without them the package is unsigned, and says so.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: build-msi.sh VERSION BIN_DIR CATALOG_DIR OUT_DIR" >&2; exit 2; }
version=$1 bin=$2 catalog=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The catalog: one component per file. The ids come from the file names, so
# an upgrade finds the same components ('Guid="*"' derives each component
# GUID from its key path).
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment>'
  echo '<DirectoryRef Id="CATALOGDIR">'
  for f in "$catalog"/*.yaml; do
    name=$(basename "$f")
    id="catalog_$(echo "${name%.yaml}" | tr -c 'A-Za-z0-9_\n' '_')"
    echo "<Component Id=\"$id\" Guid=\"*\" Win64=\"yes\"><File Id=\"$id\" Name=\"$name\" Source=\"catalog/$name\" KeyPath=\"yes\"/></Component>"
  done
  echo '</DirectoryRef><ComponentGroup Id="CatalogFiles">'
  for f in "$catalog"/*.yaml; do
    name=$(basename "$f")
    echo "<ComponentRef Id=\"catalog_$(echo "${name%.yaml}" | tr -c 'A-Za-z0-9_\n' '_')\"/>"
  done
  echo '</ComponentGroup></Fragment></Wix>'
} >"$work/catalog.wxs"

sign() { # IN OUT [OPTION...]
  local in=$1 out=$2 ts=()
  shift 2
  [ -n "${FWSVC_SIGN_TIMESTAMP:-}" ] && ts=(-ts "$FWSVC_SIGN_TIMESTAMP")
  osslsigncode sign -certs "$FWSVC_SIGN_CERT" -key "$FWSVC_SIGN_KEY" -h sha256 -n "fwsvc" \
    -i "https://fwsvc.invalid/" "${ts[@]}" "$@" -in "$in" -out "$out" >/dev/null ||
    { echo "build-msi: osslsigncode could not sign $(basename "$in")" >&2; exit 1; }
}
signing=false
if [ -n "${FWSVC_SIGN_CERT:-}" ] || [ -n "${FWSVC_SIGN_KEY:-}" ]; then
  [ -r "${FWSVC_SIGN_CERT:-}" ] && [ -r "${FWSVC_SIGN_KEY:-}" ] ||
    { echo "build-msi: FWSVC_SIGN_CERT and FWSVC_SIGN_KEY must both name readable PEM files" >&2; exit 2; }
  command -v osslsigncode >/dev/null || { echo "build-msi: osslsigncode is not installed" >&2; exit 2; }
  signing=true
fi

# wixl resolves Source paths relative to its working folder and refuses
# absolute ones: the inputs are copied (the binaries, to be signed: BIN_DIR
# stays as it is) or linked (the catalog) into the work folder.
mkdir "$work/bin"
for f in fwsvc.exe fwsvc_ca.dll; do
  if $signing; then sign "$bin/$f" "$work/bin/$f"; else cp "$bin/$f" "$work/bin/$f"; fi
done
# The DSC resource manifest carries the package's version.
sed "s/\"version\": \"[^\"]*\"/\"version\": \"$version\"/" "$here/fwsvc.dsc.resource.json" >"$work/bin/fwsvc.dsc.resource.json"
ln -s "$(cd "$catalog" && pwd)" "$work/catalog"
cp "$here/fwsvc.wxs" "$work/fwsvc.wxs"
mkdir -p "$out"
out=$(cd "$out" && pwd)
(cd "$work" && wixl -a x64 -D Version="$version" -D BinDir=bin -o "$out/fwsvc-$version-x64.msi" fwsvc.wxs catalog.wxs)
msi="$out/fwsvc-$version-x64.msi"

# What wixl 0.101 drops, set in the built database with msibuild:
# - RegistryValue/@Type="expandable": a '#%' prefix in the Value column
#   makes a REG_EXPAND_SZ (Registry table), but wixl escapes it to '##%'.
msibuild "$msi" -q "UPDATE Registry SET Value='#%[#fwsvc.exe]' WHERE Name='EventMessageFile'"
# - MajorUpgrade/@AllowSameVersionUpgrades: the upgrade row's VersionMax
#   becomes inclusive (msidbUpgradeAttributesVersionMaxInclusive, 512), so a
#   rebuild of the same version replaces the installed one instead of
#   installing beside it. libmsi's UPDATE does not reach this table: it is
#   exported, changed and imported.
msiinfo export "$msi" Upgrade |
  awk -F'\t' 'BEGIN { OFS = "\t" } NR > 3 && $7 ~ /^WIX_UPGRADE_DETECTED\r?$/ { $5 = $5 + 512 } { print }' \
    >"$work/Upgrade.idt"
(cd "$work" && msibuild "$msi" -i Upgrade.idt)
# - CustomAction/@Execute="rollback" is ignored: wixl writes an immediate
#   action (2113), which would run the rollback's command during the
#   install. The type becomes DLL in the Binary table (1) + ignore the
#   return (64) + rollback (256) + in script (1024) + no impersonation
#   (2048) = 3393.
msibuild "$msi" -q "UPDATE CustomAction SET Type=3393 WHERE Action='FwsvcConfigureRollback'"
# - Permission / PermissionEx are not supported: the two folders' protected
#   ACLs (fwsvc.wxs, docs/security.md) go into MsiLockPermissionsEx, whose
#   SDDL replaces what the folder would inherit (Windows Installer 5.0).
printf 'MsiLockPermissionsEx\tLockObject\tTable\tSDDL\tCondition\ns72\ts72\ts32\tl0\tS255\nMsiLockPermissionsEx\tMsiLockPermissionsEx\nLockInstallDir\tINSTALLDIR\tCreateFolder\t%s\t\nLockDataDir\tFWSVCDATADIR\tCreateFolder\t%s\t\n' \
  'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)' 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)' \
  >"$work/MsiLockPermissionsEx.idt"
(cd "$work" && msibuild "$msi" -i MsiLockPermissionsEx.idt)
# - Environment is not supported: INSTALLDIR is appended to the system PATH
#   (and that part removed at uninstall: '=-*' and '[~];'), so that DSC,
#   which looks for resource manifests in PATH's folders, finds
#   fwsvc.dsc.resource.json and runs fwsvc (docs/dsc.md).
printf 'Environment\tName\tValue\tComponent_\ns72\tl255\tL255\ts72\nEnvironment\tEnvironment\nFwsvcPath\t=-*PATH\t[~];[INSTALLDIR]\tFwsvcDscManifest\n' \
  >"$work/Environment.idt"
(cd "$work" && msibuild "$msi" -i Environment.idt)
msibuild "$msi" -q "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('RemoveEnvironmentStrings', 3300)" \
  -q "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('WriteEnvironmentStrings', 5200)"
# - MajorUpgrade/@Schedule is ignored: RemoveExistingProducts stays at
#   1401, after InstallValidate, where the sequence's custom actions expect it.
if $signing; then
  # -add-msi-dse: MsiDigitalSignatureEx too, which covers the streams' metadata.
  sign "$msi" "$work/signed.msi" -add-msi-dse
  mv "$work/signed.msi" "$msi"
  echo "build-msi: $msi (fwsvc.exe, fwsvc_ca.dll and the package signed with $(basename "$FWSVC_SIGN_CERT"), SHA-256${FWSVC_SIGN_TIMESTAMP:+, timestamped})"
else
  echo "build-msi: $msi (unsigned: set FWSVC_SIGN_CERT and FWSVC_SIGN_KEY to sign, docs/release.md)"
fi
