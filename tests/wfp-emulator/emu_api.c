/* The fwpuclnt.dll API: every function validates its arguments, consults
 * fault injection, runs against the shared state under WFP's transaction
 * rules, and appends itself to the call log. See docs/wfp-emulator.md. */
#include "emu.h"

#include <rpc.h>
#include <sddl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RPC_C_AUTHN_DEFAULT
#define RPC_C_AUTHN_DEFAULT 0xFFFFFFFFu
#endif
#define FWPM_TXN_READ_ONLY 0x00000001u
#define DEFAULT_TXN_WAIT_MS 15000u /* "If the client did not specify a lock timeout, it defaults to 15 seconds" */

bool emu_running_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* ---- call log (FWPEMU_CALLLOG) ---- */

static CRITICAL_SECTION log_lock;
static HANDLE log_file = INVALID_HANDLE_VALUE;
static bool log_opened;
/* When the DLL was loaded: each line says how long after, so benchmarks can
 * time the work inside a process without its (noisy) start under Wine. */
static LARGE_INTEGER loaded_at, qpc_frequency;

/* When this thread's API call began (its INJECT), for the call's duration
 * in the log: what the emulator itself spent, apart from its caller. */
static _Thread_local LONGLONG call_began;

static void call_log(const char *function, DWORD result)
{
    EnterCriticalSection(&log_lock);
    if (!log_opened) {
        wchar_t path[MAX_PATH * 2];
        if (emu_machine_setting(L"FWPEMU_CALLLOG", L"CallLog", path, MAX_PATH * 2))
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
        int len = snprintf(line, sizeof line, "%lu %s 0x%08lX +%lluus", GetCurrentProcessId(), function,
                           (unsigned long)result, us);
        if (call_began)
            len += snprintf(line + len, sizeof line - (size_t)len, " =%lluus",
                            (unsigned long long)((now.QuadPart - call_began) * 1000000 / qpc_frequency.QuadPart));
        len += snprintf(line + len, sizeof line - (size_t)len, "\n");
        DWORD done;
        WriteFile(log_file, line, (DWORD)len, &done, NULL);
    }
    call_began = 0;
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
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    call_began = now.QuadPart;
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

/* FWPEMU_NOTIFY_LOSS=N: in this process, every N-th change notification a
 * subscription would deliver is lost (logged as FwpmFilterChangeLost), as
 * "Change Notifications" warns delivery is unreliable. */
static unsigned long notify_loss_every;
static UINT64 self_start; /* this process's start time: sessions outlive no reused pid */

void emu_api_init(void)
{
    QueryPerformanceFrequency(&qpc_frequency);
    QueryPerformanceCounter(&loaded_at);
    InitializeCriticalSection(&log_lock);
    InitializeCriticalSection(&fault_lock);
    parse_faults();
    self_start = emu_process_start(GetCurrentProcessId());
    char loss[32];
    DWORD n = GetEnvironmentVariableA("FWPEMU_NOTIFY_LOSS", loss, sizeof loss);
    notify_loss_every = n && n < sizeof loss ? strtoul(loss, NULL, 10) : 0;
}

void emu_call_log(const char *function, DWORD result)
{
    call_log(function, result);
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

typedef struct notifier notifier;

typedef struct {
    UINT32 magic;
    GUID key;
    UINT64 epoch; /* BFE's epoch when opened: the handle dies with that BFE */
    bool dynamic;
    DWORD wait_ms;
    bool in_txn, read_only, dirty;
    emu_state txn_state;
    HANDLE txn_lock;
    CRITICAL_SECTION lock;
    notifier *notifiers; /* its filter-change and net-event subscriptions */
} session;

static session *session_of(HANDLE h)
{
    session *s = (session *)h;
    if (!s || IsBadReadPtr(s, sizeof *s) || s->magic != SESSION_MAGIC)
        return NULL;
    return s;
}

/* The RPC error of a handle whose BFE is gone: while BFE is stopped, and
 * after it started again (a new server instance knows nothing of the old
 * context handle; docs/wfp-emulator.md explains the choice). */
#define EMU_BFE_GONE RPC_S_SERVER_UNAVAILABLE

static DWORD bfe_check(UINT64 epoch)
{
    emu_bfe b = emu_bfe_get();
    return b.running && b.epoch == epoch ? ERROR_SUCCESS : (DWORD)EMU_BFE_GONE;
}

/* A live session, or the error its call returns: ERROR_INVALID_HANDLE for
 * what is no handle, the RPC error once its BFE has stopped. */
static DWORD session_get(HANDLE h, session **out)
{
    *out = session_of(h);
    if (!*out)
        return ERROR_INVALID_HANDLE;
    return bfe_check((*out)->epoch);
}

/* Declares s, the live session behind handle h, or returns its error. */
#define LIVE_SESSION(s, h)                                                                       \
    session *s;                                                                                  \
    do {                                                                                         \
        DWORD dead_ = session_get((h), &s);                                                      \
        if (dead_)                                                                               \
            RETURN(dead_);                                                                       \
    } while (0)

static emu_caller caller_of(const session *s)
{
    return (emu_caller){.session = s->key, .pid = GetCurrentProcessId(), .pid_start = self_start,
                        .dynamic = s->dynamic};
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
        if (!e && (e = bfe_check(s->epoch)) != ERROR_SUCCESS)
            emu_txn_lock_release(&lock); /* BFE stopped while we waited */
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
        e = op(&st, s, ctx); /* loading purged dead processes' dynamic objects */
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
    if (!engineHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (serverName)
        RETURN(ERROR_INVALID_PARAMETER); /* "Must be NULL" */
    if (authnService != RPC_C_AUTHN_WINNT && authnService != RPC_C_AUTHN_DEFAULT)
        RETURN(ERROR_INVALID_PARAMETER);
    if (authIdentity)
        RETURN(ERROR_NOT_SUPPORTED); /* explicit credentials are not modelled: refused, not ignored */
    if (session0 && (session0->flags & ~FWPM_SESSION_FLAG_DYNAMIC & ~0x10000000u))
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    emu_bfe bfe = emu_bfe_get();
    if (!bfe.running)
        RETURN(EPT_S_NOT_REGISTERED); /* BFE's endpoint is not registered */
    session *s = calloc(1, sizeof *s);
    if (!s)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    s->magic = SESSION_MAGIC;
    s->epoch = bfe.epoch;
    if (session0 && !emu_guid_is_null(&session0->sessionKey))
        s->key = session0->sessionKey;
    else
        UuidCreate(&s->key);
    s->dynamic = session0 && (session0->flags & FWPM_SESSION_FLAG_DYNAMIC);
    s->wait_ms = session0 && session0->txnWaitTimeoutInMSec ? session0->txnWaitTimeoutInMSec
                                                            : DEFAULT_TXN_WAIT_MS;
    /* FwpmEngineOpen0: a sessionKey already in use is FWP_E_ALREADY_EXISTS. */
    emu_client c = {.kind = EMU_CLIENT_SESSION, .key = s->key, .pid = GetCurrentProcessId(),
                    .pid_start = self_start, .epoch = bfe.epoch,
                    .flags = session0 ? session0->flags : 0, .wait_ms = s->wait_ms};
    if (session0 && session0->displayData.name)
        wcsncpy(c.name, session0->displayData.name, sizeof c.name / sizeof c.name[0] - 1);
    DWORD e = emu_clients_add(&c);
    if (e) {
        free(s);
        RETURN(e);
    }
    InitializeCriticalSection(&s->lock);
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
    /* Once BFE is gone the call fails, but the client's side of the handle
     * is released all the same (RPC context rundown). */
    DWORD gone = bfe_check(s->epoch);
    unsubscribe_all(s);
    if (s->in_txn) {
        /* Closing without commit rolls back (Object Management). */
        emu_state_free(&s->txn_state);
        emu_txn_lock_release(&s->txn_lock);
        s->in_txn = false;
    }
    if (!gone) {
        if (s->dynamic)
            with_state(s, true, purge_op, NULL); /* dynamic objects die with their session */
        emu_clients_remove(&s->key);
    }
    s->magic = 0;
    DeleteCriticalSection(&s->lock);
    free(s);
    RETURN(gone);
}

/* ---- transactions ---- */

DWORD WINAPI FwpmTransactionBegin0(HANDLE engineHandle, UINT32 flags)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (flags & ~FWPM_TXN_READ_ONLY)
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS);
    DWORD e = emu_txn_lock_acquire(&s->txn_lock, s->wait_ms);
    if (e)
        RETURN(e);
    e = bfe_check(s->epoch); /* BFE may have stopped while we waited */
    if (!e)
        e = emu_state_load(&s->txn_state); /* the lock is ours: no file changes under us */
    if (e) {
        emu_txn_lock_release(&s->txn_lock);
        RETURN(e);
    }
    s->dirty = s->txn_state.purged_on_load;
    s->in_txn = true;
    s->read_only = flags & FWPM_TXN_READ_ONLY;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmTransactionCommit0(HANDLE engineHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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

/* Security descriptors are modelled on filters only: on a provider or a
 * sublayer one is refused (ERROR_NOT_SUPPORTED) rather than dropped. */
static DWORD unmodelled_sd(PSECURITY_DESCRIPTOR sd)
{
    if (!sd)
        return ERROR_SUCCESS;
    return IsValidSecurityDescriptor(sd) ? ERROR_NOT_SUPPORTED : ERROR_INVALID_SECURITY_DESCR;
}

DWORD WINAPI FwpmProviderAdd0(HANDLE engineHandle, const FWPM_PROVIDER0 *provider, PSECURITY_DESCRIPTOR sd)
{
    INJECT();
    if (unmodelled_sd(sd))
        RETURN(unmodelled_sd(sd));
    LIVE_SESSION(s, engineHandle);
    if (!provider)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, provider_add_op, (void *)provider));
}

static DWORD provider_delete_op(emu_state *st, session *s, void *ctx)
{
    emu_caller c = caller_of(s);
    return emu_op_provider_delete(st, &c, ctx);
}

DWORD WINAPI FwpmProviderDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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
    if (unmodelled_sd(sd))
        RETURN(unmodelled_sd(sd));
    LIVE_SESSION(s, engineHandle);
    if (!subLayer)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, sublayer_add_op, (void *)subLayer));
}

static DWORD sublayer_delete_op(emu_state *st, session *s, void *ctx)
{
    emu_caller c = caller_of(s);
    return emu_op_sublayer_delete(st, &c, ctx);
}

DWORD WINAPI FwpmSubLayerDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!key)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(with_state(s, true, sublayer_delete_op, (void *)key));
}

DWORD WINAPI FwpmSubLayerGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_SUBLAYER0 **subLayer)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    const BYTE *sd;
    UINT32 sd_len;
    UINT64 id;
} filter_add_ctx;

static DWORD filter_add_op(emu_state *st, session *s, void *ctx)
{
    filter_add_ctx *a = ctx;
    emu_caller c = caller_of(s);
    return emu_op_filter_add(st, &c, a->filter, a->sd, a->sd_len, &a->id);
}

/* The filter's sd, as BFE keeps it: self-relative (an absolute one is
 * converted, as its RPC marshalling would); invalid is refused. */
static DWORD self_relative_sd(PSECURITY_DESCRIPTOR sd, BYTE **out, UINT32 *len)
{
    *out = NULL;
    *len = 0;
    if (!sd)
        return ERROR_SUCCESS;
    if (!IsValidSecurityDescriptor(sd))
        return ERROR_INVALID_SECURITY_DESCR;
    SECURITY_DESCRIPTOR_CONTROL control;
    DWORD revision;
    if (!GetSecurityDescriptorControl(sd, &control, &revision))
        return ERROR_INVALID_SECURITY_DESCR;
    DWORD size = 0;
    if (control & SE_SELF_RELATIVE) {
        size = GetSecurityDescriptorLength(sd);
        *out = malloc(size);
        if (!*out)
            return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(*out, sd, size);
    } else {
        MakeSelfRelativeSD(sd, NULL, &size);
        *out = size ? malloc(size) : NULL;
        if (!*out || !MakeSelfRelativeSD(sd, *out, &size)) {
            free(*out);
            *out = NULL;
            return ERROR_INVALID_SECURITY_DESCR;
        }
    }
    *len = size;
    return ERROR_SUCCESS;
}

DWORD WINAPI FwpmFilterAdd0(HANDLE engineHandle, const FWPM_FILTER0 *filter, PSECURITY_DESCRIPTOR sd, UINT64 *id)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!filter)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    filter_add_ctx a = {.filter = filter};
    BYTE *rel = NULL;
    DWORD e = self_relative_sd(sd, &rel, &a.sd_len);
    a.sd = rel;
    if (!e)
        e = with_state(s, true, filter_add_op, &a);
    free(rel);
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
    LIVE_SESSION(s, engineHandle);
    if (!key)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    filter_delete_ctx d = {.key = key};
    RETURN(with_state(s, true, filter_delete_op, &d));
}

DWORD WINAPI FwpmFilterDeleteById0(HANDLE engineHandle, UINT64 id)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    filter_delete_ctx d = {.id = id, .by_id = true};
    RETURN(with_state(s, true, filter_delete_op, &d));
}

DWORD WINAPI FwpmFilterGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_FILTER0 **filter)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
    if (!filter)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    get_ctx g = {.kind = EMU_FILTER, .id = id, .by_id = true};
    DWORD e = with_state(s, false, get_op, &g);
    if (!e)
        *filter = g.result;
    RETURN(e);
}

/* FwpmFilterGetSecurityInfoByKey0: the filter's descriptor as FwpmFilterAdd0
 * stored it, or, for a filter added without one, the emulator's default
 * (owner Administrators, full access for Administrators and SYSTEM: BFE's
 * own default is not documented). The requested parts point into
 * *securityDescriptor, one allocation freed with FwpmFreeMemory0. */
#define EMU_DEFAULT_FILTER_SD L"O:BAG:SYD:(A;;GA;;;BA)(A;;GA;;;SY)"

typedef struct {
    const GUID *key;
    BYTE *sd;
    UINT32 sd_len;
} sd_get_ctx;

static DWORD sd_get_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    sd_get_ctx *g = ctx;
    emu_object *o = emu_find_key(st, EMU_FILTER, g->key);
    if (!o)
        return (DWORD)FWP_E_FILTER_NOT_FOUND;
    if (o->sd_len) {
        g->sd = malloc(o->sd_len);
        if (!g->sd)
            return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(g->sd, o->sd, o->sd_len);
        g->sd_len = o->sd_len;
        return ERROR_SUCCESS;
    }
    PSECURITY_DESCRIPTOR def = NULL;
    ULONG len = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(EMU_DEFAULT_FILTER_SD, SDDL_REVISION_1, &def, &len))
        return GetLastError();
    g->sd = malloc(len);
    if (g->sd) {
        memcpy(g->sd, def, len);
        g->sd_len = len;
    }
    LocalFree(def);
    return g->sd ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

DWORD WINAPI FwpmFilterGetSecurityInfoByKey0(HANDLE engineHandle, const GUID *key, SECURITY_INFORMATION securityInfo,
                                             PSID *sidOwner, PSID *sidGroup, PACL *dacl, PACL *sacl,
                                             PSECURITY_DESCRIPTOR *securityDescriptor)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!key || !securityDescriptor)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (securityInfo & ~(OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                         SACL_SECURITY_INFORMATION))
        RETURN(ERROR_INVALID_PARAMETER);
    sd_get_ctx g = {.key = key};
    DWORD e = with_state(s, false, sd_get_op, &g);
    if (e)
        RETURN(e);
    PSECURITY_DESCRIPTOR sd = g.sd;
    BOOL present, defaulted;
    PSID sid;
    PACL acl;
    if (sidOwner)
        *sidOwner = (securityInfo & OWNER_SECURITY_INFORMATION) && GetSecurityDescriptorOwner(sd, &sid, &defaulted)
                        ? sid
                        : NULL;
    if (sidGroup)
        *sidGroup = (securityInfo & GROUP_SECURITY_INFORMATION) && GetSecurityDescriptorGroup(sd, &sid, &defaulted)
                        ? sid
                        : NULL;
    if (dacl)
        *dacl = (securityInfo & DACL_SECURITY_INFORMATION) &&
                        GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted) && present
                    ? acl
                    : NULL;
    if (sacl)
        *sacl = (securityInfo & SACL_SECURITY_INFORMATION) &&
                        GetSecurityDescriptorSacl(sd, &present, &acl, &defaulted) && present
                    ? acl
                    : NULL;
    *securityDescriptor = sd;
    RETURN(ERROR_SUCCESS);
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
    copy.sd = NULL; /* enumeration returns no security descriptors */
    copy.sd_len = 0;
    h->items[h->count++] = copy;
}

static void snapshot_filter(emu_object *o, void *ctx)
{
    enum_ctx *e = ctx;
    snapshot(e->h, EMU_FILTER, o, e->template);
}

/* Priority, as arbitration sees it: the sublayer's weight, then the
 * filter's effective weight. */
typedef struct {
    UINT16 sublayer_weight;
    UINT64 weight;
    size_t position;
} priority;

static int by_priority_desc(const void *a, const void *b)
{
    const priority *x = a, *y = b;
    if (x->sublayer_weight != y->sublayer_weight)
        return x->sublayer_weight > y->sublayer_weight ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

static bool is_terminating(const emu_object *o)
{
    FWPM_FILTER0 *f = emu_decode(EMU_FILTER, o);
    bool terminating = f && (f->action.type & FWP_ACTION_FLAG_TERMINATING);
    free(f);
    return terminating;
}

/* FWPM_FILTER_ENUM_TEMPLATE0 flags: SORTED "Return all matching filters
 * sorted by priority"; BEST_TERMINATING_MATCH "Only return the terminating
 * filter with the highest priority". */
static DWORD order_by_priority(emu_state *st, enum_handle *h, UINT32 flags)
{
    if (!(flags & (FWP_FILTER_ENUM_FLAG_SORTED | FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH)) || !h->count)
        return ERROR_SUCCESS;
    priority *order = malloc(h->count * sizeof *order);
    emu_object *sorted = malloc(h->count * sizeof *sorted);
    if (!order || !sorted) {
        free(order);
        free(sorted);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < h->count; i++) {
        const emu_object *sl = emu_find_key(st, EMU_SUBLAYER, &h->items[i].sublayer);
        order[i] = (priority){sl ? sl->weight : 0, h->items[i].effective_weight, i};
    }
    qsort(order, h->count, sizeof *order, by_priority_desc);
    for (size_t i = 0; i < h->count; i++)
        sorted[i] = h->items[order[i].position];
    free(order);
    free(h->items);
    h->items = sorted;
    if (flags & FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH) {
        size_t best = 0;
        while (best < h->count && !is_terminating(&h->items[best]))
            best++;
        for (size_t i = 0; i < h->count; i++)
            if (i != best)
                free(h->items[i].blob);
        if (best < h->count)
            h->items[0] = h->items[best];
        h->count = best < h->count ? 1 : 0;
    }
    return ERROR_SUCCESS;
}

static DWORD enum_snapshot_op(emu_state *st, session *s, void *ctx)
{
    (void)s;
    enum_ctx *e = ctx;
    if (e->kind == EMU_FILTER) {
        /* A provider's filters are one segment: read only that one. */
        const FWPM_FILTER_ENUM_TEMPLATE0 *t = e->template;
        emu_for_each_filter(st, t ? t->providerKey : NULL, false, snapshot_filter, e);
        return order_by_priority(st, e->h, t ? t->flags : 0);
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
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(create_enum(s, EMU_SUBLAYER, enumTemplate, enumHandle));
}

DWORD WINAPI FwpmSubLayerEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_SUBLAYER0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    RETURN(create_enum(s, EMU_PROVIDER, NULL, enumHandle));
}

DWORD WINAPI FwpmProviderEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_PROVIDER0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
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
    LIVE_SESSION(s, engineHandle);
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

/* ---- notifiers: what filter-change and net-event subscriptions share ----
 * Each has its entry in clients.bin (every process sees it) and a named
 * event that BFE's side sets (emu_clients_signal: BFE pushes, nothing
 * polls); a thread per notifier waits for it, or for stop, and delivers
 * what is new. It stops delivering once its BFE is gone. It ends from
 * another thread, which waits for a callback in flight, or from inside its
 * own callback, which cannot wait for itself: then its thread frees it once
 * the callback returns. */

typedef enum { NOTIFIER_FILTER_CHANGES, NOTIFIER_NET_EVENTS } notifier_kind;

struct notifier {
    notifier_kind kind;
    session *owner;
    GUID id; /* its entry in clients.bin */
    UINT64 epoch;
    void (*deliver)(notifier *n); /* on each signal while its BFE lives */
    volatile LONG self_free;      /* unsubscribed from its own callback: the thread frees it */
    HANDLE signal, stop, thread;
    notifier *next;
};

static bool stop_requested(const notifier *n)
{
    return WaitForSingleObject(n->stop, 0) == WAIT_OBJECT_0;
}

/* n is the first member of its subscription: freeing n frees that. */
static void notifier_free(notifier *n)
{
    CloseHandle(n->thread);
    CloseHandle(n->stop);
    CloseHandle(n->signal);
    free(n);
}

static DWORD WINAPI notifier_thread(void *arg)
{
    notifier *n = arg;
    bool dead = false;
    HANDLE waits[2] = {n->stop, n->signal};
    while (!dead && WaitForMultipleObjects(2, waits, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        /* BFE's stop and start each signal: checked here. */
        if (bfe_check(n->epoch))
            dead = true; /* dead with its BFE: nothing more is delivered */
        else
            n->deliver(n);
    }
    if (dead)
        WaitForSingleObject(n->stop, INFINITE); /* until the client unsubscribes or closes */
    if (InterlockedCompareExchange(&n->self_free, 0, 0))
        notifier_free(n);
    return 0;
}

/* Starts n (id, kind and deliver set), listed in clients.bin as c says and
 * in its session. The event exists before the notifier is listed: no
 * signal after the listing can miss it. On failure n is not started and
 * the caller frees it. */
static DWORD notifier_start(session *s, notifier *n, const wchar_t *event_name, emu_client *c)
{
    n->owner = s;
    n->epoch = s->epoch;
    n->signal = CreateEventW(NULL, FALSE, FALSE, event_name);
    if (!n->signal)
        return GetLastError();
    c->key = n->id;
    c->session = s->key;
    c->pid = GetCurrentProcessId();
    c->pid_start = self_start;
    c->epoch = s->epoch;
    DWORD e = emu_clients_add(c);
    if (e) {
        CloseHandle(n->signal);
        return e;
    }
    n->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    EnterCriticalSection(&s->lock);
    n->next = s->notifiers;
    s->notifiers = n;
    LeaveCriticalSection(&s->lock);
    n->thread = CreateThread(NULL, 0, notifier_thread, n, 0, NULL);
    return ERROR_SUCCESS;
}

static void notifier_stop(notifier *n)
{
    emu_clients_remove(&n->id);
    if (GetCurrentThreadId() == GetThreadId(n->thread)) {
        InterlockedExchange(&n->self_free, 1);
        SetEvent(n->stop);
        return;
    }
    SetEvent(n->stop);
    WaitForSingleObject(n->thread, INFINITE);
    notifier_free(n);
}

/* FwpmFilterUnsubscribeChanges0 and FwpmNetEventUnsubscribe0: a handle of
 * the other kind is no handle of theirs. */
static DWORD notifier_unsubscribe(HANDLE engineHandle, HANDLE handle, notifier_kind kind)
{
    session *s = session_of(engineHandle);
    if (!s)
        return ERROR_INVALID_HANDLE;
    EnterCriticalSection(&s->lock);
    notifier **p = &s->notifiers;
    while (*p && !(*p == handle && (*p)->kind == kind))
        p = &(*p)->next;
    notifier *n = *p;
    if (n)
        *p = n->next;
    LeaveCriticalSection(&s->lock);
    if (!n)
        return ERROR_INVALID_HANDLE;
    /* Once BFE is gone the call fails, but the thread is ended all the same. */
    DWORD gone = bfe_check(s->epoch);
    notifier_stop(n);
    return gone;
}

static void unsubscribe_all(session *s)
{
    EnterCriticalSection(&s->lock);
    notifier *n = s->notifiers;
    s->notifiers = NULL;
    LeaveCriticalSection(&s->lock);
    while (n) {
        notifier *next = n->next;
        notifier_stop(n);
        n = next;
    }
}

/* ---- change notifications ----
 * A notifier that delivers the journal's new filter changes, except the
 * subscribing session's own. */

typedef struct {
    notifier base;
    FWPM_FILTER_CHANGE_CALLBACK0 callback;
    void *context;
    UINT32 flags;
    bool has_template;
    FWPM_FILTER_ENUM_TEMPLATE0 template;
    GUID template_provider;
    UINT64 last_seq;
    UINT64 last_generation;
    unsigned long offered;   /* changes it would deliver: FWPEMU_NOTIFY_LOSS counts these */
} subscription;

static bool change_wanted(const subscription *sub, const emu_change *c)
{
    if (IsEqualGUID(&c->session, &sub->base.owner->key))
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

/* Delivers what the journal holds past last_seq. The journal keeps the last
 * EMU_JOURNAL_MAX changes: a subscriber further behind has lost some, which
 * is reported as FWP_E_NOTIFICATION_DROPPED in the call log instead of
 * passing in silence. */
static void deliver(subscription *sub, const emu_state *st)
{
    if (st->journal_count && st->journal[0].seq > sub->last_seq + 1) {
        call_log("FwpmFilterChangeDropped", (DWORD)FWP_E_NOTIFICATION_DROPPED);
        sub->last_seq = st->journal[0].seq - 1;
    }
    for (size_t i = 0; i < st->journal_count && !stop_requested(&sub->base); i++) {
        const emu_change *c = &st->journal[i];
        if (c->seq <= sub->last_seq)
            continue;
        sub->last_seq = c->seq;
        if (!change_wanted(sub, c))
            continue;
        if (notify_loss_every && ++sub->offered % notify_loss_every == 0) {
            call_log("FwpmFilterChangeLost", ERROR_SUCCESS);
            continue;
        }
        FWPM_FILTER_CHANGE0 change = {.changeType = c->type, .filterKey = c->filter_key,
                                      .filterId = c->filter_id};
        sub->callback(sub->context, &change);
    }
}

/* A commit's signal: the journal's new changes, if the state moved on. */
static void deliver_changes(notifier *n)
{
    subscription *sub = (subscription *)n;
    if (emu_state_generation() == sub->last_generation)
        return;
    emu_state st;
    DWORD e = emu_state_lock();
    if (!e) {
        e = emu_state_load(&st); /* the journal is in meta */
        emu_state_unlock();
    }
    if (e) {
        /* Not lost: looked at again shortly, as if signalled anew. */
        Sleep(10);
        SetEvent(n->signal);
        return;
    }
    sub->last_generation = st.generation;
    deliver(sub, &st);
    emu_state_free(&st);
}

DWORD WINAPI FwpmFilterSubscribeChanges0(HANDLE engineHandle, const FWPM_FILTER_SUBSCRIPTION0 *subscription0,
                                         FWPM_FILTER_CHANGE_CALLBACK0 callback, void *context,
                                         HANDLE *changeHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!subscription0 || !callback || !changeHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS); /* not allowed inside a transaction */
    if (subscription0->flags & ~(FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD | FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE))
        RETURN((DWORD)FWP_E_INVALID_FLAGS);
    if (subscription0->enumTemplate) {
        const FWPM_FILTER_ENUM_TEMPLATE0 *t = subscription0->enumTemplate;
        HRESULT hr = emu_validate_enum_template(t);
        if (hr != S_OK)
            RETURN((DWORD)hr);
        /* Notifications are matched on layer and provider; any other
         * template field would narrow them, so it is refused, not ignored. */
        if (t->flags || t->calloutKey || t->actionMask != 0xFFFFFFFFu || t->numFilterConditions)
            RETURN(ERROR_NOT_SUPPORTED);
    }
    subscription *sub = calloc(1, sizeof *sub);
    if (!sub)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
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
    sub->base.kind = NOTIFIER_FILTER_CHANGES;
    sub->base.deliver = deliver_changes;
    UuidCreate(&sub->base.id);
    wchar_t event_name[64];
    emu_subscription_event_name(&sub->base.id, event_name);
    emu_client c = {.kind = EMU_CLIENT_FILTER_SUB, .flags = subscription0->flags, .has_template = sub->has_template};
    if (sub->has_template) {
        c.layer = sub->template.layerKey;
        c.has_provider = sub->template.providerKey != NULL;
        c.provider = sub->template_provider;
    }
    e = notifier_start(s, &sub->base, event_name, &c);
    if (e) {
        free(sub);
        RETURN(e);
    }
    *changeHandle = sub;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmFilterUnsubscribeChanges0(HANDLE engineHandle, HANDLE changeHandle)
{
    INJECT();
    RETURN(notifier_unsubscribe(engineHandle, changeHandle, NOTIFIER_FILTER_CHANGES));
}

/* FwpmFilterSubscriptionsGet0: "all the current filter change notification
 * subscriptions", of every process; the array and its entries are one
 * allocation ("The returned array (but not the individual entries in the
 * array) must be freed through a call to FwpmFreeMemory0"). */
DWORD WINAPI FwpmFilterSubscriptionsGet0(HANDLE engineHandle, FWPM_FILTER_SUBSCRIPTION0 ***entries, UINT32 *numEntries)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!entries || !numEntries)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    emu_client *list = NULL;
    size_t n = 0;
    DWORD e = emu_clients_list(EMU_CLIENT_FILTER_SUB, &list, &n);
    if (e)
        RETURN(e);
    typedef struct {
        FWPM_FILTER_SUBSCRIPTION0 sub;
        FWPM_FILTER_ENUM_TEMPLATE0 template;
        GUID provider;
    } entry;
    BYTE *block = malloc(n * (sizeof(void *) + sizeof(entry)) + 1);
    if (!block) {
        free(list);
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    }
    FWPM_FILTER_SUBSCRIPTION0 **array = (FWPM_FILTER_SUBSCRIPTION0 **)block;
    entry *items = (entry *)(block + n * sizeof(void *));
    for (size_t i = 0; i < n; i++) {
        entry *it = &items[i];
        memset(it, 0, sizeof *it);
        it->sub.flags = list[i].flags;
        it->sub.sessionKey = list[i].session;
        if (list[i].has_template) {
            it->template.layerKey = list[i].layer;
            it->template.actionMask = 0xFFFFFFFFu;
            it->provider = list[i].provider;
            it->template.providerKey = list[i].has_provider ? &it->provider : NULL;
            it->sub.enumTemplate = &it->template;
        }
        array[i] = &it->sub;
    }
    free(list);
    *entries = n ? array : NULL;
    if (!n)
        free(block);
    *numEntries = (UINT32)n;
    RETURN(ERROR_SUCCESS);
}

/* ---- sessions: FwpmSessionEnum0 lists every process's open sessions ---- */

#define SESSION_ENUM_MAGIC 0x53454E55u /* "SENU" */

typedef struct {
    UINT32 magic;
    session *owner;
    emu_client *items;
    size_t count, next;
} session_enum;

DWORD WINAPI FwpmSessionCreateEnumHandle0(HANDLE engineHandle, const FWPM_SESSION_ENUM_TEMPLATE0 *enumTemplate,
                                          HANDLE *enumHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (enumTemplate && enumTemplate->reserved)
        RETURN((DWORD)FWP_E_RESERVED);
    session_enum *h = calloc(1, sizeof *h);
    if (!h)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    DWORD e = emu_clients_list(EMU_CLIENT_SESSION, &h->items, &h->count);
    if (e) {
        free(h);
        RETURN(e);
    }
    h->magic = SESSION_ENUM_MAGIC;
    h->owner = s;
    *enumHandle = h;
    RETURN(ERROR_SUCCESS);
}

static session_enum *session_enum_of(session *s, HANDLE h)
{
    session_enum *e = (session_enum *)h;
    if (!e || IsBadReadPtr(e, sizeof *e) || e->magic != SESSION_ENUM_MAGIC || e->owner != s)
        return NULL;
    return e;
}

DWORD WINAPI FwpmSessionEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                              FWPM_SESSION0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!entries || !numEntriesReturned)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    session_enum *h = session_enum_of(s, enumHandle);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    size_t n = h->count - h->next;
    if (n > numEntriesRequested)
        n = numEntriesRequested;
    *entries = NULL;
    *numEntriesReturned = 0;
    if (!n)
        RETURN(ERROR_SUCCESS);
    typedef struct {
        FWPM_SESSION0 session;
        wchar_t name[64];
    } entry;
    BYTE *block = malloc(n * (sizeof(void *) + sizeof(entry)));
    if (!block)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    FWPM_SESSION0 **array = (FWPM_SESSION0 **)block;
    entry *items = (entry *)(block + n * sizeof(void *));
    for (size_t i = 0; i < n; i++) {
        const emu_client *c = &h->items[h->next + i];
        entry *it = &items[i];
        memset(it, 0, sizeof *it);
        memcpy(it->name, c->name, sizeof it->name);
        it->session.sessionKey = c->key;
        it->session.displayData.name = it->name[0] ? it->name : NULL;
        it->session.flags = c->flags;
        it->session.txnWaitTimeoutInMSec = c->wait_ms;
        it->session.processId = c->pid;
        array[i] = &it->session;
    }
    h->next += n;
    *entries = array;
    *numEntriesReturned = (UINT32)n;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmSessionDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    session_enum *h = session_enum_of(s, enumHandle);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    free(h->items);
    h->magic = 0;
    free(h);
    RETURN(ERROR_SUCCESS);
}

/* ---- net events ("Logging"): the log emu_netevents.c keeps, read through
 * enumeration and subscriptions; FWPM_ENGINE_COLLECT_NET_EVENTS switches
 * it. Only classify drops are recorded (the emulator has no IPsec). ---- */

#define NET_ENUM_MAGIC 0x4E454E55u /* "NENU" */

typedef struct {
    UINT32 magic;
    session *owner;
    emu_net_event *items;
    size_t count, next;
} net_event_enum;

static UINT64 filetime_value(const FILETIME *t)
{
    return (UINT64)t->dwHighDateTime << 32 | t->dwLowDateTime;
}

/* Time bounds are what this model filters on; conditions would narrow
 * further, so a template with any is refused, not ignored. */
static DWORD net_template_check(const FWPM_NET_EVENT_ENUM_TEMPLATE0 *t)
{
    if (t && t->numFilterConditions)
        return ERROR_NOT_SUPPORTED;
    return ERROR_SUCCESS;
}

static bool net_event_in_time(const emu_net_event *ev, const FWPM_NET_EVENT_ENUM_TEMPLATE0 *t)
{
    return !t || (ev->time >= filetime_value(&t->startTime) && ev->time <= filetime_value(&t->endTime));
}

DWORD WINAPI FwpmNetEventCreateEnumHandle0(HANDLE engineHandle, const FWPM_NET_EVENT_ENUM_TEMPLATE0 *enumTemplate,
                                           HANDLE *enumHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!enumHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS);
    DWORD e = net_template_check(enumTemplate);
    if (e)
        RETURN(e);
    net_event_enum *h = calloc(1, sizeof *h);
    if (!h)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    /* "An enumeration handle only sees a snapshot" of the buffer. */
    UINT64 last = 0;
    e = emu_netevents_read(0, &h->items, &h->count, &last);
    if (e) {
        free(h);
        RETURN(e);
    }
    size_t kept = 0;
    for (size_t i = 0; i < h->count; i++)
        if (net_event_in_time(&h->items[i], enumTemplate))
            h->items[kept++] = h->items[i];
    h->count = kept;
    h->magic = NET_ENUM_MAGIC;
    h->owner = s;
    *enumHandle = h;
    RETURN(ERROR_SUCCESS);
}

static net_event_enum *net_enum_of(session *s, HANDLE h)
{
    net_event_enum *e = (net_event_enum *)h;
    if (!e || IsBadReadPtr(e, sizeof *e) || e->magic != NET_ENUM_MAGIC || e->owner != s)
        return NULL;
    return e;
}

/* The header both versions share, filled from a record. */
#define FILL_NET_HEADER(hd, ev)                                                                   \
    do {                                                                                         \
        FILETIME t_ = {.dwLowDateTime = (DWORD)(ev)->time, .dwHighDateTime = (DWORD)((ev)->time >> 32)}; \
        (hd).timeStamp = t_;                                                                     \
        (hd).flags = FWPM_NET_EVENT_FLAG_IP_PROTOCOL_SET |                                      \
                     FWPM_NET_EVENT_FLAG_REMOTE_ADDR_SET | FWPM_NET_EVENT_FLAG_LOCAL_PORT_SET |  \
                     FWPM_NET_EVENT_FLAG_REMOTE_PORT_SET | FWPM_NET_EVENT_FLAG_IP_VERSION_SET |  \
                     ((ev)->app_id_len ? FWPM_NET_EVENT_FLAG_APP_ID_SET : 0);                    \
        (hd).ipVersion = (ev)->v6 ? FWP_IP_VERSION_V6 : FWP_IP_VERSION_V4;                     \
        (hd).ipProtocol = (ev)->protocol;                                                        \
        if ((ev)->v6) {                                                                          \
            memcpy((hd).localAddrV6.byteArray16, (ev)->local_addr, 16);                         \
            memcpy((hd).remoteAddrV6.byteArray16, (ev)->remote_addr, 16);                       \
        } else { /* host order, as WFP holds IPv4 addresses */                                   \
            (hd).localAddrV4 = (UINT32)(ev)->local_addr[0] << 24 | (UINT32)(ev)->local_addr[1] << 16 | \
                               (UINT32)(ev)->local_addr[2] << 8 | (ev)->local_addr[3];           \
            (hd).remoteAddrV4 = (UINT32)(ev)->remote_addr[0] << 24 | (UINT32)(ev)->remote_addr[1] << 16 | \
                                (UINT32)(ev)->remote_addr[2] << 8 | (ev)->remote_addr[3];        \
        }                                                                                        \
        (hd).localPort = (ev)->local_port;                                                       \
        (hd).remotePort = (ev)->remote_port;                                                     \
    } while (0)

/* Version 1 entries in one allocation: pointers, entries, drop bodies,
 * app ids (FwpmFreeMemory0 frees the array). */
typedef struct {
    FWPM_NET_EVENT1 event;
    FWPM_NET_EVENT_CLASSIFY_DROP1 drop;
} net_entry1;
typedef struct {
    FWPM_NET_EVENT0 event;
    FWPM_NET_EVENT_CLASSIFY_DROP0 drop;
} net_entry0;

static void fill_entry1(net_entry1 *it, const emu_net_event *ev, BYTE *app)
{
    memset(it, 0, sizeof *it);
    FILL_NET_HEADER(it->event.header, ev);
    if (ev->app_id_len) {
        memcpy(app, ev->app_id, ev->app_id_len);
        it->event.header.appId.data = app;
        it->event.header.appId.size = ev->app_id_len;
    }
    it->event.type = FWPM_NET_EVENT_TYPE_CLASSIFY_DROP;
    it->drop.filterId = ev->filter_id;
    it->drop.layerId = ev->layer_id;
    it->drop.msFwpDirection = ev->inbound ? FWP_DIRECTION_IN : FWP_DIRECTION_OUT;
    it->event.classifyDrop = &it->drop;
}

static void fill_entry0(net_entry0 *it, const emu_net_event *ev, BYTE *app)
{
    memset(it, 0, sizeof *it);
    FILL_NET_HEADER(it->event.header, ev);
    if (ev->app_id_len) {
        memcpy(app, ev->app_id, ev->app_id_len);
        it->event.header.appId.data = app;
        it->event.header.appId.size = ev->app_id_len;
    }
    it->event.type = FWPM_NET_EVENT_TYPE_CLASSIFY_DROP;
    it->drop.filterId = ev->filter_id;
    it->drop.layerId = ev->layer_id;
    it->event.classifyDrop = &it->drop;
}

static DWORD net_enum(HANDLE engineHandle, HANDLE enumHandle, UINT32 requested, void ***entries, UINT32 *returned,
                      int version)
{
    session *s;
    DWORD dead = session_get(engineHandle, &s);
    if (dead)
        return dead;
    if (!entries || !returned)
        return ((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        return ((DWORD)FWP_E_TXN_IN_PROGRESS);
    net_event_enum *h = net_enum_of(s, enumHandle);
    if (!h)
        return (ERROR_INVALID_HANDLE);
    UINT32 collect = 1;
    DWORD e = emu_netevents_collect_get(&collect);
    if (e)
        return (e);
    if (!collect)
        return ((DWORD)FWP_E_NET_EVENTS_DISABLED);
    size_t n = h->count - h->next < requested ? h->count - h->next : requested;
    size_t entry_size = version ? sizeof(net_entry1) : sizeof(net_entry0);
    size_t app_size = sizeof h->items[0].app_id;
    BYTE *block = malloc(n * (sizeof(void *) + entry_size + app_size) + 1);
    if (!block)
        return (ERROR_NOT_ENOUGH_MEMORY);
    void **array = (void **)block;
    BYTE *items = block + n * sizeof(void *), *apps = items + n * entry_size;
    for (size_t i = 0; i < n; i++) {
        const emu_net_event *ev = &h->items[h->next + i];
        if (version)
            fill_entry1((net_entry1 *)(items + i * entry_size), ev, apps + i * app_size);
        else
            fill_entry0((net_entry0 *)(items + i * entry_size), ev, apps + i * app_size);
        array[i] = items + i * entry_size;
    }
    h->next += n;
    *entries = n ? array : NULL;
    if (!n)
        free(block);
    *returned = (UINT32)n;
    return (ERROR_SUCCESS);
}

DWORD WINAPI FwpmNetEventEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_NET_EVENT0 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    RETURN(net_enum(engineHandle, enumHandle, numEntriesRequested, (void ***)entries, numEntriesReturned, 0));
}

DWORD WINAPI FwpmNetEventEnum1(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested,
                               FWPM_NET_EVENT1 ***entries, UINT32 *numEntriesReturned)
{
    INJECT();
    RETURN(net_enum(engineHandle, enumHandle, numEntriesRequested, (void ***)entries, numEntriesReturned, 1));
}

DWORD WINAPI FwpmNetEventDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    net_event_enum *h = net_enum_of(s, enumHandle);
    if (!h)
        RETURN(ERROR_INVALID_HANDLE);
    h->magic = 0;
    free(h->items);
    free(h);
    RETURN(ERROR_SUCCESS);
}

/* FwpmEngineGetOption0 / SetOption0: FWPM_ENGINE_COLLECT_NET_EVENTS only
 * (a UINT32, default 1, kept across restarts); the other options are not
 * modelled and refused. */
DWORD WINAPI FwpmEngineGetOption0(HANDLE engineHandle, FWPM_ENGINE_OPTION option, FWP_VALUE0 **value)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    (void)s;
    if (!value)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if ((UINT32)option >= (UINT32)FWPM_ENGINE_OPTION_MAX)
        RETURN((DWORD)FWP_E_INVALID_ENUMERATOR);
    if (option != FWPM_ENGINE_COLLECT_NET_EVENTS)
        RETURN(ERROR_NOT_SUPPORTED);
    UINT32 collect = 1;
    DWORD e = emu_netevents_collect_get(&collect);
    if (e)
        RETURN(e);
    FWP_VALUE0 *v = calloc(1, sizeof *v);
    if (!v)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    v->type = FWP_UINT32;
    v->uint32 = collect;
    *value = v;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmEngineSetOption0(HANDLE engineHandle, FWPM_ENGINE_OPTION option, const FWP_VALUE0 *newValue)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!newValue)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS);
    if ((UINT32)option >= (UINT32)FWPM_ENGINE_OPTION_MAX)
        RETURN((DWORD)FWP_E_INVALID_ENUMERATOR);
    if (option != FWPM_ENGINE_COLLECT_NET_EVENTS)
        RETURN(ERROR_NOT_SUPPORTED);
    if (newValue->type != FWP_UINT32)
        RETURN((DWORD)FWP_E_TYPE_MISMATCH);
    RETURN(emu_netevents_collect_set(newValue->uint32));
}

/* Subscriptions: a thread per subscription waits on its own named event,
 * which every recorded batch of drops sets (emu_clients_signal), and delivers the
 * events past the last it saw. The log keeps EMU_NET_EVENTS_MAX: a
 * subscriber further behind has lost some, said in the call log
 * (FwpmNetEventsLost), as delivery is not guaranteed. */
typedef struct {
    notifier base;
    FWPM_NET_EVENT_CALLBACK0 callback;
    void *context;
    bool has_template;
    FWPM_NET_EVENT_ENUM_TEMPLATE0 template;
    UINT64 last_seq;
} net_subscription;

static void net_deliver(notifier *n)
{
    net_subscription *sub = (net_subscription *)n;
    emu_net_event *items = NULL;
    size_t count = 0;
    UINT64 last = sub->last_seq;
    if (emu_netevents_read(sub->last_seq, &items, &count, &last))
        return;
    if (count && items[0].seq > sub->last_seq + 1)
        call_log("FwpmNetEventsLost", (DWORD)FWP_E_NOTIFICATION_DROPPED);
    BYTE *app = malloc(sizeof items[0].app_id);
    for (size_t i = 0; app && i < count && !stop_requested(n); i++) {
        sub->last_seq = items[i].seq;
        if (sub->has_template && !net_event_in_time(&items[i], &sub->template))
            continue;
        net_entry1 it;
        fill_entry1(&it, &items[i], app);
        sub->callback(sub->context, &it.event);
    }
    if (!count)
        sub->last_seq = last;
    free(app);
    free(items);
}

DWORD WINAPI FwpmNetEventSubscribe0(HANDLE engineHandle, const FWPM_NET_EVENT_SUBSCRIPTION0 *subscription0,
                                    FWPM_NET_EVENT_CALLBACK0 callback, void *context, HANDLE *eventsHandle)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    if (!subscription0 || !callback || !eventsHandle)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    if (s->in_txn)
        RETURN((DWORD)FWP_E_TXN_IN_PROGRESS);
    if (subscription0->flags)
        RETURN((DWORD)FWP_E_INVALID_FLAGS); /* "Reserved" */
    DWORD e = net_template_check(subscription0->enumTemplate);
    if (e)
        RETURN(e);
    net_subscription *sub = calloc(1, sizeof *sub);
    if (!sub)
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    sub->callback = callback;
    sub->context = context;
    if (subscription0->enumTemplate) {
        sub->has_template = true;
        sub->template = *subscription0->enumTemplate;
        sub->template.filterCondition = NULL;
    }
    /* Events from now on: a subscription is not a replay of the log. */
    emu_net_event *items = NULL;
    size_t count = 0;
    e = emu_netevents_read(UINT64_MAX - 1, &items, &count, &sub->last_seq);
    free(items);
    if (e) {
        free(sub);
        RETURN(e);
    }
    sub->base.kind = NOTIFIER_NET_EVENTS;
    sub->base.deliver = net_deliver;
    UuidCreate(&sub->base.id);
    wchar_t name[64];
    emu_netevents_event_name(&sub->base.id, name);
    emu_client c = {.kind = EMU_CLIENT_NET_EVENT_SUB};
    e = notifier_start(s, &sub->base, name, &c);
    if (e) {
        free(sub);
        RETURN(e);
    }
    *eventsHandle = sub;
    RETURN(ERROR_SUCCESS);
}

DWORD WINAPI FwpmNetEventUnsubscribe0(HANDLE engineHandle, HANDLE eventsHandle)
{
    INJECT();
    RETURN(notifier_unsubscribe(engineHandle, eventsHandle, NOTIFIER_NET_EVENTS));
}

/* Every process's net event subscriptions; the array and its entries are
 * one allocation, as for FwpmFilterSubscriptionsGet0. */
DWORD WINAPI FwpmNetEventSubscriptionsGet0(HANDLE engineHandle, FWPM_NET_EVENT_SUBSCRIPTION0 ***entries,
                                           UINT32 *numEntries)
{
    INJECT();
    LIVE_SESSION(s, engineHandle);
    (void)s;
    if (!entries || !numEntries)
        RETURN((DWORD)FWP_E_NULL_POINTER);
    emu_client *list = NULL;
    size_t n = 0;
    DWORD e = emu_clients_list(EMU_CLIENT_NET_EVENT_SUB, &list, &n);
    if (e)
        RETURN(e);
    BYTE *block = malloc(n * (sizeof(void *) + sizeof(FWPM_NET_EVENT_SUBSCRIPTION0)) + 1);
    if (!block) {
        free(list);
        RETURN(ERROR_NOT_ENOUGH_MEMORY);
    }
    FWPM_NET_EVENT_SUBSCRIPTION0 **array = (FWPM_NET_EVENT_SUBSCRIPTION0 **)block;
    FWPM_NET_EVENT_SUBSCRIPTION0 *items = (FWPM_NET_EVENT_SUBSCRIPTION0 *)(block + n * sizeof(void *));
    for (size_t i = 0; i < n; i++) {
        memset(&items[i], 0, sizeof items[i]);
        items[i].sessionKey = list[i].session;
        array[i] = &items[i];
    }
    free(list);
    *entries = n ? array : NULL;
    if (!n)
        free(block);
    *numEntries = (UINT32)n;
    RETURN(ERROR_SUCCESS);
}
