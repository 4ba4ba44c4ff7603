# Shared by the end-to-end tests under Wine (sourced, not run): the build
# folder from $1, the Wine environment, fwsvc installed in the prefix as it
# runs on Windows (scripts/wine-install.sh; the tests run from
# C:\Program Files\fwsvc), a scratch folder $work inside the prefix holding
# the WFP emulator's state, and the check/summary helpers.
set -u
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/wine-env.sh"
. "$root/scripts/wine-install.sh"
wine_install_emulator "$bin"
wine_install_fwsvc "$bin"
cd "$fwsvc_install_dir"
work=$(mktemp -d "$WINEPREFIX/drive_c/e2e.XXXXXX")
export FWPEMU_STATE=$(winpath "$work/state")

passed=0 failed=0
pass() { passed=$((passed + 1)); }
# A failure shows what the last command printed (its first lines).
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
  [ -s "$work/out" ] && head -n 4 "$work/out" | sed 's/^/    out: /'
  [ -s "$work/err" ] && head -n 4 "$work/err" | sed 's/^/    err: /'
  [ -f "$work/rc" ] && echo "    exit: $(cat "$work/rc")"
  true
}
check() { if eval "$2"; then pass; else fail "$1"; fi; }

# The exit code of the last `fwsvc` (each test's wrapper writes $work/rc).
rc() { cat "$work/rc"; }
# The engine's state: every file of the state folder (not the lock file).
state_sum() { (cd "$work/state" && sha256sum meta.bin seg-*.bin idx-*.bin 2>/dev/null | sha256sum | cut -d' ' -f1); }

# fwsvc with its output in $work/out, $work/err and $work/rc; the commands
# that edit the services file get a scratch copy of a stock one, never the
# prefix's own (tests/e2e/services_file.sh covers that edit).
cp "$root/tests/services/corpus/windows-stock-crlf.txt" "$work/services"
services_file=$(winpath "$work/services")
fwsvc_scratch() {
  case $1 in
    apply|status|remove) wine fwsvc.exe "$@" --services-file "$services_file" ;;
    *) wine fwsvc.exe "$@" ;;
  esac >"$work/out" 2>"$work/err"
  echo $? >"$work/rc"
}

# The last command's output without Wine's CRs; a Python test on its JSON
# (d); its JSON against docs/schemas/NAME.schema.json.
out() { tr -d '\r' <"$work/out"; }
err() { tr -d '\r' <"$work/err"; }
jtrue() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not ($1))" "$work/out"; }
valid() { /usr/bin/python3 "$root/tests/e2e/validate_json.py" "$1" "$work/out" >/dev/null; }
