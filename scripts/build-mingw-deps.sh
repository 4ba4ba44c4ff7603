#!/usr/bin/env bash
# Builds libyaml and cmocka for x86_64 Windows from Debian's source packages,
# as static libraries, into build/deps/mingw (never committed).
#
# The sources come from `apt-get source` with a private sources list that
# points at the same Debian archive this machine already uses, so nothing
# outside Debian's package archive is fetched and /etc/apt is not modified.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/build/deps"
prefix="$work/mingw"
stamp="$prefix/.fwsvc-deps-1"

if [ -f "$stamp" ]; then
  echo "build-mingw-deps: up to date ($prefix)"
  exit 0
fi

# The Debian archive URI and release this machine is configured with.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  uri=$(awk -v c="$codename" '
    /^URIs:/ { u = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) { print u; exit } }' "$f")
  [ -n "$uri" ] && break
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "build-mingw-deps: cannot find the Debian archive for '$codename' in /etc/apt" >&2
  exit 1
fi

apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/src"
echo "deb-src $uri $codename main" > "$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update -qq
(cd "$work/src" && apt-get "${apt_opts[@]}" source -qq libyaml cmocka)

toolchain="$root/cmake/mingw-w64-x86_64.cmake"
build_one() { # name source-dir extra-cmake-args...
  local name=$1 src=$2
  shift 2
  cmake -S "$src" -B "$work/build-$name" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" "$@" > "$work/build-$name.log"
  cmake --build "$work/build-$name" >> "$work/build-$name.log"
  cmake --install "$work/build-$name" >> "$work/build-$name.log"
  echo "build-mingw-deps: $name installed into $prefix"
}

build_one libyaml "$(ls -d "$work"/src/libyaml-*/ | head -n 1)" \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF -DINSTALL_CMAKE_DIR=lib/cmake/yaml
build_one cmocka "$(ls -d "$work"/src/cmocka-*/ | head -n 1)" \
  -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF

touch "$stamp"
