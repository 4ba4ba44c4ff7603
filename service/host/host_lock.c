#include "host_lock.h"

/* Global\: the service (session 0) and an administrator's console share it. */
#define LOCK_NAME L"Global\\fwsvc-host-change"

HANDLE fw_host_lock(HANDLE cancel, DWORD timeout_ms, const char **why)
{
    *why = NULL;
    HANDLE m = CreateMutexW(NULL, FALSE, LOCK_NAME);
    if (!m) {
        *why = "the lock cannot be created";
        return NULL;
    }
    HANDLE waits[2] = {m, cancel};
    DWORD w = WaitForMultipleObjects(cancel ? 2 : 1, waits, FALSE, timeout_ms);
    /* WAIT_ABANDONED: a holder died; what it left half-done, this
     * reconcile sets right, as it does any drift. */
    if (w == WAIT_OBJECT_0 || w == WAIT_ABANDONED_0)
        return m;
    *why = w == WAIT_OBJECT_0 + 1 ? "cancelled" : "timeout";
    CloseHandle(m);
    return NULL;
}

void fw_host_unlock(HANDLE lock)
{
    if (!lock)
        return;
    ReleaseMutex(lock);
    CloseHandle(lock);
}
