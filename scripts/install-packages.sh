#!/usr/bin/env bash
# Installs every Debian 12 package fwsvc needs to build, test and run its
# Windows side under Wine. Idempotent: packages already present are skipped,
# and apt is not touched at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libyaml-dev libcmocka-dev               # native build and tests
  gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev
  mingw-w64-tools                         # windmc/windres companions
  dpkg-dev                                # apt-get source unpacks with dpkg-source
  clang libclang-rt-14-dev                # libFuzzer, for the services-file parser
  python3 python3-jsonschema              # the end-to-end tests check JSON, and validate it against docs/schemas
  wine wine64                             # runs the Windows build and its tests
  wixl msitools                           # builds the MSI (wixl) and reads its tables (msiinfo, msibuild)
  libxml2-utils                           # xmllint: the Group Policy templates against the ADMX schema
  osslsigncode openssl                    # Authenticode: sign and verify the exe, the DLL and the MSI
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-packages: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-packages: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
