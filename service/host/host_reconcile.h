/* The one orchestration of a reconcile, shared by the command line and the
 * service: the host configuration becomes the desired state; the services
 * file is read and checked; the one WFP transaction runs; only once it has
 * committed are the configuration recorded and the services file written.
 * Nothing is printed but errors (host_error.h): the caller reports the
 * run. Windows only. */
#ifndef FW_HOST_RECONCILE_H
#define FW_HOST_RECONCILE_H

#include "desired.h"
#include "host_config.h"
#include "reconcile.h"
#include "services_step.h"

#include <stdbool.h>

enum {
    FW_RECORD_PROFILES = 1 << 0, /* the applied profiles and their settings */
    FW_RECORD_PATHS = 1 << 1,    /* the catalog folder and the services file */
};

typedef struct {
    bool dry_run;    /* read only: compute what would change */
    bool remove_all; /* every fwsvc object goes, and the services-file entries */
    unsigned record; /* FW_RECORD_*: what to save once WFP has committed */
    HANDLE cancel;   /* optional: ends the waits before the transaction (reconcile.h) */
    HANDLE engine;   /* optional: the caller's own WFP session (reconcile.h) */
} fw_host_request;

typedef struct {
    fw_desired desired;
    fw_services_step services;
    fw_reconcile_result result;
    bool reconciled; /* result describes a reconcile that ran (committed, unless a dry run) */
} fw_host_run;

/* Returns an exit code (host_exit.h); errors were reported. */
int fw_host_reconcile(const fw_host_config *config, const fw_host_request *request, fw_host_run *run);
void fw_host_run_free(fw_host_run *run);

#endif
