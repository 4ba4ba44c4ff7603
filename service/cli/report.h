/* How apply, remove and status show a reconcile: a table and a summary for
 * people, or one JSON document (docs/schemas/reconcile.schema.json).
 * Windows only. */
#ifndef FW_REPORT_H
#define FW_REPORT_H

#include "desired.h"
#include "reconcile.h"
#include "services_step.h"

#include <stdbool.h>

typedef enum {
    FW_STATE_IN_SYNC, /* every wanted filter present, enabled, identical; nothing extra; file matches */
    FW_STATE_DRIFT,   /* anything else, Windows Firewall outranking fwsvc included */
    FW_STATE_PENDING, /* in sync, but some program rules wait for their program */
    FW_STATE_REFUSED, /* in sync, but program rules are refused (their program is not administrators' alone) */
} fw_host_state;

typedef enum {
    FW_MODE_STATUS,     /* read only: what is */
    FW_MODE_DRY_RUN,    /* read only: what apply or remove would do */
    FW_MODE_APPLY,      /* committed */
    FW_MODE_REMOVE,     /* committed */
    FW_MODE_REMOVE_ALL, /* committed */
} fw_report_mode;

bool fw_report_has_drift(const fw_reconcile_result *res);
/* The host's state once the command is done: for a committed command, what
 * WFP holds now (the diff is what was repaired). */
fw_host_state fw_report_state(const fw_desired *d, const fw_reconcile_result *res, const fw_services_step *svc,
                              fw_report_mode mode);
const char *fw_host_state_name(fw_host_state s);

void fw_report_changes(const fw_desired *d, const fw_reconcile_result *res, fw_report_mode mode);
void fw_report_pending(const fw_desired *d);
/* What each profile's product version left out, or that none is set and
 * the union of versions is enforced (plan.h). */
void fw_report_versions(const fw_desired *d);
/* The program rules refused, and the addresses variables that count as any
 * address, on stderr (warnings). */
void fw_report_refused(const fw_desired *d);
void fw_report_widened(const fw_desired *d);
/* The exit code of a host in that state. */
int fw_report_exit_code(fw_host_state state);
void fw_report_status(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res);
void fw_report_json(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res,
                    const fw_services_step *svc, fw_report_mode mode);
/* Reports a failed reconcile: its message, and what that left unchanged. */
int fw_report_failure(const char *what, const fw_reconcile_result *res, bool read_only);

#endif
