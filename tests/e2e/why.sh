#!/usr/bin/env bash
# fwsvc why under Wine against the WFP emulator: single flows and their
# JSON, --profile, read-only, bad input, and the agreement test: many random
# flows over a state with other products' filters in several sublayers
# (soft and hard permits, blocks, disabled ones, a condition nobody can
# evaluate), where `fwsvc why` and the emulator's classify must name the
# same verdict and the same deciding filter for every flow.
# Usage: why.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
cleanup() {
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  rm -rf "$WINEPREFIX/drive_c/Program Files/Backup" "$WINEPREFIX/drive_c/Tools" \
    "$WINEPREFIX/drive_c/Program Files/Microsoft Data Protection Manager" "$WINEPREFIX/drive_c/Program Files/Symantec" "$work"
}
trap cleanup EXIT
SEED=${FWSVC_WHY_SEED:-20261201}
fwsvc() { wine fwsvc.exe "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
valid() { /usr/bin/python3 "$root/tests/e2e/validate_json.py" why "$work/out" >/dev/null; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$work/out"; }
# The emulator's call log: "PID FUNCTION RESULT +TIME" per call.
writes() { grep -cE " (FwpmFilterAdd0|FwpmFilterDeleteByKey0|FwpmFilterDeleteById0|FwpmTransactionCommit0|FwpmProviderAdd0|FwpmProviderDeleteByKey0|FwpmSubLayerAdd0|FwpmSubLayerDeleteByKey0) " "$work/calls.log"; }
export FWPEMU_CALLLOG=$(winpath "$work/calls.log")
# The programs of the random filters' app-id conditions exist.
mkdir -p "$WINEPREFIX/drive_c/Program Files/Backup" "$WINEPREFIX/drive_c/Tools"
touch "$WINEPREFIX/drive_c/Program Files/Backup/agent.exe" "$WINEPREFIX/drive_c/Tools/other.exe"
# ... and dpm-agent's program, so the emulator's classify can compute its app id too.
dpm_bin="$WINEPREFIX/drive_c/Program Files/Microsoft Data Protection Manager/DPM/bin"
mkdir -p "$dpm_bin" && touch "$dpm_bin/dpmra.exe"
# ... and the Remote Agent's: the NDMP rule is bound to it.
raws="$WINEPREFIX/drive_c/Program Files/Symantec/Backup Exec/RAWS"
mkdir -p "$raws" && touch "$raws/beremote.exe"
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1

echo "== one flow: verdict, deciding filter, trace"
wine fwpemu.exe reset >/dev/null
fwsvc apply --profile be-remote-agent --profile dpm-agent --set dpm_server=10.0.0.5
before=$(state_sum)
: >"$work/calls.log"
fwsvc why --dir in --proto tcp --port 10000 --remote-addr 10.0.0.5 --program "C:\Program Files\Symantec\Backup Exec\RAWS\beremote.exe"
check "the verdict first, decided by fwsvc's filter named by its rule; no GUID or weight without --verbose" '[ "$(rc)" = 0 ] && head -2 "$work/out" | grep -q "^  decided by fwsvc.s filter be-remote-agent/ndmp-in/recv-accept-v4, at recv-accept-v4" && ! grep -qE "\{[0-9a-f]{8}-|0x[0-9A-F]{4}" "$work/out"'
fwsvc why --dir in --proto tcp --port 10000 --remote-addr 10.0.0.5 --program "C:\Program Files\Symantec\Backup Exec\RAWS\beremote.exe" --verbose
check "NDMP to the Remote Agent from anywhere: PERMIT (exit 0), by fwsvc's hard permit" '[ "$(rc)" = 0 ] && grep -q "^PERMIT  inbound TCP to local port 10000 from 10.0.0.5" "$work/out" && grep -q "filter    \"fwsvc be-remote-agent/ndmp-in/recv-accept-v4\"" "$work/out" && grep -q "hard (FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)" "$work/out"'
check "the trace shows Windows Firewall's block below it, outranked" 'grep -qE "0x8000 .* no effect +BLOCK \"Default Inbound Block" "$work/out"'
fwsvc why --dir in --proto tcp --port 445 --remote-addr 10.0.0.5 --verbose
check "SMB from the DPM server (dpm_server=10.0.0.5): PERMIT by dpm-agent's scoped permit" '[ "$(rc)" = 0 ] && grep -q "filter    \"fwsvc dpm-agent/smb-tcp-in/recv-accept-v4\"" "$work/out"'
fwsvc why --dir in --proto tcp --port 445 --remote-addr 10.9.9.9 --verbose
check "SMB from another address: BLOCK (exit 3) by Windows Firewall's default block, in its sublayer" '[ "$(rc)" = 3 ] && grep -q "^BLOCK" "$work/out" && grep -q "Default Inbound Block (WF, IPv4)" "$work/out" && grep -q "sublayer  WFP Built-in WF sublayer" "$work/out"'
fwsvc why --dir in --proto tcp --port 445 --remote-addr 10.9.9.9 --json
check "--json validates (docs/schemas/why.schema.json) and names the deciding filter" 'valid && [ "$(json "d[\"verdict\"], d[\"decided_by\"][\"name\"], d[\"decided_by\"][\"hard\"]")" = "BLOCK Default Inbound Block (WF, IPv4) False" ]'
fwsvc why --dir in --proto tcp --port 10000 --remote-addr 2001:db8::7 --json
check "IPv6 by the address: the v6 layer decides" 'valid && [ "$(json "d[\"decided_by\"][\"layer\"], d[\"trace\"][0][\"layer\"]")" = "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6 FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6" ]'
check "read only: no write call, the engine's state unchanged" '[ "$(writes)" = 0 ] && grep -q " FwpmTransactionAbort0 " "$work/calls.log" && [ "$(state_sum)" = "$before" ]'

echo "== --profile: every documented flow of an applied profile"
fwsvc why --profile dpm-agent
check "dpm-agent on a clean host: all its flows permitted (exit 0)" '[ "$(rc)" = 0 ] && grep -qE "^0 of [0-9]+ flow\(s\) blocked" "$work/out"'
fwsvc why --profile dpm-agent --json
check "--profile --json validates; every flow checked, from its planned filter" 'valid && [ "$(json "d[\"checked\"] > 10 and d[\"blocked\"] == 0 and all(r[\"flow\"][\"origin\"].startswith(\"dpm-agent/\") for r in d[\"results\"])")" = True ]'
fwsvc why --profile dpm
check "a profile that is not applied: exit 2, says so" '[ "$(rc)" = 2 ] && grep -q "not applied on this host" "$work/err"'

echo "== near misses: what would carry a blocked flow (issue: operator truth, 2)"
# A Python condition on the last JSON output, d (exit 0 when true).
jtrue() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not ($1))" "$work/out"; }
text() { tr -d '\r' <"$work/out"; }
fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24
fwsvc why --dir in --proto tcp --port 2500 --remote-addr 192.0.2.9
check "a peer outside the scope: the rule, its scope, the flow's peer, and the command that admits it" '[ "$(rc)" = 3 ] && text | grep -qx "  veeam-backup-server/windows-agent-ransomware-index-in opens inbound tcp 2500-3300 from 10.0.0.0/24; this flow comes from 192.0.2.9" && text | grep -qx "    fix: fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24,192.0.2.9"'
fwsvc why --dir in --proto tcp --port 2500 --remote-addr 192.0.2.9 --json
first_is_scope='d["near_misses"][0]["rule"] == "veeam-backup-server/windows-agent-ransomware-index-in" and d["near_misses"][0]["applied"] and d["near_misses"][0]["unmatched"] == ["remote_address"] and d["near_misses"][0]["fix"].endswith("--set veeam_servers=10.0.0.0/24,192.0.2.9")'
check "--json: near_misses, the closest first: rule, applied, unmatched [remote_address], fix; valid" 'valid && jtrue "$first_is_scope"'
fwsvc why --dir in --proto tcp --port 6160 --remote-addr 10.0.0.5 --json
agent_opens='(d["near_misses"][0]["rule"], d["near_misses"][0]["applied"], d["near_misses"][0]["fix"]) == ("veeam-agent/volume-restore-in", False, "fwsvc apply --profile veeam-agent")'
check "the README's 6160, blocked on a backup server: the whole catalog says veeam-agent opens it, not applied, and how" 'valid && jtrue "$agent_opens"'
fwsvc why --dir in --proto tcp --port 10000 --json
no_program='[(m["unmatched"], m["fix"]) for m in d["near_misses"] if m["rule"] == "be-remote-agent/ndmp-in"] == [(["program"], None)]'
check "a program rule and a flow that names no program: unmatched program, no command (fwsvc cannot guess it)" 'valid && jtrue "$no_program"'
fwsvc why --dir in --proto tcp --port 10000 --program "D:\Apps\Symantec\Backup Exec\RAWS\beremote.exe" --json
moved='[m["fix"] for m in d["near_misses"] if m["rule"] == "be-remote-agent/ndmp-in"] == ["fwsvc apply --profile be-remote-agent --set \"be_install=D:\\Apps\\Symantec\\Backup Exec\""]'
check "the same program in another folder: the fix points the path variable at it" 'valid && jtrue "$moved"'
# The ransomware index rule's v4 filter (2500-3300): its port 3300 no other rule opens.
fwsvc filters --json
gone=$(python3 -c "import json,sys; print([f['key'] for f in json.load(open(sys.argv[1]))['filters'] if f['name'] == 'fwsvc veeam-backup-server/windows-agent-ransomware-index-in/recv-accept-v4'][0])" "$work/out")
wine fwpemu.exe tamper delete-key "$gone" >"$work/deleted"
fwsvc why --profile veeam-backup-server --json
gone_flows='[r for r in d["results"] if r["verdict"] == "BLOCK" and r["flow"].get("origin") == "veeam-backup-server/windows-agent-ransomware-index-in/recv-accept-v4"]'
drifted="$gone_flows and all(r[\"near_misses\"][0][\"rule\"] == \"veeam-backup-server/windows-agent-ransomware-index-in\" and r[\"near_misses\"][0][\"unmatched\"] == [\"drifted\"] and r[\"near_misses\"][0][\"fix\"] == \"fwsvc apply --profile veeam-backup-server\" for r in $gone_flows)"
check "a deleted filter: its flow blocked, the closest near miss is its rule, drifted, fix: apply" '[ "$(rc)" = 3 ] && valid && jtrue "$drifted"'
# The Data Mover's rule waits for its program (not installed here): its flow is
# blocked, and the closest near miss is that rule, pending, before rules of
# other programs.
mover='[r["near_misses"][0]["rule"] for r in d["results"] if r["flow"].get("origin") == "veeam-backup-server/data-mover-in/recv-accept-v4"] == ["veeam-backup-server/data-mover-in"]'
check "a rule waiting for its program: the closest near miss is that rule, pending" 'jtrue "$mover"'
# Alone on a fresh engine, so that the filter rewritten is one of its rules.
wine fwpemu.exe reset >/dev/null
wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
fwsvc apply --profile veeam-backup-server --set veeam_servers=10.0.0.0/24
wine fwpemu.exe tamper rewrite-one --provider '{6482c740-e714-4384-a334-8d81e8a75eea}' >/dev/null
fwsvc why --dir in --proto tcp --port 3389 --remote-addr 10.0.0.7 --json
rdp='d["verdict"] == "PERMIT" and d["decided_by"]["drifted"] is True and d["decided_by"]["identity"].startswith("veeam-backup-server/")'
check "a filter rewritten to any port: RDP is PERMIT, and why says the deciding filter has DRIFTED (issue: operator truth, 5)" 'valid && jtrue "$rdp"'
fwsvc why --dir in --proto tcp --port 3389 --remote-addr 10.0.0.7
check "... in text too, right under the verdict" 'text | sed -n 2p | grep -q "(DRIFTED)" && text | sed -n 3p | grep -q "^  DRIFTED: WFP holds something other than fwsvc.s plan"'
fwsvc remove --all

echo "== bad input"
fwsvc why --dir in --port 3389
check "no --proto: says it is needed, not got ''" '[ "$(rc)" = 2 ] && grep -q "a flow needs --proto tcp|udp" "$work/err" && ! grep -q "got" "$work/err"'
fwsvc why --proto tcp --port 3389
check "no --dir: says it is needed" '[ "$(rc)" = 2 ] && grep -q "a flow needs --dir in|out" "$work/err"'

fwsvc why --dir sideways --proto tcp --port 1
check "--dir sideways: exit 2" '[ "$(rc)" = 2 ] && grep -q "dir must be in or out" "$work/err"'
fwsvc why --dir in --proto tcp --port 70000
check "--port 70000: exit 2" '[ "$(rc)" = 2 ] && grep -q "port must be a port number" "$work/err"'
fwsvc why
check "no flow, profile or file: exit 2, says what it needs" '[ "$(rc)" = 2 ] && grep -q "why needs one of" "$work/err"'
fwsvc why --dir in --proto tcp --port 1 --remote-addr 10.0.0.0/8
check "an address range where one address is asked: exit 2" '[ "$(rc)" = 2 ] && grep -q "not one IPv4 or IPv6 address" "$work/err"'

echo "== agreement with the emulator's classify, over random flows and other products' filters"
wine fwpemu.exe reset >/dev/null
wine fwpemu.exe tamper add-random 300 "$SEED" >"$work/random"
# A restart: BFE holds back the filters of the provider whose service is gone (disabled).
wine fwpemu.exe reboot >/dev/null
fwsvc apply --profile be-remote-agent --profile dpm-agent --set dpm_server=10.0.0.5
wine fwpemu.exe dump >"$work/dump.json"
disabled=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d['filters'] if f['flags'] & 0x20))" "$work/dump.json")
check "the state: $(cat "$work/random"); $disabled of them disabled by the restart" '[ "$disabled" -gt 0 ]'
python3 "$root/tests/e2e/why_agree.py" flows "$SEED" 1000 "$work/emu.in" "$work/why.in"
wine fwpemu.exe classify-batch <"$work/emu.in" >"$work/emu.out"
before=$(state_sum)
: >"$work/calls.log"
t0=$(date +%s%N)
fwsvc why --flows "$(winpath "$work/why.in")" --json
t1=$(date +%s%N)
cp "$work/out" "$work/why.json"
check "why --flows: 1000 flows evaluated in one process ($(( (t1 - t0) / 1000000 )) ms), JSON valid" 'valid && [ "$(json "d[\"checked\"]")" = 1000 ]'
python3 "$root/tests/e2e/why_agree.py" compare "$work/emu.out" "$work/why.json" >"$work/agree" 2>&1
cat "$work/agree"
check "fwsvc why and the emulator agree on every flow's verdict and deciding filter" '[ $? ] && tail -1 "$work/agree" | grep -q "^agree: 1000 of 1000$"'
# The same flows one by one: each reads only the filters that can match it
# (FWP_FILTER_ENUM_OVERLAPPING), and must say exactly what the full read said.
i=0
while IFS=$'\t' read -r d p port addr prog; do
  args=(--dir "$d" --proto "$p" --port "$port" --remote-addr "$addr")
  [ "$prog" != "-" ] && args+=(--program "$prog")
  out_file="$work/single.$(printf %04d "$i").json"
  for attempt in 1 2; do
    wine fwsvc.exe why "${args[@]}" --json >"$out_file" 2>"$work/single.err" </dev/null
    rc=$?
    { [ "$rc" = 0 ] || [ "$rc" = 3 ]; } && break
    # Neither permitted nor blocked: say why, and try once more (a loaded
    # CI machine has failed a Wine process start); a second failure stays.
    echo "single flow $i (${args[*]}), attempt $attempt: exit $rc"; sed 's/^/    /' "$work/single.err" | head -5
  done
  i=$((i + 1))
done < <(head -n "${WHY_SINGLES:-150}" "$work/why.in")
total_filters=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['filters']))" "$work/dump.json")
python3 "$root/tests/e2e/why_agree.py" same "$work/why.json" "$work"/single.*.json >"$work/same" 2>&1
cat "$work/same"
check "${WHY_SINGLES:-150} flows one by one, each reading only what can match it (of $total_filters filters): the same verdict, deciding filter, trace, unevaluated conditions and near misses as the full read" 'tail -1 "$work/same" | grep -q "^same: ${WHY_SINGLES:-150} of ${WHY_SINGLES:-150}$" && python3 -c "import re,sys; m=re.search(r\"mean ([0-9.]+)\", open(sys.argv[1]).read()); sys.exit(not float(m.group(1)) < int(sys.argv[2]) / 2)" "$work/same" "$total_filters"'
check "still read only: no write, state unchanged" '[ "$(writes)" = 0 ] && [ "$(state_sum)" = "$before" ]'
fwsvc why --profile dpm-agent --json
cp "$work/out" "$work/profile.json"
python3 - "$work/profile.json" >"$work/profile.emu.in" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    f = r["flow"]
    local, remote = (str(f["port"]), "-") if f["dir"] == "in" else ("-", str(f["port"]))
    print("\t".join([f["dir"], f["proto"], local, remote, f["remote_addr"], f["program"] or "-"]))
PY
wine fwpemu.exe classify-batch <"$work/profile.emu.in" >"$work/profile.emu.out"
blocked=$(json "d[\"blocked\"]" 2>/dev/null)
check "--profile amid other products' filters: $blocked blocked (exit 3 when any), each as the emulator decides it" '{ [ "$blocked" = 0 ] || [ "$(rc)" = 3 ]; } && python3 -c "
import json,sys
res=json.load(open(sys.argv[1]))[\"results\"]; emu=[l.split()[0] for l in open(sys.argv[2]) if l.strip()]
sys.exit(not (len(res)==len(emu) and all(r[\"verdict\"]==e for r,e in zip(res,emu))))" "$work/profile.json" "$work/profile.emu.out"'

echo "why: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
