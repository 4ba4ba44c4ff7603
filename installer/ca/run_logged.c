/* The MSI's custom action DLL: one entry, FwsvcRunLogged, that runs the
 * fwsvc.exe command line its CustomActionData holds, with no window, and
 * copies every line the command prints into the installer's log.
 *
 * Why not an EXE custom action: Windows Installer logs only an EXE action's
 * exit code ("returned actual error code 2"), so an administrator reading
 * an install that failed on PROFILES=dmp would not see fwsvc's "unknown
 * profile 'dmp'; did you mean 'dpm'?". Here each line is an
 * INSTALLMESSAGE_INFO record, and a failure ends with an INSTALLMESSAGE_ERROR
 * naming the command's exit code, so /qn installs explain themselves in the
 * /l*v log (MsiProcessMessage; "Custom Action Return Values").
 *
 * Deferred actions cannot read properties, only CustomActionData ("Obtaining
 * Context Information for Deferred Execution Custom Actions"): the MSI sets
 * it with a type 51 action named like this one. */
#include <windows.h>
#include <msi.h>
#include <msiquery.h>
#include <tlhelp32.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define LINE_MAX_BYTES 4096

static void log_record(MSIHANDLE install, INSTALLMESSAGE kind, const wchar_t *text)
{
    /* Field 0 is a template; the text goes in field 1 so that brackets in
     * fwsvc's output are not read as property references. */
    MSIHANDLE record = MsiCreateRecord(1);
    if (!record)
        return;
    /* Each line says it is fwsvc's, once: its errors already do. */
    MsiRecordSetStringW(record, 0, wcsncmp(text, L"fwsvc: ", 7) == 0 ? L"[1]" : L"fwsvc: [1]");
    MsiRecordSetStringW(record, 1, text);
    MsiProcessMessage(install, kind, record);
    MsiCloseHandle(record);
}

/* fwsvc prints UTF-8. */
static void log_utf8(MSIHANDLE install, INSTALLMESSAGE kind, const char *line, int len)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, line, len, NULL, 0);
    wchar_t *w = calloc((size_t)n + 1, sizeof *w);
    if (!w)
        return;
    MultiByteToWideChar(CP_UTF8, 0, line, len, w, n);
    log_record(install, kind, w);
    free(w);
}

static wchar_t *custom_action_data(MSIHANDLE install)
{
    DWORD len = 0;
    wchar_t empty[1] = L"";
    if (MsiGetPropertyW(install, L"CustomActionData", empty, &len) != ERROR_MORE_DATA)
        return NULL;
    wchar_t *data = calloc((size_t)len + 1, sizeof *data);
    len++;
    if (data && MsiGetPropertyW(install, L"CustomActionData", data, &len) != ERROR_SUCCESS) {
        free(data);
        data = NULL;
    }
    return data;
}

/* Reads the child's output until it closes the pipe, one log record per
 * line (a line longer than LINE_MAX_BYTES is cut into several). */
static void copy_output(MSIHANDLE install, HANDLE pipe)
{
    char line[LINE_MAX_BYTES];
    int used = 0;
    char chunk[1024];
    DWORD got;
    while (ReadFile(pipe, chunk, sizeof chunk, &got, NULL) && got) {
        for (DWORD i = 0; i < got; i++) {
            char ch = chunk[i];
            if (ch == '\n' || used == LINE_MAX_BYTES) {
                if (used && line[used - 1] == '\r')
                    used--;
                log_utf8(install, INSTALLMESSAGE_INFO, line, used);
                used = 0;
                if (ch == '\n')
                    continue;
            }
            line[used++] = ch;
        }
    }
    if (used)
        log_utf8(install, INSTALLMESSAGE_INFO, line, used);
}

static UINT run_logged(MSIHANDLE install, wchar_t *command)
{
    UINT result = ERROR_INSTALL_FAILURE;
    HANDLE read_end = NULL, write_end = NULL;
    PROCESS_INFORMATION child = {0};
    wchar_t message[256];
    if (!command || !command[0]) {
        log_record(install, INSTALLMESSAGE_ERROR, L"the custom action has no command line (CustomActionData)");
        goto done;
    }
    log_record(install, INSTALLMESSAGE_INFO, command);
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    if (!CreatePipe(&read_end, &write_end, &inherit, 0) || !SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0)) {
        swprintf(message, 256, L"cannot create a pipe for fwsvc's output (error %lu)", GetLastError());
        log_record(install, INSTALLMESSAGE_ERROR, message);
        goto done;
    }
    STARTUPINFOW startup = {.cb = sizeof startup, .dwFlags = STARTF_USESTDHANDLES,
                            .hStdInput = NULL, .hStdOutput = write_end, .hStdError = write_end};
    if (!CreateProcessW(NULL, command, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &startup, &child)) {
        swprintf(message, 256, L"cannot start fwsvc.exe (error %lu)", GetLastError());
        log_record(install, INSTALLMESSAGE_ERROR, message);
        goto done;
    }
    CloseHandle(write_end); /* the child holds the only write end: EOF when it exits */
    write_end = NULL;
    copy_output(install, read_end);
    WaitForSingleObject(child.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(child.hProcess, &code);
    if (code == 0) {
        result = ERROR_SUCCESS;
    } else {
        swprintf(message, 256, L"fwsvc failed with exit code %lu (2: invalid input, nothing changed; 1: "
                               L"runtime failure, WFP unchanged); its messages are above",
                 code);
        log_record(install, INSTALLMESSAGE_ERROR, message);
    }
done:
    if (child.hProcess)
        CloseHandle(child.hProcess);
    if (child.hThread)
        CloseHandle(child.hThread);
    if (read_end)
        CloseHandle(read_end);
    if (write_end)
        CloseHandle(write_end);
    return result;
}

UINT __stdcall FwsvcRunLogged(MSIHANDLE install);
UINT __stdcall FwsvcRunLogged(MSIHANDLE install)
{
    wchar_t *command = custom_action_data(install);
    UINT result = run_logged(install, command);
    free(command);
    return result;
}

/* The uninstall's cleanup must not run when this version is being removed
 * by a newer one: a major upgrade keeps the configuration and the filters.
 * Windows Installer says so with UPGRADINGPRODUCTCODE, which the action's
 * condition tests: on Windows that is the whole mechanism.
 *
 * Wine's RemoveExistingProducts does not set it (it runs "msiexec /qn /i
 * {product} REMOVE=ALL" as a child process). There, and only there, the
 * newer package notes before RemoveExistingProducts which products it
 * replaces and which msiexec process is installing it (id and start time),
 * and the older version's cleanup skips only when that very process is one
 * of its own ancestors: the upgrade is running it. A note left behind (an
 * upgrade that rolled back) names a process that is gone or unrelated, is
 * ignored and deleted, and the cleanup runs. The note is a volatile subkey
 * of HKLM\SOFTWARE\fwsvc, which is created first as an ordinary key: a
 * volatile parent would take the host configuration with it at the next
 * restart. (Running RemoveExistingProducts after InstallFinalize instead,
 * when the newer product is registered, does not work under Wine either:
 * its UnpublishProduct deletes the whole UpgradeCodes key, the newer
 * product's entry with it, and the next downgrade is no longer detected.) */
#define CONFIG_KEY L"SOFTWARE\\fwsvc"
#define UPGRADE_NOTE_KEY L"SOFTWARE\\fwsvc\\UpgradeInProgress"

static wchar_t *property(MSIHANDLE install, const wchar_t *name)
{
    DWORD len = 0;
    wchar_t empty[1] = L"";
    if (MsiGetPropertyW(install, name, empty, &len) != ERROR_MORE_DATA)
        return calloc(1, sizeof(wchar_t));
    wchar_t *value = calloc((size_t)len + 1, sizeof *value);
    len++;
    if (value && MsiGetPropertyW(install, name, value, &len) != ERROR_SUCCESS)
        value[0] = 0;
    return value;
}

static bool under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* A process, told apart from a later one with the same id. */
typedef struct {
    DWORD pid;
    ULONGLONG start;
} process_id;

static bool process_start(DWORD pid, ULONGLONG *start)
{
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    FILETIME created, ended, kernel, user;
    bool ok = h && GetProcessTimes(h, &created, &ended, &kernel, &user);
    if (h)
        CloseHandle(h);
    if (ok)
        *start = (ULONGLONG)created.dwHighDateTime << 32 | created.dwLowDateTime;
    return ok;
}

/* pid's parent and whether pid is an msiexec.exe. */
static bool parent_of(HANDLE snapshot, DWORD pid, DWORD *parent, bool *is_msiexec)
{
    PROCESSENTRY32W e = {.dwSize = sizeof e};
    for (BOOL more = Process32FirstW(snapshot, &e); more; more = Process32NextW(snapshot, &e)) {
        if (e.th32ProcessID == pid) {
            *parent = e.th32ParentProcessID;
            *is_msiexec = _wcsicmp(e.szExeFile, L"msiexec.exe") == 0;
            return true;
        }
    }
    return false;
}

/* The install running this action: the outermost msiexec.exe of the chain
 * of msiexec processes this one belongs to (a custom action server is one
 * too). */
static bool installing_process(process_id *out)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE)
        return false;
    DWORD pid = GetCurrentProcessId(), found = 0;
    for (int depth = 0; depth < 16; depth++) {
        DWORD parent;
        bool msiexec;
        if (!parent_of(snapshot, pid, &parent, &msiexec) || !msiexec)
            break;
        found = pid;
        pid = parent;
    }
    CloseHandle(snapshot);
    out->pid = found;
    return found && process_start(found, &out->start);
}

/* Whether p is this process or one of its ancestors. */
static bool is_own_ancestor(process_id p)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE)
        return false;
    bool found = false;
    DWORD pid = GetCurrentProcessId();
    for (int depth = 0; depth < 32 && pid && !found; depth++) {
        ULONGLONG start;
        found = pid == p.pid && process_start(pid, &start) && start == p.start;
        DWORD parent;
        bool msiexec;
        if (!parent_of(snapshot, pid, &parent, &msiexec))
            break;
        pid = parent;
    }
    CloseHandle(snapshot);
    return found;
}

/* Immediate, before RemoveExistingProducts, when WIX_UPGRADE_DETECTED. */
UINT __stdcall FwsvcNoteUpgrade(MSIHANDLE install);
UINT __stdcall FwsvcNoteUpgrade(MSIHANDLE install)
{
    if (!under_wine()) {
        log_record(install, INSTALLMESSAGE_INFO,
                   L"upgrading: Windows Installer sets UPGRADINGPRODUCTCODE, so the older version's uninstall keeps "
                   L"the configuration and the filters");
        return ERROR_SUCCESS;
    }
    wchar_t *replacing = property(install, L"WIX_UPGRADE_DETECTED");
    process_id self = {0, 0};
    HKEY config = NULL, key = NULL;
    LSTATUS e = installing_process(&self) ? ERROR_SUCCESS : ERROR_NOT_FOUND;
    if (!e) /* an ordinary key first: never a volatile parent for the configuration */
        e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, CONFIG_KEY, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_WRITE | KEY_WOW64_64KEY,
                            NULL, &config, NULL);
    if (!e)
        e = RegCreateKeyExW(config, L"UpgradeInProgress", 0, NULL, REG_OPTION_VOLATILE, KEY_SET_VALUE | KEY_WOW64_64KEY,
                            NULL, &key, NULL);
    if (!e)
        e = RegSetValueExW(key, L"Replacing", 0, REG_SZ, (const BYTE *)replacing,
                           (DWORD)((wcslen(replacing) + 1) * sizeof(wchar_t)));
    if (!e)
        e = RegSetValueExW(key, L"Pid", 0, REG_DWORD, (const BYTE *)&self.pid, sizeof self.pid);
    if (!e)
        e = RegSetValueExW(key, L"Started", 0, REG_QWORD, (const BYTE *)&self.start, sizeof self.start);
    if (key)
        RegCloseKey(key);
    if (config)
        RegCloseKey(config);
    wchar_t message[300];
    if (e)
        swprintf(message, 300, L"cannot note the upgrade (error %ld); under Wine the older version's uninstall would "
                               L"then remove the configuration",
                 (long)e);
    else
        swprintf(message, 300, L"upgrading %ls: noted for the older version's uninstall (msiexec process %lu); the "
                               L"configuration and the filters stay",
                 replacing, self.pid);
    log_record(install, INSTALLMESSAGE_INFO, message);
    free(replacing);
    return ERROR_SUCCESS;
}

/* Immediate, after InstallFinalize: the upgrade is done. */
UINT __stdcall FwsvcUpgradeDone(MSIHANDLE install);
UINT __stdcall FwsvcUpgradeDone(MSIHANDLE install)
{
    (void)install;
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, UPGRADE_NOTE_KEY, KEY_WOW64_64KEY, 0);
    return ERROR_SUCCESS;
}

/* The note names this product and was written by the install that runs
 * this uninstall. A note that does not is deleted. */
static bool upgrade_noted(MSIHANDLE install, const wchar_t *product_code)
{
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, UPGRADE_NOTE_KEY, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key))
        return false;
    wchar_t replacing[1024] = L"";
    process_id writer = {0, 0};
    DWORD size = sizeof replacing - sizeof(wchar_t), pid_size = sizeof writer.pid, start_size = sizeof writer.start;
    bool named = RegGetValueW(key, NULL, L"Replacing", RRF_RT_REG_SZ, NULL, replacing, &size) == ERROR_SUCCESS &&
                 wcsstr(replacing, product_code) != NULL;
    bool identified = RegGetValueW(key, NULL, L"Pid", RRF_RT_REG_DWORD, NULL, &writer.pid, &pid_size) == ERROR_SUCCESS &&
                      RegGetValueW(key, NULL, L"Started", RRF_RT_REG_QWORD, NULL, &writer.start, &start_size) ==
                          ERROR_SUCCESS;
    RegCloseKey(key);
    if (named && identified && is_own_ancestor(writer))
        return true;
    log_record(install, INSTALLMESSAGE_INFO,
               L"an upgrade note was found that this uninstall is not part of (an upgrade that did not finish): "
               L"ignored and deleted");
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, UPGRADE_NOTE_KEY, KEY_WOW64_64KEY, 0);
    return false;
}

/* Immediate, on a first install, before the configure action is scheduled:
 * its rollback (a later action failing) may undo what it did with
 * 'remove --all --purge' only if there was no fwsvc configuration before
 * this install; the rollback action runs when this sets its data. */
UINT __stdcall FwsvcPlanRollback(MSIHANDLE install);
UINT __stdcall FwsvcPlanRollback(MSIHANDLE install)
{
    HKEY key;
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\fwsvc", 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key)) {
        RegCloseKey(key);
        log_record(install, INSTALLMESSAGE_INFO, L"a configuration exists already: a rollback leaves it");
        return ERROR_SUCCESS;
    }
    MSIHANDLE record = MsiCreateRecord(0);
    wchar_t command[MAX_PATH + 64];
    DWORD len = MAX_PATH + 64;
    MsiRecordSetStringW(record, 0, L"\"[#fwsvc.exe]\" remove --all --purge");
    if (MsiFormatRecordW(install, record, command, &len) == ERROR_SUCCESS)
        MsiSetPropertyW(install, L"FwsvcConfigureRollback", command);
    MsiCloseHandle(record);
    return ERROR_SUCCESS;
}

/* Deferred, no impersonation, on uninstall. CustomActionData:
 * "{ProductCode}command line". */
UINT __stdcall FwsvcUninstallCleanup(MSIHANDLE install);
UINT __stdcall FwsvcUninstallCleanup(MSIHANDLE install)
{
    enum { GUID_CHARS = 38 };
    UINT result = ERROR_INSTALL_FAILURE;
    wchar_t *data = custom_action_data(install);
    if (!data || wcslen(data) <= GUID_CHARS) {
        log_record(install, INSTALLMESSAGE_ERROR, L"the uninstall action's CustomActionData is malformed");
        goto done;
    }
    wchar_t product_code[GUID_CHARS + 1];
    wcsncpy(product_code, data, GUID_CHARS);
    product_code[GUID_CHARS] = 0;
    if (upgrade_noted(install, product_code)) {
        log_record(install, INSTALLMESSAGE_INFO,
                   L"a newer fwsvc replaces this version: the configuration and the filters stay");
        result = ERROR_SUCCESS;
        goto done;
    }
    result = run_logged(install, data + GUID_CHARS);
done:
    free(data);
    return result;
}
