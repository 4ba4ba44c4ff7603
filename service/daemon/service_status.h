/* What the service last did, for 'fwsvc service status': a small JSON file,
 * %ProgramData%\fwsvc\status.json, rewritten (a new file moved over the old
 * one) after each reconcile, in a folder only SYSTEM and Administrators can
 * write (data_folder.h). Read back, it is validated against the shape the
 * service writes before anything of it is shown: a file planted there is
 * refused, not echoed. The service's loop and its drop watch both update
 * it: every change and every save holds one lock. Not in the registry: the loop watches
 * HKLM\SOFTWARE\fwsvc for configuration changes. Windows only. */
#ifndef FW_SERVICE_STATUS_H
#define FW_SERVICE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "fw_json.h"

#define FW_STATUS_MAX_BYTES 65536
/* Catalog diagnostics kept with a failed reconcile (file:line:column each);
 * the Event Log and the text log carry as many. */
#define FW_STATUS_MAX_DIAGNOSTICS 20

/* Drops on backup flows the service saw (drop_watch.h), per rule. */
#define FW_STATUS_MAX_DROP_RULES 64
typedef struct {
    char rule[160];  /* "profile/rule", or "profile" for an unexpected flow on its port */
    size_t count;
    char last[32];
} fw_status_drop_rule;

typedef struct {
    char watch[16];  /* "on", "off" (WatchDrops 0), "not collected" (net events off), "unavailable" (BFE),
                        "not recorded" (a record from before the drop watch) */
    size_t seen;     /* drops on backup flows since the start */
    size_t reported; /* of which written to the log (one per flow per 10 minutes) */
    size_t lost;     /* came faster than they could be explained */
    fw_status_drop_rule rules[FW_STATUS_MAX_DROP_RULES]; /* the most recent rules kept */
    size_t rule_count;
} fw_status_drops;

typedef struct {
    char started[32];
    /* The last reconcile, whatever its result: its trigger is the one the
     * log names. */
    char last_time[32];
    char last_trigger[160]; /* a gathered burst names each of its triggers */
    size_t last_writes;
    char last_result[16]; /* "ok", "error", or "none" before the first */
    /* The last reconcile that wrote: a repair's figure is not overwritten by
     * the quiet reconciles after it. Empty time: none since the start. */
    char write_time[32];
    char write_trigger[160];
    size_t write_count;
    size_t writes_since_start;
    size_t drift_repairs;
    size_t pending;
    char *last_error;     /* cleared by the next reconcile that succeeds */
    char **diagnostics;   /* the failed reconcile's catalog diagnostics, formatted */
    size_t diagnostic_count;
    char *last_pending_text; /* what was last logged as pending (to log changes only) */
    char *last_refused_text; /* ... as refused */
    char *last_widened_text; /* ... as widened to any address */
    fw_status_drops drops;
} fw_service_status;

void fw_service_status_init(fw_service_status *s);
void fw_service_status_reconciled(fw_service_status *s, const char *trigger, size_t writes, size_t pending);
/* diagnostics: formatted lines (copied), at most FW_STATUS_MAX_DIAGNOSTICS kept. */
void fw_service_status_error(fw_service_status *s, const char *trigger, const char *error,
                             const char *const *diagnostics, size_t diagnostic_count);
void fw_service_status_drift_repaired(fw_service_status *s);
/* From the drop watch's thread: its state, and drops counted against rules
 * (saved with the record). */
void fw_service_status_drops(fw_service_status *s, const char *watch);
void fw_service_status_drop_seen(fw_service_status *s, const char *rule, bool reported, size_t lost);
void fw_service_status_save(fw_service_status *s);
void fw_service_status_free(fw_service_status *s);

typedef enum {
    FW_STATUS_OK,        /* read and valid */
    FW_STATUS_NONE,      /* no record yet (or no folder) */
    FW_STATUS_UNTRUSTED, /* an unsafe folder, a link, not JSON, or not its shape: *why says which */
} fw_status_read;
/* Reads the service's record back (never creating anything). */
fw_status_read fw_service_status_read(fw_service_status *s, char **why);
/* The record as one JSON object, from validated values. */
void fw_service_status_write_json(fw_json *j, const fw_service_status *s);

#endif
