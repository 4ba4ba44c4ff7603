# Shared by the benchmarks under Wine (sourced, not run): the Windows build
# folder from the first argument (default build/windows), the Wine
# environment, a scratch folder $work holding the WFP emulator's state, and
# winpath. The caller sets its own EXIT trap, which removes $work.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "${1:-$root/build/windows}" && pwd)
. "$root/scripts/wine-env.sh"
cd "$bin"
work=$(mktemp -d)
winpath() { echo "Z:$1" | sed 's|/|\\|g'; }
export FWPEMU_STATE=$(winpath "$work/state")
