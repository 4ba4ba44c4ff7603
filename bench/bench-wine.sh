# Shared by the benchmarks under Wine (sourced, not run): the Windows build
# folder from the first argument (default build/windows), the Wine
# environment, a scratch folder $work holding the WFP emulator's state, and
# winpath. The caller sets its own EXIT trap, which removes $work.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "${1:-$root/build/windows}" && pwd)
. "$root/scripts/wine-env.sh"
. "$root/scripts/wine-install.sh"
wine_install_emulator "$bin"
wine_install_fwsvc "$bin"
cd "$fwsvc_install_dir"
work=$(mktemp -d "$WINEPREFIX/drive_c/bench.XXXXXX")
export FWPEMU_STATE=$(winpath "$work/state")
