#!/usr/bin/python3
"""Validates a JSON document (a file, or stdin with '-') against one of the
schemas in docs/schemas, with Debian's python3-jsonschema. Prints the first
error and exits 1 when it does not validate. --lines: the file is JSON Lines,
each line a document (an empty file is none, and fails)."""
import json
import pathlib
import sys

import jsonschema

schemas = pathlib.Path(__file__).resolve().parents[2] / "docs" / "schemas"
lines = sys.argv[1] == "--lines"
name, path = sys.argv[1 + lines], sys.argv[2 + lines]
schema = json.loads((schemas / f"{name}.schema.json").read_text())
text = (sys.stdin if path == "-" else open(path, encoding="utf-8")).read()
documents = [json.loads(line) for line in text.splitlines() if line.strip()] if lines else [json.loads(text)]
if not documents:
    print(f"{path}: no {name} document")
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)
for number, document in enumerate(documents, 1):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = f" (line {number})" if lines else ""
        print(f"{path}{where}: not a valid {name} document: {e.message} at {'/'.join(map(str, e.path)) or '(root)'}")
        sys.exit(1)
