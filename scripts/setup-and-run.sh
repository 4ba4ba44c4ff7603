#!/usr/bin/env bash
# README command 1: set up a fresh Debian 12 machine and run the main job:
# build fwsvc for Linux and Windows, install it in a Wine prefix the way the
# MSI lays it out (C:\Program Files\fwsvc, the WFP emulator standing in for
# Windows' Base Filtering Engine in system32), then apply the DPM server
# profile through the Windows Filtering Platform and show fwsvc status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/build-all.sh
. scripts/wine-env.sh
. scripts/wine-install.sh
wine_install_emulator build/windows
wine_install_fwsvc build/windows
cd "$fwsvc_install_dir"

# The emulator's state, kept under build/ (a fresh Windows Firewall model).
mkdir -p "$root/build/emulator-state"
export FWPEMU_STATE="Z:$(echo "$root/build/emulator-state" | sed 's|/|\\|g')"
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1 || true

echo
echo "== fwsvc.exe apply --profile dpm   (under Wine, against the WFP emulator)"
wine fwsvc.exe apply --profile dpm
echo
echo "== fwsvc.exe status"
rc=0
wine fwsvc.exe status || rc=$?
# Exit 4 (pending) is this machine's truth, not a failure: DPM itself is not
# installed here, so the rules bound to its programs wait for them.
if [ "$rc" = 4 ]; then
  echo
  echo "setup-and-run: done. Status is PENDING (exit 4): the rules bound to DPM's programs (msdpm.exe, dpmra.exe)"
  echo "wait until DPM is installed, which it is not on this machine; everything else is in place."
  exit 0
fi
exit "$rc"
