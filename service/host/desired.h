/* What WFP should hold: the applied profiles, bound to their settings,
 * planned, with program rules resolved to app ids. Windows only. */
#ifndef FW_DESIRED_H
#define FW_DESIRED_H

#include "app_id.h"
#include "applied.h"
#include "catalog.h"
#include "fw_diag.h"
#include "guard.h"
#include "plan.h"
#include "reconcile.h"
#include "services_sync.h"

typedef struct {
    char *identity; /* "dpm/msdpm-program/recv-accept-v4", or "dpm-sql/rpc-dynamic-in" for a rule */
    char *program;  /* the path it waits for, expanded; or NULL */
    char *variable; /* the addresses variable it waits for; or NULL */
    char *path_variable; /* a program's: the path variable its path starts with, or NULL */
    char *found_at;      /* ... the program found under another known folder of it (the
                            catalog's default or other_locations): that folder; or NULL */
    char *found_set;     /* ... and the option that points the rule there: --set "NAME=FOLDER" */
    char *hint;          /* what fixes it, with the command: one line */
    /* A program's: the nearest folder of its path that exists, and whether
     * someone other than administrators could create the rest there (then
     * the service does not watch it: admin_only.h). */
    char *watch_folder;
    char *watch_problem;
} fw_pending;

/* A program rule fwsvc will not enforce: its program, or a folder above it,
 * can be changed by someone other than administrators, who could then put
 * any program there and get the rule's permit (docs/security.md). */
typedef struct {
    char *identity;
    char *program; /* expanded */
    char *problem; /* "PATH: who can change it" */
} fw_refused;

typedef struct {
    char *catalog_dir; /* the folder the catalog was read from */
    fw_catalog catalog;
    fw_binding *bindings;
    const fw_profile **binding_profiles; /* the profile of each binding */
    size_t binding_count;
    fw_plan plan;
    fw_wanted_filter *wanted;
    const fw_planned_filter **plans;
    const FWP_BYTE_BLOB **app_ids;
    size_t count, cap;
    fw_app_id *apps; /* one per distinct program path */
    char **app_paths;
    char **app_trust; /* NULL, or who other than administrators can change it */
    size_t app_count, app_cap;
    fw_pending *pending; /* program rule filters whose program is not installed */
    size_t pending_count, pending_cap;
    fw_refused *refused; /* program rule filters whose program fwsvc will not trust */
    size_t refused_count, refused_cap;
    fw_widened_list widened; /* addresses variables whose value counts as any address */
    /* What the catalog and the settings said, errors and warnings, with
     * file:line:column where they have one (the service logs them), and on
     * failure the one line that sums it up. */
    fw_diags diags;
    char *error;
    /* Services-file entries the profiles need (strings are the catalog's);
     * service_profiles[i] names the profile that first asked for one. */
    fw_svc_want *services;
    const char **service_profiles;
    size_t service_count, service_cap;
} fw_desired;

/* Returns an exit code: FW_EXIT_OK, or FW_EXIT_INVALID (FW_EXIT_FAILURE
 * when a program cannot be examined) after reporting it (fw_error, and the
 * catalog's diagnostics on stderr); d->diags and d->error keep it for the
 * service. origin says where the applied profiles come from, for messages
 * ("HKLM\SOFTWARE\fwsvc\AppliedProfiles"). */
int fw_desired_build(fw_desired *d, const char *catalog_dir, const char *site_catalog_dir, const fw_applied *applied,
                     const char *origin);
void fw_desired_request(const fw_desired *d, fw_reconcile_request *req, unsigned short sublayer_weight);
void fw_desired_free(fw_desired *d);

#endif
