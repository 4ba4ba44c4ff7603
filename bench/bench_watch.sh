#!/usr/bin/env bash
# Prints the figures of the view of dropped backup traffic under Wine, with
# the WFP emulator (printed figures, not a timed test):
#   - a replay of DROPS (100,000) dropped flows on a documented rule
#     (veeam-backup-server, peers outside veeam_servers) with nobody
#     listening: the emulator's own rate, the ceiling of what follows;
#   - the same replay with `fwsvc watch --follow --json` subscribed: drops
#     received and printed, per second, and how many it never saw (the
#     emulator keeps 150 events; a subscriber further behind loses some,
#     as WFP's delivery is not guaranteed either);
#   - the same replay with the service's drop watch (WatchDrops=1): drops
#     explained and counted per second (status.json), events written;
#   - the service's CPU time and wakeups over IDLE_S (30) seconds idle, with
#     WatchDrops=1 and with WatchDrops=0: the subscription's cost.
# Usage: bench/bench_watch.sh [BUILD_DIR]   (default build/windows)
set -u
. "$(dirname "$0")/bench-wine.sh"
DROPS=${DROPS:-100000}
IDLE_S=${IDLE_S:-30}
log_file="$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log"
. "$root/scripts/wine-service.sh"
cleanup() {
  [ -n "${follower:-}" ] && kill "$follower" 2>/dev/null
  wine_service_end --remove
  rm -rf "$work"
}
trap cleanup EXIT
wine_service_begin "$FWPEMU_STATE"
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"
wine fwsvc.exe apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24 >/dev/null 2>&1
# DROPS inbound TCP 2500 attempts from 256 peers outside the scope.
python3 - "$DROPS" >"$work/flows" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"in\ttcp\t2500\t{1024 + i % 60000}\t192.0.2.{i % 256}")
PY
flows=$(winpath "$work/flows")
ms() { date +%s%3N; }
rate() { python3 -c "import sys; n, t = int(sys.argv[1]), int(sys.argv[2]); print(f'{n * 1000 / t:,.0f}' if t > 0 else '?')" "$1" "$2"; }

t0=$(ms); replayed=$(wine fwpemu.exe traffic "$flows" | tr -d '\r'); t1=$(ms)
echo "watch: replay of $DROPS flows, nobody subscribed: $replayed in $((t1 - t0)) ms ($(rate "$DROPS" $((t1 - t0))) drops/s)"

# watch --follow: printed lines as drops received.
wine fwsvc.exe watch --follow --json >"$work/follow.out" 2>"$work/follow.err" &
follower=$!
for _ in $(seq 1 200); do grep -q watching "$work/follow.err" 2>/dev/null && break; sleep 0.1; done
t0=$(ms); wine fwpemu.exe traffic "$flows" >/dev/null; t1=$(ms)
last=-1; last_change=$t1
while :; do
  n=$(wc -l <"$work/follow.out")
  [ "$n" != "$last" ] && last=$n && last_change=$(ms)
  [ $(( $(ms) - last_change )) -ge 2000 ] && break
  sleep 0.2
done
kill "$follower" 2>/dev/null; wait "$follower" 2>/dev/null; follower=""
elapsed=$((last_change - t0))
echo "watch: 'fwsvc watch --follow --json' during the replay: $last of $DROPS drops printed in $elapsed ms ($(rate "$last" "$elapsed") drops/s; the replay alone took $((t1 - t0)) ms); $((DROPS - last)) not seen"

# The service's drop watch.
wine fwsvc.exe service install >/dev/null 2>&1
wine_service_start
for _ in $(seq 1 100); do grep -q ' event 19: subscribed' "$log_file" 2>/dev/null && break; sleep 0.1; done
seen() { wine fwsvc.exe service status --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin)["last"]["drops"]; print(d["seen"], d["reported"], d["lost"])' 2>/dev/null || echo "0 0 0"; }
t0=$(ms); wine fwpemu.exe traffic "$flows" >/dev/null; t1=$(ms)
last=""; last_change=$t1
while :; do
  s=$(seen)
  [ "$s" != "$last" ] && last=$s && last_change=$(ms)
  [ $(( $(ms) - last_change )) -ge 4000 ] && break
  sleep 1
done
read -r n reported lost <<<"$last"
elapsed=$((last_change - t0))
echo "watch: the service during the replay: $n of $DROPS drops explained and counted in about $elapsed ms ($(rate "$n" "$elapsed") drops/s, to within the 1 s status.json is saved and the poll every 1 s); $reported event(s) written (one per flow per 10 minutes: 256 peers); $lost lost from its queue; $((DROPS - n - lost)) not delivered by the emulator"

# Idle: the service process's CPU and context switches, with and without the subscription.
idle() {
  local pid=""
  for p in $(pgrep -f 'fwsvc.exe.*service run'); do
    [ "$(ls /proc/"$p"/task 2>/dev/null | wc -l)" -ge 4 ] && pid=$p && break
  done
  [ -z "$pid" ] && { echo "? ?"; return; }
  local c0 w0 c1 w1
  c0=$(awk '{ print $14 + $15 }' /proc/"$pid"/stat)
  w0=$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }')
  sleep "$IDLE_S"
  c1=$(awk '{ print $14 + $15 }' /proc/"$pid"/stat)
  w1=$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }')
  echo "$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )) $((w1 - w0))"
}
restart() { wine net stop fwsvc >/dev/null 2>&1; wine net start fwsvc >/dev/null 2>&1; sleep 3; }
restart
read -r cpu_on wakes_on <<<"$(idle)"
wine reg add 'HKLM\SOFTWARE\fwsvc' /v WatchDrops /t REG_DWORD /d 0 /f >/dev/null
restart
read -r cpu_off wakes_off <<<"$(idle)"
echo "watch: the service idle ${IDLE_S} s: WatchDrops=1 CPU ${cpu_on} ms, ${wakes_on} context switches; WatchDrops=0 CPU ${cpu_off} ms, ${wakes_off} context switches (goal: the same)"
