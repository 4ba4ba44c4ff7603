#include "net_drops.h"

#include "fw_alloc.h"
#include "wfp_errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ws2tcpip.h>

#define ENUM_BATCH 256

uint64_t fw_filetime_now(void)
{
    FILETIME t;
    GetSystemTimeAsFileTime(&t);
    return (uint64_t)t.dwHighDateTime << 32 | t.dwLowDateTime;
}

/* An IPv4 address as WFP gives it (host order) into network order. */
static void v4_bytes(UINT32 a, uint8_t out[16])
{
    memset(out, 0, 16);
    out[0] = (uint8_t)(a >> 24), out[1] = (uint8_t)(a >> 16), out[2] = (uint8_t)(a >> 8), out[3] = (uint8_t)a;
}

static void address_text(bool v6, const uint8_t bytes[16], char out[64])
{
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, out, 64))
        snprintf(out, 64, "?");
}

/* The header's fields are valid only where its flags say so
 * (FWPM_NET_EVENT_HEADER1); the direction comes from the drop itself
 * (msFwpDirection), as the header has none. */
bool fw_drop_from_net_event(const FWPM_NET_EVENT1 *e, fw_drop *out)
{
    memset(out, 0, sizeof *out);
    if (e->type != FWPM_NET_EVENT_TYPE_CLASSIFY_DROP || !e->classifyDrop)
        return false;
    const FWPM_NET_EVENT_HEADER1 *h = &e->header;
    const FWPM_NET_EVENT_CLASSIFY_DROP1 *d = e->classifyDrop;
    fw_flow *f = &out->flow;
    out->time = (uint64_t)h->timeStamp.dwHighDateTime << 32 | h->timeStamp.dwLowDateTime;
    f->inbound = d->msFwpDirection == FWP_DIRECTION_IN;
    f->v6 = (h->flags & FWPM_NET_EVENT_FLAG_IP_VERSION_SET) && h->ipVersion == FWP_IP_VERSION_V6;
    if (h->flags & FWPM_NET_EVENT_FLAG_IP_PROTOCOL_SET)
        f->protocol = h->ipProtocol;
    f->has_local_port = (h->flags & FWPM_NET_EVENT_FLAG_LOCAL_PORT_SET) != 0;
    f->local_port = h->localPort;
    f->has_remote_port = (h->flags & FWPM_NET_EVENT_FLAG_REMOTE_PORT_SET) != 0;
    f->remote_port = h->remotePort;
    f->has_local_addr = (h->flags & FWPM_NET_EVENT_FLAG_LOCAL_ADDR_SET) != 0;
    f->has_remote_addr = (h->flags & FWPM_NET_EVENT_FLAG_REMOTE_ADDR_SET) != 0;
    if (f->v6) {
        memcpy(f->local_addr, h->localAddrV6.byteArray16, 16);
        memcpy(f->remote_addr, h->remoteAddrV6.byteArray16, 16);
    } else {
        v4_bytes(h->localAddrV4, f->local_addr);
        v4_bytes(h->remoteAddrV4, f->remote_addr);
    }
    if (f->has_local_addr)
        address_text(f->v6, f->local_addr, out->local_text);
    if (f->has_remote_addr)
        address_text(f->v6, f->remote_addr, out->remote_text);
    if ((h->flags & FWPM_NET_EVENT_FLAG_APP_ID_SET) && h->appId.data && h->appId.size >= 2) {
        /* Kept with a NUL whatever WFP gave: it is compared as a string. */
        out->app_id = fw_xcalloc(h->appId.size + 2, 1);
        memcpy(out->app_id, h->appId.data, h->appId.size);
        f->app_id = out->app_id;
        f->app_id_size = h->appId.size;
    }
    out->filter_id = d->filterId;
    out->layer_id = d->layerId;
    return true;
}

DWORD fw_net_events_collecting(HANDLE engine, bool *on, char *message, size_t size)
{
    FWP_VALUE0 *v = NULL;
    DWORD e = FwpmEngineGetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &v);
    if (e)
        return fw_wfp_failure(message, size, "FwpmEngineGetOption0", "FWPM_ENGINE_COLLECT_NET_EVENTS", e);
    *on = v->type == FWP_UINT32 && v->uint32 != 0;
    FwpmFreeMemory0((void **)&v);
    return ERROR_SUCCESS;
}

void fw_net_drops_free(fw_drop *drops, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fw_drop_free(&drops[i]);
    free(drops);
}

DWORD fw_net_drops_read(HANDLE engine, uint64_t since, fw_drop **out, size_t *count, char *message, size_t size)
{
    *out = NULL;
    *count = 0;
    uint64_t now = fw_filetime_now();
    FWPM_NET_EVENT_ENUM_TEMPLATE0 t = {
        .startTime = {(DWORD)since, (DWORD)(since >> 32)},
        .endTime = {(DWORD)now, (DWORD)(now >> 32)},
    };
    HANDLE h = NULL;
    size_t cap = 0;
    DWORD e = FwpmNetEventCreateEnumHandle0(engine, &t, &h);
    if (e) {
        fw_wfp_failure(message, size, "FwpmNetEventCreateEnumHandle0", "net events", e);
        goto done;
    }
    for (;;) {
        FWPM_NET_EVENT1 **entries = NULL;
        UINT32 n = 0;
        e = FwpmNetEventEnum1(engine, h, ENUM_BATCH, &entries, &n);
        if (e) {
            fw_wfp_failure(message, size, "FwpmNetEventEnum1", "net events", e);
            goto done;
        }
        for (UINT32 i = 0; i < n; i++) {
            fw_drop d;
            if (fw_drop_from_net_event(entries[i], &d))
                FW_PUSH(*out, *count, cap, d);
        }
        if (entries)
            FwpmFreeMemory0((void **)&entries);
        if (n < ENUM_BATCH)
            break;
    }
done:
    if (h)
        FwpmNetEventDestroyEnumHandle0(engine, h);
    if (e) {
        fw_net_drops_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return e;
}

struct fw_drop_subscription {
    HANDLE handle;
    fw_drop_callback callback;
    void *context;
};

static void CALLBACK on_net_event(void *context, const FWPM_NET_EVENT1 *event)
{
    fw_drop_subscription *s = context;
    fw_drop d;
    if (!fw_drop_from_net_event(event, &d))
        return;
    s->callback(s->context, &d);
    fw_drop_free(&d);
}

DWORD fw_net_drops_subscribe(HANDLE engine, fw_drop_callback callback, void *context, fw_drop_subscription **out,
                             char *message, size_t size)
{
    fw_drop_subscription *s = fw_xcalloc(1, sizeof *s);
    s->callback = callback;
    s->context = context;
    FWPM_NET_EVENT_SUBSCRIPTION0 sub = {0}; /* no template: every event from now on */
    DWORD e = FwpmNetEventSubscribe0(engine, &sub, on_net_event, s, &s->handle);
    if (e) {
        free(s);
        *out = NULL;
        return fw_wfp_failure(message, size, "FwpmNetEventSubscribe0", "net events", e);
    }
    *out = s;
    return ERROR_SUCCESS;
}

/* "If the callback is currently being invoked, this function will not
 * return until it completes" (FwpmNetEventUnsubscribe0): s can then be
 * freed. The caller holds no lock its callback takes. */
void fw_net_drops_unsubscribe(HANDLE engine, fw_drop_subscription *s)
{
    if (!s)
        return;
    FwpmNetEventUnsubscribe0(engine, s->handle);
    free(s);
}

void fw_drop_queue_init(fw_drop_queue *q, size_t max)
{
    memset(q, 0, sizeof *q);
    InitializeCriticalSection(&q->lock);
    q->ready = CreateEventW(NULL, FALSE, FALSE, NULL);
    q->max = max;
}

void fw_drop_queue_callback(void *queue, const fw_drop *d)
{
    fw_drop_queue *q = queue;
    EnterCriticalSection(&q->lock);
    if (q->count < q->max) {
        fw_drop copy = *d;
        if (d->app_id) {
            copy.app_id = fw_xcalloc(d->flow.app_id_size + 2, 1);
            memcpy(copy.app_id, d->app_id, d->flow.app_id_size);
            copy.flow.app_id = copy.app_id;
        }
        FW_PUSH(q->items, q->count, q->cap, copy);
    } else {
        q->lost++;
    }
    LeaveCriticalSection(&q->lock);
    SetEvent(q->ready);
}

fw_drop *fw_drop_queue_take(fw_drop_queue *q, size_t *count, size_t *lost)
{
    EnterCriticalSection(&q->lock);
    fw_drop *items = q->items;
    *count = q->count;
    *lost = q->lost;
    q->items = NULL;
    q->count = q->cap = 0;
    LeaveCriticalSection(&q->lock);
    return items;
}

void fw_drop_queue_free(fw_drop_queue *q)
{
    fw_net_drops_free(q->items, q->count);
    CloseHandle(q->ready);
    DeleteCriticalSection(&q->lock);
    memset(q, 0, sizeof *q);
}
