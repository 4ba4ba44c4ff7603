/* The fwpuclnt.dll API: every function validates its arguments, consults
 * fault injection, runs against the shared state under WFP's transaction
 * rules, and appends itself to the call log. See docs/wfp-emulator.md. */
#include "emu.h"

#include <rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RPC_C_AUTHN_DEFAULT
#define RPC_C_AUTHN_DEFAULT 0xFFFFFFFFu
#endif
#define FWPM_TXN_READ_ONLY 0x00000001u
#define DEFAULT_TXN_WAIT_MS 15000u /* "If the client did not specify a lock timeout, it defaults to 15 seconds" */

/* ---- call log (FWPEMU_CALLLOG) ---- */

static CRITICAL_SECTION log_lock;
static HANDLE log_file = INVALID_HANDLE_VALUE;
static bool log_opened;
/* When the DLL was loaded: each line says how long after, so benchmarks can
 * time the work inside a process without its (noisy) start under Wine. */
static LARGE_INTEGER loaded_at, qpc_frequency;

static void call_log(const char *function, DWORD result)
{
    EnterCriticalSection(&log_lock);
    if (!log_opened) {
        wchar_t path[MAX_PATH * 2];
        DWORD n = GetEnvironmentVariableW(L"FWPEMU_CALLLOG", path, MAX_PATH * 2);
        if (n && n < MAX_PATH * 2)
            log_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                                   OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        log_opened = true;
    }
    if (log_file != INVALID_HANDLE_VALUE) {
        char line[128];
        LARGE_INTEGER now;
        QueryPerformanceCounter(&now);
        unsigned long long us =
            (unsigned long long)((now.QuadPart - loaded_at.QuadPart) * 1000000 / qpc_frequency.QuadPart);
        int len = snprintf(line, sizeof line, "%lu %s 0x%08lX +%lluus\n", GetCurrentProcessId(), function,
                           (unsigned long)result, us);
        DWORD done;
        WriteFile(log_file, line, (DWORD)len, &done, NULL);
    }
    LeaveCriticalSection(&log_lock);
}

/* ---- fault injection (FWPEMU_FAULTS) ----
 * "Function#N=CODE;Function#N-M=CODE;Function#*=CODE": the N-th call (or
 * calls N to M, or every call) of Function in this process fails with CODE
 * (a number, or one of the names in fault_codes) before doing anything. */

typedef struct {
    char function[64];
    unsigned long first, last; /* 1-based; last == ULONG_MAX for '*' */
    DWORD code;
} fault_rule;

static fault_rule faults[32];
static size_t fault_count;
static struct {
    char function[64];
    unsigned long calls;
} counters[64];
static size_t counter_count;
static CRITICAL_SECTION fault_lock;

static const struct {
    const char *name;
    DWORD code;
} fault_codes[] = {
    {"ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED},
    {"EPT_S_NOT_REGISTERED", EPT_S_NOT_REGISTERED},
    {"RPC_S_SERVER_UNAVAILABLE", RPC_S_SERVER_UNAVAILABLE},
    {"FWP_E_TIMEOUT", (DWORD)FWP_E_TIMEOUT},
    {"FWP_E_TXN_ABORTED", (DWORD)FWP_E_TXN_ABORTED},
    {"FWP_E_SESSION_ABORTED", (DWORD)FWP_E_SESSION_ABORTED},
    {"ERROR_NOT_ENOUGH_MEMORY", ERROR_NOT_ENOUGH_MEMORY},
};

static DWORD parse_code(const char *text)
{
    for (size_t i = 0; i < sizeof fault_codes / sizeof fault_codes[0]; i++)
        if (strcmp(text, fault_codes[i].name) == 0)
            return fault_codes[i].code;
    return (DWORD)strtoul(text, NULL, 0);
}

static void parse_faults(void)
{
    char spec[2048];
    DWORD n = GetEnvironmentVariableA("FWPEMU_FAULTS", spec, sizeof spec);
    if (n == 0 || n >= sizeof spec)
        return;
    for (char *item = strtok(spec, ";,"); item && fault_count < 32; item = strtok(NULL, ";,")) {
        char *hash = strchr(item, '#'), *eq = strchr(item, '=');
        if (!hash || !eq || eq < hash)
            continue;
        fault_rule *r = &faults[fault_count];
        size_t len = (size_t)(hash - item);
        if (len >= sizeof r->function)
            continue;
        memcpy(r->function, item, len);
        r->function[len] = 0;
        *eq = 0;
        const char *range = hash + 1;
        if (strcmp(range, "*") == 0) {
            r->first = 1;
            r->last = ULONG_MAX;
        } else {
            char *dash;
            r->first = strtoul(range, &dash, 10);
            r->last = *dash == '-' ? strtoul(dash + 1, NULL, 10) : r->first;
        }
        r->code = parse_code(eq + 1);
        fault_count++;
    }
}

/* Counts this call of function; returns the injected error or 0. */
static DWORD fault(const char *function)
{
    DWORD code = 0;
    EnterCriticalSection(&fault_lock);
    size_t i = 0;
    while (i < counter_count && strcmp(counters[i].function, function) != 0)
        i++;
    if (i == counter_count && counter_count < 64) {
        strncpy(counters[i].function, function, sizeof counters[i].function - 1);
        counter_count++;
    }
    unsigned long call = i < 64 ? ++counters[i].calls : 0;
    for (size_t f = 0; f < fault_count && !code; f++)
        if (strcmp(faults[f].function, function) == 0 && call >= faults[f].first &&
            call <= faults[f].last)
            code = faults[f].code;
    LeaveCriticalSection(&fault_lock);
    return code;
}

void emu_api_init(void)
{
    QueryPerformanceFrequency(&qpc_frequency);
    QueryPerformanceCounter(&loaded_at);
    InitializeCriticalSection(&log_lock);
    InitializeCriticalSection(&fault_lock);
    parse_faults();
}

#define RETURN(result)                                                                           \
    do {                                                                                         \
        DWORD r_ = (result);                                                                     \
        call_log(__func__, r_);                                                                  \
        return r_;                                                                               \
    } while (0)

#define INJECT()                                                                                 \
    do {                                                                                         \
        DWORD f_ = fault(__func__);                                                              \
        if (f_)                                                                                  \
            RETURN(f_);                                                                          \
    } while (0)

/* ---- sessions ---- */

#define SESSION_MAGIC 0x53455353u /* "SESS" */
#define ENUM_MAGIC 0x454E554Du    /* "ENUM" */
#define SUB_MAGIC 0x53554253u     /* "SUBS" */

typedef struct subscription subscription;

typedef struct {
    UINT32 magic;
    GUID key;
    bool dynamic;
    DWORD wait_ms;
    bool in_txn, read_only, dirty;
    emu_state txn_state;
    HANDLE txn_lock;
    CRITICAL_SECTION lock;
    subscription *subscriptions;
} session;

static session *session_of(HANDLE h)
{
    session *s = (session *)h;
    if (!s || IsBadReadPtr(s, sizeof *s) || s->magic != SESSION_MAGIC)
        return NULL;
    return s;
}

static emu_caller caller_of(const session *s)
{
    return (emu_caller){.session = s->key, .pid = GetCurrentProcessId(), .dynamic = s->dynamic};
}

/* Runs op on the state the session sees: its transaction's, or (for a
 * write outside an explicit transaction) an implicit transaction's, or
 * (for a read) the committed state. */
typedef DWORD (*state_op)(emu_state *st, session *s, void *ctx);

static DWORD with_state(session *s, bool write, state_op op, void *ctx)
{
    if (s->in_txn) {
        if (write && s->read_only)
            return (DWORD)FWP_E_INCOMPATIBLE_TXN;
        DWORD e = op(&s->txn_state, s, ctx);
        if (write && e == ERROR_SUCCESS)
            s->dirty = true;
        return e;
    }
    HANDLE lock = NULL;
    if (write) {
        DWORD e = emu_txn_lock_acquire(&lock, s->wait_ms);
        if (e)
            return e;
    }
    emu_state st;
    if (!write) {
        /* Segments load lazily: hold the mutex so no file changes meanwhile. */
        DWORD e = emu_state_lock();
        if (e)
            return e;
        e = emu_state_load(&st);
        if (!e)
            e = op(&st, s, ctx);
        emu_state_unlock();
        emu_state_free(&st);
        return e;
    }
    /* Writers hold the transaction lock: only they replace files. */
    DWORD e = emu_state_load(&st);
    if (!e) {
        emu_purge_dead_sessions(&st);
        e = op(&st, s, ctx);
        if (e == ERROR_SUCCESS) {
            DWORD le = emu_state_lock();
            e = le ? le : emu_state_save(&st);
            if (!le)
                emu_state_unlock();
        }
        emu_state_free(&st);
    }
    emu_txn_lock_release(&lock);
    return e;
}

DWORD WINAPI FwpmEngineOpen0(const wchar_t *serverName, UINT32 authnService,
                             SEC_WINNT_AUTH_IDENTITY_W *authIdentity, const FWPM_SESSION0 *session0,
                             HANDLE *engineHandle)
{
    INJECT();
    (void)authIdentity;
    if (!engineHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (serverName)
        RETURN(ERROR_INVALID_PARAMETER); /* "Must be NULL" */
    if (authnService != RPC_C_AUTHN_WINNT && authnService != RPC_C_AUTHN_DEFAULT)
        RETURN(ERROR_INVALID_PARAMETER);
    if (session0 && (session0->flags & ~FWPM_SESSION_FLAG_DYNAMIC & ~0x10000000u))
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    session *s = calloc(1, sizeof *s);
    if (!s)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    s->magic = SESSION_MAGIC;
    InitializeCriticalSection(&s->lock);
    if (session0 && !emu_guid_is_null(&session0->sessionKey))
        s->key = session0->sessionKey;
    else
        UuidCreate(&s->key);
    s->dynamic = session0 && (session0->flags & FWPM_SESSION_FLAG_DYNAMIC);
    s->wait_ms = session0 && session0->txnWaitTimeoutInMSec ? session0->txnWaitTimeoutInMSec
                                                            : DEFAULT_TXN_WAIT_MS;
    *engineHandle = s;
    RETURN(ERROR_SUCCESS);
}

static void unsubscribe_all(session *s);

static DWORD purge_op(emu_state *st, session *s, void *ctx)
{
    (void)ctx;
    emu_purge_session(st, &s->key);
    return ERROR_SUCCESS;
}

DWORD WINAPI FwpmEngineClose0(HANDLE engineHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    unsubscribe_all(s);
    if (s->in_txn) {
        /* Closing without commit rolls back (Object Management). */
        emu_state_free(&s->txn_state);
        emu_txn_lock_release(&s->txn_lock);
        s->in_txn = false;
    }
    if (s->dynamic)
        with_state(s, true, purge_op, NULL); /* dynamic objects die with their session */
    s->magic = 0;
    DeleteCriticalSection(&s->lock);
    free(s);
    RETURN(ERROR_SUCCESS);
}

/* ---- transactions ---- */

DWORD WINAPI FwpmTransactionBegin0(HANDLE engineHandle, UINT32 flags)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (flags & ~FWPM_TXN_READ_ONLY)
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS);
    DWORD e = emu_txn_lock_acquire(&s->txn_lock, s->wait_ms);
    if (e)
        RETURN(e);
    e = emu_state_load(&s->txn_state); /* the lock is ours: no file changes under us */
    if (e) {
        emu_txn_lock_release(&s->txn_lock);
        RETURN(e);
    }
    s->dirty = emu_purge_dead_sessions(&s->txn_state);
    s->in_txn = true;
    s->read_only = flags & FWPM_TXN_READ_ONLY;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmTransactionCommit0(HANDLE engineHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!s->in_txn)
        RETURN((DWORD)FWP_E_NO_TXN_IN_PROGRESS);
    DWORD e = ERROR_SUCCESS;
    if (s->dirty) {
        e = emu_state_lock();
        if (!e) {
            e = emu_state_save(&s->txn_state);
            emu_state_unlock();
        }
    }
    emu_state_free(&s->txn_state);
    emu_txn_lock_release(&s->txn_lock);
    s->in_txn = s->dirty = false;
    RETURN(e);
}

DWORD WINAPI FwpmTransactionAbort0(HANDLE engineHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!s->in_txn)
        RETURN((DWORD)FWP_E_NO_TXN_IN_PROGRESS);
    emu_state_free(&s->txn_state);
    emu_txn_lock_release(&s->txn_lock);
    s->in_txn = s->dirty = false;
    RETURN(ERROR_SUCCESS);
}

/* ---- providers ---- */

static DWORD provider_add_op(emu_state *st, session *s, void *ctx)
{
    emu_caller c = caller_of(s);
    return emu_op_provider_add(st, &c, ctx);
}

DWORD WINAPI FwpmProviderAdd0(HANDLE engineHandle, const FWPM_PROVIDER0 *provider, PSECURITY_DESCRIPTOR sd)
{
    INJECT();
    (void)sd;
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!provider)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, provider_add_op, (void *)provider));
}

static DWORD provider_delete_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    return emu_op_provider_delete(st, ctx);
}

DWORD WINAPI FwpmProviderDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, provider_delete_op, (void *)key));
}

typedef struct {
    enum emu_kind kind;
    const GUID *key;
    UINT64 id;
    bool by_id;
    void *result;
} get_ctx;

static DWORD get_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    get_ctx *g = ctx;
    emu_object *o = g->by_id ? emu_find_filter_id(st, g->id) : emu_find_key(st, g->kind, g->key);
    if (!o)
        return g->kind == EMU_PROVIDER ? (DWORD)FWP_E_PROVIDER_NOT_FOUND
               : g->kind == EMU_SUBLAYER ? (DWORD)FWP_E_SUBLAYER_NOT_FOUND
                                         : (DWORD)FWP_E_FILTER_NOT_FOUND;
    g->result = emu_decode(g->kind, o);
    return g->result ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

DWORD WINAPI FwpmProviderGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_PROVIDER0 **provider)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key || !provider)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    get_ctx g = {.kind = EMU_PROVIDER, .key = key};
    DWORD e = with_state(s, false, get_op, &g);
    if (!e)
        *provider = g.result;
    RETURN(e);
}

/* ---- sublayers ---- */

static DWORD sublayer_add_op(emu_state *st, session *s, void *ctx)
{
    emu_caller c = caller_of(s);
    return emu_op_sublayer_add(st, &c, ctx);
}

DWORD WINAPI FwpmSubLayerAdd0(HANDLE engineHandle, const FWPM_SUBLAYER0 *subLayer, PSECURITY_DESCRIPTOR sd)
{
    INJECT();
    (void)sd;
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!subLayer)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, sublayer_add_op, (void *)subLayer));
}

static DWORD sublayer_delete_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    return emu_op_sublayer_delete(st, ctx);
}

DWORD WINAPI FwpmSubLayerDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, sublayer_delete_op, (void *)key));
}

DWORD WINAPI FwpmSubLayerGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_SUBLAYER0 **subLayer)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key || !subLayer)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    get_ctx g = {.kind = EMU_SUBLAYER, .key = key};
    DWORD e = with_state(s, false, get_op, &g);
    if (!e)
        *subLayer = g.result;
    RETURN(e);
}

/* ---- filters ---- */

typedef struct {
    const FWPM_FILTER0 *filter;
    UINT64 id;
} filter_add_ctx;

static DWORD filter_add_op(emu_state *st, session *s, void *ctx)
{
    filter_add_ctx *a = ctx;
    emu_caller c = caller_of(s);
    return emu_op_filter_add(st, &c, a->filter, &a->id);
}

DWORD WINAPI FwpmFilterAdd0(HANDLE engineHandle, const FWPM_FILTER0 *filter, PSECURITY_DESCRIPTOR sd, UINT64 *id)
{
    INJECT();
    (void)sd;
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!filter)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    filter_add_ctx a = {.filter = filter};
    DWORD e = with_state(s, true, filter_add_op, &a);
    if (!e && id)
        *id = a.id;
    RETURN(e);
}

typedef struct {
    const GUID *key;
    UINT64 id;
    bool by_id;
} filter_delete_ctx;

static DWORD filter_delete_op(emu_state *st, session *s, void *ctx)
{
    filter_delete_ctx *d = ctx;
    emu_object *o = d->by_id ? emu_find_filter_id(st, d->id) : emu_find_key(st, EMU_FILTER, d->key);
    if (!o)
        return (DWORD)FWP_E_FILTER_NOT_FOUND;
    emu_caller c = caller_of(s);
    return emu_op_filter_delete(st, &c, o);
}

DWORD WINAPI FwpmFilterDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    filter_delete_ctx d = {.key = key};
    RETURN(with_state(s, true, filter_delete_op, &d));
}

DWORD WINAPI FwpmFilterDeleteById0(HANDLE engineHandle, UINT64 id)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    filter_delete_ctx d = {.id = id, .by_id = true};
    RETURN(with_state(s, true, filter_delete_op, &d));
}

DWORD WINAPI FwpmFilterGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_FILTER0 **filter)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!key || !filter)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    get_ctx g = {.kind = EMU_FILTER, .key = key};
    DWORD e = with_state(s, false, get_op, &g);
    if (!e)
        *filter = g.result;
    RETURN(e);
}

DWORD WINAPI FwpmFilterGetById0(HANDLE engineHandle, UINT64 id, FWPM_FILTER0 **filter)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!filter)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    get_ctx g = {.kind = EMU_FILTER, .id = id, .by_id = true};
    DWORD e = with_state(s, false, get_op, &g);
    if (!e)
        *filter = g.result;
    RETURN(e);
}

/* ---- enumeration ----
 * A handle snapshots the matching objects; Enum hands them out in batches
 * of at most the requested count, each batch one allocation. */

typedef struct {
    UINT32 magic;
    session *owner;
    enum emu_kind kind;
    emu_object *items;
    size_t count, cap, next;
} enum_handle;

typedef struct {
    enum emu_kind kind;
    const void *template;
    enum_handle *h;
} enum_ctx;

static bool wanted(enum emu_kind kind, const emu_object *o, const void *template)
{
    if (kind == EMU_FILTER)
        return emu_filter_matches_template(o, template);
    const GUID *provider = kind == EMU_SUBLAYER && template
                               ? ((const FWPM_SUBLAYER_ENUM_TEMPLATE0 *)template)->providerKey
                               : NULL;
    return !provider || (o->has_provider && IsEqualGUID(&o->provider, provider));
}

static void snapshot(enum_handle *h, enum emu_kind kind, const emu_object *o, const void *template)
{
    if (!wanted(kind, o, template))
        return;
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->items = realloc(h->items, h->cap * sizeof *h->items);
    }
    emu_object copy = *o;
    copy.blob = malloc(copy.blob_len ? copy.blob_len : 1);
    memcpy(copy.blob, o->blob, copy.blob_len);
    h->items[h->count++] = copy;
}

static void snapshot_filter(emu_object *o, void *ctx)
{
    enum_ctx *e = ctx;
    snapshot(e->h, EMU_FILTER, o, e->template);
}

static DWORD enum_snapshot_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    enum_ctx *e = ctx;
    if (e->kind == EMU_FILTER) {
        /* A provider's filters are one segment: read only that one. */
        const FWPM_FILTER_ENUM_TEMPLATE0 *t = e->template;
        emu_for_each_filter(st, t ? t->providerKey : NULL, false, snapshot_filter, e);
        return ERROR_SUCCESS;
    }
    emu_table *t = emu_kind_table(st, e->kind);
    for (size_t i = 0; i < t->count; i++)
        snapshot(e->h, e->kind, &t->items[i], e->template);
    return ERROR_SUCCESS;
}

static void enum_handle_free(enum_handle *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->items[i].blob);
    free(h->items);
    h->magic = 0;
    free(h);
}

static DWORD create_enum(session *s, enum emu_kind kind, const void *template, HANDLE *out)
{
    enum_handle *h = calloc(1, sizeof *h);
    if (!h)
        return ERROR_NOT_ENOUGH_MEMORY;
    h->magic = ENUM_MAGIC;
    h->owner = s;
    h->kind = kind;
    enum_ctx e = {kind, template, h};
    DWORD r = with_state(s, false, enum_snapshot_op, &e);
    if (r) {
        enum_handle_free(h);
        return r;
    }
    *out = h;
    return ERROR_SUCCESS;
}

static enum_handle *enum_of(session *s, HANDLE h, enum emu_kind kind)
{
    enum_handle *e = (enum_handle *)h;
    if (!e || IsBadReadPtr(e, sizeof *e) || e->magic != ENUM_MAGIC || e->owner != s || e->kind != kind)
        return NULL;
    return e;
}

static DWORD enum_next(enum_handle *h, UINT32 requested, void ***entries, UINT32 *returned)
{
    size_t n = h->count - h->next;
    if (n > requested)
        n = requested;
    *returned = 0;
    *entries = NULL;
    if (n == 0)
        return ERROR_SUCCESS;
    size_t total = n * sizeof(void *);
    for (size_t i = 0; i < n; i++)
        total += emu_decoded_bound(&h->items[h->next + i]);
    BYTE *block = malloc(total);
    if (!block)
        return ERROR_NOT_ENOUGH_MEMORY;
    void **array = (void **)block;
    BYTE *mem = block + n * sizeof(void *);
    for (size_t i = 0; i < n; i++) {
        const emu_object *o = &h->items[h->next + i];
        size_t bound = emu_decoded_bound(o);
        array[i] = emu_decode_into(h->kind, o, mem, bound);
        mem += bound;
    }
    h->next += n;
    *entries = array;
    *returned = (UINT32)n;
    return ERROR_SUCCESS;
}

DWORD WINAPI FwpmFilterCreateEnumHandle0(HANDLE engineHandle, const FWPM_FILTER_ENUM_TEMPLATE0 *enumTemplate,
                                         HANDLE *enumHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (enumTemplate) {
        HRESULT hr = emu_validate_enum_template(enumTemplate);
        if (FAILED(hr) || hr == (HRESULT)ERROR_NOT_SUPPORTED)
            RETURN((DWORD)hr);
    }
    RETURN(create_enum(s, EMU_FILTER, enumTemplate, enumHandle));
}

DWORD WINAPI FwpmFilterEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                             FWPM_FILTER0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!entries || !numEntriesReturned)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    enum_handle *h = enum_of(s, enumHandle, EMU_FILTER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    RETURN(enum_next(h, numEntriesRequested, (void ***)entries, numEntriesReturned));
}

DWORD WINAPI FwpmFilterDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle *h = enum_of(s, enumHandle, EMU_FILTER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle_free(h);
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmSubLayerCreateEnumHandle0(HANDLE engineHandle, const FWPM_SUBLAYER_ENUM_TEMPLATE0 *enumTemplate,
                                           HANDLE *enumHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(create_enum(s, EMU_SUBLAYER, enumTemplate, enumHandle));
}

DWORD WINAPI FwpmSubLayerEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_SUBLAYER0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!entries || !numEntriesReturned)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    enum_handle *h = enum_of(s, enumHandle, EMU_SUBLAYER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    RETURN(enum_next(h, numEntriesRequested, (void ***)entries, numEntriesReturned));
}

DWORD WINAPI FwpmSubLayerDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle *h = enum_of(s, enumHandle, EMU_SUBLAYER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle_free(h);
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmProviderCreateEnumHandle0(HANDLE engineHandle, const FWPM_PROVIDER_ENUM_TEMPLATE0 *enumTemplate,
                                           HANDLE *enumHandle)
{
    INJECT();
    (void)enumTemplate; /* reserved in FWPM_PROVIDER_ENUM_TEMPLATE0 */
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(create_enum(s, EMU_PROVIDER, NULL, enumHandle));
}

DWORD WINAPI FwpmProviderEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_PROVIDER0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!entries || !numEntriesReturned)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    enum_handle *h = enum_of(s, enumHandle, EMU_PROVIDER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    RETURN(enum_next(h, numEntriesRequested, (void ***)entries, numEntriesReturned));
}

DWORD WINAPI FwpmProviderDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle *h = enum_of(s, enumHandle, EMU_PROVIDER);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    enum_handle_free(h);
    RETURN(ERROR_SUCCESS);
}

void WINAPI FwpmFreeMemory0(void **p)
{
    if (p && *p) {
        free(*p);
        *p = NULL;
    }
}

DWORD WINAPI FwpmGetAppIdFromFileName0(PCWSTR fileName, FWP_BYTE_BLOB **appId)
{
    INJECT();
    if (!fileName || !appId)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(emu_app_id_from_path(fileName, appId));
}

/* ---- change notifications ----
 * A thread per subscription watches the state's generation and delivers
 * the journal's new filter changes, except the subscribing session's own. */

struct subscription {
    UINT32 magic;
    session *owner;
    FWPM_FILTER_CHANGE_CALLBACK0 callback;
    void *context;
    UINT32 flags;
    bool has_template;
    FWPM_FILTER_ENUM_TEMPLATE0 template;
    GUID template_provider;
    UINT64 last_seq;
    UINT64 last_generation;
    HANDLE stop, thread;
    subscription *next;
};

static bool change_wanted(const subscription *sub, const emu_change *c)
{
    if (IsEqualGUID(&c->session, &sub->owner->key))
        return false; /* a session is not notified of its own changes */
    if (c->type == FWPM_CHANGE_ADD && !(sub->flags & FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD))
        return false;
    if (c->type == FWPM_CHANGE_DELETE && !(sub->flags & FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE))
        return false;
    if (sub->has_template) {
        if (!IsEqualGUID(&c->layer, &sub->template.layerKey))
            return false;
        if (sub->template.providerKey &&
            !(c->has_provider && IsEqualGUID(&c->provider, &sub->template_provider)))
            return false;
    }
    return true;
}

static DWORD WINAPI subscription_thread(void *arg)
{
    subscription *sub = arg;
    while (WaitForSingleObject(sub->stop, 10) == WAIT_TIMEOUT) {
        UINT64 g = emu_state_generation();
        if (g == sub->last_generation)
            continue;
        emu_state st;
        if (emu_state_lock() != ERROR_SUCCESS)
            continue;
        DWORD e = emu_state_load(&st); /* the journal is in meta: no segment is read */
        emu_state_unlock();
        if (e)
            continue;
        sub->last_generation = st.generation;
        for (size_t i = 0; i < st.journal_count; i++) {
            const emu_change *c = &st.journal[i];
            if (c->seq <= sub->last_seq)
                continue;
            sub->last_seq = c->seq;
            if (!change_wanted(sub, c))
                continue;
            FWPM_FILTER_CHANGE0 change = {.changeType = c->type, .filterKey = c->filter_key,
                                          .filterId = c->filter_id};
            sub->callback(sub->context, &change);
        }
        emu_state_free(&st);
    }
    return 0;
}

DWORD WINAPI FwpmFilterSubscribeChanges0(HANDLE engineHandle, const FWPM_FILTER_SUBSCRIPTION0 *subscription0,
                                         FWPM_FILTER_CHANGE_CALLBACK0 callback, void *context,
                                         HANDLE *changeHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    if (!subscription0 || !callback || !changeHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS); /* not allowed inside a transaction */
    if (subscription0->flags & ~(FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD | FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE))
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    if (subscription0->enumTemplate) {
        HRESULT hr = emu_validate_enum_template(subscription0->enumTemplate);
        if (hr != S_OK)
            RETURN((DWORD)hr);
    }
    subscription *sub = calloc(1, sizeof *sub);
    if (!sub)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    sub->magic = SUB_MAGIC;
    sub->owner = s;
    sub->callback = callback;
    sub->context = context;
    /* Flags zero: both adds and deletes, as a subscription without a filter. */
    sub->flags = subscription0->flags ? subscription0->flags
                                      : FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD | FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE;
    if (subscription0->enumTemplate) {
        sub->has_template = true;
        sub->template = *subscription0->enumTemplate;
        if (sub->template.providerKey) {
            sub->template_provider = *sub->template.providerKey;
            sub->template.providerKey = &sub->template_provider;
        }
    }
    emu_state st;
    DWORD e = emu_state_lock();
    if (!e) {
        e = emu_state_load(&st);
        emu_state_unlock();
    }
    if (e) {
        free(sub);
        RETURN(e);
    }
    sub->last_seq = st.change_seq;
    sub->last_generation = st.generation;
    emu_state_free(&st);
    sub->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    sub->thread = CreateThread(NULL, 0, subscription_thread, sub, 0, NULL);
    EnterCriticalSection(&s->lock);
    sub->next = s->subscriptions;
    s->subscriptions = sub;
    LeaveCriticalSection(&s->lock);
    *changeHandle = sub;
    RETURN(ERROR_SUCCESS);
}

static void subscription_stop(subscription *sub)
{
    SetEvent(sub->stop);
    if (GetCurrentThreadId() != GetThreadId(sub->thread))
        WaitForSingleObject(sub->thread, INFINITE);
    CloseHandle(sub->thread);
    CloseHandle(sub->stop);
    sub->magic = 0;
    free(sub);
}

DWORD WINAPI FwpmFilterUnsubscribeChanges0(HANDLE engineHandle, HANDLE changeHandle)
{
    INJECT();
    session *s = session_of(engineHandle);
    if (!s)
        RETURN(ERROR_INVALID_HANDLE);
    EnterCriticalSection(&s->lock);
    subscription **p = &s->subscriptions;
    while (*p && *p != changeHandle)
        p = &(*p)->next;
    subscription *sub = *p;
    if (sub)
        *p = sub->next;
    LeaveCriticalSection(&s->lock);
    if (!sub)
        RETURN(ERROR_INVALID_HANDLE);
    subscription_stop(sub);
    RETURN(ERROR_SUCCESS);
}

static void unsubscribe_all(session *s)
{
    EnterCriticalSection(&s->lock);
    subscription *sub = s->subscriptions;
    s->subscriptions = NULL;
    LeaveCriticalSection(&s->lock);
    while (sub) {
        subscription *next = sub->next;
        subscription_stop(sub);
        sub = next;
    }
}
