"""The rows of a vendor port table, read as shared/vendor-docs/README.md says.

A table starts at its '| From | To |' header; its title is the nearest line
of text above it. A row with fewer cells continues the row above: three
cells are Protocol, Port, Notes; two are Protocol and Port, or a Port and
its Notes; four are To, Protocol, Port, Notes. A row whose Protocol and Port
cells are empty is a sub-heading, not a row. Rows are named by their line
number in the document, since titles repeat across sections."""

PROTOCOL_WORDS = ("TCP", "UDP", "NDMP", "—")


def rows(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, title, last = [], None, None
    for n, line in enumerate(lines, 1):
        if line.startswith("| From | To |"):
            k = n - 2
            while k >= 0 and not lines[k].strip():
                k -= 1
            title, last = lines[k].strip(), None
            continue
        if title is None:
            continue
        if not line.startswith("|"):
            if line.strip():
                title = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 1 or cells[0] == "---":
            continue
        if len(cells) >= 5 and not cells[2] and not cells[3]:
            continue  # a sub-heading
        if len(cells) == 5:
            frm, to, proto, port = cells[:4]
        elif len(cells) == 4:
            frm = last[0]
            to, proto, port = cells[:3]
        elif len(cells) == 3:
            frm, to = last[0], last[1]
            proto, port = cells[:2]
        elif len(cells) == 2 and cells[0].startswith(PROTOCOL_WORDS):
            frm, to, proto, port = last[0], last[1], cells[0], cells[1]
        elif len(cells) == 2:
            frm, to, proto, port = last[0], last[1], last[2], cells[0]
        else:
            raise ValueError(f"{path}:{n}: a row of {len(cells)} cells")
        last = (frm, to, proto, port)
        out.append({"line": n, "table": title, "from": " ".join(frm.split()), "to": " ".join(to.split()),
                    "protocol": proto, "port": port})
    return out


FIELDS = ("line", "table", "from", "to", "protocol", "port")


def write_tsv(rows_, path):
    """The rows as a tab-separated index, so that a clone without the vendor
    documents still checks its coverage."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(FIELDS) + "\n")
        for r in rows_:
            f.write("\t".join(str(r[k]) for k in FIELDS) + "\n")


def read_tsv(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines[0].split("\t") == list(FIELDS), f"{path}: unexpected header"
    out = []
    for line in lines[1:]:
        r = dict(zip(FIELDS, line.split("\t")))
        r["line"] = int(r["line"])
        out.append(r)
    return out


if __name__ == "__main__":
    import sys
    write_tsv(rows(sys.argv[1]), sys.argv[2])
