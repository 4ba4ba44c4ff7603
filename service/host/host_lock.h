/* One change of the host at a time: the command line's apply and remove
 * and the service's reconcile each read the host configuration, run the
 * WFP transaction and record the configuration under this lock. WFP's own
 * transaction lock covers the transaction only; without this one the
 * service could read the configuration between another apply's commit and
 * its record, and take that apply's new filters for drift. Windows only. */
#ifndef FW_HOST_LOCK_H
#define FW_HOST_LOCK_H

#include <winsock2.h>
#include <windows.h>

/* Waits up to timeout_ms (or until cancel, optional, is set) for the lock.
 * Returns its handle, held, or NULL: *why says "timeout" or "cancelled". */
HANDLE fw_host_lock(HANDLE cancel, DWORD timeout_ms, const char **why);
void fw_host_unlock(HANDLE lock);

#endif
