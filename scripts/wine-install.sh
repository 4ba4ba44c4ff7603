# Sourced, after scripts/wine-env.sh: the Windows build installed into the
# Wine prefix the way fwsvc runs on Windows, so that the tests exercise what
# ships rather than the build folder.
#   - The WFP emulator's fwpuclnt.dll goes into the prefix's system32, with a
#     native-before-builtin override: the only place fwsvc.exe loads
#     fwpuclnt.dll from (wfp/wfp_dll.c). Never beside fwsvc.exe.
#   - fwsvc.exe and the catalog go into C:\Program Files\fwsvc (what the MSI
#     does), with the test tools beside it. fwsvc trusts a catalog only when
#     it and every folder above it are administrators' alone; a build folder
#     under /tmp (world-writable, as Wine reports it) is not.
# Run it as a command to do both: wine-install.sh BUILD_DIR.

fwsvc_install_dir="$WINEPREFIX/drive_c/Program Files/fwsvc"

# The prefix must exist (system32 with it) before anything is copied there.
wine_prefix_ready() {
  [ -d "$WINEPREFIX/drive_c/windows/system32" ] || wineboot -i >/dev/null 2>&1
  [ -d "$WINEPREFIX/drive_c/windows/system32" ]
}

wine_install_emulator() { # BUILD_DIR
  wine_prefix_ready || { echo "wine-install: no Wine prefix at $WINEPREFIX" >&2; return 1; }
  cp "$1/emulator/fwpuclnt.dll" "$WINEPREFIX/drive_c/windows/system32/fwpuclnt.dll"
  # The environment carries the override for processes started from here;
  # the registry for the service, which services.exe starts.
  wine reg add 'HKCU\Software\Wine\DllOverrides' /v fwpuclnt /t REG_SZ /d native,builtin /f >/dev/null
}

wine_install_fwsvc() { # BUILD_DIR
  rm -rf "$fwsvc_install_dir"
  mkdir -p "$fwsvc_install_dir/catalog"
  cp "$1/fwsvc.exe" "$1/fwpemu.exe" "$fwsvc_install_dir/"
  [ -f "$1/fwtest.exe" ] && cp "$1/fwtest.exe" "$fwsvc_install_dir/"
  cp "$1"/catalog/*.yaml "$fwsvc_install_dir/catalog/"
}

# A Unix path as Wine names it: C:\... inside the prefix's drive_c, else Z:\...
winpath() {
  case "$1" in
    "$WINEPREFIX/drive_c"/*) echo "C:${1#"$WINEPREFIX/drive_c"}" | sed 's|/|\\|g' ;;
    *) echo "Z:$1" | sed 's|/|\\|g' ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  . "$(dirname "$0")/wine-env.sh"
  wine_install_emulator "$1"
  wine_install_fwsvc "$1"
  echo "wine-install: fwpuclnt.dll (emulator) in system32, fwsvc in $fwsvc_install_dir"
fi
