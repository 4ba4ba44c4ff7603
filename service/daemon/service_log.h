/* What the service reports, twice: to the Event Log (source "fwsvc",
 * message table from events.mc, docs/events.md) and, one line per event, to
 * a bounded text log, %ProgramData%\fwsvc\fwsvc.log (rotated to fwsvc.log.1
 * at 1 MiB), which operators and tests can read where the Event Log keeps
 * nothing (Wine). Windows only. */
#ifndef FW_SERVICE_LOG_H
#define FW_SERVICE_LOG_H

#include <stdbool.h>
#include <windows.h>

#include "events.h"

#define FW_LOG_MAX_BYTES (1024 * 1024)

void fw_log_open(void);
void fw_log_close(void);
/* event: an FWSVC_EVENT_* id; the text is its %1. */
void fw_log_event(DWORD event, const char *format, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 2, 3)))
#endif
    ;
/* %ProgramData%\fwsvc (created), and a file in it (allocated, UTF-8). */
char *fw_service_data_path(const char *file);
/* Deletes the folder and the files fwsvc keeps in it (the log, its older
 * half, status.json); anything else in it stays, and so does the folder
 * then. Absent is success; otherwise false with GetLastError set. */
bool fw_service_data_forget(void);

#endif
