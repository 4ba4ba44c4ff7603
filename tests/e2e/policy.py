"""Group Policy templates against the host configuration, both ways.

Usage: policy.py ADMX ADML FWSVC_EXE (run under the Wine environment).

1. The ADMX and ADML agree: every $(string.X) and $(presentation.X) the ADMX
   uses is defined in the ADML, every string the ADML defines is used, and
   each presentation control's refId names an element of its policy.
2. ADMX -> fwsvc: each policy, enabled as the Group Policy client writes it
   (decimal: REG_DWORD; text: REG_SZ; list with explicitValue: one REG_SZ per
   row), is what `fwsvc config --json` reports, with source "policy".
3. fwsvc -> ADMX: every setting `fwsvc config --json` reports is reached by
   a policy, so none is left to local configuration only.
Prints "N passed, M failed"; exits 1 on any failure.
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {"pd": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}
POLICY_ROOT = "HKLM\\SOFTWARE\\Policies\\fwsvc"
admx_path, adml_path, fwsvc = sys.argv[1:4]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")


def wine(*args, check_rc=True):
    # A registry write is the test's set-up, not what it checks: one that
    # fails is tried again (said on stdout), as a Wine process start under
    # load has once failed here with no message.
    for attempt in range(3 if check_rc and args[0] == "reg" else 1):
        r = subprocess.run(["wine", *args], capture_output=True, text=True)
        if not (check_rc and r.returncode):
            return r
        print(f"note: wine {' '.join(args)}: exit {r.returncode} ({r.stdout.strip()} {r.stderr.strip()})")
    if check_rc and r.returncode:
        raise SystemExit(f"wine {' '.join(args)}: exit {r.returncode}: {r.stdout} {r.stderr}")
    return r


def reg_clear():
    wine("reg", "delete", POLICY_ROOT, "/f", check_rc=False)


def config():
    r = wine(fwsvc, "config", "--json", check_rc=False)
    return json.loads(r.stdout)


def config_item(value_name):
    """The `fwsvc config --json` member a registry value feeds: its name in
    snake case (IntervalSeconds -> interval_seconds), AppliedProfiles ->
    profiles."""
    if value_name == "AppliedProfiles":
        return "profiles"
    return re.sub(r"(?<!^)([A-Z])", r"_\1", value_name).lower()


admx = ET.parse(admx_path).getroot()
adml = ET.parse(adml_path).getroot()
admx_text = open(admx_path, encoding="utf-8").read()

# 1. Cross-references.
strings = {s.get("id") for s in adml.iterfind(".//pd:stringTable/pd:string", NS)}
presentations = {p.get("id"): p for p in adml.iterfind(".//pd:presentationTable/pd:presentation", NS)}
used_strings = set(re.findall(r"\$\(string\.([^)]+)\)", admx_text))
used_presentations = set(re.findall(r"\$\(presentation\.([^)]+)\)", admx_text))
check("every $(string.X) of the ADMX is in the ADML", used_strings <= strings, sorted(used_strings - strings))
check("every string of the ADML is used", strings <= used_strings, sorted(strings - used_strings))
check("every $(presentation.X) is in the ADML", used_presentations <= set(presentations),
      sorted(used_presentations - set(presentations)))
policies = list(admx.iterfind(".//pd:policies/pd:policy", NS))
check("the template defines policies", len(policies) >= 5, len(policies))
for p in policies:
    ids = {e.get("id") for e in p.find("pd:elements", NS)}
    pres = presentations.get(re.sub(r"^\$\(presentation\.(.*)\)$", r"\1", p.get("presentation", "")))
    refs = {c.get("refId") for c in pres} if pres is not None else set()
    check(f"policy {p.get('name')}: its dialog's controls are its elements", refs == ids, (refs, ids))
    check(f"policy {p.get('name')}: a machine policy under Software\\Policies\\fwsvc",
          p.get("class") == "Machine" and p.get("key").startswith("Software\\Policies\\fwsvc"), p.get("key"))

# 2. ADMX -> fwsvc: each policy alone, as the Group Policy client writes it.
reached = set()
for p in policies:
    reg_clear()
    key = "HKLM\\" + p.get("key").replace("Software\\", "SOFTWARE\\", 1)
    for e in p.find("pd:elements", NS):
        kind = e.tag.split("}")[1]
        if kind == "decimal":
            lo, hi = int(e.get("minValue", "0")), int(e.get("maxValue", "9999"))
            value = (lo + hi) // 2
            wine("reg", "add", key, "/v", e.get("valueName"), "/t", "REG_DWORD", "/d", str(value), "/f")
            item = config_item(e.get("valueName"))
            got = config().get(item, {})
            check(f"{p.get('name')}: {e.get('valueName')}={value} (REG_DWORD) -> config {item} from policy",
                  got == {"value": value, "source": "policy"}, got)
        elif kind == "text":
            value = "C:\\fwsvc-policy\\" + e.get("valueName")
            wine("reg", "add", key, "/v", e.get("valueName"), "/t", "REG_SZ", "/d", value, "/f")
            item = config_item(e.get("valueName"))
            got = config().get(item, {})
            check(f"{p.get('name')}: {e.get('valueName')} (REG_SZ) -> config {item} from policy",
                  got == {"value": value, "source": "policy"}, got)
        elif kind == "list":
            check(f"{p.get('name')}: a list of name=value rows", e.get("explicitValue") == "true")
            list_key = "HKLM\\" + e.get("key", p.get("key")).replace("Software\\", "SOFTWARE\\", 1)
            item = config_item(list_key.rsplit("\\", 1)[1])
            # Disabled: the client deletes the rows; the key stays, empty.
            wine("reg", "add", list_key, "/f")
            got = config().get(item, {})
            check(f"{p.get('name')} disabled (no rows) -> no profile, from policy",
                  got.get("source") == "policy" and got.get("items") == [], got)
            # Enabled: one REG_SZ row per profile, settings NAME=VALUE;NAME=VALUE.
            wine("reg", "add", list_key, "/v", "dpm-agent", "/t", "REG_SZ", "/d",
                 "dpm_server=10.0.0.5,10.0.0.6; dpm_agent_install=C:\\DPM", "/f")
            wine("reg", "add", list_key, "/v", "be-remote-agent", "/t", "REG_SZ", "/d", "", "/f")
            got = config().get(item, {})
            want = {"source": "policy", "items": [
                {"name": "be-remote-agent", "settings": {}, "detected": False},
                {"name": "dpm-agent", "settings": {"dpm_server": "10.0.0.5,10.0.0.6",
                                                   "dpm_agent_install": "C:\\DPM"}, "detected": False}]}
            got_sorted = dict(got, items=sorted(got.get("items", []), key=lambda x: x["name"]))
            check(f"{p.get('name')}: two rows -> both profiles and their settings, from policy",
                  got_sorted == want, got)
        else:
            check(f"{p.get('name')}: element {kind} is mapped by this test", False)
            continue
        reached.add(item)

# 3. fwsvc -> ADMX: nothing fwsvc reads is beyond policy's reach.
reg_clear()
items = {k for k in config() if k != "command"}
check("every setting of 'fwsvc config' has a policy", items <= reached, sorted(items - reached))
check("every policy reaches a setting of 'fwsvc config'", reached <= items, sorted(reached - items))
reg_clear()
print(f"policy: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
