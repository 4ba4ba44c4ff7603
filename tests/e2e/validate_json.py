#!/usr/bin/python3
"""Validates a JSON document (a file, or stdin with '-') against one of the
schemas in docs/schemas, with Debian's python3-jsonschema. Prints the first
error and exits 1 when it does not validate."""
import json
import pathlib
import sys

import jsonschema

schemas = pathlib.Path(__file__).resolve().parents[2] / "docs" / "schemas"
name, path = sys.argv[1], sys.argv[2]
schema = json.loads((schemas / f"{name}.schema.json").read_text())
document = json.load(sys.stdin if path == "-" else open(path, encoding="utf-8"))
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
if errors:
    e = errors[0]
    print(f"{path}: not a valid {name} document: {e.message} at {'/'.join(map(str, e.path)) or '(root)'}")
    sys.exit(1)
