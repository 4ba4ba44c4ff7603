/* The services-file part of apply, status and remove: prepared before the
 * WFP transaction (read, check, work out the change, so a bad file stops
 * the command before WFP is touched) and committed after it. Windows only. */
#ifndef FW_SERVICES_STEP_H
#define FW_SERVICES_STEP_H

#include "services_sync.h"

#include <stdbool.h>

typedef struct {
    char *path;
    bool active;   /* some profile wants an entry, or fwsvc has one to undo */
    fw_svc_records before;
    fw_svc_sync sync;
} fw_services_step;

/* Returns an exit code; reports on stderr. will_write: the command will
 * commit, so a read-only file is refused now. */
int fw_services_prepare(fw_services_step *s, const char *path_arg, const fw_svc_want *want, size_t want_count,
                        bool will_write);
/* Backs the file up once, replaces it atomically and saves the records.
 * Returns an exit code. */
int fw_services_commit(fw_services_step *s);
/* On stdout; mode: "apply", "dry-run", "status" or "remove". */
void fw_services_report(const fw_services_step *s, const char *mode);
/* The warnings (another service on the port, a line left as someone
 * changed it...), on stderr. */
void fw_services_warn(const fw_services_step *s);
bool fw_services_has_drift(const fw_services_step *s);
void fw_services_step_free(fw_services_step *s);

#endif
