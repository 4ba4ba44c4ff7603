# Shared by the end-to-end tests under Wine (sourced, not run): the build
# folder from $1, the Wine environment, a scratch folder $work holding the
# WFP emulator's state, and the check/summary helpers.
set -u
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/wine-env.sh"
cd "$bin"
work=$(mktemp -d)
winpath() { echo "Z:$1" | sed 's|/|\\|g'; }
export FWPEMU_STATE=$(winpath "$work/state")

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then pass; else fail "$1"; fi; }

# The exit code of the last `fwsvc` (each test's wrapper writes $work/rc).
rc() { cat "$work/rc"; }
# The engine's state: every file of the state folder (not the lock file).
state_sum() { (cd "$work/state" && sha256sum meta.bin seg-*.bin idx-*.bin 2>/dev/null | sha256sum | cut -d' ' -f1); }
