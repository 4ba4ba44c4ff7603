#!/usr/bin/env bash
# Authenticode for the package (installer/build-msi.sh, docs/release.md): a
# throwaway self-signed code-signing certificate made with openssl signs
# fwsvc.exe, the custom action DLL and the MSI; each verifies with
# osslsigncode against it, with SHA-256; a copy with one byte changed does
# not; BIN_DIR is left as it was; without a certificate the package is
# unsigned and says so. Usage: signing.sh BUILD_DIR (windows)
set -u
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
verify() { osslsigncode verify -CAfile "$work/cert.pem" -in "$1" >"$work/verify" 2>&1; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=fwsvc test code signing" -addext "extendedKeyUsage=codeSigning" \
  -addext "keyUsage=critical,digitalSignature" >/dev/null 2>&1
check "a throwaway code-signing certificate" '[ -s "$work/cert.pem" ] && openssl x509 -in "$work/cert.pem" -noout -ext extendedKeyUsage | grep -q "Code Signing"'

echo "== signed"
before=$(cd "$bin" && sha256sum fwsvc.exe fwsvc_ca.dll)
FWSVC_SIGN_CERT="$work/cert.pem" FWSVC_SIGN_KEY="$work/key.pem" \
  bash "$root/installer/build-msi.sh" 9.9.1 "$bin" "$root/catalog" "$work/signed" >"$work/build.out" 2>&1
msi="$work/signed/fwsvc-9.9.1-x64.msi"
check "build-msi signs, and says so" 'grep -q "signed with cert.pem, SHA-256" "$work/build.out"'
check "BIN_DIR untouched: fwsvc.exe and fwsvc_ca.dll as they were, unsigned" '[ "$(cd "$bin" && sha256sum fwsvc.exe fwsvc_ca.dll)" = "$before" ] && ! verify "$bin/fwsvc.exe"'
verify "$msi"; cat "$work/verify" | grep -E "^Signature verification" | sed 's/^/msi: /'
check "the MSI verifies (osslsigncode verify -CAfile), SHA-256, with MsiDigitalSignatureEx" 'verify "$msi" && grep -q "^Signature verification: ok" "$work/verify" && grep -qE "Message digest algorithm *: SHA256" "$work/verify" && ! grep -q "MsiDigitalSignatureEx stream doesn.t exist" "$work/verify"'
mkdir "$work/files"
msiextract -C "$work/files" "$msi" >/dev/null
exe=$(find "$work/files" -name fwsvc.exe | head -1)
msiinfo extract "$msi" Binary.FwsvcCA >"$work/fwsvc_ca.dll"
verify "$exe"; grep -E "^Signature verification" "$work/verify" | sed 's/^/fwsvc.exe: /'
check "fwsvc.exe inside it verifies, SHA-256" 'verify "$exe" && grep -q "^Signature verification: ok" "$work/verify" && grep -qE "Message digest algorithm *: SHA256" "$work/verify"'
verify "$work/fwsvc_ca.dll"; grep -E "^Signature verification" "$work/verify" | sed 's/^/fwsvc_ca.dll: /'
check "the custom action DLL (Binary.FwsvcCA) verifies, SHA-256" 'verify "$work/fwsvc_ca.dll" && grep -q "^Signature verification: ok" "$work/verify"'
flip() { python3 -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[len(d) // 3] ^= 1; open(sys.argv[2], 'wb').write(d)" "$1" "$2"; }
flip "$exe" "$work/changed.exe"
flip "$msi" "$work/changed.msi"
check "fwsvc.exe with one byte changed fails verification (digest mismatch)" '! verify "$work/changed.exe" && grep -q "MISMATCH" "$work/verify"'
check "the MSI with one byte changed fails verification" '! verify "$work/changed.msi"'

echo "== unsigned"
bash "$root/installer/build-msi.sh" 9.9.2 "$bin" "$root/catalog" "$work/unsigned" >"$work/build.out" 2>&1
check "no certificate: unsigned, and said" 'grep -q "unsigned: set FWSVC_SIGN_CERT and FWSVC_SIGN_KEY" "$work/build.out" && ! verify "$work/unsigned/fwsvc-9.9.2-x64.msi"'
FWSVC_SIGN_CERT="$work/cert.pem" bash "$root/installer/build-msi.sh" 9.9.3 "$bin" "$root/catalog" "$work/half" >"$work/build.out" 2>&1
half_rc=$?
check "a certificate without its key: exit 2, said, nothing built" '[ "$half_rc" = 2 ] && grep -q "must both name readable PEM files" "$work/build.out" && [ ! -e "$work/half/fwsvc-9.9.3-x64.msi" ]'

echo "signing: $passed passed, $failed failed"
[ "$failed" = 0 ]
