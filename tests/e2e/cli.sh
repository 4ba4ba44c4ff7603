#!/usr/bin/env bash
# End-to-end test of the fwsvc CLI on the real catalog: commands, output
# shapes, exit codes (docs/cli.md). Usage: cli.sh PATH/TO/fwsvc
set -u
fwsvc=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
catalog="$root/catalog"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_exit CODE NAME -- ARGS...: runs fwsvc, keeps stdout/stderr in $tmp.
expect_exit() {
  local code=$1 name=$2
  shift 3
  "$fwsvc" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$code" ]; then pass; else fail "$name: exit $rc, expected $code"; cat "$tmp/err"; fi
}
expect_out() { # NAME PATTERN: stdout matches
  if grep -qE -- "$2" "$tmp/out"; then pass; else fail "$1: stdout lacks /$2/"; fi
}
expect_err() { # NAME PATTERN: stderr matches
  if grep -qE -- "$2" "$tmp/err"; then pass; else fail "$1: stderr lacks /$2/"; cat "$tmp/err"; fi
}

expect_exit 0 version -- --version
expect_out version '^fwsvc [0-9]+\.[0-9]+\.[0-9]+$'
expect_exit 0 help -- --help
expect_out help 'Usage: fwsvc COMMAND'
expect_exit 0 plan-help -- plan --help
expect_out plan-help 'ALE auth-recv-accept'
expect_exit 2 no-args --
expect_exit 2 unknown-command -- frobnicate
expect_err unknown-command "unknown command 'frobnicate'"
expect_exit 2 unknown-option -- list --catalog "$catalog" --verbose
expect_exit 2 option-not-for-command -- list --catalog "$catalog" --json

expect_exit 0 list -- list --catalog "$catalog"
expect_out list '^PROFILE +RULES +VERSION +ROLE, then its ALIASES$'
expect_out list '^Microsoft System Center DPM$'
expect_out list '^  dpm +17  2012 R2 +DPM server$'
# Aliases are never cut, however long the role (issue: operator truth, 6).
expect_out list '^ +aliases: backup-exec-agent, raws$'
expect_out list '^ +aliases: veeam-guest-interaction-proxy$'
[ "$(grep -c '^  [a-z]' "$tmp/out")" -eq 30 ] && pass || fail "list: expected 30 profiles"

expect_exit 0 show -- show --catalog "$catalog" --profile dpm
expect_out show 'msdpm-program +in +any +all +%ProgramFiles%\\Microsoft DPM\\DPM\\bin\\msdpm.exe'
expect_out show 'dcom_ports +1024-65535'

expect_exit 0 plan-dpm -- plan --catalog "$catalog" --profile dpm
# 24: the ten outbound rules scoped to dpm_network (IPv4 private ranges by
# default) get no IPv6 filter.
expect_out plan-dpm '^dpm \(Microsoft System Center DPM, DPM server\): 17 rules -> 24 filters'
expect_out plan-dpm 'dpm/dcom-in +FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 +IP_PROTOCOL=TCP +IP_LOCAL_PORT=135 +ALE_APP_ID=%SystemRoot%.System32.svchost.exe'
expect_out plan-dpm 'dpm/dcom-out +FWPM_LAYER_ALE_AUTH_CONNECT_V6 +IP_PROTOCOL=TCP +IP_REMOTE_PORT=135\|1024-65535'

expect_exit 0 plan-alias-and-set -- plan --catalog "$catalog" --profile raws --set ndmp_port=10001
expect_out plan-alias-and-set 'be-remote-agent/ndmp-in +FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 +IP_PROTOCOL=TCP +IP_LOCAL_PORT=10001 +ALE_APP_ID=%ProgramFiles%.Symantec.Backup Exec.RAWS.beremote.exe$'
expect_exit 2 set-unknown-variable -- plan --catalog "$catalog" --profile dpm --set ndmp_port=10001
expect_err set-unknown-variable "profile 'dpm' has no variable 'ndmp_port'"
expect_exit 2 set-ill-typed -- plan --catalog "$catalog" --profile raws --set ndmp_port=1-2
expect_exit 2 set-malformed -- plan --catalog "$catalog" --profile raws --set ndmp_port
expect_exit 2 unknown-profile -- plan --catalog "$catalog" --profile nope
expect_err unknown-profile "no profile named 'nope'"
expect_exit 2 plan-needs-profile -- plan --catalog "$catalog"

# JSON: shape of 'catalog --json' and of 'plan --json'.
expect_exit 0 catalog-json -- catalog --json --catalog "$catalog"
cp "$tmp/out" "$tmp/catalog.json"
if python3 - "$tmp/catalog.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert list(doc) == ["profiles"], list(doc)
assert len(doc["profiles"]) == 30
for p in doc["profiles"]:
    assert list(p) == ["name", "aliases", "product", "product_versions", "site", "role", "description", "variables",
                       "exposure", "rules", "services"], list(p)
    assert p["site"] is False
    for r in p["rules"]:
        assert list(r) == ["id", "direction", "protocol", "ports", "program", "remote_addresses", "remote_variable",
                           "description", "source", "source_document", "source_section", "source_title",
                           "source_version", "source_url", "source_article", "versions"], list(r)
        assert r["direction"] in ("in", "out") and r["protocol"] in ("tcp", "udp", "any")
        assert all(isinstance(x, str) for x in r["ports"])
        assert "${" not in json.dumps(r), r   # variables expanded to defaults
        # Every source a person can open: a title, and a URL or the vendor's article name.
        assert r["source_title"] and (r["source_url"] or r["source_article"]), r
        assert r["source_url"] is None or r["source_url"].startswith("https://helpcenter.veeam.com/"), r
    for s in p["services"]:
        assert list(s) == ["name", "port", "protocol"] and isinstance(s["port"], int)
be = {p["name"]: p for p in doc["profiles"]}["be-remote-agent"]
assert be["services"] == [{"name": "ndmp", "port": 10000, "protocol": "tcp"}]
dcom = {p["name"]: p for p in doc["profiles"]}["dpm"]["rules"][0]
assert dcom["ports"] == ["135"] and dcom["program"].endswith("svchost.exe"), dcom
assert {p["name"]: p for p in doc["profiles"]}["dpm"]["product_versions"] == "2012 R2"
assert dcom["source_title"] == "Configure firewall settings for DPM" and dcom["source_version"] == "2012 R2", dcom
PY
then pass; else fail "catalog --json shape"; fi

expect_exit 0 plan-json -- plan --json --catalog "$catalog" --profile dpm --profile dpm-sql
if python3 - "$tmp/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert [p["name"] for p in doc["profiles"]] == ["dpm", "dpm-sql"]
f = doc["filters"]
# dpm-sql: its scoped rules wait for dpm_server; its rpc-in (135 to svchost.exe)
# is dpm/dcom-in's filter, installed once.
assert len(f) == 24 + 2, len(f)
assert [(x["profile"], x["rule"], x["with"]) for x in doc["shared"]] == [("dpm-sql", "rpc-in", "dpm/dcom-in")] * 2
layers = {x["layer"] for x in f}
assert layers == {"FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6",
                  "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_CONNECT_V6"}
assert all(x["action"] == "FWP_ACTION_PERMIT" for x in f)
rng = [c for x in f for c in x["conditions"] if c["match"] == "FWP_MATCH_RANGE"]
assert rng and all("-" in c["value"] for c in rng)
PY
then pass; else fail "plan --json shape"; fi

# lint: the real catalog is clean; a broken one gives file:line:col and exit 2.
expect_exit 0 lint-real -- lint "$catalog"
expect_out lint-real 'OK: 4 files, 30 profiles'
mkdir "$tmp/bad"
cp "$root/tests/malformed/several-errors-all-reported.yaml" "$tmp/bad/"
expect_exit 2 lint-bad -- lint "$tmp/bad"
expect_err lint-bad 'several-errors-all-reported.yaml:7:20: error: direction'
expect_err lint-bad 'several-errors-all-reported.yaml:9:20: error: .*70000'
expect_err lint-bad '4 error\(s\)'
expect_exit 2 plan-on-broken-catalog -- plan --catalog "$tmp/bad" --profile p
expect_err plan-on-broken-catalog 'nothing was done'
expect_exit 2 lint-missing-folder -- lint "$tmp/does-not-exist"

# --- issue: host configuration, findings 8, 9 and 12 ---
# 8: every command's --help lists all its options, --catalog before the exit codes.
expect_exit 0 apply-help -- apply --help
if awk '/--catalog/ { c = NR } /^Exit codes/ { e = NR } END { exit !(c && e && c < e) }' "$tmp/out"; then pass; else fail "apply --help: --catalog after the exit codes"; fi
for opt in --profile --set --unset --dry-run --json --catalog --services-file; do expect_out "apply --help lists $opt" -- "$opt"; done
expect_exit 0 remove-help -- remove --help
for opt in --profile --all --json --catalog --services-file; do expect_out "remove --help lists $opt" -- "$opt"; done
expect_exit 0 status-help -- status --help
for opt in --json --catalog --services-file 'Exit codes: 0 in sync, 3 drift, 4'; do expect_out "status --help lists $opt" -- "$opt"; done
expect_exit 0 top-help -- --help
if grep -q "for every command" "$tmp/out"; then fail "top-level help claims options for every command"; else pass; fi
expect_exit 0 lint-catalog-option -- lint --catalog "$catalog"
expect_exit 2 show-one-profile -- show --profile dpm --profile raws
expect_err show-one-profile "takes one --profile"
# 12: list fits 100 columns; did you mean, for commands, options and profiles.
expect_exit 0 list-width -- list --catalog "$catalog"
width=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/out")
if [ "$width" -le 100 ]; then pass; else fail "list is $width columns wide"; fi
expect_out list-has-aliases 'raws'
expect_exit 2 typo-command -- aply
expect_err typo-command "did you mean 'apply'"
if [ "$(wc -l <"$tmp/err")" -le 3 ]; then pass; else fail "a misspelled command prints the whole usage"; fi
expect_exit 2 typo-option -- plan --proflie dpm
expect_err typo-option "did you mean '--profile'"
expect_exit 2 typo-profile -- show --profile dmp --catalog "$catalog"
expect_err typo-profile "Did you mean 'dpm'"
if grep -q "veeam-oracle-restore-target" "$tmp/err"; then fail "an unknown profile lists every profile"; else pass; fi
# 9: catalog --json has variables and descriptions; plan --json the source section;
# both, and a failure's JSON error object, validate against docs/schemas.
validate() { /usr/bin/python3 "$root/tests/e2e/validate_json.py" "$1" "$tmp/out" && pass || fail "$2: not a valid $1 document"; }
expect_exit 0 catalog-json -- catalog --json --catalog "$catalog"
validate catalog catalog-json
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=[p for p in d['profiles'] if p['name']=='dpm'][0]; v={x['name']: x for x in p['variables']}; sys.exit(not (p['description'] and v['dcom_ports']['default']=='1024-65535' and v['dcom_ports']['type']=='port_range' and v['dcom_ports']['description']))" "$tmp/out"; then pass; else fail "catalog --json lacks dpm's variables or description"; fi
expect_exit 0 plan-json -- plan --profile raws --json --catalog "$catalog"
validate plan plan-json
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); f=d['filters'][0]; sys.exit(not (f['source_section'] and f['source'].endswith(f['source_section'])))" "$tmp/out"; then pass; else fail "plan --json lacks the source section"; fi
expect_exit 2 plan-json-error -- plan --profile nope --json --catalog "$catalog"
validate error plan-json-error
printf '{"command": "plan"}' >"$tmp/out"
if /usr/bin/python3 "$root/tests/e2e/validate_json.py" error "$tmp/out" >/dev/null; then fail "the validator accepts an error object without its error"; else pass; fi

# Site rules (issue 19): a second folder, same loader and guard, its profiles marked.
site="$root/tests/site-catalog"
expect_exit 0 site-list -- list --catalog "$catalog" --site-catalog "$site"
expect_out site-list '^  contoso-veeam-one-agent +1  - +\[site\] Veeam ONE agent'
[ "$(grep -c '^  [a-z]' "$tmp/out")" -eq 31 ] && pass || fail "list with the site folder: expected 31 profiles"
expect_exit 0 site-show -- show --catalog "$catalog" --site-catalog "$site" --profile contoso-veeam-one-agent
expect_out site-show '^Site: +a profile of this site.s own catalog'
expect_out site-show 'cited as CHG-2041 \(a site record\)'
expect_exit 0 site-json -- catalog --json --catalog "$catalog" --site-catalog "$site"
validate catalog site-json
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s={p['name']: p['site'] for p in d['profiles']}; sys.exit(not (s['contoso-veeam-one-agent'] and not s['dpm'] and sum(s.values()) == 1))" "$tmp/out"; then pass; else fail "catalog --json: site flags"; fi
expect_exit 0 site-lint -- lint "$catalog" --site-catalog "$site"
expect_out site-lint 'OK: 5 files \(1 the site.s\), 31 profiles'
expect_exit 0 site-none -- list --catalog "$catalog" --site-catalog none
if grep -q contoso "$tmp/out"; then fail "--site-catalog none still lists the site's profile"; else pass; fi
# A site file may not take a vendor profile's name, nor open what the guard refuses.
mkdir -p "$tmp/site-bad"
sed -e 's/name: contoso-veeam-one-agent/name: veeam-proxy/' "$site/contoso.yaml" >"$tmp/site-bad/clash.yaml"
expect_exit 2 site-clash -- lint "$catalog" --site-catalog "$tmp/site-bad"
expect_err site-clash "site-bad/clash.yaml:[0-9]+:[0-9]+: error: profile name 'veeam-proxy' is already"
rm "$tmp/site-bad/clash.yaml"
sed -e 's/name: contoso-veeam-one-agent/name: contoso-wide/' -e 's/ports: \[2805\]/ports: [445]/' \
    -e '/remote_addresses/d' "$site/contoso.yaml" >"$tmp/site-bad/wide.yaml"
expect_exit 2 site-guard -- show --catalog "$catalog" --site-catalog "$tmp/site-bad" --profile contoso-wide
expect_err site-guard "wide.yaml:[0-9]+:[0-9]+: error: .*445"

echo "cli end-to-end: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
