/* What WFP should hold: the applied profiles, bound to their settings,
 * planned, with program rules resolved to app ids. Windows only. */
#ifndef FW_DESIRED_H
#define FW_DESIRED_H

#include "app_id.h"
#include "applied.h"
#include "catalog.h"
#include "fw_diag.h"
#include "plan.h"
#include "reconcile.h"
#include "services_sync.h"

typedef struct {
    char *identity; /* "dpm/msdpm-program/recv-accept-v4", or "dpm-sql/rpc-dynamic-in" for a rule */
    char *program;  /* the path it waits for, expanded; or NULL */
    char *variable; /* the addresses variable it waits for; or NULL */
} fw_pending;

typedef struct {
    char *catalog_dir; /* the folder the catalog was read from */
    fw_catalog catalog;
    fw_binding *bindings;
    size_t binding_count;
    fw_plan plan;
    fw_wanted_filter *wanted;
    const fw_planned_filter **plans;
    const FWP_BYTE_BLOB **app_ids;
    size_t count, cap;
    fw_app_id *apps; /* one per distinct program path */
    char **app_paths;
    size_t app_count, app_cap;
    fw_pending *pending; /* program rule filters whose program is not installed */
    size_t pending_count, pending_cap;
    /* Services-file entries the profiles need (strings are the catalog's);
     * service_profiles[i] names the profile that first asked for one. */
    fw_svc_want *services;
    const char **service_profiles;
    size_t service_count, service_cap;
} fw_desired;

/* Returns an exit code: FW_EXIT_OK, or FW_EXIT_INVALID after reporting. */
int fw_desired_build(fw_desired *d, const char *catalog_dir, const fw_applied *applied);
void fw_desired_request(const fw_desired *d, fw_reconcile_request *req, unsigned short sublayer_weight);
void fw_desired_free(fw_desired *d);

#endif
