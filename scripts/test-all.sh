#!/usr/bin/env bash
# README command 2: runs every test. Builds what is needed first, then:
#   1. the native unit tests and the CLI end-to-end test (ctest);
#   2. the same under AddressSanitizer + UBSan (leaks are errors);
#   3. the same unit tests cross-compiled, run under Wine, with the
#      end-to-end tests of fwsvc.exe against the WFP emulator.
# The services-file crash trials run natively and under Wine, a bounded
# libFuzzer run natively; their figures are printed after the suites.
# Ends with one line "test-all: N passed, M failed" over all suites.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/build-all.sh || { echo "test-all: build failed"; echo "test-all: 0 passed, 1 failed"; exit 1; }
. scripts/wine-env.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

total_passed=0 total_failed=0
run_suite() { # PRESET
  local log="build/test-$1.log"
  echo "== tests: $1"
  ctest --preset "$1" 2>&1 | tee "$log"
  local summary
  summary=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [ -z "$summary" ]; then
    echo "test-all: suite $1 ran no test"
    total_failed=$((total_failed + 1))
    return
  fi
  local failed all
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
  all=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$summary")
  total_passed=$((total_passed + all - failed))
  total_failed=$((total_failed + failed))
}

run_suite native
run_suite native-sanitize
run_suite windows

echo
echo "== services-file figures (from the tests above)"
for preset in native windows; do
  grep -hE "crash trials|control \(in-place|^fuzz:" "build/$preset/Testing/Temporary/LastTest.log" 2>/dev/null ||
    echo "(no services-file figures found in the $preset run)"
done

echo
echo "== benchmarks (printed figures, not tests)"
build/native/bench_catalog catalog || true
build/native/bench_drops catalog || true
bash bench/bench_reconcile.sh build/windows || true
bash bench/bench_service.sh build/windows || true
bash bench/bench_why.sh build/windows || true
bash bench/bench_watch.sh build/windows || true
bash bench/bench_dsc.sh build/windows || true

echo
echo "test-all: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
