/* Reconcile: the only way fwsvc changes WFP. One function owns the WFP
 * transaction: it opens a (non-dynamic) session, begins, verifies fwsvc's
 * provider and sublayer and that the sublayer outranks Windows Firewall's,
 * enumerates fwsvc's filters, diffs them against what is wanted, writes the
 * difference, and commits; any failure aborts, leaving WFP as it was.
 * Windows only. */
#ifndef FW_RECONCILE_H
#define FW_RECONCILE_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>
#include <stdbool.h>

#include "reconcile_diff.h"
#include "wfp_objects.h"

typedef struct {
    const fw_wanted_filter *wanted; /* key + identity of each filter wanted */
    size_t count;
    const fw_planned_filter *const *plans;  /* plans[i]: what wanted[i] is */
    const FWP_BYTE_BLOB *const *app_ids;    /* app_ids[i]: its program, or NULL */
    UINT16 sublayer_weight;
    bool dry_run;    /* compute only, in a read-only transaction */
    bool remove_all; /* delete every filter of ours, then the sublayer, then the provider */
    HANDLE cancel;   /* optional event (a service stopping): set, it ends the waits for BFE
                        and for the transaction lock with ERROR_CANCELLED; once the
                        transaction has begun, it runs to commit or abort */
    HANDLE engine;   /* optional: a session of the caller's (fw_wfp_open_own), used and left
                        open; the service reconciles on the session it subscribes with, so
                        that its own writes are not notified back to it */
} fw_reconcile_request;

typedef struct {
    fw_diff diff;
    fw_existing_filter *existing;
    size_t existing_count;
    size_t writes;             /* WFP writes made, or that a dry run would make */
    bool provider_missing;
    bool sublayer_missing;
    bool sublayer_reweighted;  /* ours exists with another weight: recreated */
    UINT16 firewall_weight;    /* the heaviest Windows Firewall sublayer seen */
    bool owners_needed;        /* something is wanted: a missing provider or sublayer is drift */
    bool outranked;            /* dry run: Windows Firewall's sublayer is at least as heavy as
                                  ours (message says so); apply refuses instead */
    bool began;                /* the transaction began (a failure after it aborted it) */
    uint64_t *added_ids;       /* the filterIds of the filters it added */
    size_t added_count, added_cap;
    char message[1024];        /* on failure: function, object, WFP error name */
} fw_reconcile_result;

DWORD fw_reconcile(const fw_reconcile_request *req, fw_reconcile_result *res);
void fw_reconcile_result_free(fw_reconcile_result *res);

/* A session for reading (fwsvc filters): retries like reconcile. */
DWORD fw_wfp_open(HANDLE *engine, char *message, size_t size);
/* A session a caller keeps (the service's): named, one attempt, waiting
 * for the transaction lock in slices when cancel is given. */
DWORD fw_wfp_open_own(HANDLE *engine, const wchar_t *name, HANDLE cancel, char *message, size_t size);
/* A read-only transaction (FWPM_TXN_READ_ONLY), waiting for the lock as
 * reconcile does; the caller aborts it when done. */
DWORD fw_wfp_begin_read(HANDLE engine, char *message, size_t size);
/* Calls fn for every filter of fwsvc's provider, boot-time and disabled
 * ones included, layer by layer. */
DWORD fw_wfp_for_each_ours(HANDLE engine, void (*fn)(const FWPM_FILTER0 *, void *), void *ctx,
                           char *message, size_t size);

#endif
