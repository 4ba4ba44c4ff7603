#!/usr/bin/env python3
"""Coverage of vendor document 005 (Veeam Backup & Replication 13.0.2, "Ports"):
every row of its tables is listed in docs/coverage.md, and each maps to rules
that exist in the shipped catalog, to a recorded decision, or is out of scope
with its reason. Every rule that cites 005 is listed there too.

The rows come from tests/coverage/005-rows.tsv, an index of the document's
rows (python3 vendor_rows.py DOCUMENT TSV writes it). Where the vendor
documents are present (VENDOR_DOCS_DIR, default ../shared/vendor-docs beside
the source), the index is first checked against the document itself.

usage: test_coverage.py FWSVC SOURCE_DIR [VENDOR_DOCS_DIR]"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vendor_rows  # noqa: E402

DOCUMENT = "005_veeam_vbr_used_ports.md"
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def main():
    fwsvc, source = sys.argv[1:3]
    vendor = sys.argv[3] if len(sys.argv) > 3 else os.path.join(source, "..", "shared", "vendor-docs")
    rows = vendor_rows.read_tsv(os.path.join(source, "tests", "coverage", "005-rows.tsv"))
    original = os.path.join(vendor, DOCUMENT)
    if os.path.exists(original):
        check(vendor_rows.rows(original) == rows, f"tests/coverage/005-rows.tsv differs from {original}")
        print(f"the row index matches {os.path.normpath(original)}")
    else:
        print(f"{os.path.normpath(original)} is not here: the committed row index stands for it")
    catalog = json.loads(subprocess.run([fwsvc, "catalog", "--catalog", os.path.join(source, "catalog"), "--json"],
                                        check=True, capture_output=True, text=True).stdout)
    rules = {f"{p['name']}/{r['id']}" for p in catalog["profiles"] for r in p["rules"]}
    citing = {f"{p['name']}/{r['id']}" for p in catalog["profiles"] for r in p["rules"]
              if r["source_document"] == DOCUMENT}

    doc = open(os.path.join(source, "docs", "coverage.md"), encoding="utf-8").read()
    decisions = set(re.findall(r"^\| (D\d+) \|", doc, re.M))
    section = doc.split(f"## 005", 1)[1].split("\n## ", 1)[0]
    listed = {}
    for line in section.splitlines():
        m = re.match(r"^\| l\.(\d+) \|.*\| ([^|]+) \|$", line)
        if m:
            check(int(m.group(1)) not in listed, f"l.{m.group(1)} listed twice")
            listed[int(m.group(1))] = m.group(2).strip()

    to_rules = to_decision = out = 0
    mentioned = set()
    for row in rows:
        n = row["line"]
        where = f"005 l.{n} ({row['table']}: {row['from']} -> {row['to']}, {row['protocol']} {row['port']})"
        entry = listed.pop(n, None)
        check(entry is not None, f"{where} is not in docs/coverage.md")
        if entry is None:
            continue
        refs = re.findall(r"`([a-z0-9-]+/[a-z0-9-]+)`", entry)
        named = re.findall(r"\bD\d+\b", entry)
        for ref in refs:
            check(ref in rules, f"{where}: no rule {ref} in the catalog")
        for d in named:
            check(d in decisions, f"{where}: no decision {d} in docs/coverage.md")
        mentioned.update(refs)
        if entry.startswith("out of scope: "):
            check(len(entry) > 30, f"{where}: out of scope with no reason: {entry!r}")
            out += 1
        elif refs:
            to_rules += 1
        else:
            check(bool(named), f"{where}: neither rules, a decision nor a reason: {entry!r}")
            to_decision += 1
    for n in listed:
        check(False, f"docs/coverage.md lists l.{n}, which is no row of 005")
    for rule in sorted(citing - mentioned):
        check(False, f"{rule} cites 005 but no row of docs/coverage.md maps to it")

    in_scope = to_rules + to_decision
    print(f"005: {len(rows)} rows: {in_scope} in scope ({to_rules} to rules, {to_decision} to a decision alone), "
          f"{out} out of scope with a reason; {len(citing)} rules cite 005")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
