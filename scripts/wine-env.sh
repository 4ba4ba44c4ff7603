# Sourced: runs Wine quietly in a prefix of the project's own, so tests never
# touch the user's ~/.wine and a fresh clone starts from a fresh prefix.
export WINEDEBUG=-all
export WINEPREFIX="${WINEPREFIX_FWSVC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/wine}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono/Gecko prompts
mkdir -p "$WINEPREFIX"
