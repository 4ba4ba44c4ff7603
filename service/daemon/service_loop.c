#include "host_reconcile.h" /* winsock2.h before windows.h */
#include "service_loop.h"

#include "admin_only.h"
#include "drop_watch.h"
#include "filter_changes.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_json.h"
#include "fw_win32_text.h"
#include "host_config.h"
#include "host_error.h"
#include "host_exit.h"
#include "host_follow.h"
#include "host_lock.h"
#include "host_reconcile.h"
#include "service_log.h"
#include "service_status.h"
#include "wfp_objects.h"

#include <fwpmu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first change of a burst is reconciled at once; what follows is
 * gathered until DEBOUNCE_MS pass without a change (at most
 * BURST_MAX_MS), then reconciled once more: a burst is two reconciles. */
#define DEBOUNCE_MS 200
#define BURST_MAX_MS 2000
#define BFE_RETRY_MS 1000   /* while BFE is gone, try again this often */

#define MAX_PROGRAM_WATCHES 16
#define MAX_QUEUED_CHANGES 1024 /* beyond: the queue overflows, and the loop reconciles */

struct fw_loop {
    HANDLE stop, wfp_changed, param_changed, config_key_changed, policy_key_changed;
    /* HKLM\SYSTEM\CurrentControlSet\Services: a subkey added or deleted
     * is a service created or deleted (docs/detection.md). */
    HANDLE services_changed;
    HKEY services_key;
    bool auto_detect;       /* the last configuration read had AutoDetect on */
    char *last_missing_text; /* the profiles applied by hand whose product is gone, as last logged */
    /* The catalog folder [0] and the site catalog folder [1]:
     * FindFirstChangeNotification handles, or NULL. */
    HANDLE catalog_changed[2];
    char *watched_catalog[2];
    /* Folders where pending rules' programs will appear (the nearest that
     * exists), watched so that an install is picked up at once. */
    HANDLE program_changed[MAX_PROGRAM_WATCHES];
    size_t program_watch_count;
    HKEY config_key, policy_key;
    HANDLE engine;           /* the loop's own session, for subscriptions */
    HANDLE subscriptions[4];
    bool bfe_down;
    bool failing;           /* the last reconcile failed (not for BFE): the next success says so */
    /* Change notifications, queued by the callback for the loop to judge:
     * those the last reconcile already answered need no other (filter_changes.h). */
    CRITICAL_SECTION changes_lock;
    fw_filter_change changes[MAX_QUEUED_CHANGES];
    size_t change_count;
    bool changes_overflowed;
    fw_known_filters known;
    fw_service_status status;
    fw_drop_watch *drops;   /* WatchDrops: its own thread and session (drop_watch.h) */
};

static const GUID *const layers[4] = {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6,
                                      &FWPM_LAYER_ALE_AUTH_CONNECT_V4, &FWPM_LAYER_ALE_AUTH_CONNECT_V6};

static bool bfe_gone(DWORD e)
{
    return e == RPC_S_SERVER_UNAVAILABLE || e == EPT_S_NOT_REGISTERED || e == RPC_S_CALL_FAILED;
}

static void CALLBACK on_filter_change(void *context, const FWPM_FILTER_CHANGE0 *change)
{
    fw_loop *l = context;
    EnterCriticalSection(&l->changes_lock);
    if (l->change_count < MAX_QUEUED_CHANGES)
        l->changes[l->change_count++] = (fw_filter_change){
            change->changeType == FWPM_CHANGE_ADD ? FW_FILTER_ADDED : FW_FILTER_DELETED, change->filterId};
    else
        l->changes_overflowed = true;
    LeaveCriticalSection(&l->changes_lock);
    SetEvent(l->wfp_changed);
}

/* Whether the queued notifications name a change after the last
 * reconcile's read; the queue is emptied either way. */
static bool changes_need_reconcile(fw_loop *l)
{
    EnterCriticalSection(&l->changes_lock);
    bool need = l->changes_overflowed;
    for (size_t i = 0; i < l->change_count && !need; i++)
        need = fw_filter_change_is_new(&l->known, &l->changes[i]);
    l->change_count = 0;
    l->changes_overflowed = false;
    LeaveCriticalSection(&l->changes_lock);
    return need;
}

static void unsubscribe(fw_loop *l)
{
    fw_known_filters_clear(&l->known); /* a new session may be another BFE's: ids start over */
    for (int i = 0; i < 4; i++)
        if (l->subscriptions[i])
            FwpmFilterUnsubscribeChanges0(l->engine, l->subscriptions[i]);
    memset(l->subscriptions, 0, sizeof l->subscriptions);
    if (l->engine)
        FwpmEngineClose0(l->engine);
    l->engine = NULL;
}

/* The loop's own session, one subscription per layer fwsvc uses, for its
 * provider only. Its reconciles run on this session too: "subscribers do
 * not receive notifications for changes made with the same session handle
 * used to subscribe" (FwpmFilterSubscribeChanges0), so a repair does not
 * wake the loop again; only other programs' changes do. */
static DWORD subscribe(fw_loop *l)
{
    char message[512];
    DWORD e = fw_wfp_open_own(&l->engine, L"fwsvc service", l->stop, message, sizeof message);
    for (int i = 0; !e && i < 4; i++) {
        FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)&FW_PROVIDER_KEY, .layerKey = *layers[i],
                                        .actionMask = 0xFFFFFFFFu};
        FWPM_FILTER_SUBSCRIPTION0 s = {.enumTemplate = &t};
        e = FwpmFilterSubscribeChanges0(l->engine, &s, on_filter_change, l, &l->subscriptions[i]);
    }
    if (e)
        unsubscribe(l);
    return e;
}

/* After BFE restarts, a session's handles and subscriptions are dead and
 * nothing says so: ask the session something at each wake-up. */
static bool session_alive(fw_loop *l)
{
    FWPM_FILTER_SUBSCRIPTION0 **subs = NULL;
    UINT32 n = 0;
    DWORD e = FwpmFilterSubscriptionsGet0(l->engine, &subs, &n);
    if (subs)
        FwpmFreeMemory0((void **)&subs);
    return !bfe_gone(e) && e != ERROR_INVALID_HANDLE;
}

/* Re-arms a registry watch (one notification per arming). */
static void watch_key(HKEY key, HANDLE event)
{
    if (key)
        RegNotifyChangeKeyValue(key, TRUE, REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET, event, TRUE);
}

/* slot 0: the catalog folder, 1: the site's; dir NULL: none. */
static void watch_catalog(fw_loop *l, size_t slot, const char *dir)
{
    if (l->watched_catalog[slot] && dir && strcmp(l->watched_catalog[slot], dir) == 0)
        return;
    if (l->catalog_changed[slot])
        FindCloseChangeNotification(l->catalog_changed[slot]);
    l->catalog_changed[slot] = NULL;
    free(l->watched_catalog[slot]);
    l->watched_catalog[slot] = dir ? fw_xstrdup(dir) : NULL;
    if (!dir)
        return;
    wchar_t *w = fw_utf8_to_wide(dir);
    HANDLE h = FindFirstChangeNotificationW(w, FALSE, FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_FILE_NAME);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        fw_log_event(FWSVC_EVENT_ERROR, "cannot watch the catalog folder %s (error %lu); the timer still reconciles",
                     dir, GetLastError());
    else
        l->catalog_changed[slot] = h;
}

static void unwatch_programs(fw_loop *l)
{
    for (size_t i = 0; i < l->program_watch_count; i++)
        FindCloseChangeNotification(l->program_changed[i]);
    l->program_watch_count = 0;
}

/* Watches the nearest existing folder above each pending program, when
 * only administrators could create the rest of its path there: a program
 * others could put in place would be refused anyway (desired.h). */
static void watch_programs(fw_loop *l, const fw_desired *d)
{
    unwatch_programs(l);
    for (size_t i = 0; i < d->pending_count && l->program_watch_count < MAX_PROGRAM_WATCHES; i++) {
        if (!d->pending[i].watch_folder || d->pending[i].watch_problem)
            continue;
        /* This folder only: the install's first new folder or file here
         * wakes the loop, whose reconcile then watches deeper. */
        wchar_t *dir = fw_utf8_to_wide(d->pending[i].watch_folder);
        HANDLE h = FindFirstChangeNotificationW(dir, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME);
        if (h != INVALID_HANDLE_VALUE)
            l->program_changed[l->program_watch_count++] = h;
        free(dir);
    }
}

/* Logs text as event when it differs from what was last logged for it. */
static void log_if_changed(DWORD event, char **last, fw_buf *text)
{
    char *now = text->len ? fw_buf_take(text) : NULL;
    fw_buf_free(text);
    if (now && (!*last || strcmp(*last, now) != 0))
        fw_log_event(event, "%s", now);
    free(*last);
    *last = now;
}

/* What the reconcile's catalog and settings said, errors and warnings with
 * their file:line:column: appended to the log line and kept in the record,
 * up to FW_STATUS_MAX_DIAGNOSTICS. */
static size_t diagnostic_lines(const fw_diags *d, char **lines)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count && n < FW_STATUS_MAX_DIAGNOSTICS; i++)
        lines[n++] = fw_diag_format(&d->items[i]);
    return n;
}

/* A reconcile that failed: logged (event 6 for what was rejected, 7 for
 * BFE, 9 otherwise) and recorded with its trigger. */
static void report_failure(fw_loop *l, const char *why, const char *message, int rc, const fw_diags *diags)
{
    if (strstr(message, "EPT_S_NOT_REGISTERED") || strstr(message, "RPC_S_SERVER_UNAVAILABLE") ||
        strstr(message, "0x000006BA") || strstr(message, "0x000006D9")) {
        if (!l->bfe_down)
            fw_log_event(FWSVC_EVENT_BFE_UNAVAILABLE, "%s", message);
        l->bfe_down = true;
    } else {
        l->failing = true;
    }
    char *lines[FW_STATUS_MAX_DIAGNOSTICS];
    size_t n = diags ? diagnostic_lines(diags, lines) : 0;
    if (!l->bfe_down) {
        fw_buf text = {0};
        fw_buf_printf(&text, "%s (%s)", message, why);
        for (size_t i = 0; i < n; i++)
            fw_buf_printf(&text, "; %s", lines[i]);
        if (diags && diags->count + diags->dropped > n)
            fw_buf_printf(&text, "; and %zu more", diags->count + diags->dropped - n);
        fw_log_event(rc == FW_EXIT_INVALID ? FWSVC_EVENT_CONFIG_REJECTED : FWSVC_EVENT_ERROR, "%s", text.data);
        fw_buf_free(&text);
    }
    fw_service_status_error(&l->status, why, message, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
}

/* AutoDetect: the detected products' profiles into c before the
 * reconcile (host_follow.h). Returns what the reconcile must record. */
static unsigned follow_products(fw_loop *l, fw_host_config *c, fw_detection *d, fw_follow *f)
{
    fw_diags diags = {0};
    l->auto_detect = c->auto_detect;
    *d = (fw_detection){0};
    *f = (fw_follow){0};
    if (!c->auto_detect || c->profiles_source == FW_SOURCE_POLICY) /* policy's profiles are policy's */
        return 0;
    bool read = fw_host_follow(c, FW_FOLLOW_REMOVE, d, f, &diags);
    fw_diags_free(&diags); /* a catalog that does not load: the reconcile reports it */
    if (read && c->profiles_source == FW_SOURCE_DEFAULT)
        c->profiles_source = FW_SOURCE_LOCAL;
    return read && fw_follow_changed(f) ? FW_RECORD_PROFILES : 0;
}

/* After the commit: each profile detection added, changed or removed is an
 * event naming its evidence; the profiles applied by hand whose product
 * is gone are a warning when that list changes. */
static void report_follow(fw_loop *l, const fw_follow *f)
{
    for (size_t i = 0; i < f->count; i++) {
        const fw_follow_change *c = &f->changes[i];
        const fw_detected *d = c->detected;
        fw_buf changes = {0};
        for (size_t k = 0; k < c->merge.note_count; k++)
            if (c->merge.notes[k].kind != FW_MERGE_KEPT)
                fw_buf_printf(&changes, "%s%s %s -> %s%s", changes.len ? ", " : "", c->merge.notes[k].name,
                              c->merge.notes[k].before, c->merge.notes[k].after,
                              c->merge.notes[k].widens ? " (widens)" : "");
        if (c->added) { /* what it was added with, not what the defaults were */
            fw_buf_free(&changes);
            for (size_t k = 0; k < c->merge.count; k++)
                fw_buf_printf(&changes, "%s%s=%s", k ? ", " : "", c->merge.settings[k].name,
                              c->merge.settings[k].value);
        }
        char *evidence = fw_evidence_text(&d->evidence);
        fw_log_event(FWSVC_EVENT_PRODUCT_DETECTED, "%s %s%s%s: profile %s %s%s%s (evidence: %s)",
                     fw_detect_role_product(d->role), fw_detect_role_name(d->role), d->version ? " " : "",
                     d->version ? d->version : "", c->profile, c->added ? "added" : "updated",
                     changes.len ? (c->added ? " with " : ": ") : "", changes.len ? changes.data : "", evidence);
        free(evidence);
        fw_buf_free(&changes);
    }
    for (size_t i = 0; i < f->removed_count; i++)
        fw_log_event(FWSVC_EVENT_PRODUCT_GONE, "profile %s (added by detection): its product is no longer detected; "
                     "its filters are deleted",
                     f->removed[i]);
    fw_buf missing = {0};
    for (size_t i = 0; i < f->missing_count; i++)
        fw_buf_printf(&missing, "%s%s", i ? "; " : "", f->missing[i]);
    if (missing.len)
        fw_buf_printf(&missing, " (applied by hand, so kept; 'fwsvc remove --profile NAME' closes it)");
    log_if_changed(FWSVC_EVENT_PRODUCT_MISSING, &l->last_missing_text, &missing);
}

/* One reconcile: what the command line's apply does; with AutoDetect, the
 * detected products' profiles first, recorded once WFP has committed. */
static void reconcile_locked(fw_loop *l, const char *why)
{
    fw_host_config c;
    char *error = NULL;
    if (fw_host_config_load(&c, &error)) {
        report_failure(l, why, error, FW_EXIT_INVALID, NULL);
        free(error);
        return;
    }
    char *catalog = c.catalog_dir ? fw_xstrdup(c.catalog_dir) : fw_host_default_catalog_dir();
    watch_catalog(l, 0, catalog);
    watch_catalog(l, 1, c.site_catalog_dir);
    free(catalog);
    fw_detection detection;
    fw_follow follow;
    unsigned record = follow_products(l, &c, &detection, &follow);
    /* A stop ends the waits for BFE and for the lock (STOP within 3 s). */
    fw_host_request rq = {.record = record, .cancel = l->stop, .engine = l->engine};
    fw_host_run run;
    fw_error_clear();
    int rc = fw_host_reconcile(&c, &rq, &run);
    if (run.reconciled && rc == FW_EXIT_OK)
        report_follow(l, &follow);
    fw_follow_free(&follow);
    fw_detection_free(&detection);
    if (!run.reconciled) {
        const char *message = run.result.message[0] ? run.result.message
                              : run.desired.error   ? run.desired.error
                                                    : fw_first_error();
        report_failure(l, why, message ? message : "reconcile failed", rc, &run.desired.diags);
        fw_host_run_free(&run);
        fw_host_config_free(&c);
        return;
    }
    if (l->bfe_down) {
        fw_log_event(FWSVC_EVENT_BFE_RECOVERED, "reconciled again (%s)", why);
        l->bfe_down = false;
    } else if (l->failing && l->status.last_error) {
        fw_log_event(FWSVC_EVENT_RESUMED, "the configuration and the catalog are accepted and enforced (%s); the "
                     "error was: %s", why, l->status.last_error);
    }
    l->failing = false;
    const fw_reconcile_result *res = &run.result;
    fw_known_filters_set(&l->known, res->existing, res->existing_count, res->added_ids, res->added_count);
    if (res->diff.count || res->provider_missing || res->sublayer_missing) {
        fw_buf what = {0};
        for (size_t i = 0; i < res->diff.count && i < 8; i++)
            fw_buf_printf(&what, "%s%s %s", i ? ", " : "", fw_diff_kind_name(res->diff.items[i].kind),
                          res->diff.items[i].identity ? res->diff.items[i].identity : "?");
        if (res->diff.count > 8)
            fw_buf_printf(&what, ", and %zu more", res->diff.count - 8);
        /* Someone else's change (found by a notification or the timer) is
         * drift; a start, a configuration change or a program that
         * appeared is the configuration taking effect. */
        bool repair = strcmp(why, "timer") == 0 || strcmp(why, "filters changed") == 0;
        fw_log_event(repair ? FWSVC_EVENT_DRIFT_REPAIRED : FWSVC_EVENT_RECONCILED,
                     "%zu WFP write(s) (%s): %s", res->writes, why, what.data ? what.data : "fwsvc's provider and sublayer");
        if (repair)
            fw_service_status_drift_repaired(&l->status);
        fw_buf_free(&what);
    }
    if (run.desired.pending_count) {
        fw_buf what = {0};
        for (size_t i = 0; i < run.desired.pending_count; i++) {
            const fw_pending *p = &run.desired.pending[i];
            if (p->variable)
                fw_buf_printf(&what, "%s%s waits for its peers (%s)", i ? "; " : "", p->identity, p->hint);
            else
                fw_buf_printf(&what, "%s%s waits for %s (%s)", i ? "; " : "", p->identity, p->program, p->hint);
        }
        if (!l->status.last_pending_text || strcmp(l->status.last_pending_text, what.data) != 0)
            fw_log_event(FWSVC_EVENT_PENDING, "%s", what.data);
        free(l->status.last_pending_text);
        l->status.last_pending_text = fw_buf_take(&what);
    }
    fw_buf refused = {0}, widened = {0};
    for (size_t i = 0; i < run.desired.refused_count; i++)
        fw_buf_printf(&refused, "%s%s: its program %s can be changed by non-administrators (%s)", i ? "; " : "",
                      run.desired.refused[i].identity, run.desired.refused[i].program, run.desired.refused[i].problem);
    log_if_changed(FWSVC_EVENT_PROGRAM_REFUSED, &l->status.last_refused_text, &refused);
    for (size_t i = 0; i < run.desired.widened.count; i++) {
        const fw_widened *w = &run.desired.widened.items[i];
        fw_buf_printf(&widened, "%s%s=%s counts as any address: %s/%s accept every peer", i ? "; " : "", w->variable,
                      w->value, w->profile->name, w->rules);
    }
    log_if_changed(FWSVC_EVENT_WIDENED, &l->status.last_widened_text, &widened);
    watch_programs(l, &run.desired);
    fw_service_status_reconciled(&l->status, why, res->writes, run.desired.pending_count);
    fw_drop_watch_update(l->drops, c.watch_drops); /* the rules it explains drops with may have changed */
    fw_host_run_free(&run);
    fw_host_config_free(&c);
}

/* Under the host lock: an apply or remove of the command line runs whole
 * before or after it (host_lock.h). */
static void reconcile(fw_loop *l, const char *why)
{
    const char *busy;
    HANDLE lock = fw_host_lock(l->stop, 30000, &busy);
    if (lock) {
        reconcile_locked(l, why);
        fw_host_unlock(lock);
    } else if (strcmp(busy, "cancelled") != 0) {
        report_failure(l, why, "another fwsvc command has held the host lock for 30 s; the timer tries again",
                       FW_EXIT_FAILURE, NULL);
    }
}

fw_loop *fw_loop_create(void)
{
    fw_loop *l = fw_xcalloc(1, sizeof *l);
    InitializeCriticalSection(&l->changes_lock);
    l->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    l->wfp_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    l->param_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    l->config_key_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    l->policy_key_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\fwsvc", 0, NULL, 0, KEY_NOTIFY | KEY_READ, NULL, &l->config_key,
                    NULL);
    RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies", 0, NULL, 0, KEY_NOTIFY | KEY_READ, NULL,
                    &l->policy_key, NULL);
    l->services_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services", 0, KEY_NOTIFY, &l->services_key))
        l->services_key = NULL;
    return l;
}

static DWORD interval_ms(void)
{
    fw_host_config c;
    char *error = NULL;
    DWORD ms = FW_DEFAULT_INTERVAL_SECONDS * 1000;
    if (!fw_host_config_load(&c, &error)) {
        ms = (DWORD)c.interval_seconds * 1000;
        fw_host_config_free(&c);
    }
    free(error);
    return ms;
}

/* Before a reconcile: a session that died with BFE is dropped, and one is
 * opened again when BFE answers. */
static void renew_session(fw_loop *l)
{
    if (l->engine && !session_alive(l)) {
        fw_log_event(FWSVC_EVENT_BFE_UNAVAILABLE, "the change notifications died with BFE; subscribing again");
        unsubscribe(l);
    }
    if (!l->engine && !subscribe(l))
        fw_log_event(FWSVC_EVENT_BFE_RECOVERED, "subscribed to WFP changes again");
}

static void reconcile_now(fw_loop *l, const char *why)
{
    renew_session(l);
    reconcile(l, why);
    if (l->bfe_down)
        unsubscribe(l); /* its handles died with BFE: reopen once it answers */
}

/* Services created or deleted: subkeys of the Services key only (not its
 * subtree: a service's own values change often). */
static void watch_services(fw_loop *l)
{
    if (l->services_key)
        RegNotifyChangeKeyValue(l->services_key, FALSE, REG_NOTIFY_CHANGE_NAME, l->services_changed, TRUE);
}

#define FIRST_FOLDER_WAIT 6 /* waits[6, first_program) are the catalog folders' watches */

/* What woke the loop, re-armed for the next time: the program watches
 * follow the catalog folders'. */
static const char *event_of(fw_loop *l, DWORD w, HANDLE *waits, DWORD first_program, DWORD count)
{
    if (w == WAIT_OBJECT_0 + 3)
        watch_key(l->config_key, l->config_key_changed);
    if (w == WAIT_OBJECT_0 + 4)
        watch_key(l->policy_key, l->policy_key_changed);
    if (w == WAIT_OBJECT_0 + 5)
        watch_services(l);
    if (w >= WAIT_OBJECT_0 + FIRST_FOLDER_WAIT && w < WAIT_OBJECT_0 + count)
        FindNextChangeNotification(waits[w - WAIT_OBJECT_0]);
    return w == WAIT_OBJECT_0 + 1                            ? "filters changed"
           : w == WAIT_OBJECT_0 + 5                          ? "a service was installed or removed"
           : w >= WAIT_OBJECT_0 + first_program              ? "a pending program appeared"
           : w >= WAIT_OBJECT_0 + FIRST_FOLDER_WAIT          ? "catalog change"
                                                              : "configuration change";
}

/* The distinct triggers of a gathered burst, in the order they came. */
#define TRIGGER_KINDS 5
#define GATHERED_TEXT_MAX 160
typedef struct {
    const char *items[TRIGGER_KINDS];
    size_t count;
} gathered_triggers;

static void gather(gathered_triggers *g, const char *why)
{
    for (size_t i = 0; i < g->count; i++)
        if (g->items[i] == why)
            return;
    if (g->count < TRIGGER_KINDS)
        g->items[g->count++] = why;
}

static const char *gathered_text(const gathered_triggers *g, char text[GATHERED_TEXT_MAX])
{
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < g->count; i++) {
        int n = snprintf(text + used, GATHERED_TEXT_MAX - used, "%s%s", i ? ", " : "", g->items[i]);
        if (n < 0 || (size_t)n >= GATHERED_TEXT_MAX - used)
            break;
        used += (size_t)n;
    }
    return text;
}

DWORD fw_loop_run(fw_loop *l)
{
    fw_service_status_init(&l->status);
    l->drops = fw_drop_watch_create(&l->status);
    watch_key(l->config_key, l->config_key_changed);
    watch_key(l->policy_key, l->policy_key_changed);
    watch_services(l);
    DWORD e = subscribe(l);
    if (e) {
        fw_log_event(bfe_gone(e) ? FWSVC_EVENT_BFE_UNAVAILABLE : FWSVC_EVENT_ERROR,
                     "cannot subscribe to WFP changes (error 0x%08lX); the timer still reconciles", e);
        l->bfe_down = bfe_gone(e);
    }
    reconcile(l, "start");
    /* A burst: its first change is reconciled at once; the changes that
     * follow are gathered (with every distinct trigger among them, so the
     * log names what the reconcile answers) and reconciled together once
     * they stop. */
    bool in_burst = false;
    gathered_triggers gathered = {0};
    ULONGLONG burst_start = 0, quiet_at = 0;
    for (;;) {
        HANDLE waits[FIRST_FOLDER_WAIT + 2 + MAX_PROGRAM_WATCHES] = {
            l->stop, l->wfp_changed, l->param_changed, l->config_key_changed, l->policy_key_changed,
            l->services_changed};
        DWORD count = FIRST_FOLDER_WAIT;
        for (size_t i = 0; i < 2; i++)
            if (l->catalog_changed[i])
                waits[count++] = l->catalog_changed[i];
        DWORD first_program = count;
        for (size_t i = 0; i < l->program_watch_count; i++)
            waits[count++] = l->program_changed[i];
        ULONGLONG now = GetTickCount64();
        DWORD timeout = in_burst                  ? (DWORD)(quiet_at > now ? quiet_at - now : 0)
                        : l->bfe_down || !l->engine ? BFE_RETRY_MS
                                                    : interval_ms();
        DWORD w = WaitForMultipleObjects(count, waits, FALSE, timeout);
        if (w == WAIT_OBJECT_0)
            break;
        if (w == WAIT_FAILED) {
            /* A watch handle went bad: drop the program watches (the next
             * reconcile renews them) and pace the loop instead of spinning. */
            fw_log_event(FWSVC_EVENT_ERROR, "WaitForMultipleObjects failed (error %lu); reconciling again in %d ms",
                         GetLastError(), BFE_RETRY_MS);
            unwatch_programs(l);
            if (WaitForSingleObject(l->stop, BFE_RETRY_MS) == WAIT_OBJECT_0)
                break;
            reconcile(l, "timer");
            in_burst = false;
            continue;
        }
        if (w == WAIT_TIMEOUT) {
            if (!in_burst) {
                reconcile_now(l, "timer");
            } else if (gathered.count) {
                char why[GATHERED_TEXT_MAX];
                reconcile_now(l, gathered_text(&gathered, why));
                /* Changes still coming are gathered again: at most one
                 * reconcile per quiet period, however long the storm. */
                burst_start = GetTickCount64();
                quiet_at = burst_start + DEBOUNCE_MS;
                gathered.count = 0;
            } else {
                in_burst = false;
            }
            continue;
        }
        /* A notification of a change the last reconcile already saw
         * (delivered late: it is asynchronous) needs nothing more. */
        if (w == WAIT_OBJECT_0 + 1 && !changes_need_reconcile(l))
            continue;
        const char *why = event_of(l, w, waits, first_program, count);
        if (w == WAIT_OBJECT_0 + 5 && !l->auto_detect)
            continue; /* services come and go; only AutoDetect follows them */
        now = GetTickCount64();
        if (in_burst) {
            gather(&gathered, why);
            quiet_at = now + DEBOUNCE_MS < burst_start + BURST_MAX_MS ? now + DEBOUNCE_MS : burst_start + BURST_MAX_MS;
            continue;
        }
        reconcile_now(l, why);
        in_burst = true;
        gathered.count = 0;
        burst_start = GetTickCount64();
        quiet_at = burst_start + DEBOUNCE_MS;
    }
    fw_drop_watch_free(l->drops);
    l->drops = NULL;
    unsubscribe(l);
    unwatch_programs(l);
    fw_service_status_free(&l->status);
    return ERROR_SUCCESS;
}

void fw_loop_stop(fw_loop *l)
{
    SetEvent(l->stop);
}

void fw_loop_param_change(fw_loop *l)
{
    SetEvent(l->param_changed);
}

void fw_loop_free(fw_loop *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < 2; i++) {
        if (l->catalog_changed[i])
            FindCloseChangeNotification(l->catalog_changed[i]);
        free(l->watched_catalog[i]);
    }
    if (l->config_key)
        RegCloseKey(l->config_key);
    if (l->policy_key)
        RegCloseKey(l->policy_key);
    CloseHandle(l->stop);
    CloseHandle(l->wfp_changed);
    CloseHandle(l->param_changed);
    CloseHandle(l->config_key_changed);
    CloseHandle(l->policy_key_changed);
    if (l->services_key)
        RegCloseKey(l->services_key);
    CloseHandle(l->services_changed);
    free(l->last_missing_text);
    fw_known_filters_clear(&l->known);
    DeleteCriticalSection(&l->changes_lock);
    free(l);
}
