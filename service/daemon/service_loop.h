/* The service's loop: reconcile the host configuration with the same code
 * the command line uses (host_reconcile.h) at start, then on each event:
 *   - the timer (IntervalSeconds, 300 s by default);
 *   - a change to fwsvc's filters by another program (FwpmFilterSubscribe-
 *     Changes0 on a session of the loop's own), debounced;
 *   - a change under HKLM\SOFTWARE\fwsvc or its Group Policy key, or in the
 *     catalog folder (RegNotifyChangeKeyValue, FindFirstChangeNotification);
 *   - SERVICE_CONTROL_PARAMCHANGE.
 * Between events it waits in WaitForMultipleObjects: no polling. A
 * configuration or catalog that does not load leaves WFP as it was; the
 * error is logged and the next event tries again. When BFE is gone
 * (RPC_S_SERVER_UNAVAILABLE, EPT_S_NOT_REGISTERED) the subscriptions are
 * dropped, and each reconcile reopens and resubscribes once BFE answers.
 * docs/service.md. Windows only. */
#ifndef FW_SERVICE_LOOP_H
#define FW_SERVICE_LOOP_H

#include <windows.h>
#include <stdbool.h>

typedef struct fw_loop fw_loop;

fw_loop *fw_loop_create(void);
/* Runs until fw_loop_stop; returns the exit code to report. */
DWORD fw_loop_run(fw_loop *loop);
void fw_loop_stop(fw_loop *loop);        /* any thread */
void fw_loop_param_change(fw_loop *loop); /* any thread */
void fw_loop_free(fw_loop *loop);

#endif
