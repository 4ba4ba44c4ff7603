#include <winsock2.h> /* before windows.h */
#include "service_log.h"

#include "data_folder.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE event_source;
static CRITICAL_SECTION log_lock;
static bool log_ready;
/* The data folder's state, said once in the Event Log when it changes: a
 * folder fwsvc will not write to is worth one entry, not one per line. */
static char *folder_problem_said;

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
    free(folder_problem_said);
    folder_problem_said = NULL;
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

static void report_to_event_log(DWORD event, const char *text);

static bool folder_writable(void)
{
    char *problem = fw_data_folder_check(true);
    bool changed = (problem == NULL) != (folder_problem_said == NULL) ||
                   (problem && strcmp(problem, folder_problem_said) != 0);
    if (problem && changed) {
        char *text = fw_xasprintf("%s; fwsvc writes nothing there (no text log, no status.json) and keeps "
                                  "enforcing; delete the folder, or give it to SYSTEM and Administrators alone",
                                  problem);
        report_to_event_log(FWSVC_EVENT_DATA_FOLDER_UNSAFE, text);
        free(text);
    }
    free(folder_problem_said);
    folder_problem_said = problem;
    return problem == NULL;
}

/* One line appended; past FW_LOG_MAX_BYTES the file becomes fwsvc.log.1
 * (replacing the previous one), so the log never holds more than 2 MiB. */
static void append_line(const char *line)
{
    if (!folder_writable())
        return;
    char *path = fw_data_path("fwsvc.log");
    wchar_t *w = fw_utf8_to_wide(path);
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (GetFileAttributesExW(w, GetFileExInfoStandard, &a) && a.nFileSizeLow >= FW_LOG_MAX_BYTES) {
        char *old = fw_xasprintf("%s.1", path);
        wchar_t *wold = fw_utf8_to_wide(old);
        MoveFileExW(w, wold, MOVEFILE_REPLACE_EXISTING); /* moves a link itself, never its target */
        free(wold);
        free(old);
    }
    HANDLE h = fw_data_append("fwsvc.log");
    if (h != INVALID_HANDLE_VALUE) {
        DWORD done;
        WriteFile(h, line, (DWORD)strlen(line), &done, NULL);
        CloseHandle(h);
    }
    free(w);
    free(path);
}

static void report_to_event_log(DWORD event, const char *text)
{
    if (!event_source)
        return;
    wchar_t *w = fw_utf8_to_wide(text);
    const wchar_t *strings[1] = {w};
    WORD type = (event >> 30) == 3 ? EVENTLOG_ERROR_TYPE : (event >> 30) == 2 ? EVENTLOG_WARNING_TYPE
                                                                               : EVENTLOG_INFORMATION_TYPE;
    ReportEventW(event_source, type, 0, event, NULL, 1, 0, strings, NULL);
    free(w);
}

void fw_log_event(DWORD event, const char *format, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof text, format, ap);
    va_end(ap);
    SYSTEMTIME t;
    GetSystemTime(&t);
    char line[4200];
    snprintf(line, sizeof line, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ %-7s event %lu: %s\r\n", t.wYear, t.wMonth,
             t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds, level_of(event),
             (unsigned long)(event & 0xFFFF), text);
    if (!log_ready)
        fw_log_open();
    EnterCriticalSection(&log_lock);
    append_line(line);
    report_to_event_log(event, text);
    LeaveCriticalSection(&log_lock);
}
