#include <winsock2.h> /* before windows.h */
#include "service_log.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <shlobj.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE event_source;
static CRITICAL_SECTION log_lock;
static bool log_ready;

char *fw_service_data_path(const char *file)
{
    /* The common application data folder, as the shell knows it: the same
     * for the service and for a command run by hand (%ProgramData% itself
     * may be unset in one of them). */
    wchar_t base[MAX_PATH];
    if (SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base) != S_OK)
        wcscpy(base, L"C:\\ProgramData");
    wchar_t dir[MAX_PATH + 16];
    swprintf(dir, MAX_PATH + 16, L"%ls\\fwsvc", base);
    CreateDirectoryW(dir, NULL);
    char *d = fw_wide_to_utf8(dir);
    char *path = file ? fw_xasprintf("%s\\%s", d, file) : fw_xstrdup(d);
    free(d);
    return path;
}

bool fw_service_data_forget(void)
{
    static const char *const files[] = {"fwsvc.log", "fwsvc.log.1", "status.json", "status.json.tmp"};
    bool ok = true;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = fw_service_data_path(files[i]);
        wchar_t *w = fw_utf8_to_wide(path);
        if (!DeleteFileW(w) && GetLastError() != ERROR_FILE_NOT_FOUND)
            ok = false;
        free(w);
        free(path);
    }
    char *dir = fw_service_data_path(NULL);
    wchar_t *w = fw_utf8_to_wide(dir);
    DWORD e = ERROR_SUCCESS;
    if (ok && !RemoveDirectoryW(w) && GetLastError() != ERROR_FILE_NOT_FOUND)
        ok = false, e = GetLastError();
    free(w);
    free(dir);
    if (!ok && e)
        SetLastError(e);
    return ok;
}

void fw_log_open(void)
{
    if (log_ready)
        return;
    InitializeCriticalSection(&log_lock);
    event_source = RegisterEventSourceW(NULL, L"fwsvc"); /* NULL where there is none: the text log stays */
    log_ready = true;
}

void fw_log_close(void)
{
    if (!log_ready)
        return;
    if (event_source)
        DeregisterEventSource(event_source);
    event_source = NULL;
    DeleteCriticalSection(&log_lock);
    log_ready = false;
}

static const char *level_of(DWORD event)
{
    switch (event >> 30) {
    case 3:
        return "ERROR";
    case 2:
        return "WARNING";
    default:
        return "INFO";
    }
}

/* One line appended; past FW_LOG_MAX_BYTES the file becomes fwsvc.log.1
 * (replacing the previous one), so the log never holds more than 2 MiB. */
static void append_line(const char *line)
{
    char *path = fw_service_data_path("fwsvc.log");
    wchar_t *w = fw_utf8_to_wide(path);
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (GetFileAttributesExW(w, GetFileExInfoStandard, &a) && a.nFileSizeLow >= FW_LOG_MAX_BYTES) {
        char *old = fw_xasprintf("%s.1", path);
        wchar_t *wold = fw_utf8_to_wide(old);
        MoveFileExW(w, wold, MOVEFILE_REPLACE_EXISTING);
        free(wold);
        free(old);
    }
    HANDLE h = CreateFileW(w, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        DWORD done;
        WriteFile(h, line, (DWORD)strlen(line), &done, NULL);
        CloseHandle(h);
    }
    free(w);
    free(path);
}

void fw_log_event(DWORD event, const char *format, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof text, format, ap);
    va_end(ap);
    SYSTEMTIME t;
    GetSystemTime(&t);
    char line[1200];
    snprintf(line, sizeof line, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ %-7s event %lu: %s\r\n", t.wYear, t.wMonth,
             t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds, level_of(event),
             (unsigned long)(event & 0xFFFF), text);
    if (!log_ready)
        fw_log_open();
    EnterCriticalSection(&log_lock);
    append_line(line);
    if (event_source) {
        wchar_t *w = fw_utf8_to_wide(text);
        const wchar_t *strings[1] = {w};
        WORD type = (event >> 30) == 3 ? EVENTLOG_ERROR_TYPE
                    : (event >> 30) == 2 ? EVENTLOG_WARNING_TYPE
                                         : EVENTLOG_INFORMATION_TYPE;
        ReportEventW(event_source, type, 0, event, NULL, 1, 0, strings, NULL);
        free(w);
    }
    LeaveCriticalSection(&log_lock);
}
