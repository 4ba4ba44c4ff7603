/* The connections WFP dropped, from its net events ("Logging", Microsoft
 * Learn): classify-drop events read with FwpmNetEventEnum1 (a time window)
 * or pushed by FwpmNetEventSubscribe0, turned into fw_drop (drop.h).
 * Other event types (IKE, IPsec, capability drops) are skipped. Needs
 * FWPM_ENGINE_COLLECT_NET_EVENTS on. Windows only; docs/watch.md. */
#ifndef FW_NET_DROPS_H
#define FW_NET_DROPS_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>

#include "drop.h"
#include "wfp_defs.h" /* the net event flags mingw-w64 lacks */

/* A classify drop into *out (false for any other event). */
bool fw_drop_from_net_event(const FWPM_NET_EVENT1 *e, fw_drop *out);

/* Whether WFP collects net events: FwpmEngineGetOption0
 * (FWPM_ENGINE_COLLECT_NET_EVENTS). */
DWORD fw_net_events_collecting(HANDLE engine, bool *on, char *message, size_t size);

/* The drops recorded from since (FILETIME) to now, oldest first. On
 * failure (FWP_E_NET_EVENTS_DISABLED when collection is off) returns the
 * error with message naming the function. */
DWORD fw_net_drops_read(HANDLE engine, uint64_t since, fw_drop **out, size_t *count, char *message, size_t size);
void fw_net_drops_free(fw_drop *drops, size_t count);

/* Drops as they happen, on a thread of WFP's: keep the callback short. */
typedef void (*fw_drop_callback)(void *context, const fw_drop *drop);
typedef struct fw_drop_subscription fw_drop_subscription;
DWORD fw_net_drops_subscribe(HANDLE engine, fw_drop_callback callback, void *context, fw_drop_subscription **out,
                             char *message, size_t size);
void fw_net_drops_unsubscribe(HANDLE engine, fw_drop_subscription *s);

/* Drops handed from WFP's thread to a reader's: the subscription's
 * callback pushes a copy (fw_drop_queue_callback), the reader takes them
 * all when `ready` is set. Bounded: beyond max, drops are counted lost. */
typedef struct {
    CRITICAL_SECTION lock;
    HANDLE ready; /* auto-reset, set by each push */
    fw_drop *items;
    size_t count, cap, max;
    size_t lost;
} fw_drop_queue;
void fw_drop_queue_init(fw_drop_queue *q, size_t max);
void fw_drop_queue_callback(void *queue, const fw_drop *drop); /* a fw_drop_callback */
/* Every queued drop, oldest first (free with fw_net_drops_free); *lost:
 * how many were lost since the start. */
fw_drop *fw_drop_queue_take(fw_drop_queue *q, size_t *count, size_t *lost);
void fw_drop_queue_free(fw_drop_queue *q);

uint64_t fw_filetime_now(void);

#endif
