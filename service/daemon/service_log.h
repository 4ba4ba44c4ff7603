/* What the service reports, twice: to the Event Log (source "fwsvc",
 * message table from events.mc, docs/events.md) and, one line per event, to
 * a bounded text log, %ProgramData%\fwsvc\fwsvc.log (rotated to fwsvc.log.1
 * at 1 MiB), which operators and tests can read where the Event Log keeps
 * nothing (Wine). The text log is written only while its folder passes the
 * data folder's check (data_folder.h); when it does not, that is said once
 * in the Event Log. Windows only. */
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

#endif
