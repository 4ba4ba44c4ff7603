/* What the service last did, for 'fwsvc service status': a small JSON file,
 * %ProgramData%\fwsvc\status.json, rewritten (atomically) after each
 * reconcile. Not in the registry: the loop watches HKLM\SOFTWARE\fwsvc for
 * configuration changes. Windows only. */
#ifndef FW_SERVICE_STATUS_H
#define FW_SERVICE_STATUS_H

#include <stddef.h>

typedef struct {
    char started[32];
    char last_time[32];
    char last_trigger[64];
    size_t last_writes;
    char last_result[16]; /* "ok" or "error" */
    size_t drift_repairs;
    size_t pending;
    char *last_error;
    char *last_pending_text; /* what was last logged as pending (to log changes only) */
} fw_service_status;

void fw_service_status_init(fw_service_status *s);
void fw_service_status_reconciled(fw_service_status *s, const char *trigger, size_t writes, size_t pending);
void fw_service_status_error(fw_service_status *s, const char *error);
void fw_service_status_free(fw_service_status *s);

#endif
