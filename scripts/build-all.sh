#!/usr/bin/env bash
# Builds every target: native (gcc), native under ASan/UBSan, and Windows
# (mingw-w64, static). Installs missing Debian packages and the mingw builds
# of libyaml/cmocka first. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/install-packages.sh
bash scripts/build-mingw-deps.sh
for preset in native native-sanitize windows; do
  echo "== build: $preset"
  cmake --preset "$preset" > "build/configure-$preset.log" 2>&1 ||
    { cat "build/configure-$preset.log"; exit 1; }
  cmake --build --preset "$preset"
done
