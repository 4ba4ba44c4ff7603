#include "wfp_dll.h"

#include <fwpmu.h>
#include <stdio.h>

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static HMODULE dll;
static DWORD load_error = ERROR_DLL_INIT_FAILED;
static char problem[MAX_PATH + 96];

static BOOL CALLBACK load(INIT_ONCE *o, void *param, void **context)
{
    (void)o;
    (void)param;
    (void)context;
    wchar_t path[MAX_PATH + 16];
    UINT n = GetSystemDirectoryW(path, MAX_PATH);
    if (!n || n >= MAX_PATH) {
        load_error = GetLastError();
        snprintf(problem, sizeof problem, "fwpuclnt.dll: the System32 folder cannot be found (error %lu)",
                 (unsigned long)load_error);
        return TRUE;
    }
    wcscat(path, L"\\fwpuclnt.dll");
    dll = LoadLibraryExW(path, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    /* Windows 7 without KB2533623 knows no LOAD_LIBRARY_SEARCH_*: the full
     * System32 path alone then names the file. */
    if (!dll && GetLastError() == ERROR_INVALID_PARAMETER)
        dll = LoadLibraryExW(path, NULL, 0);
    if (!dll) {
        load_error = GetLastError();
        snprintf(problem, sizeof problem, "fwpuclnt.dll cannot be loaded from %ls (error %lu)", path,
                 (unsigned long)load_error);
    }
    return TRUE;
}

/* A function pointer of no particular type (void (*)(void), which C and
 * GCC allow converting to and from any other): each caller converts it to
 * its own function's type. */
typedef void (*any_function)(void);

static any_function proc(const char *name)
{
    InitOnceExecuteOnce(&once, load, NULL, NULL);
    FARPROC p = dll ? GetProcAddress(dll, name) : NULL;
    if (dll && !p)
        load_error = ERROR_PROC_NOT_FOUND;
    return (any_function)p;
}

const char *fw_wfp_dll_problem(void)
{
    InitOnceExecuteOnce(&once, load, NULL, NULL);
    return dll ? NULL : problem;
}

/* ---- the functions fwsvc calls, as fwpmu.h declares them ---- */

DWORD WINAPI FwpmEngineClose0(HANDLE engineHandle)
{
    __typeof__(&FwpmEngineClose0) fn = (__typeof__(&FwpmEngineClose0))proc("FwpmEngineClose0");
    return fn ? fn(engineHandle) : load_error;
}

DWORD WINAPI FwpmEngineGetOption0(HANDLE engineHandle, FWPM_ENGINE_OPTION option, FWP_VALUE0 **value)
{
    __typeof__(&FwpmEngineGetOption0) fn = (__typeof__(&FwpmEngineGetOption0))proc("FwpmEngineGetOption0");
    return fn ? fn(engineHandle, option, value) : load_error;
}

DWORD WINAPI FwpmEngineOpen0(const wchar_t *serverName, UINT32 authnService, SEC_WINNT_AUTH_IDENTITY_W *authIdentity, const FWPM_SESSION0 *session, HANDLE *engineHandle)
{
    __typeof__(&FwpmEngineOpen0) fn = (__typeof__(&FwpmEngineOpen0))proc("FwpmEngineOpen0");
    return fn ? fn(serverName, authnService, authIdentity, session, engineHandle) : load_error;
}

DWORD WINAPI FwpmEngineSetOption0(HANDLE engineHandle, FWPM_ENGINE_OPTION option, const FWP_VALUE0 *newValue)
{
    __typeof__(&FwpmEngineSetOption0) fn = (__typeof__(&FwpmEngineSetOption0))proc("FwpmEngineSetOption0");
    return fn ? fn(engineHandle, option, newValue) : load_error;
}

DWORD WINAPI FwpmFilterAdd0(HANDLE engineHandle, const FWPM_FILTER0 *filter, PSECURITY_DESCRIPTOR sd, UINT64 *id)
{
    __typeof__(&FwpmFilterAdd0) fn = (__typeof__(&FwpmFilterAdd0))proc("FwpmFilterAdd0");
    return fn ? fn(engineHandle, filter, sd, id) : load_error;
}

DWORD WINAPI FwpmFilterCreateEnumHandle0(HANDLE engineHandle, const FWPM_FILTER_ENUM_TEMPLATE0 *enumTemplate, HANDLE *enumHandle)
{
    __typeof__(&FwpmFilterCreateEnumHandle0) fn = (__typeof__(&FwpmFilterCreateEnumHandle0))proc("FwpmFilterCreateEnumHandle0");
    return fn ? fn(engineHandle, enumTemplate, enumHandle) : load_error;
}

DWORD WINAPI FwpmFilterDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    __typeof__(&FwpmFilterDeleteByKey0) fn = (__typeof__(&FwpmFilterDeleteByKey0))proc("FwpmFilterDeleteByKey0");
    return fn ? fn(engineHandle, key) : load_error;
}

DWORD WINAPI FwpmFilterDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    __typeof__(&FwpmFilterDestroyEnumHandle0) fn = (__typeof__(&FwpmFilterDestroyEnumHandle0))proc("FwpmFilterDestroyEnumHandle0");
    return fn ? fn(engineHandle, enumHandle) : load_error;
}

DWORD WINAPI FwpmFilterEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested, FWPM_FILTER0 ***entries, UINT32 *numEntriesReturned)
{
    __typeof__(&FwpmFilterEnum0) fn = (__typeof__(&FwpmFilterEnum0))proc("FwpmFilterEnum0");
    return fn ? fn(engineHandle, enumHandle, numEntriesRequested, entries, numEntriesReturned) : load_error;
}

DWORD WINAPI FwpmFilterGetById0(HANDLE engineHandle, UINT64 id, FWPM_FILTER0 **filter)
{
    __typeof__(&FwpmFilterGetById0) fn = (__typeof__(&FwpmFilterGetById0))proc("FwpmFilterGetById0");
    return fn ? fn(engineHandle, id, filter) : load_error;
}

DWORD WINAPI FwpmFilterSubscribeChanges0(HANDLE engineHandle, const FWPM_FILTER_SUBSCRIPTION0 *subscription, FWPM_FILTER_CHANGE_CALLBACK0 callback, void *context, HANDLE *changeHandle)
{
    __typeof__(&FwpmFilterSubscribeChanges0) fn = (__typeof__(&FwpmFilterSubscribeChanges0))proc("FwpmFilterSubscribeChanges0");
    return fn ? fn(engineHandle, subscription, callback, context, changeHandle) : load_error;
}

DWORD WINAPI FwpmFilterSubscriptionsGet0(HANDLE engineHandle, FWPM_FILTER_SUBSCRIPTION0 ***entries, UINT32 *numEntries)
{
    __typeof__(&FwpmFilterSubscriptionsGet0) fn = (__typeof__(&FwpmFilterSubscriptionsGet0))proc("FwpmFilterSubscriptionsGet0");
    return fn ? fn(engineHandle, entries, numEntries) : load_error;
}

DWORD WINAPI FwpmFilterUnsubscribeChanges0(HANDLE engineHandle, HANDLE changeHandle)
{
    __typeof__(&FwpmFilterUnsubscribeChanges0) fn = (__typeof__(&FwpmFilterUnsubscribeChanges0))proc("FwpmFilterUnsubscribeChanges0");
    return fn ? fn(engineHandle, changeHandle) : load_error;
}

void WINAPI FwpmFreeMemory0(void **p)
{
    __typeof__(&FwpmFreeMemory0) fn = (__typeof__(&FwpmFreeMemory0))proc("FwpmFreeMemory0");
    if (fn)
        fn(p);
}

DWORD WINAPI FwpmGetAppIdFromFileName0(const wchar_t *fileName, FWP_BYTE_BLOB **appId)
{
    __typeof__(&FwpmGetAppIdFromFileName0) fn = (__typeof__(&FwpmGetAppIdFromFileName0))proc("FwpmGetAppIdFromFileName0");
    return fn ? fn(fileName, appId) : load_error;
}

DWORD WINAPI FwpmNetEventCreateEnumHandle0(HANDLE engineHandle, const FWPM_NET_EVENT_ENUM_TEMPLATE0 *enumTemplate, HANDLE *enumHandle)
{
    __typeof__(&FwpmNetEventCreateEnumHandle0) fn = (__typeof__(&FwpmNetEventCreateEnumHandle0))proc("FwpmNetEventCreateEnumHandle0");
    return fn ? fn(engineHandle, enumTemplate, enumHandle) : load_error;
}

DWORD WINAPI FwpmNetEventDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    __typeof__(&FwpmNetEventDestroyEnumHandle0) fn = (__typeof__(&FwpmNetEventDestroyEnumHandle0))proc("FwpmNetEventDestroyEnumHandle0");
    return fn ? fn(engineHandle, enumHandle) : load_error;
}

DWORD WINAPI FwpmNetEventEnum1(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested, FWPM_NET_EVENT1 ***entries, UINT32 *numEntriesReturned)
{
    __typeof__(&FwpmNetEventEnum1) fn = (__typeof__(&FwpmNetEventEnum1))proc("FwpmNetEventEnum1");
    return fn ? fn(engineHandle, enumHandle, numEntriesRequested, entries, numEntriesReturned) : load_error;
}

DWORD WINAPI FwpmNetEventSubscribe0(HANDLE engineHandle, const FWPM_NET_EVENT_SUBSCRIPTION0 *subscription, FWPM_NET_EVENT_CALLBACK0 callback, void *context, HANDLE *eventsHandle)
{
    __typeof__(&FwpmNetEventSubscribe0) fn = (__typeof__(&FwpmNetEventSubscribe0))proc("FwpmNetEventSubscribe0");
    return fn ? fn(engineHandle, subscription, callback, context, eventsHandle) : load_error;
}

DWORD WINAPI FwpmNetEventUnsubscribe0(HANDLE engineHandle, HANDLE eventsHandle)
{
    __typeof__(&FwpmNetEventUnsubscribe0) fn = (__typeof__(&FwpmNetEventUnsubscribe0))proc("FwpmNetEventUnsubscribe0");
    return fn ? fn(engineHandle, eventsHandle) : load_error;
}

DWORD WINAPI FwpmProviderAdd0(HANDLE engineHandle, const FWPM_PROVIDER0 *provider, PSECURITY_DESCRIPTOR sd)
{
    __typeof__(&FwpmProviderAdd0) fn = (__typeof__(&FwpmProviderAdd0))proc("FwpmProviderAdd0");
    return fn ? fn(engineHandle, provider, sd) : load_error;
}

DWORD WINAPI FwpmProviderCreateEnumHandle0(HANDLE engineHandle, const FWPM_PROVIDER_ENUM_TEMPLATE0 *enumTemplate, HANDLE *enumHandle)
{
    __typeof__(&FwpmProviderCreateEnumHandle0) fn = (__typeof__(&FwpmProviderCreateEnumHandle0))proc("FwpmProviderCreateEnumHandle0");
    return fn ? fn(engineHandle, enumTemplate, enumHandle) : load_error;
}

DWORD WINAPI FwpmProviderDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    __typeof__(&FwpmProviderDeleteByKey0) fn = (__typeof__(&FwpmProviderDeleteByKey0))proc("FwpmProviderDeleteByKey0");
    return fn ? fn(engineHandle, key) : load_error;
}

DWORD WINAPI FwpmProviderDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    __typeof__(&FwpmProviderDestroyEnumHandle0) fn = (__typeof__(&FwpmProviderDestroyEnumHandle0))proc("FwpmProviderDestroyEnumHandle0");
    return fn ? fn(engineHandle, enumHandle) : load_error;
}

DWORD WINAPI FwpmProviderEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested, FWPM_PROVIDER0 ***entries, UINT32 *numEntriesReturned)
{
    __typeof__(&FwpmProviderEnum0) fn = (__typeof__(&FwpmProviderEnum0))proc("FwpmProviderEnum0");
    return fn ? fn(engineHandle, enumHandle, numEntriesRequested, entries, numEntriesReturned) : load_error;
}

DWORD WINAPI FwpmProviderGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_PROVIDER0 **provider)
{
    __typeof__(&FwpmProviderGetByKey0) fn = (__typeof__(&FwpmProviderGetByKey0))proc("FwpmProviderGetByKey0");
    return fn ? fn(engineHandle, key, provider) : load_error;
}

DWORD WINAPI FwpmSubLayerAdd0(HANDLE engineHandle, const FWPM_SUBLAYER0 *subLayer, PSECURITY_DESCRIPTOR sd)
{
    __typeof__(&FwpmSubLayerAdd0) fn = (__typeof__(&FwpmSubLayerAdd0))proc("FwpmSubLayerAdd0");
    return fn ? fn(engineHandle, subLayer, sd) : load_error;
}

DWORD WINAPI FwpmSubLayerCreateEnumHandle0(HANDLE engineHandle, const FWPM_SUBLAYER_ENUM_TEMPLATE0 *enumTemplate, HANDLE *enumHandle)
{
    __typeof__(&FwpmSubLayerCreateEnumHandle0) fn = (__typeof__(&FwpmSubLayerCreateEnumHandle0))proc("FwpmSubLayerCreateEnumHandle0");
    return fn ? fn(engineHandle, enumTemplate, enumHandle) : load_error;
}

DWORD WINAPI FwpmSubLayerDeleteByKey0(HANDLE engineHandle, const GUID *key)
{
    __typeof__(&FwpmSubLayerDeleteByKey0) fn = (__typeof__(&FwpmSubLayerDeleteByKey0))proc("FwpmSubLayerDeleteByKey0");
    return fn ? fn(engineHandle, key) : load_error;
}

DWORD WINAPI FwpmSubLayerDestroyEnumHandle0(HANDLE engineHandle, HANDLE enumHandle)
{
    __typeof__(&FwpmSubLayerDestroyEnumHandle0) fn = (__typeof__(&FwpmSubLayerDestroyEnumHandle0))proc("FwpmSubLayerDestroyEnumHandle0");
    return fn ? fn(engineHandle, enumHandle) : load_error;
}

DWORD WINAPI FwpmSubLayerEnum0(HANDLE engineHandle, HANDLE enumHandle, UINT32 numEntriesRequested, FWPM_SUBLAYER0 ***entries, UINT32 *numEntriesReturned)
{
    __typeof__(&FwpmSubLayerEnum0) fn = (__typeof__(&FwpmSubLayerEnum0))proc("FwpmSubLayerEnum0");
    return fn ? fn(engineHandle, enumHandle, numEntriesRequested, entries, numEntriesReturned) : load_error;
}

DWORD WINAPI FwpmSubLayerGetByKey0(HANDLE engineHandle, const GUID *key, FWPM_SUBLAYER0 **subLayer)
{
    __typeof__(&FwpmSubLayerGetByKey0) fn = (__typeof__(&FwpmSubLayerGetByKey0))proc("FwpmSubLayerGetByKey0");
    return fn ? fn(engineHandle, key, subLayer) : load_error;
}

DWORD WINAPI FwpmTransactionAbort0(HANDLE engineHandle)
{
    __typeof__(&FwpmTransactionAbort0) fn = (__typeof__(&FwpmTransactionAbort0))proc("FwpmTransactionAbort0");
    return fn ? fn(engineHandle) : load_error;
}

DWORD WINAPI FwpmTransactionBegin0(HANDLE engineHandle, UINT32 flags)
{
    __typeof__(&FwpmTransactionBegin0) fn = (__typeof__(&FwpmTransactionBegin0))proc("FwpmTransactionBegin0");
    return fn ? fn(engineHandle, flags) : load_error;
}

DWORD WINAPI FwpmTransactionCommit0(HANDLE engineHandle)
{
    __typeof__(&FwpmTransactionCommit0) fn = (__typeof__(&FwpmTransactionCommit0))proc("FwpmTransactionCommit0");
    return fn ? fn(engineHandle) : load_error;
}
