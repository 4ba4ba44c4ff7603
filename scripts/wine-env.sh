# Sourced: runs Wine quietly in a prefix of the project's own, so tests never
# touch the user's ~/.wine and a fresh clone starts from a fresh prefix.
export WINEDEBUG=-all
export WINEPREFIX="${WINEPREFIX_FWSVC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/wine}"
# No Mono/Gecko prompts; fwpuclnt.dll from system32 is the WFP emulator
# (scripts/wine-install.sh puts it there), not Wine's own stubs.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=;fwpuclnt=n,b}"
mkdir -p "$WINEPREFIX"
