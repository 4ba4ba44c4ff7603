#!/usr/bin/env bash
# Fuzzes the services-file edit with libFuzzer (clang) for a bounded time.
#   scripts/fuzz-services.sh SECONDS OUTDIR
# Seeds from tests/services/corpus; prints "fuzz: N executions, M crashes";
# exits non-zero if libFuzzer found a crash or the build failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
out=${2:-$root/build/fuzz}
mkdir -p "$out/corpus" "$out/artifacts"
cp -n "$root"/tests/services/corpus/* "$out/corpus/" 2>/dev/null || true

clang -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$root/common" -I"$root/service/services_file" \
  "$root/tests/fuzz/fuzz_services.c" \
  "$root/service/services_file/services_file.c" "$root/service/services_file/services_sync.c" \
  "$root/service/services_file/services_io_common.c" \
  "$root/common/fw_alloc.c" "$root/common/fw_strings.c" \
  -o "$out/fuzz_services"

log="$out/fuzz.log"
rc=0
"$out/fuzz_services" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 \
  -artifact_prefix="$out/artifacts/" "$out/corpus" >"$log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
crashes=$(find "$out/artifacts" -type f | wc -l)
echo "fuzz: ${execs:-0} executions in ${seconds} s, $crashes crashes (libFuzzer exit $rc; corpus $(ls "$out/corpus" | wc -l) inputs)"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ] || [ -z "$execs" ]; then
  tail -n 40 "$log"
  exit 1
fi
