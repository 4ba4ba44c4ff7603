"""Random flows for the agreement test of `fwsvc why` with the emulator's
classify (tests/e2e/why.sh).

  why_agree.py flows SEED N OUT_EMU OUT_WHY   writes the same N flows twice:
      for `fwpemu classify-batch` (DIR PROTO LOCAL REMOTE ADDR PROGRAM) and
      for `fwsvc why --flows` (DIR PROTO PORT ADDR PROGRAM)
  why_agree.py compare EMU_OUT WHY_JSON       prints each disagreement, the
      mix of verdicts seen, and "agree: N of M"; exits 1 on any disagreement
  why_agree.py same WHY_JSON ONE_JSON...      the results of single-flow runs
      (`fwsvc why --dir ...`, which reads only the filters that can match)
      against the same flows' results from `--flows` (which reads them all):
      verdict, deciding filter, trace, unevaluated conditions and near misses
      identical; prints "same: N of M" and the filters each read; exits 1 on
      any difference
"""
import json
import random
import re
import sys

PORTS = [80, 135, 445, 3389, 5718, 6075, 6160, 9392, 10000, 10001, 50000, 1500, 2000, 7000]
V4 = ["10.0.0.5", "10.1.2.3", "192.168.1.5", "192.168.2.5", "8.8.8.8"]
V6 = ["fd00::5", "2001:db8::5", "2001:db9::1"]
PROGRAMS = ["C:\\Program Files\\Backup\\agent.exe", "C:\\Windows\\System32\\svchost.exe",
            "C:\\Tools\\other.exe", "-"]


def flows(seed, n, out_emu, out_why):
    rnd = random.Random(seed)
    with open(out_emu, "w") as emu, open(out_why, "w") as why:
        for _ in range(n):
            d = rnd.choice(["in", "out"])
            proto = rnd.choice(["tcp", "udp"])
            port = rnd.choice(PORTS) if rnd.random() < 0.8 else rnd.randint(1, 65535)
            addr = rnd.choice(V4 if rnd.random() < 0.6 else V6)
            prog = rnd.choice(PROGRAMS)
            local, remote = (str(port), "-") if d == "in" else ("-", str(port))
            emu.write(f"{d}\t{proto}\t{local}\t{remote}\t{addr}\t{prog}\n")
            why.write(f"{d}\t{proto}\t{port}\t{addr}\t{prog}\n")


LINE = re.compile(r'^(PERMIT|BLOCK) (?:by filter \d+ (\{[0-9a-f-]+\}) .* in sublayer (\{[0-9a-f-]+\})|\(no filter matched\))$')


def compare(emu_out, why_json):
    emu = [l.rstrip("\r\n") for l in open(emu_out, encoding="utf-8", errors="replace") if l.strip()]
    why = json.load(open(why_json))["results"]
    if len(emu) != len(why):
        print(f"FAIL: {len(emu)} emulator verdicts, {len(why)} from fwsvc why")
        return 1
    agree = 0
    mix = {}
    for i, (e, w) in enumerate(zip(emu, why)):
        m = LINE.match(e)
        if not m:
            print(f"FAIL: flow {i}: emulator said {e!r}")
            continue
        e_verdict, e_key = m.group(1), m.group(2)
        d = w["decided_by"]
        w_key = d["key"] if d else None
        if (e_verdict, e_key) == (w["verdict"], w_key):
            agree += 1
            kind = "no match" if not d else f"{d['action'].lower()}{' hard' if d['hard'] else ''} by " + (
                "fwsvc" if d["provider_name"] == "fwsvc" else "another provider")
            mix[f"{w['verdict']} ({kind})"] = mix.get(f"{w['verdict']} ({kind})", 0) + 1
        else:
            print(f"DISAGREE flow {i} {w['flow']['text']}: emulator {e_verdict} {e_key}, why {w['verdict']} {w_key}")
    unevaluated = sum(1 for w in why if w["unevaluated"])
    depends = sum(1 for w in why if any(u["verdict_depends_on_it"] for u in w["unevaluated"]))
    for k in sorted(mix):
        print(f"  {mix[k]:5d}  {k}")
    print(f"  {unevaluated:5d}  flows naming a condition fwsvc could not evaluate ({depends} whose verdict depends on one)")
    print(f"agree: {agree} of {len(why)}")
    # The mix must be rich enough for the agreement to mean something.
    kinds = {k.split(" (")[0] for k in mix}
    rich = {"PERMIT", "BLOCK"} <= kinds and any("permit hard by another" in k for k in mix) and \
        any("permit by another" in k for k in mix) and any("by fwsvc" in k for k in mix) and unevaluated > 0
    if not rich:
        print("FAIL: the flows did not exercise hard and soft permits, blocks, fwsvc's filters and unknown conditions")
    return 0 if agree == len(why) and rich else 1


def same(full_json, singles):
    full = json.load(open(full_json))["results"]
    alike, read = 0, []
    compared = ("verdict", "decided_by", "trace", "unevaluated", "near_misses", "near_misses_omitted")
    for i, path in enumerate(singles):
        one = json.load(open(path))
        read.append(one["filters_read"])
        diff = [k for k in compared if one[k] != full[i][k]]
        if diff:
            print(f"DIFFER flow {i} {one['flow']['text']}: {', '.join(diff)}")
            for k in diff:
                a, b = full[i][k], one[k]
                if isinstance(a, list):
                    for x in a:
                        if x not in b:
                            print(f"  {k}, full read only: {json.dumps(x)[:300]}")
                    for x in b:
                        if x not in a:
                            print(f"  {k}, single read only: {json.dumps(x)[:300]}")
        else:
            alike += 1
    print(f"filters read per single flow: min {min(read)}, max {max(read)}, mean {sum(read) / len(read):.1f}")
    print(f"same: {alike} of {len(singles)}")
    return 0 if alike == len(singles) else 1


if __name__ == "__main__":
    if sys.argv[1] == "same":
        sys.exit(same(sys.argv[2], sys.argv[3:]))
    if sys.argv[1] == "flows":
        flows(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
