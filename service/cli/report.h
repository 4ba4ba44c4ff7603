/* How apply, remove and status show a reconcile: a table of changes and a
 * summary for people, or JSON. Windows only. */
#ifndef FW_REPORT_H
#define FW_REPORT_H

#include "desired.h"
#include "reconcile.h"
#include "services_step.h"

#include <stdbool.h>

void fw_report_changes(const fw_desired *d, const fw_reconcile_result *res, bool dry_run);
void fw_report_pending(const fw_desired *d);
void fw_report_json(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res,
                    const fw_services_step *svc, bool dry_run);
/* Per profile: in sync or drift, for status. */
void fw_report_status(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res);
bool fw_report_has_drift(const fw_reconcile_result *res);
/* Reports a failed reconcile: its message, and that nothing changed. */
int fw_report_failure(const char *what, const fw_reconcile_result *res);

#endif
