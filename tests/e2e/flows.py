"""Turns `fwsvc plan --json` into classification flows for `fwpemu classify-batch`.

For every planned filter: one flow per port value (a range gives its two
ends), on the filter's own layer and address family, with its program when
it has one. Each line is tab-separated: DIR PROTO LOCAL REMOTE ADDR [PROGRAM]
followed by the filter's "profile/rule/layer" after a second tab group
separator (' #'), which the test strips before classifying.
"""
import json
import sys

plan = json.load(open(sys.argv[1]))
programs = dict(arg.split("=", 1) for arg in sys.argv[2:])  # catalog path -> Windows path
out = []
for f in plan["filters"]:
    layer = f["layer"]
    inbound = "RECV_ACCEPT" in layer
    v6 = layer.endswith("V6")
    protos, ports, remote, program = [], [], None, ""
    for c in f["conditions"]:
        field, value = c["field"], c["value"]
        if field.endswith("IP_PROTOCOL"):
            protos.append(value.lower())
        elif field.endswith("_PORT"):
            if "-" in value:
                lo, hi = value.split("-")
                ports += [int(lo), int(hi)]
            else:
                ports.append(int(value))
        elif field.endswith("IP_REMOTE_ADDRESS"):
            remote = remote or value.split("/")[0]
        elif field.endswith("ALE_APP_ID"):
            program = programs.get(value, value)
    if not protos:
        protos = ["tcp", "udp"]
    if not ports:
        ports = [50000]
    if remote is None or (v6 and ":" not in remote):
        remote = "fd00::1" if v6 else "10.0.0.1"
    if ":" in remote and remote.count(":") == 7:
        remote = ":".join(remote.split(":"))  # full form is valid for inet_pton
    ident = f"{f['profile']}/{f['rule']}/{layer}"
    for proto in protos:
        for port in ports:
            local, rem = (port, 50001) if inbound else (50001, port)
            out.append(f"{'in' if inbound else 'out'}\t{proto}\t{local}\t{rem}\t{remote}\t{program} #{ident}")
print("\n".join(out))
