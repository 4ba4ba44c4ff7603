#!/usr/bin/env bash
# Test: the emulator's fwpuclnt.dll exports every function that mingw-w64's
# import library declares (a client importing one is never aborted by the
# loader), and nothing else. Usage: check_exports.sh FWPUCLNT_DLL [IMPORT_LIB]
set -euo pipefail
dll=$1
lib=${2:-/usr/x86_64-w64-mingw32/lib/libfwpuclnt.a}
want=$(x86_64-w64-mingw32-nm "$lib" | awk '$2 == "T" { print $3 }' | sort -u)
have=$(x86_64-w64-mingw32-objdump -p "$dll" |
  awk '/\[Ordinal\/Name Pointer\] Table/ { on = 1; next } on && /^[ \t]*\[/ { print $NF; next } on && NF == 0 { on = 0 }' |
  sort -u)
missing=$(comm -23 <(echo "$want") <(echo "$have"))
extra=$(comm -13 <(echo "$want") <(echo "$have"))
n_want=$(echo "$want" | wc -l)
n_have=$(echo "$have" | wc -l)
echo "import library: $n_want functions; DLL exports: $n_have"
[ -z "$missing" ] || { echo "missing from the DLL:"; echo "$missing"; }
[ -z "$extra" ] || { echo "exported but not in the import library:"; echo "$extra"; }
if [ -z "$missing" ] && [ -z "$extra" ]; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
