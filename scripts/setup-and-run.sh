#!/usr/bin/env bash
# README command 1: set up a fresh Debian 12 machine and run the main job:
# build fwsvc for Linux and Windows, then show the WFP filters the DPM server
# needs, as computed by the Windows build running under Wine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/build-all.sh
. scripts/wine-env.sh

echo
echo "== fwsvc.exe plan --profile dpm (Windows build, under Wine)"
wine build/windows/fwsvc.exe plan --profile dpm
