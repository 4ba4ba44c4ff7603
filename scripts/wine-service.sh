# Shared by tests/e2e/service.sh and bench/bench_service.sh (sourced, not
# run): fwsvc.exe as a service under Wine's service manager, with the WFP
# emulator's state where the service, which inherits no environment, finds it.

# A persistent wineserver (a command that ends the last Wine process would
# otherwise take services.exe and the service with it), and the emulator's
# machine-wide state folder: wine_service_begin STATE_DIR_WINDOWS_PATH.
wine_service_begin() {
  # A server still lingering from an earlier Wine command would ignore -p and
  # exit a few seconds later, taking services.exe and the service with it.
  wineserver -k >/dev/null 2>&1
  wineserver -w
  wineserver -p
  wine reg add 'HKLM\SOFTWARE\fwpemu' /v StateDir /t REG_SZ /d "$1" /f >/dev/null
}

# Starts the service and waits until it runs (10 s); once more if it did
# not, saying so: Wine's service manager has been seen to let a start
# fail on a busy machine, which is not what the tests test.
wine_service_start() {
  local try out
  for try in 1 2; do
    out=$(wine net start fwsvc 2>&1 | tr -d '\r')
    for _ in $(seq 1 20); do
      wine sc query fwsvc 2>/dev/null | grep -q RUNNING && return 0
      sleep 0.5
    done
    echo "note: the fwsvc service did not start (try $try): $(echo "$out" | tail -n 2 | tr '\n' ' ')"
  done
  return 1
}

# Leaves the prefix as it was: the service (wine_service_end [--remove]),
# fwsvc's and the emulator's keys, fwsvc's ProgramData folder, the server.
wine_service_end() {
  wine fwsvc.exe service uninstall "$@" >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\fwsvc' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\fwpemu' /f >/dev/null 2>&1
  rm -rf "$WINEPREFIX/drive_c/ProgramData/fwsvc"
  wineserver -k >/dev/null 2>&1
}
