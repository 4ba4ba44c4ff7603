#!/usr/bin/env bash
# Group Policy: installer/policy/fwsvc.admx and en-US/fwsvc.adml against the
# ADMX schema (installer/policy/schema, xmllint), and against what fwsvc
# reads, both ways (policy.py, under Wine). Usage: policy.sh BUILD_DIR (windows)
. "$(dirname "$0")/wine-e2e.sh"
policy="$root/installer/policy"
# One wineserver for the many short wine commands below. The prefix's own
# processes (services.exe, winedevice.exe) start now, with no pipe of
# policy.py's to hold open.
wineserver -k >/dev/null 2>&1
wineserver -w
wineserver -p
wine reg delete 'HKLM\SOFTWARE\Policies\fwsvc' /f >/dev/null 2>&1
trap 'wine reg delete "HKLM\\SOFTWARE\\Policies\\fwsvc" /f >/dev/null 2>&1; wineserver -k; rm -rf "$work"' EXIT

valid() { xmllint --noout --schema "$policy/schema/$1" "$2" 2>"$work/xmllint"; }
check "fwsvc.admx validates against the ADMX schema" 'valid admx.xsd "$policy/fwsvc.admx"'
check "en-US/fwsvc.adml validates against the ADML schema" 'valid adml.xsd "$policy/en-US/fwsvc.adml"'
# The schema must refuse what Group Policy tools refuse.
mutant() { sed "$1" "$policy/fwsvc.admx" >"$work/mutant.admx"; ! valid admx.xsd "$work/mutant.admx"; }
check "refused: a policy class that is not User, Machine or Both" 'mutant "s/class=\"Machine\"/class=\"Computer\"/"'
check "refused: a policy without its category" 'mutant "/<parentCategory ref=\"Fwsvc\"\/>/d"'
check "refused: a displayName that is not a \$(string.X) reference" 'mutant "s/displayName=\"\$(string.CatalogDir)\"/displayName=\"Catalog folder\"/"'
check "refused: a decimal element without its valueName" 'mutant "s/ valueName=\"IntervalSeconds\"//"'
check "refused: an element the reference does not define" 'mutant "s/<list id=/<listing id=/"'
sed 's/refId="IntervalSecondsValue"/refId="IntervalSecondsValue" spin="maybe"/' "$policy/en-US/fwsvc.adml" >"$work/mutant.adml"
check "refused: an ADML attribute of the wrong type" '! valid adml.xsd "$work/mutant.adml"'

python3 "$root/tests/e2e/policy.py" "$policy/fwsvc.admx" "$policy/en-US/fwsvc.adml" "$bin/fwsvc.exe" >"$work/py" 2>&1
cat "$work/py"
check "the templates and fwsvc's host configuration map both ways (policy.py)" 'tail -1 "$work/py" | grep -q " 0 failed"'

echo "policy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
