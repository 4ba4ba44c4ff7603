#include "host_reconcile.h" /* winsock2.h before windows.h */
#include "drop_watch.h"

#include "drop_context.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "net_drops.h"
#include "reconcile.h"
#include "service_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_MAX 16384 /* drops waiting to be explained (about 3.5 MiB); beyond, counted as lost */
#define SAVE_EVERY_MS 1000 /* status.json is rewritten at most this often during a burst */

struct fw_drop_watch {
    fw_service_status *status;
    HANDLE engine;
    fw_drop_subscription *subscription;
    const char *said;             /* the state last logged: "on", "not collected", "unavailable", "off" */
    HANDLE stop, thread;
    volatile LONG rules_changed;  /* set by the loop, taken by the thread */
    fw_drop_queue queue;          /* filled by the subscription's callback */
    /* The thread's own. */
    fw_drop_context context;
    bool context_loaded;
    bool context_failed;          /* said once until a load succeeds */
    fw_drop_throttle *throttle;
};

/* The rules as they are now: read once per change, not per drop. */
static bool context_ready(fw_drop_watch *w)
{
    if (InterlockedExchange(&w->rules_changed, 0) && w->context_loaded) {
        fw_drop_context_free(&w->context);
        w->context_loaded = false;
    }
    if (w->context_loaded)
        return true;
    char message[1024];
    if (fw_drop_context_load(&w->context, message, sizeof message)) {
        if (!w->context_failed)
            fw_log_event(FWSVC_EVENT_ERROR, "drops on backup flows cannot be explained (they are not counted until "
                         "WFP answers again): %s", message);
        w->context_failed = true;
        return false;
    }
    w->context_loaded = true;
    w->context_failed = false;
    return true;
}

static void explain(fw_drop_watch *w, const fw_drop *d, size_t lost)
{
    fw_drop_report r;
    fw_drop_explain(&w->context, d, NULL, &r);
    const fw_drop_match *m = &r.match;
    if (m->kind == FW_DROP_RULE || m->kind == FW_DROP_PRODUCT_PORT) {
        char *rule = m->rule ? fw_xasprintf("%s/%s", m->profile, m->rule) : fw_xstrdup(m->profile);
        bool report = fw_drop_throttle_admit(w->throttle, d, rule, fw_filetime_now());
        if (report) {
            fw_buf line = {0};
            fw_drop_report_line(d, &r, &line);
            fw_log_event(FWSVC_EVENT_BACKUP_DROP, "%s", line.data);
            fw_buf_free(&line);
        }
        fw_service_status_drop_seen(w->status, rule, report, lost);
        free(rule);
    }
    fw_drop_report_free(&r);
}

/* Drops are explained as they come; the counts reach status.json at most
 * once a second (a burst would otherwise rewrite it per delivery), and a
 * second after the last drop at the latest. */
static DWORD WINAPI watch_thread(void *arg)
{
    fw_drop_watch *w = arg;
    HANDLE waits[2] = {w->stop, w->queue.ready};
    bool unsaved = false;
    ULONGLONG saved_at = 0;
    for (;;) {
        DWORD r = WaitForMultipleObjects(2, waits, FALSE, unsaved ? SAVE_EVERY_MS : INFINITE);
        if (r == WAIT_TIMEOUT || (unsaved && GetTickCount64() - saved_at >= SAVE_EVERY_MS)) {
            fw_service_status_save(w->status);
            saved_at = GetTickCount64();
            unsaved = false;
        }
        if (r != WAIT_OBJECT_0 + 1 && r != WAIT_TIMEOUT)
            break;
        size_t count = 0, lost = 0;
        fw_drop *items = fw_drop_queue_take(&w->queue, &count, &lost);
        if (count && context_ready(w)) {
            for (size_t i = 0; i < count && WaitForSingleObject(w->stop, 0) == WAIT_TIMEOUT; i++)
                explain(w, &items[i], lost);
            unsaved = true;
        }
        fw_net_drops_free(items, count);
    }
    if (unsaved)
        fw_service_status_save(w->status);
    return 0;
}

fw_drop_watch *fw_drop_watch_create(fw_service_status *status)
{
    fw_drop_watch *w = fw_xcalloc(1, sizeof *w);
    w->status = status;
    w->said = "off";
    fw_drop_queue_init(&w->queue, QUEUE_MAX);
    w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->throttle = fw_drop_throttle_new((uint64_t)FW_DROP_REPORT_PERIOD_SECONDS * 10000000ull);
    w->thread = CreateThread(NULL, 0, watch_thread, w, 0, NULL);
    return w;
}

static void unsubscribe(fw_drop_watch *w)
{
    if (w->subscription)
        fw_net_drops_unsubscribe(w->engine, w->subscription);
    w->subscription = NULL;
    if (w->engine)
        FwpmEngineClose0(w->engine);
    w->engine = NULL;
}

/* A state said once, in the log and in status.json, when it changes. */
static void say(fw_drop_watch *w, const char *state, DWORD event, const char *text)
{
    if (strcmp(w->said, state) != 0 && event)
        fw_log_event(event, "%s", text);
    w->said = state;
    fw_service_status_drops(w->status, state);
}

void fw_drop_watch_update(fw_drop_watch *w, bool on)
{
    InterlockedExchange(&w->rules_changed, 1);
    if (!on) {
        unsubscribe(w);
        say(w, "off", strcmp(w->said, "off") ? FWSVC_EVENT_DROPS_SEEN : 0,
            "WatchDrops is 0: drops on backup flows are not reported");
        return;
    }
    char message[512] = "";
    bool collecting = false;
    DWORD e = w->engine ? fw_net_events_collecting(w->engine, &collecting, message, sizeof message) : 1;
    if (e && w->engine)
        unsubscribe(w); /* its session died with BFE, or is otherwise gone: open another */
    if (!w->engine && (e = fw_wfp_open_own(&w->engine, L"fwsvc drop watch", NULL, message, sizeof message)) == 0)
        e = fw_net_events_collecting(w->engine, &collecting, message, sizeof message);
    if (!e && collecting && !w->subscription)
        e = fw_net_drops_subscribe(w->engine, fw_drop_queue_callback, &w->queue, &w->subscription, message,
                                   sizeof message);
    if (e) {
        unsubscribe(w);
        char *text = fw_xasprintf("%s; the service tries again at its next reconcile", message);
        say(w, "unavailable", FWSVC_EVENT_DROPS_UNSEEN, text);
        free(text);
    } else if (!collecting) {
        /* Subscribed or not, WFP records nothing: say so once, and look
         * again at each reconcile. */
        say(w, "not collected", FWSVC_EVENT_DROPS_UNSEEN,
            "WFP does not collect net events on this host (FWPM_ENGINE_COLLECT_NET_EVENTS is off), so drops on "
            "backup flows cannot be reported; 'netsh wfp set options netevents=on' turns collection on "
            "(docs/watch.md)");
    } else {
        say(w, "on", FWSVC_EVENT_DROPS_SEEN, "subscribed to WFP's net events (WatchDrops)");
    }
}

void fw_drop_watch_free(fw_drop_watch *w)
{
    if (!w)
        return;
    SetEvent(w->stop);
    WaitForSingleObject(w->thread, INFINITE);
    CloseHandle(w->thread);
    unsubscribe(w); /* no callback runs after it */
    fw_drop_queue_free(&w->queue);
    if (w->context_loaded)
        fw_drop_context_free(&w->context);
    fw_drop_throttle_free(w->throttle);
    CloseHandle(w->stop);
    free(w);
}
