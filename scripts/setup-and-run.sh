#!/usr/bin/env bash
# README command 1: set up a fresh Debian 12 machine and run the main job:
# build fwsvc for Linux and Windows, then, under Wine, apply the DPM server
# profile through the Windows Filtering Platform (the WFP emulator stands in
# for Windows' Base Filtering Engine) and show fwsvc status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/build-all.sh
. scripts/wine-env.sh
cd build/windows

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
wine fwsvc.exe status
