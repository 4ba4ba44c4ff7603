/* The emulator's suite: a WFP client written against fwpmu.h only, checking
 * that the engine behind it answers as Microsoft documents (the pages are
 * cited in docs/wfp-emulator.md). Runs under Wine with the emulator's
 * fwpuclnt.dll beside it. Other processes are this program re-run with
 * --child, or fwpemu.exe. */
#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>
#include <rpc.h>
#include <sddl.h>

#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wfp_defs.h"

static wchar_t exe_dir[MAX_PATH];
static wchar_t state_path[MAX_PATH];

static const GUID provider_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x01}};
static const GUID other_provider_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x02}};
static const GUID sublayer_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x11}};
static const GUID filter_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x21}};

/* ---- helpers ---- */

/* Runs a command line in exe_dir, waits, returns its exit code; captures
 * stdout into out when given. */
static DWORD run(const wchar_t *cmdline, char *out, size_t out_size)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd = NULL, wr = NULL;
    if (out)
        CreatePipe(&rd, &wr, &sa, 0);
    STARTUPINFOW si = {.cb = sizeof si};
    if (out) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = wr;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
        SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    }
    PROCESS_INFORMATION pi;
    wchar_t buf[2048];
    wcsncpy(buf, cmdline, 2047);
    buf[2047] = 0;
    if (!CreateProcessW(NULL, buf, NULL, NULL, TRUE, 0, NULL, exe_dir, &si, &pi)) {
        fail_msg("CreateProcess failed: %lu", GetLastError());
    }
    if (out) {
        CloseHandle(wr);
        size_t len = 0;
        DWORD got;
        while (len + 1 < out_size && ReadFile(rd, out + len, (DWORD)(out_size - 1 - len), &got, NULL) && got)
            len += got;
        out[len] = 0;
        CloseHandle(rd);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static DWORD fwpemu(const wchar_t *args, char *out, size_t size)
{
    wchar_t cmd[1024];
    swprintf(cmd, 1024, L"\"%ls\\fwpemu.exe\" %ls", exe_dir, args);
    return run(cmd, out, size);
}

static int reset_engine(void **state)
{
    (void)state;
    return fwpemu(L"reset", NULL, 0) == 0 ? 0 : -1;
}

/* Sessions a test opened and has not closed: teardown closes them, so a
 * failing test cannot leave the transaction lock held for the next one. */
static HANDLE open_engines[16];

static HANDLE open_engine(UINT32 flags, UINT32 wait_ms)
{
    FWPM_SESSION0 session = {.flags = flags, .txnWaitTimeoutInMSec = wait_ms};
    HANDLE engine = NULL;
    assert_int_equal(FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, &session, &engine), ERROR_SUCCESS);
    for (int i = 0; i < 16; i++)
        if (!open_engines[i]) {
            open_engines[i] = engine;
            break;
        }
    return engine;
}

static DWORD close_engine(HANDLE engine)
{
    for (int i = 0; i < 16; i++)
        if (open_engines[i] == engine)
            open_engines[i] = NULL;
    return FwpmEngineClose0(engine);
}

static int close_leftovers(void **state)
{
    (void)state;
    for (int i = 0; i < 16; i++)
        if (open_engines[i])
            close_engine(open_engines[i]);
    return 0;
}

static FWPM_PROVIDER0 provider(const GUID *key, UINT32 flags)
{
    return (FWPM_PROVIDER0){.providerKey = *key, .displayData = {L"test provider", NULL}, .flags = flags};
}

static FWPM_SUBLAYER0 sublayer(const GUID *key, const GUID *owner, UINT16 flags, UINT16 weight)
{
    return (FWPM_SUBLAYER0){.subLayerKey = *key, .displayData = {L"test sublayer", NULL},
                            .providerKey = (GUID *)owner, .flags = flags, .weight = weight};
}

/* A filter permitting TCP to a local port at ALE auth-recv-accept v4. */
static FWPM_FILTER_CONDITION0 conditions[4];

static FWPM_FILTER0 port_filter(const GUID *key, UINT16 port, UINT32 flags)
{
    conditions[0] = (FWPM_FILTER_CONDITION0){.fieldKey = FWPM_CONDITION_IP_PROTOCOL, .matchType = FWP_MATCH_EQUAL,
                                             .conditionValue = {.type = FWP_UINT8, .uint8 = IPPROTO_TCP}};
    conditions[1] = (FWPM_FILTER_CONDITION0){.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_EQUAL,
                                             .conditionValue = {.type = FWP_UINT16, .uint16 = port}};
    FWPM_FILTER0 f = {0};
    if (key)
        f.filterKey = *key;
    f.displayData.name = L"test filter";
    f.flags = flags;
    f.providerKey = (GUID *)&provider_key;
    f.layerKey = FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
    f.subLayerKey = sublayer_key;
    f.numFilterConditions = 2;
    f.filterCondition = conditions;
    f.action.type = FWP_ACTION_PERMIT;
    return f;
}

/* Provider + sublayer of the given lifetime flags, committed. */
static void add_owner_objects(HANDLE engine, bool persistent, UINT16 weight)
{
    FWPM_PROVIDER0 p = provider(&provider_key, persistent ? FWPM_PROVIDER_FLAG_PERSISTENT : 0);
    FWPM_SUBLAYER0 s = sublayer(&sublayer_key, &provider_key, persistent ? FWPM_SUBLAYER_FLAG_PERSISTENT : 0, weight);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmSubLayerAdd0(engine, &s, NULL), ERROR_SUCCESS);
}

static UINT32 count_filters_with(HANDLE engine, const FWPM_FILTER_ENUM_TEMPLATE0 *t)
{
    HANDLE en;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, t, &en), ERROR_SUCCESS);
    UINT32 total = 0, n;
    FWPM_FILTER0 **entries;
    do {
        assert_int_equal(FwpmFilterEnum0(engine, en, 100, &entries, &n), ERROR_SUCCESS);
        total += n;
        FwpmFreeMemory0((void **)&entries);
    } while (n > 0);
    assert_int_equal(FwpmFilterDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    return total;
}

static UINT32 count_filters(HANDLE engine, const GUID *layer, UINT32 flags)
{
    FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&provider_key, .layerKey = *layer,
                                    .flags = flags, .actionMask = 0xFFFFFFFFu};
    return count_filters_with(engine, &t);
}

/* ---- sessions and arguments ---- */

static void null_and_bad_handles_are_refused(void **state)
{
    (void)state;
    HANDLE engine = NULL;
    assert_int_equal(FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, NULL), (DWORD)FWP_E_NULL_POINTER);
    assert_int_equal(FwpmEngineOpen0(L"remote", RPC_C_AUTHN_WINNT, NULL, NULL, &engine), ERROR_INVALID_PARAMETER);
    assert_int_equal(FwpmEngineClose0((HANDLE)(intptr_t)0x1234), ERROR_INVALID_HANDLE);
    engine = open_engine(0, 0);
    assert_int_equal(FwpmFilterAdd0(engine, NULL, NULL, NULL), (DWORD)FWP_E_NULL_POINTER);
    assert_int_equal(FwpmProviderAdd0(engine, NULL, NULL), (DWORD)FWP_E_NULL_POINTER);
    assert_int_equal(FwpmSubLayerGetByKey0(engine, NULL, NULL), (DWORD)FWP_E_NULL_POINTER);
    assert_int_equal(FwpmTransactionBegin0(NULL, 0), ERROR_INVALID_HANDLE);
    assert_int_equal(close_engine(engine), ERROR_SUCCESS);
}

/* ---- transactions ---- */

static void one_transaction_per_session(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    assert_int_equal(FwpmTransactionCommit0(engine), (DWORD)FWP_E_NO_TXN_IN_PROGRESS);
    assert_int_equal(FwpmTransactionAbort0(engine), (DWORD)FWP_E_NO_TXN_IN_PROGRESS);
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmTransactionBegin0(engine, 0), (DWORD)FWP_E_TXN_IN_PROGRESS);
    assert_int_equal(FwpmTransactionCommit0(engine), ERROR_SUCCESS);
    assert_int_equal(FwpmTransactionCommit0(engine), (DWORD)FWP_E_NO_TXN_IN_PROGRESS);
    close_engine(engine);
}

static void abort_and_close_roll_back(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, 0);
    FWPM_PROVIDER0 *got = NULL;
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &got), ERROR_SUCCESS); /* visible inside */
    FwpmFreeMemory0((void **)&got);
    assert_int_equal(FwpmTransactionAbort0(engine), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &got), (DWORD)FWP_E_PROVIDER_NOT_FOUND);

    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    assert_int_equal(close_engine(engine), ERROR_SUCCESS); /* closed without commit */
    engine = open_engine(0, 0);
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &got), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    close_engine(engine);
}

static void a_failed_call_does_not_abort_the_transaction(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, 0), nameless = provider(&other_provider_key, 0);
    nameless.displayData.name = NULL;
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &nameless, NULL), (DWORD)FWP_E_NULL_DISPLAY_NAME);
    assert_int_equal(FwpmTransactionCommit0(engine), ERROR_SUCCESS);
    FWPM_PROVIDER0 *got = NULL;
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &got), ERROR_SUCCESS);
    FwpmFreeMemory0((void **)&got);
    close_engine(engine);
}

static void the_lock_wait_ends_in_fwp_e_timeout(void **state)
{
    (void)state;
    HANDLE holder = open_engine(0, 0);
    HANDLE waiter = open_engine(0, 200);
    assert_int_equal(FwpmTransactionBegin0(holder, 0), ERROR_SUCCESS);
    ULONGLONG t0 = GetTickCount64();
    assert_int_equal(FwpmTransactionBegin0(waiter, 0), (DWORD)FWP_E_TIMEOUT);
    assert_true(GetTickCount64() - t0 >= 150);
    FWPM_PROVIDER0 p = provider(&provider_key, 0);
    assert_int_equal(FwpmProviderAdd0(waiter, &p, NULL), (DWORD)FWP_E_TIMEOUT); /* implicit transaction */
    assert_int_equal(FwpmTransactionAbort0(holder), ERROR_SUCCESS);
    assert_int_equal(FwpmTransactionBegin0(waiter, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmTransactionAbort0(waiter), ERROR_SUCCESS);
    close_engine(holder);
    close_engine(waiter);
}

static void a_read_only_transaction_refuses_writes(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, 0);
    assert_int_equal(FwpmTransactionBegin0(engine, 0x1 /* FWPM_TXN_READ_ONLY */), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), (DWORD)FWP_E_INCOMPATIBLE_TXN);
    assert_int_equal(FwpmTransactionCommit0(engine), ERROR_SUCCESS);
    close_engine(engine);
}

/* ---- providers and sublayers ---- */

static void providers_and_sublayers(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, 0);
    p.serviceName = L"fwsvc";
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), (DWORD)FWP_E_ALREADY_EXISTS);
    FWPM_PROVIDER0 *got = NULL;
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &got), ERROR_SUCCESS);
    assert_true(IsEqualGUID(&got->providerKey, &provider_key));
    assert_int_equal(wcscmp(got->serviceName, L"fwsvc"), 0);
    assert_int_equal(wcscmp(got->displayData.name, L"test provider"), 0);
    FwpmFreeMemory0((void **)&got);
    assert_null(got);

    FWPM_SUBLAYER0 orphan = sublayer(&sublayer_key, &other_provider_key, 0, 1);
    assert_int_equal(FwpmSubLayerAdd0(engine, &orphan, NULL), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    FWPM_SUBLAYER0 s = sublayer(&sublayer_key, &provider_key, 0, 0x4242);
    assert_int_equal(FwpmSubLayerAdd0(engine, &s, NULL), ERROR_SUCCESS);
    FWPM_SUBLAYER0 *sl = NULL;
    assert_int_equal(FwpmSubLayerGetByKey0(engine, &sublayer_key, &sl), ERROR_SUCCESS);
    assert_int_equal(sl->weight, 0x4242);
    assert_true(IsEqualGUID(sl->providerKey, &provider_key));
    FwpmFreeMemory0((void **)&sl);

    /* The mpssvc sublayer of the modelled Windows Firewall is there too. */
    assert_int_equal(FwpmSubLayerGetByKey0(engine, &FWPM_SUBLAYER_MPSSVC_WF, &sl), ERROR_SUCCESS);
    FwpmFreeMemory0((void **)&sl);
    FWPM_SUBLAYER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&provider_key};
    HANDLE en;
    FWPM_SUBLAYER0 **entries;
    UINT32 n;
    assert_int_equal(FwpmSubLayerCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
    assert_int_equal(FwpmSubLayerEnum0(engine, en, 10, &entries, &n), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    assert_true(IsEqualGUID(&entries[0]->subLayerKey, &sublayer_key));
    FwpmFreeMemory0((void **)&entries);
    FwpmSubLayerDestroyEnumHandle0(engine, en);

    /* In use: the sublayer by a filter, the provider by the sublayer. */
    FWPM_FILTER0 f = port_filter(&filter_key, 80, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmSubLayerDeleteByKey0(engine, &sublayer_key), (DWORD)FWP_E_IN_USE);
    assert_int_equal(FwpmFilterDeleteByKey0(engine, &filter_key), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderDeleteByKey0(engine, &provider_key), (DWORD)FWP_E_IN_USE);
    assert_int_equal(FwpmSubLayerDeleteByKey0(engine, &sublayer_key), ERROR_SUCCESS);
    assert_int_equal(FwpmSubLayerDeleteByKey0(engine, &sublayer_key), (DWORD)FWP_E_SUBLAYER_NOT_FOUND);
    assert_int_equal(FwpmProviderDeleteByKey0(engine, &provider_key), ERROR_SUCCESS);
    assert_int_equal(FwpmProviderDeleteByKey0(engine, &provider_key), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    assert_int_equal(FwpmSubLayerDeleteByKey0(engine, &FWPM_SUBLAYER_MPSSVC_WF), (DWORD)FWP_E_BUILTIN_OBJECT);
    close_engine(engine);
}

/* ---- filters ---- */

static void filters_get_ids_and_keys_from_the_engine(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    FWPM_FILTER0 f = port_filter(NULL, 80, 0); /* zero key: the engine picks one */
    UINT64 id1 = 0, id2 = 0;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, &id1), ERROR_SUCCESS);
    f = port_filter(&filter_key, 81, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, &id2), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_ALREADY_EXISTS);
    assert_true(id1 != 0 && id2 != 0 && id1 != id2);

    FWPM_FILTER0 *got = NULL;
    assert_int_equal(FwpmFilterGetById0(engine, id1, &got), ERROR_SUCCESS);
    GUID zero = {0};
    assert_false(IsEqualGUID(&got->filterKey, &zero));
    assert_int_equal(got->filterId, id1);
    assert_int_equal(got->numFilterConditions, 2);
    assert_int_equal(got->filterCondition[1].conditionValue.uint16, 80);
    assert_int_equal(got->effectiveWeight.type, FWP_UINT64);
    FwpmFreeMemory0((void **)&got);
    assert_int_equal(FwpmFilterGetByKey0(engine, &filter_key, &got), ERROR_SUCCESS);
    assert_int_equal(got->filterId, id2);
    FwpmFreeMemory0((void **)&got);

    assert_int_equal(FwpmFilterDeleteById0(engine, id1), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterDeleteById0(engine, id1), (DWORD)FWP_E_FILTER_NOT_FOUND);
    assert_int_equal(FwpmFilterDeleteByKey0(engine, &filter_key), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterGetByKey0(engine, &filter_key, &got), (DWORD)FWP_E_FILTER_NOT_FOUND);
    close_engine(engine);
}

/* A provider with many filters answers key lookups from other sessions
 * through a Bloom filter and an index without loading its filters: every
 * key it holds must still be found, and a new key must still be free. */
static void many_filters_keep_their_keys_unique(void **state)
{
    (void)state;
    enum { COUNT = 1500 };
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    for (UINT32 i = 0; i < COUNT; i++) {
        GUID key = filter_key;
        key.Data1 = 0x5000 + i;
        FWPM_FILTER0 f = port_filter(&key, (UINT16)(1 + i), 0);
        assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    }
    assert_int_equal(FwpmTransactionCommit0(engine), ERROR_SUCCESS);
    /* Each call below loads the state afresh, its segments unloaded. */
    for (UINT32 i = 0; i < COUNT; i += 7) {
        GUID key = filter_key;
        key.Data1 = 0x5000 + i;
        FWPM_FILTER0 f = port_filter(&key, 9, 0);
        assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_ALREADY_EXISTS);
    }
    GUID fresh = filter_key;
    fresh.Data1 = 0x5000 + COUNT;
    FWPM_FILTER0 f = port_filter(&fresh, 9, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    FWPM_FILTER0 *got = NULL;
    GUID last = filter_key;
    last.Data1 = 0x5000 + COUNT - 1;
    assert_int_equal(FwpmFilterGetByKey0(engine, &last, &got), ERROR_SUCCESS);
    assert_int_equal(got->filterCondition[1].conditionValue.uint16, COUNT);
    FwpmFreeMemory0((void **)&got);
    close_engine(engine);
}

static void enumeration_follows_the_template_in_batches(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    for (UINT16 port = 1; port <= 5; port++) {
        FWPM_FILTER0 f = port_filter(NULL, port, 0);
        assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    }
    FWPM_FILTER0 boot = port_filter(NULL, 99, FWPM_FILTER_FLAG_BOOTTIME);
    assert_int_equal(FwpmFilterAdd0(engine, &boot, NULL, NULL), ERROR_SUCCESS);

    FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&provider_key,
                                    .layerKey = FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, .actionMask = 0xFFFFFFFFu};
    HANDLE en;
    FWPM_FILTER0 **entries;
    UINT32 n, batches[4];
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(FwpmFilterEnum0(engine, en, 2, &entries, &n), ERROR_SUCCESS);
        batches[i] = n;
        for (UINT32 k = 0; k < n; k++)
            assert_true(IsEqualGUID(entries[k]->providerKey, &provider_key));
        FwpmFreeMemory0((void **)&entries);
    }
    FwpmFilterDestroyEnumHandle0(engine, en);
    assert_int_equal(batches[0], 2);
    assert_int_equal(batches[1], 2);
    assert_int_equal(batches[2], 1); /* the boot-time filter is not included */
    assert_int_equal(batches[3], 0);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME), 6);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWP_FILTER_ENUM_FLAG_BOOTTIME_ONLY), 1);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_CONNECT_V4, FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME), 0);

    t.actionMask = 0; /* no action type has a bit of an empty mask */
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterEnum0(engine, en, 100, &entries, &n), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    FwpmFilterDestroyEnumHandle0(engine, en);
    GUID zero = {0};
    t.layerKey = zero;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), (DWORD)FWP_E_LAYER_NOT_FOUND);
    close_engine(engine);
}

/* ---- lifetimes ---- */

static void lifetimes_must_not_mismatch(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1); /* static provider and sublayer */
    FWPM_FILTER0 f = port_filter(NULL, 80, FWPM_FILTER_FLAG_PERSISTENT);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_LIFETIME_MISMATCH);
    f = port_filter(NULL, 80, FWPM_FILTER_FLAG_PERSISTENT | FWPM_FILTER_FLAG_BOOTTIME);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_FLAGS);
    FWPM_SUBLAYER0 s = sublayer(&other_provider_key, &provider_key, FWPM_SUBLAYER_FLAG_PERSISTENT, 1);
    assert_int_equal(FwpmSubLayerAdd0(engine, &s, NULL), (DWORD)FWP_E_LIFETIME_MISMATCH);
    close_engine(engine);

    /* A persistent filter may not use another provider's persistent sublayer. */
    reset_engine(NULL);
    engine = open_engine(0, 0);
    add_owner_objects(engine, true, 1);
    FWPM_PROVIDER0 other = provider(&other_provider_key, FWPM_PROVIDER_FLAG_PERSISTENT);
    assert_int_equal(FwpmProviderAdd0(engine, &other, NULL), ERROR_SUCCESS);
    f = port_filter(NULL, 80, FWPM_FILTER_FLAG_PERSISTENT);
    f.providerKey = (GUID *)&other_provider_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_LIFETIME_MISMATCH);
    f.providerKey = (GUID *)&provider_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    close_engine(engine);
}

static void dynamic_objects_vanish_with_their_session(void **state)
{
    (void)state;
    HANDLE dynamic = open_engine(FWPM_SESSION_FLAG_DYNAMIC, 0);
    FWPM_PROVIDER0 persistent = provider(&other_provider_key, FWPM_PROVIDER_FLAG_PERSISTENT);
    assert_int_equal(FwpmProviderAdd0(dynamic, &persistent, NULL), (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS);
    add_owner_objects(dynamic, false, 1);
    FWPM_FILTER0 f = port_filter(&filter_key, 80, 0);
    assert_int_equal(FwpmFilterAdd0(dynamic, &f, NULL, NULL), ERROR_SUCCESS);

    /* Another session may not build on this session's dynamic objects. */
    HANDLE other = open_engine(0, 0);
    f = port_filter(NULL, 81, 0);
    assert_int_equal(FwpmFilterAdd0(other, &f, NULL, NULL), (DWORD)FWP_E_LIFETIME_MISMATCH);
    FWPM_FILTER0 *got;
    assert_int_equal(FwpmFilterGetByKey0(other, &filter_key, &got), ERROR_SUCCESS);
    FwpmFreeMemory0((void **)&got);

    assert_int_equal(close_engine(dynamic), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterGetByKey0(other, &filter_key, &got), (DWORD)FWP_E_FILTER_NOT_FOUND);
    FWPM_PROVIDER0 *p;
    assert_int_equal(FwpmProviderGetByKey0(other, &provider_key, &p), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    close_engine(other);
}

/* ---- validation ---- */

static DWORD add_with_condition(HANDLE engine, const GUID *layer, FWPM_FILTER_CONDITION0 c)
{
    FWPM_FILTER0 f = port_filter(NULL, 80, 0);
    f.layerKey = *layer;
    conditions[0] = c;
    f.numFilterConditions = 1;
    return FwpmFilterAdd0(engine, &f, NULL, NULL);
}

static void filters_are_validated_with_the_documented_codes(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    const GUID *in4 = &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
    FWPM_FILTER_CONDITION0 c = {.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_EQUAL,
                                .conditionValue = {.type = FWP_UINT16, .uint16 = 80}};
    assert_int_equal(add_with_condition(engine, in4, c), ERROR_SUCCESS);

    /* Field legality per layer: no remote port or protocol at auth-listen. */
    FWPM_FILTER_CONDITION0 remote = c;
    remote.fieldKey = FWPM_CONDITION_IP_REMOTE_PORT;
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_LISTEN_V4, remote), (DWORD)FWP_E_CONDITION_NOT_FOUND);
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_LISTEN_V6, remote), (DWORD)FWP_E_CONDITION_NOT_FOUND);
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_CONNECT_V6, remote), ERROR_SUCCESS);
    FWPM_FILTER_CONDITION0 dest_type = {.fieldKey = FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE,
                                        .matchType = FWP_MATCH_EQUAL,
                                        .conditionValue = {.type = FWP_UINT8, .uint8 = 1}};
    assert_int_equal(add_with_condition(engine, in4, dest_type), (DWORD)FWP_E_CONDITION_NOT_FOUND);
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_CONNECT_V4, dest_type), ERROR_SUCCESS);

    /* Value types and match types. */
    FWPM_FILTER_CONDITION0 bad = c;
    bad.conditionValue.type = FWP_UINT32;
    assert_int_equal(add_with_condition(engine, in4, bad), (DWORD)FWP_E_TYPE_MISMATCH);
    bad = c;
    bad.matchType = FWP_MATCH_RANGE;
    assert_int_equal(add_with_condition(engine, in4, bad), (DWORD)FWP_E_MATCH_TYPE_MISMATCH);
    bad = c;
    bad.matchType = (FWP_MATCH_TYPE)99;
    assert_int_equal(add_with_condition(engine, in4, bad), (DWORD)FWP_E_INVALID_ENUMERATOR);
    FWP_RANGE0 range = {.valueLow = {.type = FWP_UINT16, .uint16 = 3300},
                        .valueHigh = {.type = FWP_UINT16, .uint16 = 2500}};
    FWPM_FILTER_CONDITION0 r = {.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_RANGE,
                                .conditionValue = {.type = FWP_RANGE_TYPE, .rangeValue = &range}};
    assert_int_equal(add_with_condition(engine, in4, r), (DWORD)FWP_E_INVALID_RANGE);
    range.valueLow.uint16 = 2500;
    range.valueHigh.uint16 = 3300;
    assert_int_equal(add_with_condition(engine, in4, r), ERROR_SUCCESS);
    r.matchType = FWP_MATCH_EQUAL;
    assert_int_equal(add_with_condition(engine, in4, r), (DWORD)FWP_E_MATCH_TYPE_MISMATCH);
    range.valueHigh.type = FWP_UINT32;
    r.matchType = FWP_MATCH_RANGE;
    assert_int_equal(add_with_condition(engine, in4, r), (DWORD)FWP_E_INVALID_RANGE);

    FWPM_FILTER_CONDITION0 proto = {.fieldKey = FWPM_CONDITION_IP_PROTOCOL, .matchType = FWP_MATCH_EQUAL,
                                    .conditionValue = {.type = FWP_UINT16, .uint16 = 6}};
    assert_int_equal(add_with_condition(engine, in4, proto), (DWORD)FWP_E_TYPE_MISMATCH);
    FWPM_FILTER_CONDITION0 app = {.fieldKey = FWPM_CONDITION_ALE_APP_ID, .matchType = FWP_MATCH_EQUAL,
                                  .conditionValue = {.type = FWP_UINT32, .uint32 = 1}};
    assert_int_equal(add_with_condition(engine, in4, app), (DWORD)FWP_E_TYPE_MISMATCH);
    FWP_V6_ADDR_AND_MASK v6 = {.prefixLength = 64};
    FWPM_FILTER_CONDITION0 addr = {.fieldKey = FWPM_CONDITION_IP_REMOTE_ADDRESS, .matchType = FWP_MATCH_EQUAL,
                                   .conditionValue = {.type = FWP_V6_ADDR_MASK, .v6AddrMask = &v6}};
    assert_int_equal(add_with_condition(engine, in4, addr), (DWORD)FWP_E_TYPE_MISMATCH);
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6, addr), ERROR_SUCCESS);
    v6.prefixLength = 129;
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6, addr), (DWORD)FWP_E_INVALID_NET_MASK);
    FWP_V4_ADDR_AND_MASK v4 = {.addr = 0x0A000000, .mask = 0xFF00FF00};
    addr.conditionValue.type = FWP_V4_ADDR_MASK;
    addr.conditionValue.v4AddrMask = &v4;
    assert_int_equal(add_with_condition(engine, in4, addr), (DWORD)FWP_E_INVALID_NET_MASK);
    v4.mask = 0xFF000000;
    assert_int_equal(add_with_condition(engine, in4, addr), ERROR_SUCCESS);
    addr.conditionValue.v4AddrMask = NULL;
    assert_int_equal(add_with_condition(engine, in4, addr), (DWORD)FWP_E_NULL_POINTER);

    /* Layers, sublayers, providers, weights, flags, actions, names. */
    FWPM_FILTER0 f = port_filter(NULL, 80, 0);
    f.layerKey = provider_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_LAYER_NOT_FOUND);
    f = port_filter(NULL, 80, 0);
    f.subLayerKey = other_provider_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_SUBLAYER_NOT_FOUND);
    f = port_filter(NULL, 80, 0);
    f.providerKey = (GUID *)&other_provider_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    f = port_filter(NULL, 80, 0);
    f.weight.type = FWP_UINT8;
    f.weight.uint8 = 16;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_WEIGHT);
    f.weight.uint8 = 15;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    f.weight.type = FWP_UINT32;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_WEIGHT);
    f = port_filter(NULL, 80, 0x00100000);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_FLAGS);
    f = port_filter(NULL, 80, FWPM_FILTER_FLAG_DISABLED);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_FLAGS);
    f = port_filter(NULL, 80, 0);
    f.action.type = 0x99;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_INVALID_ACTION_TYPE);
    f = port_filter(NULL, 80, 0);
    f.displayData.name = NULL;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_NULL_DISPLAY_NAME);
    f = port_filter(NULL, 80, 0);
    f.filterCondition = NULL;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), (DWORD)FWP_E_NULL_POINTER);
    FWPM_PROVIDER0 p = provider(&other_provider_key, 0x100);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), (DWORD)FWP_E_INVALID_FLAGS);
    close_engine(engine);
}

/* ---- app ids ---- */

static void app_ids_are_lowercase_nt_paths(void **state)
{
    (void)state;
    FWP_BYTE_BLOB *blob = NULL;
    assert_int_equal(FwpmGetAppIdFromFileName0(L"C:\\no\\such\\program.exe", &blob), ERROR_PATH_NOT_FOUND);
    assert_int_equal(FwpmGetAppIdFromFileName0(L"C:\\windows\\no-such-program.exe", &blob), ERROR_FILE_NOT_FOUND);
    assert_int_equal(FwpmGetAppIdFromFileName0(L"C:\\Windows\\System32\\KERNEL32.dll", &blob), ERROR_SUCCESS);
    const wchar_t *path = (const wchar_t *)blob->data;
    assert_int_equal(blob->size, (wcslen(path) + 1) * sizeof(wchar_t)); /* NUL included */
    assert_int_equal(wcsncmp(path, L"\\device\\", 8), 0);
    assert_non_null(wcsstr(path, L"\\windows\\system32\\kernel32.dll"));
    for (const wchar_t *p = path; *p; p++)
        assert_false(*p >= L'A' && *p <= L'Z');
    FwpmFreeMemory0((void **)&blob);
}

/* ---- change notifications ---- */

typedef struct {
    volatile LONG adds, deletes;
} change_counts;

static void CALLBACK on_change(void *context, const FWPM_FILTER_CHANGE0 *change)
{
    change_counts *c = context;
    InterlockedIncrement(change->changeType == FWPM_CHANGE_ADD ? &c->adds : &c->deletes);
}

static bool wait_for(volatile LONG *value, LONG want, DWORD ms)
{
    for (DWORD t = 0; t < ms; t += 20) {
        if (*value >= want)
            return true;
        Sleep(20);
    }
    return *value >= want;
}

static void subscriptions_see_other_processes_not_themselves(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    change_counts counts = {0};
    FWPM_FILTER_SUBSCRIPTION0 sub = {.flags = FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD | FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE};
    HANDLE change;
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterSubscribeChanges0(engine, &sub, on_change, &counts, &change), (DWORD)FWP_E_TXN_IN_PROGRESS);
    assert_int_equal(FwpmTransactionAbort0(engine), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterSubscribeChanges0(engine, &sub, on_change, &counts, &change), ERROR_SUCCESS);

    /* Our own change: no notification. */
    add_owner_objects(engine, false, 1);
    FWPM_FILTER0 f = port_filter(&filter_key, 80, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    Sleep(200);
    assert_int_equal(counts.adds, 0);

    /* Another process adds two filters, then deletes one of ours. */
    assert_int_equal(fwpemu(L"tamper add-foreign 2", NULL, 0), 0);
    assert_true(wait_for(&counts.adds, 2, 3000));
    assert_int_equal(fwpemu(L"tamper delete-one --provider {11111111-2222-3333-4444-555555555501}", NULL, 0), 0);
    assert_true(wait_for(&counts.deletes, 1, 3000));
    assert_int_equal(counts.adds, 2);
    assert_int_equal(FwpmFilterUnsubscribeChanges0(engine, change), ERROR_SUCCESS);
    close_engine(engine);
}

/* ---- reboot ---- */

static void a_reboot_keeps_persistent_objects_only(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, true, 1);
    FWPM_FILTER0 persistent = port_filter(&filter_key, 80, FWPM_FILTER_FLAG_PERSISTENT);
    FWPM_FILTER0 fleeting = port_filter(NULL, 81, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &persistent, NULL, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterAdd0(engine, &fleeting, NULL, NULL), ERROR_SUCCESS);
    close_engine(engine);
    assert_int_equal(fwpemu(L"reboot", NULL, 0), 0);
    engine = open_engine(0, 0);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, 0), 1);
    FWPM_FILTER0 *got;
    assert_int_equal(FwpmFilterGetByKey0(engine, &filter_key, &got), ERROR_SUCCESS);
    FwpmFreeMemory0((void **)&got);
    close_engine(engine);
}

/* BFE adds a provider's persistent objects at start only if the provider has
 * no service name or its service is auto-start (Object Management). */
static void a_reboot_disables_filters_of_a_service_not_auto_started(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, FWPM_PROVIDER_FLAG_PERSISTENT);
    p.serviceName = L"fwpemu-no-such-service";
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    FWPM_SUBLAYER0 s = sublayer(&sublayer_key, &provider_key, FWPM_SUBLAYER_FLAG_PERSISTENT, 1);
    assert_int_equal(FwpmSubLayerAdd0(engine, &s, NULL), ERROR_SUCCESS);
    FWPM_FILTER0 f = port_filter(&filter_key, 80, FWPM_FILTER_FLAG_PERSISTENT);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    close_engine(engine);
    assert_int_equal(fwpemu(L"reboot", NULL, 0), 0);
    engine = open_engine(0, 0);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, 0), 0);
    assert_int_equal(count_filters(engine, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED), 1);
    FWPM_FILTER0 *got;
    assert_int_equal(FwpmFilterGetByKey0(engine, &filter_key, &got), ERROR_SUCCESS);
    assert_true(got->flags & FWPM_FILTER_FLAG_DISABLED);
    FwpmFreeMemory0((void **)&got);
    close_engine(engine);
}

/* ---- fault injection and the call log (in a child process) ---- */

static DWORD child(const wchar_t *faults, const wchar_t *what, const wchar_t *calllog)
{
    SetEnvironmentVariableW(L"FWPEMU_FAULTS", faults);
    SetEnvironmentVariableW(L"FWPEMU_CALLLOG", calllog);
    wchar_t cmd[1024];
    swprintf(cmd, 1024, L"\"%ls\\test_wfp_emulator.exe\" --child %ls", exe_dir, what);
    DWORD code = run(cmd, NULL, 0);
    SetEnvironmentVariableW(L"FWPEMU_FAULTS", NULL);
    SetEnvironmentVariableW(L"FWPEMU_CALLLOG", NULL);
    return code;
}

static void faults_are_injected_by_call_number(void **state)
{
    (void)state;
    assert_int_equal(child(L"FwpmEngineOpen0#1=ERROR_ACCESS_DENIED", L"open", NULL), ERROR_ACCESS_DENIED);
    assert_int_equal(child(L"FwpmEngineOpen0#1=EPT_S_NOT_REGISTERED", L"open", NULL), EPT_S_NOT_REGISTERED);
    assert_int_equal(child(NULL, L"open", NULL), ERROR_SUCCESS);
    /* The child adds three providers; the second add fails; nothing else. */
    assert_int_equal(child(L"FwpmProviderAdd0#2=0x80320012", L"add3", NULL), 2);
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 *p;
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &p), ERROR_SUCCESS);
    FwpmFreeMemory0((void **)&p);
    assert_int_equal(FwpmProviderGetByKey0(engine, &other_provider_key, &p), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    close_engine(engine);
}

static void every_call_is_logged_with_its_result(void **state)
{
    (void)state;
    wchar_t log[MAX_PATH];
    swprintf(log, MAX_PATH, L"%ls\\test-calllog.txt", exe_dir);
    DeleteFileW(log);
    assert_int_equal(child(L"FwpmProviderAdd0#2=0x80320012", L"add3", log), 2);
    FILE *f = _wfopen(log, L"r");
    assert_non_null(f);
    char line[256];
    int opens = 0, adds = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        opens += strstr(line, " FwpmEngineOpen0 0x00000000") != NULL;
        adds += strstr(line, " FwpmProviderAdd0 ") != NULL;
        failed += strstr(line, " FwpmProviderAdd0 0x80320012") != NULL;
    }
    fclose(f);
    assert_int_equal(opens, 1);
    assert_int_equal(adds, 3);
    assert_int_equal(failed, 1);
}

/* ---- classify ---- */

static void classify_to(const wchar_t *args, const char *want)
{
    char out[1024];
    assert_int_equal(fwpemu(args, out, sizeof out), 0);
    if (strncmp(out, want, strlen(want)) != 0)
        fail_msg("classify %ls: got '%s', want '%s...'", args, out, want);
}

static void add_permit(UINT16 sublayer_weight, UINT32 flags)
{
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, true, sublayer_weight);
    FWPM_FILTER0 f = port_filter(&filter_key, 5719, FWPM_FILTER_FLAG_PERSISTENT | flags);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    close_engine(engine);
}

static void windows_firewall_blocks_unsolicited_inbound(void **state)
{
    (void)state;
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "BLOCK by filter");
    classify_to(L"classify --dir out --proto tcp --remote-port 443 --remote 10.0.0.1", "PERMIT (no filter matched)");
}

static void a_hard_permit_in_a_heavier_sublayer_wins(void **state)
{
    (void)state;
    add_permit(0xFFF0, FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "PERMIT by filter");
    classify_to(L"classify --dir in --proto tcp --local-port 5720 --remote 10.0.0.1", "BLOCK by filter");
    classify_to(L"classify --dir in --proto udp --local-port 5719 --remote 10.0.0.1", "BLOCK by filter");
}

static void a_soft_permit_is_overridden_by_the_firewall_block(void **state)
{
    (void)state;
    add_permit(0xFFF0, 0);
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "BLOCK by filter");
}

static void a_hard_permit_below_the_firewall_sublayer_loses(void **state)
{
    (void)state;
    add_permit(0x0010, FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "BLOCK by filter");
}

/* ---- sessions: keys, enumeration, dynamic deletes ---- */

static const GUID session_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x31}};

static DWORD open_keyed(const GUID *key, HANDLE *engine)
{
    FWPM_SESSION0 session = {.sessionKey = *key, .displayData = {L"keyed test session", NULL}};
    return FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, &session, engine);
}

static DWORD child(const wchar_t *faults, const wchar_t *what, const wchar_t *calllog);

/* FwpmEngineOpen0: a session key already open is FWP_E_ALREADY_EXISTS, in
 * this process or another; FwpmSessionEnum0 lists open sessions. */
static void a_session_key_is_open_once(void **state)
{
    (void)state;
    HANDLE first = NULL, second = NULL;
    assert_int_equal(open_keyed(&session_key, &first), ERROR_SUCCESS);
    assert_int_equal(open_keyed(&session_key, &second), (DWORD)FWP_E_ALREADY_EXISTS);
    assert_int_equal(child(NULL, L"open-keyed", NULL), (DWORD)FWP_E_ALREADY_EXISTS);

    HANDLE en;
    assert_int_equal(FwpmSessionCreateEnumHandle0(first, NULL, &en), ERROR_SUCCESS);
    FWPM_SESSION0 **sessions;
    UINT32 n = 0;
    bool listed = false;
    assert_int_equal(FwpmSessionEnum0(first, en, 100, &sessions, &n), ERROR_SUCCESS);
    for (UINT32 i = 0; i < n; i++)
        if (IsEqualGUID(&sessions[i]->sessionKey, &session_key)) {
            listed = true;
            assert_int_equal(sessions[i]->processId, GetCurrentProcessId());
            assert_true(wcscmp(sessions[i]->displayData.name, L"keyed test session") == 0);
        }
    FwpmFreeMemory0((void **)&sessions);
    assert_true(listed);
    assert_int_equal(FwpmSessionDestroyEnumHandle0(first, en), ERROR_SUCCESS);

    assert_int_equal(FwpmEngineClose0(first), ERROR_SUCCESS);
    assert_int_equal(child(NULL, L"open-keyed", NULL), ERROR_SUCCESS); /* free again */
    assert_int_equal(open_keyed(&session_key, &second), ERROR_SUCCESS);
    assert_int_equal(FwpmEngineClose0(second), ERROR_SUCCESS);
}

/* FwpmFilterDeleteByKey0, Remarks: in a dynamic session only objects added
 * in that session; another dynamic session's: FWP_E_WRONG_SESSION; a
 * non-dynamic object: FWP_E_DYNAMIC_SESSION_IN_PROGRESS. */
static void a_dynamic_session_deletes_only_its_own_objects(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    FWPM_FILTER0 f = port_filter(&filter_key, 80, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);

    HANDLE mine = open_engine(FWPM_SESSION_FLAG_DYNAMIC, 0), theirs = open_engine(FWPM_SESSION_FLAG_DYNAMIC, 0);
    GUID my_key = filter_key, their_key = filter_key;
    my_key.Data4[7] = 0x22;
    their_key.Data4[7] = 0x23;
    f = port_filter(&my_key, 81, 0);
    assert_int_equal(FwpmFilterAdd0(mine, &f, NULL, NULL), ERROR_SUCCESS);
    f = port_filter(&their_key, 82, 0);
    assert_int_equal(FwpmFilterAdd0(theirs, &f, NULL, NULL), ERROR_SUCCESS);

    assert_int_equal(FwpmFilterDeleteByKey0(mine, &filter_key), (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS);
    assert_int_equal(FwpmFilterDeleteByKey0(mine, &their_key), (DWORD)FWP_E_WRONG_SESSION);
    assert_int_equal(FwpmSubLayerDeleteByKey0(mine, &sublayer_key), (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS);
    assert_int_equal(FwpmProviderDeleteByKey0(mine, &provider_key), (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS);
    assert_int_equal(FwpmFilterDeleteByKey0(mine, &my_key), ERROR_SUCCESS);
    /* A non-dynamic session may still delete a dynamic session's filter. */
    assert_int_equal(FwpmFilterDeleteByKey0(engine, &their_key), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterDeleteByKey0(engine, &filter_key), ERROR_SUCCESS);
    close_engine(mine);
    close_engine(theirs);
    close_engine(engine);
}

/* A dead process's dynamic objects are gone for every reader at once, not
 * only after some process writes. */
static void a_dead_processes_dynamic_objects_are_gone_for_readers(void **state)
{
    (void)state;
    assert_int_equal(child(NULL, L"dynamic-add-and-die", NULL), 0);
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 *p = NULL;
    assert_int_equal(FwpmProviderGetByKey0(engine, &other_provider_key, &p), (DWORD)FWP_E_PROVIDER_NOT_FOUND);
    close_engine(engine);
}

/* ---- security descriptors ---- */

static PSECURITY_DESCRIPTOR sd_from(const wchar_t *sddl, ULONG *len)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, len));
    return sd;
}

static void security_descriptors_are_checked_and_kept(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 1);
    const GUID *in4 = &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;

    /* A condition's descriptor travels as bytes: only self-relative is valid. */
    ULONG len = 0;
    PSECURITY_DESCRIPTOR rel = sd_from(L"O:SYG:SYD:(A;;0x1;;;SY)", &len);
    FWP_BYTE_BLOB blob = {len, rel};
    FWPM_FILTER_CONDITION0 user = {.fieldKey = FWPM_CONDITION_ALE_USER_ID, .matchType = FWP_MATCH_EQUAL,
                                   .conditionValue = {.type = FWP_SECURITY_DESCRIPTOR_TYPE, .sd = &blob}};
    assert_int_equal(add_with_condition(engine, in4, user), ERROR_SUCCESS);
    SECURITY_DESCRIPTOR absolute;
    assert_true(InitializeSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION));
    FWP_BYTE_BLOB absolute_blob = {sizeof absolute, (UINT8 *)&absolute};
    user.conditionValue.sd = &absolute_blob;
    assert_int_equal(add_with_condition(engine, in4, user), ERROR_INVALID_SECURITY_DESCR);
    BYTE junk[64];
    memset(junk, 0x5A, sizeof junk);
    FWP_BYTE_BLOB junk_blob = {sizeof junk, junk};
    user.conditionValue.sd = &junk_blob;
    assert_int_equal(add_with_condition(engine, in4, user), ERROR_INVALID_SECURITY_DESCR);

    /* FwpmFilterAdd0's sd is stored, and returned by FwpmFilterGetSecurityInfoByKey0. */
    FWPM_FILTER0 f = port_filter(&filter_key, 80, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, junk, NULL), ERROR_INVALID_SECURITY_DESCR);
    assert_int_equal(FwpmFilterAdd0(engine, &f, rel, NULL), ERROR_SUCCESS);
    PSID owner = NULL;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR got = NULL;
    assert_int_equal(FwpmFilterGetSecurityInfoByKey0(engine, &filter_key, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                                     &owner, NULL, &dacl, NULL, &got),
                     ERROR_SUCCESS);
    BYTE system_sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_len = sizeof system_sid;
    assert_true(CreateWellKnownSid(WinLocalSystemSid, NULL, system_sid, &sid_len));
    assert_non_null(owner);
    assert_true(EqualSid(owner, system_sid));
    assert_non_null(dacl);
    assert_int_equal(dacl->AceCount, 1);
    FwpmFreeMemory0(&got);
    assert_null(got);

    /* An absolute descriptor passed as sd is kept too (made self-relative). */
    assert_true(SetSecurityDescriptorOwner(&absolute, system_sid, FALSE));
    GUID second = filter_key;
    second.Data4[7] = 0x24;
    f = port_filter(&second, 81, 0);
    assert_int_equal(FwpmFilterAdd0(engine, &f, &absolute, NULL), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterGetSecurityInfoByKey0(engine, &second, OWNER_SECURITY_INFORMATION, &owner, NULL, NULL, NULL, &got),
                     ERROR_SUCCESS);
    assert_true(EqualSid(owner, system_sid));
    FwpmFreeMemory0(&got);

    /* On providers and sublayers a descriptor is not modelled: refused. */
    FWPM_PROVIDER0 p = provider(&other_provider_key, 0);
    assert_int_equal(FwpmProviderAdd0(engine, &p, rel), ERROR_NOT_SUPPORTED);
    LocalFree(rel);
    close_engine(engine);
}

/* ---- match types, provider flags ---- */

static void flags_match_types_apply_to_unsigned_integers(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, true, 0xFFF0);
    FWPM_FILTER_CONDITION0 high_port = {.fieldKey = FWPM_CONDITION_IP_REMOTE_PORT, .matchType = FWP_MATCH_FLAGS_ALL_SET,
                                        .conditionValue = {.type = FWP_UINT16, .uint16 = 0x8000}};
    FWPM_FILTER0 f = port_filter(&filter_key, 0, FWPM_FILTER_FLAG_PERSISTENT);
    f.layerKey = FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    f.displayData.name = L"block remote ports from 32768";
    f.action.type = FWP_ACTION_BLOCK;
    f.numFilterConditions = 1;
    f.filterCondition = &high_port;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    /* Not on a byte blob. */
    FWP_BYTE_BLOB app = {4, (UINT8 *)"a\0\0\0"};
    FWPM_FILTER_CONDITION0 app_flags = {.fieldKey = FWPM_CONDITION_ALE_APP_ID, .matchType = FWP_MATCH_FLAGS_ANY_SET,
                                        .conditionValue = {.type = FWP_BYTE_BLOB_TYPE, .byteBlob = &app}};
    assert_int_equal(add_with_condition(engine, &FWPM_LAYER_ALE_AUTH_CONNECT_V4, app_flags), (DWORD)FWP_E_MATCH_TYPE_MISMATCH);
    close_engine(engine);
    classify_to(L"classify --dir out --proto tcp --remote-port 40000 --remote 10.0.0.1",
                "BLOCK by filter");
    classify_to(L"classify --dir out --proto tcp --remote-port 443 --remote 10.0.0.1", "PERMIT (no filter matched)");
}

static void only_bfe_sets_a_provider_disabled(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWPM_PROVIDER0 p = provider(&provider_key, FWPM_PROVIDER_FLAG_DISABLED);
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), (DWORD)FWP_E_INVALID_FLAGS);
    close_engine(engine);
}

/* ---- enumeration order ---- */

static UINT64 weight_of(const FWPM_FILTER0 *f)
{
    return *f->effectiveWeight.uint64;
}

static void enumeration_sorts_by_priority_and_finds_the_best_match(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 10);
    GUID heavy = sublayer_key;
    heavy.Data4[7] = 0x12;
    FWPM_SUBLAYER0 sl = sublayer(&heavy, &provider_key, 0, 20);
    assert_int_equal(FwpmSubLayerAdd0(engine, &sl, NULL), ERROR_SUCCESS);
    /* Light sublayer: weights 9 and 3; heavy sublayer: weight 1 (a permit)
     * and 5 (a callout-free block of another port). */
    const struct { UINT8 weight; const GUID *sublayer; FWP_ACTION_TYPE action; } specs[] = {
        {9, &sublayer_key, FWP_ACTION_PERMIT}, {3, &sublayer_key, FWP_ACTION_BLOCK},
        {1, &heavy, FWP_ACTION_PERMIT}, {5, &heavy, FWP_ACTION_BLOCK}};
    for (int i = 0; i < 4; i++) {
        FWPM_FILTER0 f = port_filter(NULL, (UINT16)(100 + i), 0);
        f.subLayerKey = *specs[i].sublayer;
        f.weight.type = FWP_UINT8;
        f.weight.uint8 = specs[i].weight;
        f.action.type = specs[i].action;
        assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    }
    FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&provider_key, .layerKey = FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4,
                                    .flags = FWP_FILTER_ENUM_FLAG_SORTED, .actionMask = 0xFFFFFFFFu};
    HANDLE en;
    FWPM_FILTER0 **got;
    UINT32 n;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterEnum0(engine, en, 10, &got, &n), ERROR_SUCCESS);
    assert_int_equal(n, 4);
    /* Heavy sublayer first (5 then 1), then the light one (9 then 3). */
    const UINT8 want[4] = {5, 1, 9, 3};
    for (UINT32 i = 0; i < n; i++)
        assert_int_equal(weight_of(got[i]) >> 60, want[i]);
    FwpmFreeMemory0((void **)&got);
    FwpmFilterDestroyEnumHandle0(engine, en);

    t.flags = FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
    assert_int_equal(FwpmFilterEnum0(engine, en, 10, &got, &n), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    assert_int_equal(weight_of(got[0]) >> 60, 5);
    FwpmFreeMemory0((void **)&got);
    FwpmFilterDestroyEnumHandle0(engine, en);

    /* A callout key: no filter here has a callout. FULLY_CONTAINED
     * conditions: the pages disagree, so refused. */
    t.flags = 0;
    t.calloutKey = (GUID *)&provider_key;
    assert_int_equal(count_filters_with(engine, &t), 0);
    t.calloutKey = NULL;
    FWPM_FILTER_CONDITION0 c = {.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_EQUAL,
                                .conditionValue = {.type = FWP_UINT16, .uint16 = 100}};
    t.numFilterConditions = 1;
    t.filterCondition = &c;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_NOT_SUPPORTED);
    close_engine(engine);
}

/* FWP_FILTER_ENUM_OVERLAPPING with single-value conditions: the filters
 * whose conditions can match a flow with those values (a condition on a
 * field the template does not give overlaps); the others are left out. */
static void overlapping_templates_return_what_can_match(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    add_owner_objects(engine, false, 10);
    static const wchar_t app[] = L"\\device\\harddiskvolume1\\x.exe";
    FWP_BYTE_BLOB app_blob = {sizeof app, (UINT8 *)app};
    FWP_V4_ADDR_AND_MASK ten = {0x0A000000, 0xFF000000};
    FWP_RANGE0 low = {{.type = FWP_UINT16, .uint16 = 50}, {.type = FWP_UINT16, .uint16 = 150}};
    FWPM_FILTER_CONDITION0 port100 = {FWPM_CONDITION_IP_LOCAL_PORT, FWP_MATCH_EQUAL, {.type = FWP_UINT16, .uint16 = 100}};
    FWPM_FILTER_CONDITION0 port200 = {FWPM_CONDITION_IP_LOCAL_PORT, FWP_MATCH_EQUAL, {.type = FWP_UINT16, .uint16 = 200}};
    FWPM_FILTER_CONDITION0 range = {FWPM_CONDITION_IP_LOCAL_PORT, FWP_MATCH_RANGE, {.type = FWP_RANGE_TYPE, .rangeValue = &low}};
    FWPM_FILTER_CONDITION0 net10 = {FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, {.type = FWP_V4_ADDR_MASK, .v4AddrMask = &ten}};
    FWPM_FILTER_CONDITION0 not100 = {FWPM_CONDITION_IP_LOCAL_PORT, FWP_MATCH_NOT_EQUAL, {.type = FWP_UINT16, .uint16 = 100}};
    FWPM_FILTER_CONDITION0 by_app[2] = {port100, {FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, {.type = FWP_BYTE_BLOB_TYPE, .byteBlob = &app_blob}}};
    /* name: the conditions; in: whether {port 100} and {port 100, from 192.168.1.1} overlap it */
    struct {
        const wchar_t *name;
        FWPM_FILTER_CONDITION0 *c;
        UINT32 n;
        bool port_only, with_peer;
    } specs[] = {
        {L"port 100", &port100, 1, true, true},    {L"port 200", &port200, 1, false, false},
        {L"ports 50-150", &range, 1, true, true},  {L"from 10/8", &net10, 1, true, false},
        {L"no condition", NULL, 0, true, true},    {L"port 100 for x.exe", by_app, 2, true, true},
        {L"not port 100", &not100, 1, false, false},
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        FWPM_FILTER0 f = port_filter(NULL, 1, 0);
        f.displayData.name = (wchar_t *)specs[i].name;
        f.numFilterConditions = specs[i].n;
        f.filterCondition = specs[i].c;
        assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
    }
    FWPM_FILTER_CONDITION0 t_conditions[2] = {
        port100, {FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, {.type = FWP_UINT32, .uint32 = 0xC0A80101}}};
    FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&provider_key, .layerKey = FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4,
                                    .enumType = FWP_FILTER_ENUM_OVERLAPPING, .actionMask = 0xFFFFFFFFu,
                                    .numFilterConditions = 1, .filterCondition = t_conditions};
    for (int with_peer = 0; with_peer < 2; with_peer++) {
        t.numFilterConditions = 1 + with_peer;
        HANDLE en;
        FWPM_FILTER0 **got;
        UINT32 n;
        assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_SUCCESS);
        assert_int_equal(FwpmFilterEnum0(engine, en, 20, &got, &n), ERROR_SUCCESS);
        for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
            bool found = false;
            for (UINT32 k = 0; k < n; k++)
                found |= wcscmp(got[k]->displayData.name, specs[i].name) == 0;
            if (found != (with_peer ? specs[i].with_peer : specs[i].port_only))
                fail_msg("%ls: returned %d with %s", specs[i].name, found, with_peer ? "port and peer" : "port");
        }
        FwpmFreeMemory0((void **)&got);
        FwpmFilterDestroyEnumHandle0(engine, en);
    }
    /* What is not modelled, or wrong, is refused. */
    HANDLE en;
    FWPM_FILTER_CONDITION0 twice[2] = {port100, port200};
    t.filterCondition = twice;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), (DWORD)FWP_E_DUPLICATE_CONDITION);
    FWPM_FILTER_CONDITION0 odd = {FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, {.type = FWP_UINT16, .uint16 = 1}};
    t.numFilterConditions = 1;
    t.filterCondition = &odd;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), (DWORD)FWP_E_TYPE_MISMATCH);
    t.filterCondition = &range;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_NOT_SUPPORTED);
    t.filterCondition = &t_conditions[1];
    t.layerKey = FWPM_LAYER_ALE_AUTH_LISTEN_V4; /* no remote address at listen */
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_NOT_SUPPORTED);
    t.layerKey = FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
    t.enumType = FWP_FILTER_ENUM_FULLY_CONTAINED;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), ERROR_NOT_SUPPORTED);
    t.filterCondition = NULL;
    t.enumType = FWP_FILTER_ENUM_OVERLAPPING;
    assert_int_equal(FwpmFilterCreateEnumHandle0(engine, &t, &en), (DWORD)FWP_E_NULL_POINTER);
    close_engine(engine);
}

/* ---- the BFE lifecycle ---- */

static const GUID auto_provider_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x03}};
static const GUID auto_sublayer_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x13}};
static const GUID auto_filter_key = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x25}};
#define AUTO_SERVICE L"fwpemu-test-auto"

/* A service of Wine's service manager set to auto-start (never started). */
static void auto_start_service(bool create)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    assert_non_null(scm);
    SC_HANDLE svc = OpenServiceW(scm, AUTO_SERVICE, SERVICE_ALL_ACCESS);
    if (svc) {
        DeleteService(svc);
        CloseServiceHandle(svc);
    }
    if (create) {
        svc = CreateServiceW(scm, AUTO_SERVICE, AUTO_SERVICE, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                             SERVICE_AUTO_START, SERVICE_ERROR_IGNORE, L"C:\\windows\\system32\\notepad.exe", NULL,
                             NULL, NULL, NULL, NULL);
        assert_non_null(svc);
        CloseServiceHandle(svc);
    }
    CloseServiceHandle(scm);
}

static void add_persistent_set(HANDLE engine, const GUID *p_key, const GUID *s_key, const GUID *f_key,
                               const wchar_t *service, UINT16 port)
{
    FWPM_PROVIDER0 p = provider(p_key, FWPM_PROVIDER_FLAG_PERSISTENT);
    p.serviceName = (wchar_t *)service;
    assert_int_equal(FwpmProviderAdd0(engine, &p, NULL), ERROR_SUCCESS);
    FWPM_SUBLAYER0 s = sublayer(s_key, p_key, FWPM_SUBLAYER_FLAG_PERSISTENT, 0xFFF0);
    assert_int_equal(FwpmSubLayerAdd0(engine, &s, NULL), ERROR_SUCCESS);
    FWPM_FILTER0 f = port_filter(f_key, port, FWPM_FILTER_FLAG_PERSISTENT | FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
    f.providerKey = (GUID *)p_key;
    f.subLayerKey = *s_key;
    assert_int_equal(FwpmFilterAdd0(engine, &f, NULL, NULL), ERROR_SUCCESS);
}

static bool filter_disabled(HANDLE engine, const GUID *key)
{
    FWPM_FILTER0 *f = NULL;
    assert_int_equal(FwpmFilterGetByKey0(engine, key, &f), ERROR_SUCCESS);
    bool disabled = (f->flags & FWPM_FILTER_FLAG_DISABLED) != 0;
    FwpmFreeMemory0((void **)&f);
    return disabled;
}

static void bfe_stops_and_starts_under_its_clients(void **state)
{
    (void)state;
    auto_start_service(true);
    HANDLE old = open_engine(0, 0);
    /* One provider per rule: auto-start service, missing service. */
    add_persistent_set(old, &auto_provider_key, &auto_sublayer_key, &auto_filter_key, AUTO_SERVICE, 5719);
    add_persistent_set(old, &provider_key, &sublayer_key, &filter_key, L"fwpemu-no-such-service", 5720);
    GUID static_key = filter_key, boot_key = filter_key;
    static_key.Data4[7] = 0x26;
    boot_key.Data4[7] = 0x27;
    FWPM_FILTER0 f = port_filter(&static_key, 5721, 0);
    assert_int_equal(FwpmFilterAdd0(old, &f, NULL, NULL), ERROR_SUCCESS);
    f = port_filter(&boot_key, 5722, FWPM_FILTER_FLAG_BOOTTIME);
    f.action.type = FWP_ACTION_BLOCK;
    f.displayData.name = L"boot-time block";
    assert_int_equal(FwpmFilterAdd0(old, &f, NULL, NULL), ERROR_SUCCESS);
    change_counts counts = {0};
    FWPM_FILTER_SUBSCRIPTION0 sub = {0};
    HANDLE change;
    assert_int_equal(FwpmFilterSubscribeChanges0(old, &sub, on_change, &counts, &change), ERROR_SUCCESS);

    /* Stopped: no new session, old handles fail with the RPC error, and
     * only boot-time filters are enforced. */
    assert_int_equal(fwpemu(L"bfe stop", NULL, 0), 0);
    HANDLE engine = NULL;
    assert_int_equal(FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, &engine), EPT_S_NOT_REGISTERED);
    FWPM_FILTER0 *got = NULL;
    assert_int_equal(FwpmFilterGetByKey0(old, &auto_filter_key, &got), RPC_S_SERVER_UNAVAILABLE);
    classify_to(L"classify --dir in --proto tcp --local-port 5722 --remote 10.0.0.1", "BLOCK by filter");
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "PERMIT (no filter matched)");

    /* Started: the old handle stays dead; static and boot-time filters are
     * gone; persistent ones are back by the documented rule. */
    assert_int_equal(fwpemu(L"bfe start", NULL, 0), 0);
    assert_int_equal(FwpmFilterGetByKey0(old, &auto_filter_key, &got), RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(fwpemu(L"tamper add-foreign 2", NULL, 0), 0);
    Sleep(300);
    assert_int_equal(counts.adds, 0); /* its subscription died with it */
    assert_int_equal(FwpmFilterUnsubscribeChanges0(old, change), RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(close_engine(old), RPC_S_SERVER_UNAVAILABLE);

    engine = open_engine(0, 0);
    assert_int_equal(FwpmFilterGetByKey0(engine, &static_key, &got), (DWORD)FWP_E_FILTER_NOT_FOUND);
    assert_int_equal(FwpmFilterGetByKey0(engine, &boot_key, &got), (DWORD)FWP_E_FILTER_NOT_FOUND);
    assert_false(filter_disabled(engine, &auto_filter_key));
    assert_true(filter_disabled(engine, &filter_key));
    FWPM_PROVIDER0 *p = NULL;
    assert_int_equal(FwpmProviderGetByKey0(engine, &provider_key, &p), ERROR_SUCCESS);
    assert_true(p->flags & FWPM_PROVIDER_FLAG_DISABLED);
    FwpmFreeMemory0((void **)&p);
    assert_int_equal(FwpmProviderGetByKey0(engine, &auto_provider_key, &p), ERROR_SUCCESS);
    assert_false(p->flags & FWPM_PROVIDER_FLAG_DISABLED);
    FwpmFreeMemory0((void **)&p);
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "PERMIT by filter");
    /* The disabled permit does not count; Windows Firewall still blocks. */
    classify_to(L"classify --dir in --proto tcp --local-port 5720 --remote 10.0.0.1", "BLOCK by filter");

    /* A new session subscribes and is notified again. */
    assert_int_equal(FwpmFilterSubscribeChanges0(engine, &sub, on_change, &counts, &change), ERROR_SUCCESS);
    assert_int_equal(fwpemu(L"tamper add-foreign 1", NULL, 0), 0);
    assert_true(wait_for(&counts.adds, 1, 3000));
    assert_int_equal(FwpmFilterUnsubscribeChanges0(engine, change), ERROR_SUCCESS);
    close_engine(engine);

    /* After a reboot with the service no longer auto-start, its filters
     * come back disabled too. */
    auto_start_service(false);
    assert_int_equal(fwpemu(L"reboot", NULL, 0), 0);
    engine = open_engine(0, 0);
    assert_true(filter_disabled(engine, &auto_filter_key));
    close_engine(engine);
    classify_to(L"classify --dir in --proto tcp --local-port 5719 --remote 10.0.0.1", "BLOCK by filter");
}

/* ---- change notifications: loss, drops, unsubscribing ---- */

static void lost_and_dropped_notifications_are_faults_not_silence(void **state)
{
    (void)state;
    /* The child counts the adds of 4 foreign filters it is told of. */
    assert_int_equal(child(NULL, L"count-adds:4", NULL), 4);
    SetEnvironmentVariableW(L"FWPEMU_NOTIFY_LOSS", L"2");
    assert_int_equal(child(NULL, L"count-adds:4", NULL), 2); /* every 2nd lost */
    SetEnvironmentVariableW(L"FWPEMU_NOTIFY_LOSS", NULL);

    /* 1,100 changes in one commit: the journal keeps 1,024; the subscriber
     * is told of those and logs the drop. */
    wchar_t log[MAX_PATH];
    swprintf(log, MAX_PATH, L"%ls\\test-droplog.txt", exe_dir);
    DeleteFileW(log);
    assert_int_equal(child(NULL, L"count-adds:1100", log), 1024);
    FILE *f = _wfopen(log, L"r");
    assert_non_null(f);
    char line[256];
    int dropped = 0;
    while (fgets(line, sizeof line, f))
        dropped += strstr(line, " FwpmFilterChangeDropped 0x80320019") != NULL;
    fclose(f);
    assert_int_equal(dropped, 1);
}

typedef struct {
    HANDLE engine, change;
    volatile LONG calls, in_callback;
    DWORD unsubscribed;
    DWORD hold_ms;
} callback_probe;

static void CALLBACK unsubscribe_from_inside(void *context, const FWPM_FILTER_CHANGE0 *change)
{
    (void)change;
    callback_probe *p = context;
    if (InterlockedIncrement(&p->calls) == 1)
        p->unsubscribed = FwpmFilterUnsubscribeChanges0(p->engine, p->change);
}

static void CALLBACK slow_callback(void *context, const FWPM_FILTER_CHANGE0 *change)
{
    (void)change;
    callback_probe *p = context;
    InterlockedExchange(&p->in_callback, 1);
    Sleep(p->hold_ms);
    InterlockedIncrement(&p->calls);
    InterlockedExchange(&p->in_callback, 0);
}

static void unsubscribing_waits_for_a_callback_and_works_from_inside_one(void **state)
{
    (void)state;
    callback_probe probe = {.engine = open_engine(0, 0), .unsubscribed = 0xFFFFFFFF};
    FWPM_FILTER_SUBSCRIPTION0 sub = {0};
    assert_int_equal(FwpmFilterSubscribeChanges0(probe.engine, &sub, unsubscribe_from_inside, &probe, &probe.change),
                     ERROR_SUCCESS);
    FWPM_FILTER_SUBSCRIPTION0 **subs;
    UINT32 n = 0;
    assert_int_equal(FwpmFilterSubscriptionsGet0(probe.engine, &subs, &n), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    FwpmFreeMemory0((void **)&subs);
    assert_int_equal(fwpemu(L"tamper add-foreign 3", NULL, 0), 0);
    assert_true(wait_for(&probe.calls, 1, 3000));
    Sleep(300);
    assert_int_equal(probe.calls, 1); /* nothing after it unsubscribed */
    assert_int_equal(probe.unsubscribed, ERROR_SUCCESS);
    assert_int_equal(FwpmFilterSubscriptionsGet0(probe.engine, &subs, &n), ERROR_SUCCESS);
    assert_int_equal(n, 0);

    callback_probe slow = {.engine = probe.engine, .hold_ms = 500};
    assert_int_equal(FwpmFilterSubscribeChanges0(slow.engine, &sub, slow_callback, &slow, &slow.change), ERROR_SUCCESS);
    assert_int_equal(fwpemu(L"tamper add-foreign 1", NULL, 0), 0);
    assert_true(wait_for(&slow.in_callback, 1, 3000));
    assert_int_equal(FwpmFilterUnsubscribeChanges0(slow.engine, slow.change), ERROR_SUCCESS);
    assert_int_equal(slow.in_callback, 0); /* returned only once the callback had */
    assert_int_equal(slow.calls, 1);
    close_engine(probe.engine);
}

/* ---- child mode ---- */

static void CALLBACK count_add(void *context, const FWPM_FILTER_CHANGE0 *change)
{
    if (change->changeType == FWPM_CHANGE_ADD)
        InterlockedIncrement((volatile LONG *)context);
}

static int child_main(const wchar_t *what)
{
    HANDLE engine = NULL;
    if (wcscmp(what, L"open-keyed") == 0) {
        DWORD e = open_keyed(&session_key, &engine);
        if (!e)
            FwpmEngineClose0(engine);
        return (int)e;
    }
    if (wcscmp(what, L"dynamic-add-and-die") == 0) {
        FWPM_SESSION0 dynamic = {.flags = FWPM_SESSION_FLAG_DYNAMIC};
        DWORD e = FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, &dynamic, &engine);
        FWPM_PROVIDER0 p = provider(&other_provider_key, 0);
        if (!e)
            e = FwpmProviderAdd0(engine, &p, NULL);
        ExitProcess(e); /* no FwpmEngineClose0: the process just dies */
    }
    DWORD e = FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, &engine);
    if (e || wcscmp(what, L"open") == 0)
        return (int)e;
    if (wcsncmp(what, L"count-adds:", 11) == 0) {
        volatile LONG adds = 0;
        FWPM_FILTER_SUBSCRIPTION0 sub = {0};
        HANDLE change;
        if (FwpmFilterSubscribeChanges0(engine, &sub, count_add, (void *)&adds, &change))
            return -1;
        wchar_t args[64];
        swprintf(args, 64, L"tamper add-foreign %ls", what + 11);
        SetEnvironmentVariableW(L"FWPEMU_CALLLOG", NULL); /* fwpemu's own calls stay out of the log */
        if (fwpemu(args, NULL, 0) != 0)
            return -2;
        LONG seen = -1;
        for (int quiet = 0; quiet < 10; Sleep(100)) /* until a second passes with nothing new */
            quiet = adds == seen ? quiet + 1 : (seen = adds, 0);
        FwpmFilterUnsubscribeChanges0(engine, change);
        FwpmEngineClose0(engine);
        return (int)adds;
    }
    if (wcscmp(what, L"add3") == 0) {
        const GUID *keys[3] = {&provider_key, &other_provider_key, &sublayer_key};
        int failures = 0, first_failure = 0;
        for (int i = 0; i < 3; i++) {
            FWPM_PROVIDER0 p = provider(keys[i], 0);
            if (FwpmProviderAdd0(engine, &p, NULL) != ERROR_SUCCESS && !failures++)
                first_failure = i + 1;
        }
        FwpmEngineClose0(engine);
        return failures == 1 ? first_failure : 100 + failures;
    }
    return 99;
}


/* ---- net events ("Logging") ---- */

static HANDLE enum_drops(HANDLE engine, const FWPM_NET_EVENT_ENUM_TEMPLATE0 *t)
{
    HANDLE en = NULL;
    assert_int_equal(FwpmNetEventCreateEnumHandle0(engine, t, &en), ERROR_SUCCESS);
    return en;
}

static void drops_are_logged_with_flow_and_filter(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWP_VALUE0 *v = NULL;
    assert_int_equal(FwpmEngineGetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &v), ERROR_SUCCESS);
    assert_int_equal(v->type, FWP_UINT32);
    assert_int_equal(v->uint32, 1); /* "default: 1" */
    FwpmFreeMemory0((void **)&v);
    classify_to(L"classify --dir in --proto tcp --local-port 2500 --remote 10.0.0.5", "BLOCK by filter");
    classify_to(L"classify --dir out --proto tcp --remote-port 443 --remote 10.0.0.1", "PERMIT");
    classify_to(L"classify --dir in --proto udp --local-port 137 --remote fe80::1", "BLOCK by filter");
    HANDLE en = enum_drops(engine, NULL);
    FWPM_NET_EVENT1 **items = NULL;
    UINT32 n = 0;
    assert_int_equal(FwpmNetEventEnum1(engine, en, 10, &items, &n), ERROR_SUCCESS);
    assert_int_equal(n, 2); /* the permitted flow is no drop */
    const FWPM_NET_EVENT1 *a = items[0], *b = items[1];
    assert_int_equal(a->type, FWPM_NET_EVENT_TYPE_CLASSIFY_DROP);
    assert_int_equal(a->header.ipVersion, FWP_IP_VERSION_V4);
    assert_int_equal(a->header.ipProtocol, 6);
    assert_int_equal(a->header.localPort, 2500);
    assert_int_equal(a->header.remoteAddrV4, 0x0A000005u); /* host order */
    assert_true(a->header.flags & FWPM_NET_EVENT_FLAG_REMOTE_ADDR_SET);
    assert_int_equal(a->classifyDrop->msFwpDirection, FWP_DIRECTION_IN);
    /* The filter that dropped it, found again by its id. */
    UINT64 dropped_by = a->classifyDrop->filterId;
    FWPM_FILTER0 *f = NULL;
    assert_int_equal(FwpmFilterGetById0(engine, dropped_by, &f), ERROR_SUCCESS);
    assert_int_equal(f->action.type, FWP_ACTION_BLOCK);
    FwpmFreeMemory0((void **)&f);
    assert_int_equal(b->header.ipVersion, FWP_IP_VERSION_V6);
    assert_int_equal(b->header.remoteAddrV6.byteArray16[0], 0xfe);
    assert_true(CompareFileTime(&a->header.timeStamp, &b->header.timeStamp) <= 0);
    FwpmFreeMemory0((void **)&items);
    /* Version 0 sees the same log. */
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    en = enum_drops(engine, NULL);
    FWPM_NET_EVENT0 **items0 = NULL;
    assert_int_equal(FwpmNetEventEnum0(engine, en, 10, &items0, &n), ERROR_SUCCESS);
    assert_int_equal(n, 2);
    assert_int_equal(items0[0]->classifyDrop->filterId, dropped_by);
    FwpmFreeMemory0((void **)&items0);
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    /* A time window after them holds none. */
    FWPM_NET_EVENT_ENUM_TEMPLATE0 t = {0};
    GetSystemTimeAsFileTime(&t.startTime);
    t.endTime = t.startTime;
    t.endTime.dwHighDateTime += 1;
    en = enum_drops(engine, &t);
    assert_int_equal(FwpmNetEventEnum1(engine, en, 10, &items, &n), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    close_engine(engine);
}

static void the_log_is_a_bounded_ring_cleared_at_restart(void **state)
{
    (void)state;
    /* More drops than the buffer holds: the oldest go. */
    wchar_t path[MAX_PATH + 32];
    swprintf(path, MAX_PATH + 32, L"%ls\\flows.txt", exe_dir);
    FILE *f = _wfopen(path, L"w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fprintf(f, "in\ttcp\t%d\t50000\t10.0.0.5\n", 1000 + i);
    fclose(f);
    wchar_t args[MAX_PATH + 64];
    swprintf(args, MAX_PATH + 64, L"traffic \"%ls\"", path);
    char out[256];
    assert_int_equal(fwpemu(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "200 flow(s), 200 dropped"));
    HANDLE engine = open_engine(0, 0);
    HANDLE en = enum_drops(engine, NULL);
    FWPM_NET_EVENT1 **items = NULL;
    UINT32 n = 0;
    assert_int_equal(FwpmNetEventEnum1(engine, en, 1000, &items, &n), ERROR_SUCCESS);
    assert_true(n >= 100 && n <= 150); /* "roughly 100-150 events" */
    assert_int_equal(items[n - 1]->header.localPort, 1199); /* the newest kept */
    FwpmFreeMemory0((void **)&items);
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    close_engine(engine);
    assert_int_equal(fwpemu(L"reboot", NULL, 0), 0);
    engine = open_engine(0, 0);
    en = enum_drops(engine, NULL);
    assert_int_equal(FwpmNetEventEnum1(engine, en, 1000, &items, &n), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    close_engine(engine);
    DeleteFileW(path);
}

static void collection_off_is_fwp_e_net_events_disabled(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    FWP_VALUE0 off = {.type = FWP_UINT32, .uint32 = 0};
    FWP_VALUE0 wrong = {.type = FWP_UINT8, .uint8 = 0};
    assert_int_equal(FwpmEngineSetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &wrong), (DWORD)FWP_E_TYPE_MISMATCH);
    assert_int_equal(FwpmEngineSetOption0(engine, FWPM_ENGINE_OPTION_MAX, &off), (DWORD)FWP_E_INVALID_ENUMERATOR);
    /* Options not modelled are refused, not ignored. */
    assert_int_equal(FwpmEngineSetOption0(engine, FWPM_ENGINE_NAME_CACHE, &off), ERROR_NOT_SUPPORTED);
    assert_int_equal(FwpmEngineSetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &off), ERROR_SUCCESS);
    classify_to(L"classify --dir in --proto tcp --local-port 2500 --remote 10.0.0.5", "BLOCK by filter");
    HANDLE en = enum_drops(engine, NULL);
    FWPM_NET_EVENT1 **items = NULL;
    UINT32 n = 0;
    assert_int_equal(FwpmNetEventEnum1(engine, en, 10, &items, &n), (DWORD)FWP_E_NET_EVENTS_DISABLED);
    assert_int_equal(FwpmNetEventDestroyEnumHandle0(engine, en), ERROR_SUCCESS);
    /* The option outlives the session and a restart. */
    close_engine(engine);
    assert_int_equal(fwpemu(L"reboot", NULL, 0), 0);
    engine = open_engine(0, 0);
    FWP_VALUE0 *v = NULL;
    assert_int_equal(FwpmEngineGetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &v), ERROR_SUCCESS);
    assert_int_equal(v->uint32, 0);
    FwpmFreeMemory0((void **)&v);
    /* Neither call runs inside a transaction; a template with conditions
     * is refused, not ignored. */
    assert_int_equal(FwpmTransactionBegin0(engine, 0), ERROR_SUCCESS);
    assert_int_equal(FwpmNetEventCreateEnumHandle0(engine, NULL, &en), (DWORD)FWP_E_TXN_IN_PROGRESS);
    assert_int_equal(FwpmEngineSetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &off), (DWORD)FWP_E_TXN_IN_PROGRESS);
    assert_int_equal(FwpmTransactionAbort0(engine), ERROR_SUCCESS);
    FWPM_FILTER_CONDITION0 c = {.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_EQUAL,
                                .conditionValue = {.type = FWP_UINT16, .uint16 = 2500}};
    FWPM_NET_EVENT_ENUM_TEMPLATE0 t = {.numFilterConditions = 1, .filterCondition = &c};
    assert_int_equal(FwpmNetEventCreateEnumHandle0(engine, &t, &en), ERROR_NOT_SUPPORTED);
    close_engine(engine);
}

typedef struct {
    volatile LONG seen;
    UINT16 last_port;
} drop_counter;

static void CALLBACK count_drop(void *context, const FWPM_NET_EVENT1 *event)
{
    drop_counter *c = context;
    c->last_port = event->header.localPort;
    InterlockedIncrement(&c->seen);
}

static void subscribers_are_told_of_drops_in_other_processes(void **state)
{
    (void)state;
    HANDLE engine = open_engine(0, 0);
    drop_counter c = {0};
    FWPM_NET_EVENT_SUBSCRIPTION0 sub = {0};
    HANDLE h = NULL;
    assert_int_equal(FwpmNetEventSubscribe0(engine, &sub, count_drop, &c, &h), ERROR_SUCCESS);
    FWPM_NET_EVENT_SUBSCRIPTION0 **list = NULL;
    UINT32 n = 0;
    assert_int_equal(FwpmNetEventSubscriptionsGet0(engine, &list, &n), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    FwpmFreeMemory0((void **)&list);
    classify_to(L"classify --dir in --proto tcp --local-port 6160 --remote 10.0.0.5", "BLOCK by filter");
    for (int i = 0; i < 100 && c.seen < 1; i++)
        Sleep(20);
    assert_int_equal(c.seen, 1);
    assert_int_equal(c.last_port, 6160);
    assert_int_equal(FwpmNetEventUnsubscribe0(engine, h), ERROR_SUCCESS);
    classify_to(L"classify --dir in --proto tcp --local-port 6161 --remote 10.0.0.5", "BLOCK by filter");
    Sleep(200);
    assert_int_equal(c.seen, 1); /* none after unsubscribing */
    assert_int_equal(FwpmNetEventSubscriptionsGet0(engine, &list, &n), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    close_engine(engine);
}

int main(void)
{
    int argc;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    GetModuleFileNameW(NULL, exe_dir, MAX_PATH);
    *wcsrchr(exe_dir, L'\\') = 0;
    swprintf(state_path, MAX_PATH, L"%ls\\test-wfp-emulator-state", exe_dir);
    if (argc == 3 && wcscmp(argv[1], L"--child") == 0)
        return child_main(argv[2]); /* the state path is inherited */
    SetEnvironmentVariableW(L"FWPEMU_STATE", state_path);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(null_and_bad_handles_are_refused, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(one_transaction_per_session, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(many_filters_keep_their_keys_unique, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(abort_and_close_roll_back, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_failed_call_does_not_abort_the_transaction, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(the_lock_wait_ends_in_fwp_e_timeout, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_read_only_transaction_refuses_writes, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(providers_and_sublayers, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(filters_get_ids_and_keys_from_the_engine, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(enumeration_follows_the_template_in_batches, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(lifetimes_must_not_mismatch, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(dynamic_objects_vanish_with_their_session, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(filters_are_validated_with_the_documented_codes, reset_engine, close_leftovers),
        cmocka_unit_test(app_ids_are_lowercase_nt_paths),
        cmocka_unit_test_setup_teardown(subscriptions_see_other_processes_not_themselves, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_reboot_keeps_persistent_objects_only, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_reboot_disables_filters_of_a_service_not_auto_started, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(faults_are_injected_by_call_number, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(every_call_is_logged_with_its_result, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(windows_firewall_blocks_unsolicited_inbound, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_hard_permit_in_a_heavier_sublayer_wins, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_soft_permit_is_overridden_by_the_firewall_block, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_hard_permit_below_the_firewall_sublayer_loses, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_session_key_is_open_once, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_dynamic_session_deletes_only_its_own_objects, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(a_dead_processes_dynamic_objects_are_gone_for_readers, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(security_descriptors_are_checked_and_kept, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(flags_match_types_apply_to_unsigned_integers, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(only_bfe_sets_a_provider_disabled, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(enumeration_sorts_by_priority_and_finds_the_best_match, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(overlapping_templates_return_what_can_match, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(bfe_stops_and_starts_under_its_clients, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(lost_and_dropped_notifications_are_faults_not_silence, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(unsubscribing_waits_for_a_callback_and_works_from_inside_one, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(drops_are_logged_with_flow_and_filter, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(the_log_is_a_bounded_ring_cleared_at_restart, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(collection_off_is_fwp_e_net_events_disabled, reset_engine, close_leftovers),
        cmocka_unit_test_setup_teardown(subscribers_are_told_of_drops_in_other_processes, reset_engine, close_leftovers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
