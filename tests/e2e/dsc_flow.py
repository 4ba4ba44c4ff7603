#!/usr/bin/python3
"""Drives fwsvc's DSC v3 resource the way the dsc engine does, since dsc
itself is not available here (docs/dsc.md cites the pages):

  manifest              the manifest against Microsoft's manifest schema
  get|test|set|whatif|export [INSTANCE]
                        one operation, called as the manifest declares
                        (executable, args, input on stdin as compressed
                        JSON); prints its JSON lines
  config-set INSTANCE   what `dsc config set` does with one instance:
                        validate it against the manifest's embedded schema,
                        test; when not in the desired state, get (before),
                        set, get (after); the result as dsc reports it,
                        {beforeState, afterState, changedProperties,
                        inDesiredState, setCalled}

Every stdout line is checked against Microsoft's stdout schema of its
operation and the state against the embedded instance schema; every stderr
line must be one of DSC's JSON messages. A contract broken exits 1 with the
reason. Environment: FWSVC_DSC_RUN, how to run the manifest's executable
(e.g. "wine C:\\Program Files\\fwsvc\\fwsvc.exe"); FWSVC_DSC_MANIFEST, the
manifest (default: installer/fwsvc.dsc.resource.json)."""
import json
import os
import pathlib
import shlex
import subprocess
import sys

import jsonschema
import referencing

root = pathlib.Path(__file__).resolve().parents[2]
reference = root / "tests" / "reference" / "dsc-v3"
manifest_path = pathlib.Path(os.environ.get("FWSVC_DSC_MANIFEST", root / "installer" / "fwsvc.dsc.resource.json"))
manifest = json.loads(manifest_path.read_text())
manifest_schema = json.loads((reference / "resource-manifest.json").read_text())
# The embedded schema refers to DSC's canonical property schemas (_exist,
# _inDesiredState), which the bundled manifest schema carries in $defs.
registry = referencing.Registry().with_resources(
    (uri, referencing.Resource.from_contents(schema)) for uri, schema in manifest_schema["$defs"].items())
instance_validator = jsonschema.Draft202012Validator(manifest["schema"]["embedded"], registry=registry)
MANAGED = ("profiles", "intervalSeconds", "_exist")


def broken(message):
    print(f"dsc_flow: {message}", file=sys.stderr)
    sys.exit(1)


def check(schema, document, what):
    """schema: a schema (a dict), or a validator."""
    validator = jsonschema.Draft202012Validator(schema) if isinstance(schema, dict) else schema
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        broken(f"{what}: {e.message} at {'/'.join(map(str, e.path)) or '(root)'}: {json.dumps(document)}")


def stdout_schema(operation):
    return json.loads((reference / f"resource-stdout-{operation}.json").read_text())


def call(operation, instance=None):
    """Runs one operation as the manifest declares it; returns (exit code,
    stdout JSON lines)."""
    method = manifest["whatIf" if operation == "whatif" else operation]
    argv = shlex.split(os.environ.get("FWSVC_DSC_RUN", method["executable"]), posix=True) + method.get("args", [])
    stdin = ""
    if method.get("input") == "stdin" and instance is not None:
        stdin = json.dumps(instance, separators=(",", ":"))  # DSC sends compressed JSON
    p = subprocess.run(argv, input=stdin.encode(), capture_output=True, timeout=300)
    lines = [json.loads(l) for l in p.stdout.decode().replace("\r", "").splitlines() if l.strip()]
    for l in p.stderr.decode().replace("\r", "").splitlines():
        try:
            message = json.loads(l)
        except ValueError:
            broken(f"{operation}: stderr line is not one of DSC's JSON messages: {l!r}")
        if not (isinstance(message, dict) and len(message) == 1 and
                next(iter(message)) in ("error", "warn", "info", "debug", "trace")):
            broken(f"{operation}: stderr line is not a DSC message: {l!r}")
        print(f"  message: {l}", file=sys.stderr)
    code = p.returncode
    if code and str(code) not in manifest["exitCodes"]:
        broken(f"{operation}: exit code {code} is not declared in the manifest's exitCodes")
    if code:
        return code, lines
    schema = stdout_schema("set" if operation == "whatif" else operation)
    for line in lines:
        check(schema, line, f"{operation} output")
    state_lines = [l for l in lines if isinstance(l, dict)]
    for state in state_lines:
        check(instance_validator, state, f"{operation} state against the embedded instance schema")
    if operation in ("get", "export") and len(lines) != 1:
        broken(f"{operation}: expected one JSON line, got {len(lines)}")
    if operation in ("test", "set", "whatif"):  # return: stateAndDiff
        if len(lines) != 2 or not isinstance(lines[0], dict) or not isinstance(lines[1], list):
            broken(f"{operation}: stateAndDiff is a state line then a diff line, got {lines}")
    if operation == "test" and "_inDesiredState" not in lines[0]:
        broken("test: the state carries no _inDesiredState")
    return code, lines


def config_set(instance):
    check(instance_validator, instance, "the instance against the embedded schema")
    code, tested = call("test", instance)
    if code:
        return {"exitCode": code, "operation": "test"}
    state, test_diff = tested
    if state["_inDesiredState"]:
        if test_diff:
            broken(f"test: in the desired state, yet properties differ: {test_diff}")
        return {"beforeState": state, "afterState": state, "changedProperties": [], "inDesiredState": True,
                "setCalled": False}
    if not test_diff:
        broken("test: not in the desired state, yet no property named")
    code, got = call("get", instance)
    if code:
        return {"exitCode": code, "operation": "get"}
    before = got[0]
    code, result = call("set", instance)
    if code:
        return {"exitCode": code, "operation": "set", "beforeState": before}
    set_state, changed = result
    code, got = call("get", instance)
    after = got[0]
    # The diff names what changed: each managed property that differs
    # before and after is in it; one in it that does not differ must be
    # the profiles' filters repaired (the state was drift).
    differ = [p for p in MANAGED if before.get(p) != after.get(p)]
    for p in differ:
        if p not in changed:
            broken(f"set: {p} changed ({before.get(p)} -> {after.get(p)}) but the diff {changed} omits it")
    for p in changed:
        if p not in differ and not (p in ("profiles", "_exist") and before["state"] == "drift"):
            broken(f"set: the diff names {p}, which did not change")
    if set_state != {k: v for k, v in after.items()}:
        broken(f"set's state {set_state} is not what get reads after it {after}")
    return {"beforeState": before, "afterState": after, "changedProperties": changed, "inDesiredState": False,
            "setCalled": True}


def main():
    what = sys.argv[1]
    if what == "manifest":
        check(manifest_schema, manifest, str(manifest_path))
        print(f"{manifest_path.name}: a valid DSC v3 resource manifest ({manifest['type']} {manifest['version']})")
        return
    instance = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
    if what == "config-set":
        result = config_set(instance)
    else:
        code, lines = call(what, instance)
        result = {"exitCode": code, "lines": lines}
    print(json.dumps(result))


main()
