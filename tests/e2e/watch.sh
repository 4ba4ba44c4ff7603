#!/usr/bin/env bash
# fwsvc watch and the service's drop watch under Wine, against the WFP
# emulator's net events: drops on a documented flow named by profile and
# rule with the reason and the fix; a scope that admits the flow, and a peer
# outside it; a block of another product in a heavier sublayer; an
# unexpected flow on a product port; --all, --profile, --since, --follow;
# the service's one event per flow per 10 minutes and its counts; net
# events not collected. Usage: watch.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
log_file="$WINEPREFIX/drive_c/ProgramData/fwsvc/fwsvc.log"
. "$root/scripts/wine-service.sh"
cleanup() {
  cp "$log_file" /tmp/watch-test.log 2>/dev/null
  wine_service_end --remove
  rm -rf "$work" "$WINEPREFIX/drive_c/Program Files/Veritas"
}
trap cleanup EXIT
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
lines_valid() { /usr/bin/python3 "$root/tests/e2e/validate_json.py" --lines watch "$work/out" >/dev/null; }
# A Python test on every JSON line (d: the list of objects).
jlines() { python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; sys.exit(not ($1))" "$work/out"; }
logged() { awk -v p="$1" 'index($0, p) { n++ } END { print n + 0 }' "$log_file" 2>/dev/null || echo 0; }
# replay DIR PROTO LOCAL_PORT REMOTE_PORT ADDR [PROGRAM]: one flow through the engine.
replay() { printf '%s\t' "$@" | sed 's/\t$/\n/' >"$work/flows"; wine fwpemu.exe traffic "$(winpath "$work/flows")" | tr -d '\r'; }

# The service reads the machine-wide emulator state, as fwsvc.exe does here.
wine_service_begin "$FWPEMU_STATE"
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"

echo "== a rule waiting for its peers"
fwsvc apply --profile veeam-backup-server
check "veeam-backup-server applied without veeam_servers: its scoped rules wait" '[ "$(rc)" = 0 ] && out | grep -q "windows-agent-ransomware-index-in: waits for its peers"'
check "the replayed inbound TCP 2500 from 10.0.0.5 is dropped" '[ "$(replay in tcp 2500 50000 10.0.0.5)" = "1 flow(s), 1 dropped" ]'
fwsvc watch --json
check "watch --json: exit 0, one line, valid against docs/schemas/watch.schema.json" '[ "$(rc)" = 0 ] && [ "$(grep -c . "$work/out")" = 1 ] && lines_valid'
check "it names the profile and rule, the reason 'waits for veeam_servers' and the fix" 'jlines "d[0][\"profile\"] == \"veeam-backup-server\" and d[0][\"rule\"] == \"windows-agent-ransomware-index-in\" and d[0][\"reason\"] == \"waits for veeam_servers\" and d[0][\"fix\"] == \"fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.5\""'
check "... the flow, and Windows Firewall's default block that dropped it" 'jlines "d[0][\"direction\"] == \"in\" and d[0][\"protocol\"] == \"tcp\" and d[0][\"local_port\"] == 2500 and d[0][\"remote_address\"] == \"10.0.0.5\" and d[0][\"dropped_by\"][\"name\"] == \"Default Inbound Block (WF, IPv4)\" and not d[0][\"dropped_by\"][\"ours\"]"'
fwsvc watch
check "watch in words: the rule, why, the filter, the fix, and a count" '[ "$(rc)" = 0 ] && out | grep -q "^  rule        veeam-backup-server/windows-agent-ransomware-index-in" && out | grep -q "^  why         waits for veeam_servers" && out | grep -q "^  dropped by  \"Default Inbound Block (WF, IPv4)\"" && out | grep -q "^  fix         fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.5" && out | grep -q "^1 drop(s) in WFP.s log; 1 on backup flows shown"'

echo "== the peers named: the flow passes, another peer does not"
wine fwpemu.exe reboot >/dev/null # a restart clears the log (the filters are persistent)
fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24
check "after --set veeam_servers=10.0.0.0/24 the same flow is not dropped" '[ "$(replay in tcp 2500 50001 10.0.0.5)" = "1 flow(s), 0 dropped" ]'
check "one from 192.0.2.9 is" '[ "$(replay in tcp 2500 50002 192.0.2.9)" = "1 flow(s), 1 dropped" ]'
fwsvc watch --json
check "watch: that drop only, reason 'outside scope', the fix widens the setting" 'lines_valid && jlines "len(d) == 1 and d[0][\"remote_address\"] == \"192.0.2.9\" and d[0][\"reason\"] == \"outside scope\" and d[0][\"unmatched\"] == [\"remote_address\"] and d[0][\"fix\"] == \"fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24,192.0.2.9\""'

echo "== what is not a documented flow"
replay in udp 2500 50003 10.0.0.5 >/dev/null
replay in tcp 3389 50004 10.0.0.5 >/dev/null
fwsvc watch --json
check "UDP to the product's TCP port: an unexpected flow on a product port (profile, no rule, no fix); RDP not shown" 'lines_valid && jlines "len(d) == 2 and d[1][\"kind\"] == \"product_port\" and d[1][\"reason\"] == \"unexpected flow on a product port\" and d[1][\"profile\"] == \"veeam-backup-server\" and d[1][\"rule\"] is None and d[1][\"fix\"] is None"'
fwsvc watch
check "in words, the drops the catalog has nothing to say about are counted and --all is named" 'out | grep -q "^3 drop(s) in WFP.s log; 2 on backup flows shown (the rest are not of the catalog.s applied profiles: --all shows every drop)"'
fwsvc watch --all --json
check "--all: every drop, RDP too (a rule of a profile not applied, or none)" 'lines_valid && jlines "len(d) == 3 and d[2][\"kind\"] in (\"not_applied\", \"other\") and d[2][\"local_port\"] == 3389"'
fwsvc watch --profile dpm-agent
check "--profile of a profile not applied: exit 2, said" '[ "$(rc)" = 2 ] && err | grep -q "not applied on this host"'
fwsvc watch --profile veeam-backup-server --since 1h --json
check "--profile and --since: the same two" '[ "$(rc)" = 0 ] && jlines "len(d) == 2"'
fwsvc watch --since 5x
check "--since 5x: exit 2, the forms it takes" '[ "$(rc)" = 2 ] && err | grep -q "90s, 10m, 2h or 7d"'

echo "== a block of another product, above fwsvc"
check "an EDR's block on 2500 in a sublayer heavier than fwsvc's" 'wine fwpemu.exe tamper add-block in 2500 0xFFFF | grep -q "added block filter"'
check "the flow fwsvc permits is dropped again" '[ "$(replay in tcp 2500 50005 10.0.0.5)" = "1 flow(s), 1 dropped" ]'
fwsvc watch --json --since 1h
check "watch names that filter and its provider; the rule matches, overridden from above" 'jlines "d[-1][\"dropped_by\"][\"name\"] == \"fwpemu EDR isolation block\" and d[-1][\"dropped_by\"][\"provider\"] == \"fwpemu EDR\" and d[-1][\"dropped_by\"][\"sublayer\"] == \"fwpemu EDR sublayer\" and d[-1][\"rule\"] == \"windows-agent-ransomware-index-in\" and \"overridden by a block in a heavier sublayer\" in d[-1][\"reason\"] and d[-1][\"fix\"] is None"'
wine fwpemu.exe reset >/dev/null
fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24

echo "== another program: a product an upgrade moved"
veritas="$WINEPREFIX/drive_c/Program Files/Veritas/Backup Exec/RAWS"
mkdir -p "$veritas" && touch "$veritas/beremote.exe"
fwsvc apply --profile be-remote-agent
replay in tcp 10000 50010 10.0.0.20 'C:\Program Files\Veritas\Backup Exec\RAWS\beremote.exe' >/dev/null
fwsvc watch --json --profile be-remote-agent
check "NDMP to the Remote Agent in Veritas's folder: the program by its drive path, 'other program', the fix points be_install there" 'lines_valid && jlines "len(d) == 1 and d[0][\"rule\"] == \"ndmp-in\" and d[0][\"program\"] == \"C:\\\\program files\\\\veritas\\\\backup exec\\\\raws\\\\beremote.exe\" and d[0][\"reason\"].startswith(\"other program\") and d[0][\"fix\"] == \"fwsvc apply --profile be-remote-agent --set \\\"be_install=C:\\\\program files\\\\veritas\\\\backup exec\\\"\""'
fwsvc remove --profile be-remote-agent

echo "== --follow"
rm -f "$work/follow.out" "$work/follow.err"
wine fwsvc.exe watch --follow --json --limit 2 >"$work/follow.out" 2>"$work/follow.err" &
follower=$!
for _ in $(seq 1 100); do grep -q "watching" "$work/follow.err" 2>/dev/null && break; sleep 0.1; done
replay in tcp 2500 50006 192.0.2.7 >/dev/null
replay in tcp 2500 50007 192.0.2.8 >/dev/null
for _ in $(seq 1 100); do kill -0 $follower 2>/dev/null || break; sleep 0.1; done
kill $follower 2>/dev/null
wait $follower 2>/dev/null
cp "$work/follow.out" "$work/out"
check "--follow --limit 2: the two new drops as they came, then exit" 'lines_valid && jlines "[x[\"remote_address\"] for x in d] == [\"192.0.2.7\", \"192.0.2.8\"]"'

echo "== the service: one event per flow, counts per rule"
rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"
fwsvc service install --interval 10
wine_service_start
for _ in $(seq 1 100); do [ "$(logged "event 19:")" -ge 1 ] && break; sleep 0.1; done
check "the service subscribes (event 19, WatchDrops on by default)" '[ "$(logged "event 19:")" = 1 ]'
for i in $(seq 1 50); do printf 'in\ttcp\t2500\t%d\t192.0.2.9\n' $((40000 + i)); done >"$work/burst"
wine fwpemu.exe traffic "$(winpath "$work/burst")" >/dev/null
for _ in $(seq 1 100); do [ "$(logged "event 17:")" -ge 1 ] && break; sleep 0.1; done
for _ in $(seq 1 30); do wine fwsvc.exe service status --json 2>/dev/null | grep -q '"seen": 50' && break; sleep 0.2; done # saved within a second
check "a burst of 50 drops on one flow: one warning (event 17), naming rule, reason and fix" '[ "$(logged "event 17:")" = 1 ] && grep "event 17:" "$log_file" | grep -q "veeam-backup-server/windows-agent-ransomware-index-in, outside scope; dropped by \"Default Inbound Block (WF, IPv4)\" of Microsoft Corporation; fix: fwsvc apply"'
fwsvc service status --json
check "status.json counts them per rule; service status --json validates" 'valid service-status && jtrue "d[\"last\"][\"drops\"][\"watch\"] == \"on\" and d[\"last\"][\"drops\"][\"seen\"] + d[\"last\"][\"drops\"][\"lost\"] >= 50 and d[\"last\"][\"drops\"][\"reported\"] == 1 and d[\"last\"][\"drops\"][\"by_rule\"][0][\"rule\"] == \"veeam-backup-server/windows-agent-ransomware-index-in\""'
replay in tcp 2500 50008 192.0.2.10 >/dev/null
for _ in $(seq 1 50); do [ "$(logged "event 17:")" -ge 2 ] && break; sleep 0.1; done
check "another peer is another flow: a second warning" '[ "$(logged "event 17:")" = 2 ]'
for _ in $(seq 1 30); do fwsvc service status; out | grep -q ", 2 reported" && break; sleep 0.2; done # saved within a second
check "service status in words: the watch, the counts, the rule" 'out | grep -qE "^dropped backup traffic: watch on; [0-9]+ drop\(s\) on backup flows, 2 reported" && out | grep -q "veeam-backup-server/windows-agent-ransomware-index-in"'

echo "== net events not collected"
wine fwpemu.exe net-events collect off >/dev/null
fwsvc watch
check "watch: exit 1, the documented error, and how to turn collection on" '[ "$(rc)" = 1 ] && err | grep -q "FWP_E_NET_EVENTS_DISABLED" && err | grep -q "netsh wfp set options netevents=on"'
fwsvc watch --json
check "--json: an error object, not drops" '[ "$(rc)" = 1 ] && valid error'
wine reg add 'HKLM\SOFTWARE\fwsvc' /v IntervalSeconds /t REG_DWORD /d 11 /f >/dev/null # a configuration change: a reconcile
for _ in $(seq 1 100); do [ "$(logged "event 18:")" -ge 1 ] && break; sleep 0.1; done
wine reg add 'HKLM\SOFTWARE\fwsvc' /v IntervalSeconds /t REG_DWORD /d 12 /f >/dev/null
sleep 1.5
wine fwsvc.exe service status --json >"$work/out" 2>/dev/null
check "the service says so once (event 18), and carries on reconciling" '[ "$(logged "event 18:")" = 1 ] && grep "event 18:" "$log_file" | grep -q "netevents=on" && jtrue "d[\"last\"][\"drops\"][\"watch\"] == \"not collected\" and d[\"last\"][\"last_reconcile\"][\"result\"] == \"ok\" and d[\"last\"][\"last_reconcile\"][\"trigger\"] == \"configuration change\""'
wine fwpemu.exe net-events collect on >/dev/null
wine reg add 'HKLM\SOFTWARE\fwsvc' /v WatchDrops /t REG_DWORD /d 0 /f >/dev/null
for _ in $(seq 1 100); do [ "$(logged "WatchDrops is 0")" -ge 1 ] && break; sleep 0.1; done
wine fwsvc.exe service status --json >"$work/out" 2>/dev/null
check "WatchDrops=0: said, and status.json's watch is off" '[ "$(logged "WatchDrops is 0")" = 1 ] && jtrue "d[\"last\"][\"drops\"][\"watch\"] == \"off\""'

echo "watch end-to-end: $passed passed, $failed failed"
[ "$failed" = 0 ]
