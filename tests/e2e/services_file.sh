#!/usr/bin/env bash
# End-to-end services-file edit under Wine: fwsvc.exe apply/status/remove
# with --services-file on copies of the corpus, against the WFP emulator.
# Usage: services_file.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
cleanup() {
  chmod -R u+w "$work"
  rm -rf "$work" "$WINEPREFIX/drive_c/Program Files/Symantec"
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
}
trap cleanup EXIT
# The Remote Agent's program: the NDMP rule is bound to it.
mkdir -p "$WINEPREFIX/drive_c/Program Files/Symantec/Backup Exec/RAWS"
touch "$WINEPREFIX/drive_c/Program Files/Symantec/Backup Exec/RAWS/beremote.exe"

fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
fresh() {
  wine fwpemu.exe reset >/dev/null
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
}
ndmp_port() { sed -n 's/^[[:space:]]*ndmp[[:space:]]\+\([0-9]\+\)\/tcp.*/\1/Ip' "$1" | head -n 1; }

F="$work/services"
FW=$(winpath "$F")

echo "== the corpus round-trips byte for byte through apply and remove"
rounds=0 exact=0
for src in "$root"/tests/services/corpus/*.txt; do
  name=$(basename "$src")
  fresh
  rm -f "$F" "$F.fwsvc-backup"
  cp "$src" "$F"
  fwsvc apply --profile raws --services-file "$FW"
  ok=1
  [ "$(rc)" = 0 ] || { ok=0; echo "  $name: apply exit $(rc)"; cat "$work/err"; }
  [ "$(ndmp_port "$F")" = 10000 ] || { ok=0; echo "  $name: ndmp is '$(ndmp_port "$F")' after apply"; }
  if ! cmp -s "$src" "$F"; then
    cmp -s "$src" "$F.fwsvc-backup" || { ok=0; echo "  $name: backup differs from the original"; }
  fi
  before=$(stat -c %y "$F")
  sleep 0.05
  fwsvc apply --profile raws --services-file "$FW"
  [ "$(rc)" = 0 ] && grep -q "nothing to change" "$work/out" && [ "$(stat -c %y "$F")" = "$before" ] ||
    { ok=0; echo "  $name: second apply touched the file"; }
  fwsvc status --services-file "$FW"
  # In sync (beremote.exe is in place: no rule waits), exit 0.
  [ "$(rc)" = 0 ] || { ok=0; echo "  $name: status exit $(rc) after apply"; }
  fwsvc remove --profile raws --services-file "$FW"
  [ "$(rc)" = 0 ] || { ok=0; echo "  $name: remove exit $(rc)"; }
  cmp -s "$src" "$F" || { ok=0; echo "  $name: not restored byte for byte"; }
  rounds=$((rounds + 1))
  exact=$((exact + ok))
done
check "$rounds corpus files: $exact round-tripped (apply, idempotent re-apply with the same mtime, remove)" '[ "$exact" = "$rounds" ] && [ "$rounds" -ge 8 ]'

echo "== one variable: --set ndmp_port changes the filter and the line"
fresh
cp "$root/tests/services/corpus/windows-stock-crlf.txt" "$F"
fwsvc apply --profile raws --set ndmp_port=10001 --services-file "$FW"
wine fwsvc.exe filters >"$work/filters"
check "filters and services line both on 10001" '[ "$(rc)" = 0 ] && [ "$(grep -c "be-remote-agent/ndmp-in.*IP_LOCAL_PORT=10001" "$work/filters")" = 2 ] && [ "$(ndmp_port "$F")" = 10001 ]'
fwsvc apply --profile be-media-server --services-file "$FW"
check "another profile wanting ndmp on 10000: invalid (2), named, nothing changed" '[ "$(rc)" = 2 ] && grep -q "different ports (10001 and 10000)" "$work/err" && [ "$(ndmp_port "$F")" = 10001 ]'
wine reg query 'HKLM\SOFTWARE\fwsvc\ServicesFile' /s >"$work/reg" 2>&1
check "the change is recorded in HKLM\\SOFTWARE\\fwsvc\\ServicesFile" 'grep -q "Written.*ndmp    10001/tcp" "$work/reg" && grep -q "Action.*added" "$work/reg"'

echo "== drift: a deleted or changed line is reported and repaired"
sed -i '/^ndmp/d' "$F"
fwsvc status --services-file "$FW"
check "deleted line: status exits 3 and says what apply would add" '[ "$(rc)" = 3 ] && grep -q "DRIFT" "$work/out" && grep -q "add the line .ndmp    10001/tcp" "$work/out"'
fwsvc status --json --services-file "$FW"
check "status --json: exit 3, services_file not in sync, its change listed, stdout one JSON document" '[ "$(rc)" = 3 ] && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
s = d[\"services_file\"]
sys.exit(not (d[\"in_sync\"] is False and s[\"in_sync\"] is False and len(s[\"changes\"]) == 1 and \"10001\" in s[\"changes\"][0]))" "$work/out"'
fwsvc apply --profile raws --set ndmp_port=10001 --services-file "$FW"
check "apply puts it back" '[ "$(rc)" = 0 ] && [ "$(ndmp_port "$F")" = 10001 ]'
sed -i 's/^ndmp    10001/ndmp    10009/' "$F"
fwsvc status --services-file "$FW"
check "changed port: status exits 3" '[ "$(rc)" = 3 ] && grep -q "from port 10009 to 10001" "$work/out"'
fwsvc apply --profile raws --set ndmp_port=10001 --services-file "$FW"
fwsvc status --services-file "$FW"
check "repaired: the services file in sync (status 0)" '[ "$(rc)" = 0 ] && grep -q "in sync" "$work/out"'

echo "== remove leaves a line someone changed since"
sed -i 's/^\(ndmp    10001\/tcp\)/\1 ndmp-alias/' "$F"
cp "$F" "$work/edited"
fwsvc remove --profile raws --services-file "$FW"
check "remove exits 0, says the line is left, leaves it" '[ "$(rc)" = 0 ] && grep -q "left as it is" "$work/err" && cmp -s "$F" "$work/edited"'
wine reg query 'HKLM\SOFTWARE\fwsvc\ServicesFile' /s >"$work/reg" 2>&1
check "and forgets it" '! grep -q "Written" "$work/reg"'

echo "== a line fwsvc changed in place gets its original back"
fresh
printf 'echo 7/tcp\r\nndmp\t9999/tcp ndmpd  # moved here\r\nwebmin 10000/tcp\r\n' >"$F"
cp "$F" "$work/orig"
fwsvc apply --profile raws --services-file "$FW"
check "changed in place, reported, port clash warned" '[ "$(rc)" = 0 ] && grep -q "from port 9999 to 10000" "$work/out" && grep -q "claimed by .webmin." "$work/err" && grep -q "^ndmp	10000/tcp ndmpd  # moved here" "$F"'
fwsvc remove --all --services-file "$FW"
check "remove --all restores it byte for byte" '[ "$(rc)" = 0 ] && cmp -s "$F" "$work/orig"'

echo "== refusals: the file and WFP are left untouched"
refused=0 cases=0
refuse() { # NAME FILE-SETUP-COMMAND NEEDLE
  fresh
  cp "$root/tests/services/corpus/windows-stock-crlf.txt" "$F"
  eval "$2"
  local fsum ssum
  fsum=$(cat "$F" 2>/dev/null | sha256sum)
  ssum=$(state_sum)
  fwsvc apply --profile raws --services-file "$FW"
  cases=$((cases + 1))
  if [ "$(rc)" = 1 ] && grep -q "$3" "$work/err" && grep -q "nothing was changed" "$work/err" &&
     [ "$(cat "$F" 2>/dev/null | sha256sum)" = "$fsum" ] && [ "$(state_sum)" = "$ssum" ]; then
    refused=$((refused + 1))
  else
    echo "  $1: exit $(rc)"; cat "$work/err"
  fi
  chmod u+w "$F" 2>/dev/null
}
refuse read-only 'chmod 444 "$F"' "read-only"
refuse missing 'rm -f "$F"' "cannot open"
refuse too-big 'head -c 2000000 /dev/zero | tr "\0" "#" >"$F"' "more than"
refuse not-text 'printf "ndmp 1/tcp\n\0\0\0" >"$F"' "not a text file"
check "$cases refusals (read-only, missing, too big, not text): $refused exit 1 with both untouched" '[ "$refused" = "$cases" ]'

echo "== profiles without services entries never read the file"
fresh
fwsvc apply --profile dpm-sql --services-file 'Z:\no\such\file'
check "dpm-sql applies without a services file" '[ "$(rc)" = 0 ]'
fwsvc status --json --services-file 'Z:\no\such\file'
check "and its status --json has services_file null (exit 4: sqlservr.exe is pending)" '[ "$(rc)" = 4 ] && python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1]))[\"services_file\"] is not None)" "$work/out"'

echo "services-file end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
