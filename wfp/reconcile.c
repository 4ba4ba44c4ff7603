#include "reconcile.h"

#include "filter_content.h"

#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "wfp_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_ATTEMPTS 6         /* BFE not running yet: 0.1 + 0.2 + ... + 1.6 s */
#define TXN_WAIT_TOTAL_MS 6000  /* another program holds the transaction lock */
#define TXN_WAIT_MS 2000        /* ... in 3 waits; cancellable callers wait in slices */
#define TXN_WAIT_SLICE_MS 250
#define FWPM_TXN_READ_ONLY 0x00000001u

static const fw_layer all_layers[] = {FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6,
                                      FW_LAYER_ALE_AUTH_CONNECT_V4, FW_LAYER_ALE_AUTH_CONNECT_V6};

static DWORD fail(char *message, size_t size, const char *function, const char *object, DWORD code)
{
    return fw_wfp_failure(message, size, function, object, code);
}

static bool cancelled(HANDLE cancel, DWORD wait_ms)
{
    if (!cancel) {
        Sleep(wait_ms);
        return false;
    }
    return WaitForSingleObject(cancel, wait_ms) == WAIT_OBJECT_0;
}

static DWORD cancel_message(char *message, size_t size, const char *waiting_for)
{
    snprintf(message, size, "cancelled while waiting for %s; WFP was not changed",
             waiting_for);
    return ERROR_CANCELLED;
}

static DWORD open_session(HANDLE *engine, const wchar_t *name, int attempts, DWORD txn_wait_ms, HANDLE cancel,
                          char *message, size_t size)
{
    /* Not dynamic: fwsvc's objects are persistent and must outlive us. */
    FWPM_SESSION0 session = {.displayData = {(wchar_t *)name, NULL}, .txnWaitTimeoutInMSec = txn_wait_ms};
    DWORD e = ERROR_SUCCESS, delay = 100;
    *engine = NULL;
    for (int attempt = 1; attempt <= attempts; attempt++) {
        e = FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, &session, engine);
        if (e != EPT_S_NOT_REGISTERED && e != RPC_S_SERVER_UNAVAILABLE)
            break;
        if (attempt < attempts) {
            if (cancelled(cancel, delay))
                return cancel_message(message, size, "the Base Filtering Engine");
            delay *= 2;
        }
    }
    if (e) {
        *engine = NULL;
        char what[64];
        snprintf(what, sizeof what, "session%s",
                 e == EPT_S_NOT_REGISTERED && attempts > 1 ? ", after 6 attempts" : "");
        return fail(message, size, "FwpmEngineOpen0", what, e);
    }
    return ERROR_SUCCESS;
}

DWORD fw_wfp_open(HANDLE *engine, char *message, size_t size)
{
    return open_session(engine, L"fwsvc", OPEN_ATTEMPTS, TXN_WAIT_MS, NULL, message, size);
}

/* One attempt: the service's loop has its own pace for retrying BFE. */
DWORD fw_wfp_open_own(HANDLE *engine, const wchar_t *name, HANDLE cancel, char *message, size_t size)
{
    return open_session(engine, name, 1, cancel ? TXN_WAIT_SLICE_MS : TXN_WAIT_MS, cancel, message, size);
}

/* Waits up to 6 s for the lock in all: in 2 s waits, or, for a caller that
 * can be cancelled, in 250 ms waits with a look at its event between them. */
static DWORD begin(HANDLE engine, bool read_only, DWORD txn_wait_ms, HANDLE cancel, char *message, size_t size)
{
    DWORD e = ERROR_SUCCESS;
    for (DWORD waited = 0; waited < TXN_WAIT_TOTAL_MS; waited += txn_wait_ms) {
        e = FwpmTransactionBegin0(engine, read_only ? FWPM_TXN_READ_ONLY : 0);
        if (e != (DWORD)FWP_E_TIMEOUT)
            break;
        if (cancel && cancelled(cancel, 0))
            return cancel_message(message, size, "the WFP transaction lock");
    }
    if (e)
        return fail(message, size, "FwpmTransactionBegin0",
                    e == (DWORD)FWP_E_TIMEOUT ? "transaction, after waiting 6 s" : "transaction", e);
    return ERROR_SUCCESS;
}

DWORD fw_wfp_begin_read(HANDLE engine, char *message, size_t size)
{
    return begin(engine, true, TXN_WAIT_MS, NULL, message, size);
}

static DWORD check_provider(HANDLE engine, fw_reconcile_result *res)
{
    FWPM_PROVIDER0 *p = NULL;
    DWORD e = FwpmProviderGetByKey0(engine, &FW_PROVIDER_KEY, &p);
    if (e == (DWORD)FWP_E_PROVIDER_NOT_FOUND) {
        res->provider_missing = true;
        return ERROR_SUCCESS;
    }
    if (e)
        return fail(res->message, sizeof res->message, "FwpmProviderGetByKey0", "fwsvc provider", e);
    BOOL ours = fw_wfp_provider_is_ours(p);
    char *name = p->displayData.name ? fw_wide_to_utf8(p->displayData.name) : fw_xstrdup("?");
    FwpmFreeMemory0((void **)&p);
    if (!ours) {
        snprintf(res->message, sizeof res->message,
                 "the WFP provider key fwsvc uses ({6482c740-e714-4384-a334-8d81e8a75eea}) belongs to "
                 "another program (\"%s\"); fwsvc will not touch it",
                 name);
        free(name);
        return ERROR_ALREADY_EXISTS;
    }
    free(name);
    return ERROR_SUCCESS;
}

static DWORD check_sublayer(HANDLE engine, const fw_reconcile_request *req, fw_reconcile_result *res)
{
    FWPM_SUBLAYER0 *s = NULL;
    DWORD e = FwpmSubLayerGetByKey0(engine, &FW_SUBLAYER_KEY, &s);
    if (e == (DWORD)FWP_E_SUBLAYER_NOT_FOUND) {
        res->sublayer_missing = true;
        return ERROR_SUCCESS;
    }
    if (e)
        return fail(res->message, sizeof res->message, "FwpmSubLayerGetByKey0", "fwsvc sublayer", e);
    BOOL ours = s->providerKey && IsEqualGUID(s->providerKey, &FW_PROVIDER_KEY);
    res->sublayer_reweighted = ours && res->owners_needed && s->weight != req->sublayer_weight;
    FwpmFreeMemory0((void **)&s);
    if (!ours) {
        snprintf(res->message, sizeof res->message,
                 "the WFP sublayer key fwsvc uses ({dc05f04f-4b86-4074-9437-b6567ab81075}) belongs to "
                 "another provider; fwsvc will not touch it");
        return ERROR_ALREADY_EXISTS;
    }
    return ERROR_SUCCESS;
}

static bool is_firewall_sublayer(const FWPM_SUBLAYER0 *s)
{
    return IsEqualGUID(&s->subLayerKey, &FWPM_SUBLAYER_MPSSVC_WSH) ||
           IsEqualGUID(&s->subLayerKey, &FWPM_SUBLAYER_MPSSVC_WF) ||
           IsEqualGUID(&s->subLayerKey, &FWPM_SUBLAYER_MPSSVC_QUARANTINE) ||
           (s->providerKey && IsEqualGUID(s->providerKey, &FWPM_PROVIDER_MPSSVC_WF));
}

/* A hard permit wins only if it is decided before Windows Firewall's
 * blocks, so our sublayer must be heavier than every one of its sublayers.
 * Microsoft does not document their weights: read them now. */
static DWORD check_firewall_weights(HANDLE engine, UINT16 ours, fw_reconcile_result *res)
{
    HANDLE en;
    DWORD e = FwpmSubLayerCreateEnumHandle0(engine, NULL, &en);
    if (e)
        return fail(res->message, sizeof res->message, "FwpmSubLayerCreateEnumHandle0", "all sublayers", e);
    wchar_t heaviest[128] = L"";
    FWPM_SUBLAYER0 **entries;
    UINT32 n;
    do {
        e = FwpmSubLayerEnum0(engine, en, 64, &entries, &n);
        if (e)
            break;
        for (UINT32 i = 0; i < n; i++) {
            if (is_firewall_sublayer(entries[i]) && entries[i]->weight >= res->firewall_weight) {
                res->firewall_weight = entries[i]->weight;
                wcsncpy(heaviest, entries[i]->displayData.name ? entries[i]->displayData.name : L"?", 127);
            }
        }
        FwpmFreeMemory0((void **)&entries);
    } while (n > 0);
    FwpmSubLayerDestroyEnumHandle0(engine, en);
    if (e)
        return fail(res->message, sizeof res->message, "FwpmSubLayerEnum0", "all sublayers", e);
    if (heaviest[0] && ours <= res->firewall_weight) {
        char *name = fw_wide_to_utf8(heaviest);
        if (res->firewall_weight == 0xFFFF)
            snprintf(res->message, sizeof res->message,
                     "Windows Firewall's sublayer \"%s\" has the highest weight there is (0xFFFF): no "
                     "sublayer can outrank it, so its blocks would be decided before fwsvc's permits "
                     "whatever fwsvc's weight (now 0x%04X). Find which policy set that weight; fwsvc "
                     "cannot work around it",
                     name, ours);
        else
            snprintf(res->message, sizeof res->message,
                     "fwsvc's sublayer weight 0x%04X does not outrank Windows Firewall's sublayer \"%s\" "
                     "(weight 0x%04X): its blocks would be decided before fwsvc's permits. Set a weight "
                     "from 0x%04X to 0xFFFF in HKLM\\SOFTWARE\\fwsvc, value SublayerWeight (DWORD)",
                     ours, name, res->firewall_weight, res->firewall_weight + 1u);
        free(name);
        return ERROR_INVALID_DATA;
    }
    return ERROR_SUCCESS;
}

DWORD fw_wfp_for_each_ours(HANDLE engine, void (*fn)(const FWPM_FILTER0 *, void *), void *ctx,
                           char *message, size_t size)
{
    for (size_t l = 0; l < sizeof all_layers / sizeof all_layers[0]; l++) {
        /* Only our provider's filters, boot-time and disabled ones included:
         * the cost does not grow with other products' filters. */
        FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&FW_PROVIDER_KEY,
                                        .layerKey = *fw_wfp_layer_guid(all_layers[l]),
                                        .flags = FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME |
                                                 FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED,
                                        .actionMask = 0xFFFFFFFFu};
        HANDLE en;
        DWORD e = FwpmFilterCreateEnumHandle0(engine, &t, &en);
        if (e)
            return fail(message, size, "FwpmFilterCreateEnumHandle0", fw_layer_name(all_layers[l]), e);
        FWPM_FILTER0 **entries;
        UINT32 n;
        do {
            e = FwpmFilterEnum0(engine, en, 256, &entries, &n);
            if (e)
                break;
            for (UINT32 i = 0; i < n; i++)
                fn(entries[i], ctx);
            FwpmFreeMemory0((void **)&entries);
        } while (n > 0);
        FwpmFilterDestroyEnumHandle0(engine, en);
        if (e)
            return fail(message, size, "FwpmFilterEnum0", fw_layer_name(all_layers[l]), e);
    }
    return ERROR_SUCCESS;
}

typedef struct {
    fw_existing_filter *items;
    size_t count, cap;
} existing_list;

static void collect(const FWPM_FILTER0 *f, void *ctx)
{
    existing_list *list = ctx;
    fw_existing_filter e = {.key = fw_wfp_key(&f->filterKey),
                            .disabled = (f->flags & FWPM_FILTER_FLAG_DISABLED) != 0,
                            .content = fw_wfp_filter_content(f),
                            .id = f->filterId};
    e.identity = fw_wfp_filter_identity(f);
    FW_PUSH(list->items, list->count, list->cap, e);
}

static DWORD add_filter(HANDLE engine, const fw_reconcile_request *req, size_t w, fw_reconcile_result *res)
{
    fw_wfp_filter *f = fw_wfp_filter_build(req->plans[w], &req->wanted[w].key, req->app_ids[w]);
    UINT64 id = 0;
    DWORD e = FwpmFilterAdd0(engine, &f->filter, NULL, &id);
    if (!e)
        FW_PUSH(res->added_ids, res->added_count, res->added_cap, id);
    if (e) {
        char key[39], object[256];
        fw_key_format(&req->wanted[w].key, key);
        snprintf(object, sizeof object, "filter %s %s", req->wanted[w].identity, key);
        fail(res->message, sizeof res->message, "FwpmFilterAdd0", object, e);
    }
    fw_wfp_filter_free(f);
    res->writes++;
    return e;
}

static DWORD delete_filter(HANDLE engine, fw_existing_filter *x, fw_reconcile_result *res)
{
    GUID key = fw_wfp_guid(&x->key);
    DWORD e = FwpmFilterDeleteByKey0(engine, &key);
    x->deleted = e == ERROR_SUCCESS;
    if (e) {
        char text[39], object[256];
        fw_key_format(&x->key, text);
        snprintf(object, sizeof object, "filter %s %s", x->identity ? x->identity : "(unnamed)", text);
        fail(res->message, sizeof res->message, "FwpmFilterDeleteByKey0", object, e);
    }
    res->writes++;
    return e;
}

static DWORD add_owner_objects(HANDLE engine, const fw_reconcile_request *req, fw_reconcile_result *res)
{
    DWORD e;
    if (res->provider_missing) {
        FWPM_PROVIDER0 p;
        fw_wfp_provider(&p);
        res->writes++;
        if ((e = FwpmProviderAdd0(engine, &p, NULL)))
            return fail(res->message, sizeof res->message, "FwpmProviderAdd0", "fwsvc provider", e);
    }
    if (res->sublayer_missing || res->sublayer_reweighted) {
        FWPM_SUBLAYER0 s;
        fw_wfp_sublayer(&s, req->sublayer_weight);
        if (res->sublayer_reweighted) {
            res->writes++;
            if ((e = FwpmSubLayerDeleteByKey0(engine, &FW_SUBLAYER_KEY)))
                return fail(res->message, sizeof res->message, "FwpmSubLayerDeleteByKey0", "fwsvc sublayer", e);
        }
        res->writes++;
        if ((e = FwpmSubLayerAdd0(engine, &s, NULL)))
            return fail(res->message, sizeof res->message, "FwpmSubLayerAdd0", "fwsvc sublayer", e);
    }
    return ERROR_SUCCESS;
}

/* Deletes first, then adds: a changed rule's old filter goes before its
 * new one arrives. With a new sublayer weight every filter is rebuilt. */
static DWORD write_diff(HANDLE engine, const fw_reconcile_request *req, fw_reconcile_result *res)
{
    DWORD e;
    if (res->sublayer_reweighted) {
        for (size_t i = 0; i < res->existing_count; i++)
            if ((e = delete_filter(engine, &res->existing[i], res)))
                return e;
        if ((e = add_owner_objects(engine, req, res)))
            return e;
        for (size_t w = 0; w < req->count; w++)
            if ((e = add_filter(engine, req, w, res)))
                return e;
        return ERROR_SUCCESS;
    }
    for (size_t i = 0; i < res->diff.count; i++) {
        const fw_diff_item *d = &res->diff.items[i];
        if (d->kind != FW_DIFF_MISSING && (e = delete_filter(engine, &res->existing[d->existing], res)))
            return e;
    }
    if (res->owners_needed && (e = add_owner_objects(engine, req, res)))
        return e;
    for (size_t i = 0; i < res->diff.count; i++) {
        const fw_diff_item *d = &res->diff.items[i];
        if (d->kind != FW_DIFF_EXTRA && (e = add_filter(engine, req, d->wanted, res)))
            return e;
    }
    return ERROR_SUCCESS;
}

static DWORD remove_everything(HANDLE engine, fw_reconcile_result *res)
{
    DWORD e;
    for (size_t i = 0; i < res->existing_count; i++)
        if ((e = delete_filter(engine, &res->existing[i], res)))
            return e;
    if (!res->sublayer_missing) {
        res->writes++;
        if ((e = FwpmSubLayerDeleteByKey0(engine, &FW_SUBLAYER_KEY)))
            return fail(res->message, sizeof res->message, "FwpmSubLayerDeleteByKey0", "fwsvc sublayer", e);
    }
    if (!res->provider_missing) {
        res->writes++;
        if ((e = FwpmProviderDeleteByKey0(engine, &FW_PROVIDER_KEY)))
            return fail(res->message, sizeof res->message, "FwpmProviderDeleteByKey0", "fwsvc provider", e);
    }
    return ERROR_SUCCESS;
}

/* What a dry run reports it would write. */
static size_t planned_writes(const fw_reconcile_request *req, const fw_reconcile_result *res)
{
    if (req->remove_all)
        return res->existing_count + !res->sublayer_missing + !res->provider_missing;
    if (!res->owners_needed)
        return fw_diff_writes(&res->diff); /* nothing wanted: the provider and sublayer are not added */
    size_t owners = res->provider_missing + res->sublayer_missing + 2 * res->sublayer_reweighted;
    if (res->sublayer_reweighted)
        return res->existing_count + owners + req->count;
    return fw_diff_writes(&res->diff) + owners;
}

DWORD fw_reconcile(const fw_reconcile_request *req, fw_reconcile_result *res)
{
    HANDLE engine = NULL;
    bool in_txn = false;
    existing_list existing = {0};
    memset(res, 0, sizeof *res);

    DWORD txn_wait_ms = req->cancel ? TXN_WAIT_SLICE_MS : TXN_WAIT_MS;
    DWORD e = ERROR_SUCCESS;
    if (req->engine)
        engine = req->engine;
    else if ((e = open_session(&engine, L"fwsvc", OPEN_ATTEMPTS, txn_wait_ms, req->cancel, res->message, sizeof res->message)))
        goto out;
    e = begin(engine, req->dry_run, txn_wait_ms, req->cancel, res->message, sizeof res->message);
    if (e)
        goto out;
    in_txn = res->began = true;
    res->owners_needed = !req->remove_all && req->count > 0;
    if ((e = check_provider(engine, res)) || (e = check_sublayer(engine, req, res)))
        goto out;
    /* Only what fwsvc wants to enforce can be outranked. */
    if (res->owners_needed && (e = check_firewall_weights(engine, req->sublayer_weight, res))) {
        if (!req->dry_run || e != ERROR_INVALID_DATA)
            goto out;
        /* A read is not refused: status reports what it found, this too. */
        res->outranked = true;
        e = ERROR_SUCCESS;
    }
    if (!res->provider_missing &&
        (e = fw_wfp_for_each_ours(engine, collect, &existing, res->message, sizeof res->message)))
        goto out;
    res->existing = existing.items;
    res->existing_count = existing.count;
    existing = (existing_list){0};
    if (!req->remove_all)
        fw_diff_compute(&res->diff, req->wanted, req->count, res->existing, res->existing_count);

    if (req->dry_run) {
        res->writes = planned_writes(req, res);
        goto out; /* the read-only transaction is aborted below */
    }
    e = req->remove_all ? remove_everything(engine, res) : write_diff(engine, req, res);
    if (e)
        goto out;
    e = FwpmTransactionCommit0(engine);
    in_txn = false;
    if (e)
        fail(res->message, sizeof res->message, "FwpmTransactionCommit0", "transaction", e);
out:
    if (in_txn)
        FwpmTransactionAbort0(engine); /* nothing half-applied */
    if (engine && engine != req->engine)
        FwpmEngineClose0(engine);
    for (size_t i = 0; i < existing.count; i++)
        free(existing.items[i].identity);
    free(existing.items);
    return e;
}

void fw_reconcile_result_free(fw_reconcile_result *res)
{
    free(res->added_ids);
    res->added_ids = NULL;
    res->added_count = res->added_cap = 0;
    fw_diff_free(&res->diff);
    for (size_t i = 0; i < res->existing_count; i++)
        free(res->existing[i].identity);
    free(res->existing);
    res->existing = NULL;
    res->existing_count = 0;
}
