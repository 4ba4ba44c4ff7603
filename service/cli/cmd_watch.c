/* fwsvc watch: the connections WFP dropped, joined with the catalog: which
 * rule of which applied profile each belongs to, why fwsvc's permit did
 * not carry it, which filter dropped it, and the command that would fix
 * it. wfp/net_drops.c reads the drops, service/host/drop_context.c
 * explains them, this file prints. docs/watch.md. Windows only
 * (cmd_enforce_stub.c natively). */
#include "cli.h"
#include "host_error.h"

#include "drop_context.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "host_config.h"
#include "net_drops.h"
#include "reconcile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOLLOW_QUEUE_MAX 65536 /* drops waiting to be printed; beyond, counted as lost */

static int bad_input(const char *fmt, const char *value)
{
    fw_error(fmt, value);
    fputs("Try 'fwsvc watch --help'.\n", stderr);
    return FW_EXIT_INVALID;
}

/* "90s", "10m", "2h", "7d" into 100 ns units. */
static bool parse_duration(const char *text, uint64_t *out)
{
    char *end = NULL;
    if (!text || !isdigit((unsigned char)text[0]))
        return false;
    unsigned long long n = strtoull(text, &end, 10);
    uint64_t unit = !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
    if (!unit || n == 0 || n > 3650ull * 86400 / unit)
        return false;
    *out = n * unit * 10000000ull;
    return true;
}

typedef struct {
    bool json, all;
    const char *profile;
    unsigned long limit; /* 0: no limit */
    unsigned long read, shown, hidden;
    fw_json j;
} printer;

static bool shown_by_default(fw_drop_kind k)
{
    return k == FW_DROP_RULE || k == FW_DROP_PRODUCT_PORT;
}

static void print_json(printer *p, const fw_drop *d, const fw_drop_report *r)
{
    char time[32];
    fw_filetime_text(d->time, time);
    const fw_flow *f = &d->flow;
    fw_json *j = &p->j;
    fw_json_init_compact(j, stdout);
    fw_json_object_begin(j);
    fw_json_member_string(j, "time", time);
    fw_json_member_string(j, "direction", f->inbound ? "in" : "out");
    fw_json_member_string(j, "protocol", f->protocol == 6 ? "tcp" : f->protocol == 17 ? "udp" : "other");
    fw_json_member_string(j, "local_address", f->has_local_addr ? d->local_text : NULL);
    fw_json_key(j, "local_port");
    f->has_local_port ? fw_json_uint(j, f->local_port) : fw_json_null(j);
    fw_json_member_string(j, "remote_address", f->has_remote_addr ? d->remote_text : NULL);
    fw_json_key(j, "remote_port");
    f->has_remote_port ? fw_json_uint(j, f->remote_port) : fw_json_null(j);
    fw_json_member_string(j, "program", r->program);
    fw_json_member_string(j, "profile", r->match.profile);
    fw_json_member_string(j, "rule", r->match.rule);
    fw_json_member_string(j, "kind", fw_drop_kind_name(r->match.kind));
    fw_json_key(j, "dropped_by");
    fw_json_object_begin(j);
    fw_json_key(j, "filter_id");
    fw_json_uint(j, r->filter_id);
    fw_json_member_string(j, "name", r->dropper ? r->dropper->name : NULL);
    fw_json_member_string(j, "provider",
                          r->dropper && r->dropper->provider[0] ? r->dropper->provider_name : NULL);
    fw_json_member_string(j, "sublayer", r->sublayer_name);
    fw_json_key(j, "ours");
    fw_json_bool(j, r->dropper && r->dropper->ours);
    fw_json_object_end(j);
    fw_json_member_string(j, "reason", r->match.reason);
    fw_json_key(j, "unmatched");
    fw_json_array_begin(j);
    for (unsigned b = 0; b < FW_NM_REASON_COUNT; b++)
        if (r->match.unmatched & (1u << b))
            fw_json_string(j, fw_nm_reason_name((fw_nm_reason)(1u << b)));
    fw_json_array_end(j);
    fw_json_member_string(j, "fix", r->match.fix);
    fw_json_object_end(j);
    fw_json_finish(j);
}

static void print_text(const fw_drop *d, const fw_drop_report *r)
{
    char time[32];
    fw_filetime_text(d->time, time);
    fw_buf flow = {0};
    fw_drop_flow_text(d, r->program, &flow);
    printf("%s  DROP %s\n", time, flow.data);
    const fw_drop_match *m = &r->match;
    if (m->rule)
        printf("  rule        %s/%s%s\n", m->profile, m->rule, m->kind == FW_DROP_NOT_APPLIED ? " (not applied)" : "");
    else if (m->profile)
        printf("  profile     %s\n", m->profile);
    printf("  why         %s\n", m->reason);
    if (m->text)
        printf("              (%s)\n", m->text);
    if (r->dropper)
        printf("  dropped by  \"%s\" of %s, in %s (filter %llu)\n", r->dropper->name,
               r->dropper->provider[0] ? r->dropper->provider_name : "no provider",
               r->sublayer_name ? r->sublayer_name : "an unknown sublayer", (unsigned long long)r->filter_id);
    else
        printf("  dropped by  filter %llu (not at a layer fwsvc reads, or gone since)\n",
               (unsigned long long)r->filter_id);
    if (m->fix)
        printf("  fix         %s\n", m->fix);
    printf("\n");
    fw_buf_free(&flow);
}

/* One drop: shown or not; true when the limit is reached. */
static bool handle(printer *p, fw_drop_context *c, const fw_drop *d)
{
    fw_drop_report r;
    fw_drop_explain(c, d, p->profile, &r);
    p->read++;
    bool show = p->all || shown_by_default(r.match.kind);
    if (show) {
        if (p->json)
            print_json(p, d, &r);
        else
            print_text(d, &r);
        fflush(stdout);
        p->shown++;
    } else {
        p->hidden++;
    }
    fw_drop_report_free(&r);
    return p->limit && p->shown >= p->limit;
}

/* --follow: the subscription's thread queues, the main thread prints. */
static HANDLE stop_event;

static BOOL WINAPI on_console(DWORD type)
{
    (void)type;
    SetEvent(stop_event);
    return TRUE;
}

static int follow(printer *p, HANDLE engine, fw_drop_context *c)
{
    fw_drop_queue q;
    fw_drop_queue_init(&q, FOLLOW_QUEUE_MAX);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console, TRUE);
    char message[512];
    fw_drop_subscription *sub = NULL;
    int rc = FW_EXIT_OK;
    if (fw_net_drops_subscribe(engine, fw_drop_queue_callback, &q, &sub, message, sizeof message)) {
        fw_error("%s\n", message);
        rc = FW_EXIT_FAILURE;
    } else {
        fprintf(stderr, "fwsvc: watching for dropped connections (Ctrl+C to stop)\n");
        fflush(stderr);
    }
    bool done = rc != FW_EXIT_OK;
    size_t lost = 0;
    HANDLE waits[2] = {stop_event, q.ready};
    while (!done && WaitForMultipleObjects(2, waits, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        size_t count = 0;
        fw_drop *items = fw_drop_queue_take(&q, &count, &lost);
        for (size_t i = 0; i < count; i++)
            done = done || handle(p, c, &items[i]);
        fw_net_drops_free(items, count);
    }
    fw_net_drops_unsubscribe(engine, sub); /* no callback runs after it */
    if (q.lost)
        fprintf(stderr, "fwsvc: warning: %zu drop(s) came faster than they could be printed and were not shown\n",
                q.lost);
    SetConsoleCtrlHandler(on_console, FALSE);
    CloseHandle(stop_event);
    fw_drop_queue_free(&q);
    return rc;
}

/* Collection off: say so, with what turns it on (docs/watch.md). */
static int not_collecting(void)
{
    fw_error("WFP does not collect net events on this host (FWPM_ENGINE_COLLECT_NET_EVENTS is off, "
             "FWP_E_NET_EVENTS_DISABLED): no drop can be shown. Turn collection on with "
             "'netsh wfp set options netevents=on' (docs/watch.md)\n");
    return FW_EXIT_FAILURE;
}

static int check_profile(const char *name)
{
    fw_host_config c;
    char *error = NULL;
    if (fw_host_config_load(&c, &error)) {
        fw_error("%s\n", error);
        free(error);
        return FW_EXIT_FAILURE;
    }
    int rc = fw_applied_find(&c.profiles, name) ? FW_EXIT_OK : FW_EXIT_INVALID;
    if (rc != FW_EXIT_OK)
        fw_error("profile '%s' is not applied on this host ('fwsvc config' lists those that are)\n", name);
    fw_host_config_free(&c);
    return rc;
}

int fw_cmd_watch(const fw_cli_args *args)
{
    printer p = {.json = args->json, .all = args->all, .profile = args->profile_count ? args->profiles[0] : NULL};
    uint64_t window = 0;
    if (args->since && !parse_duration(args->since, &window))
        return bad_input("--since takes a duration such as 90s, 10m, 2h or 7d, got '%s'\n", args->since);
    if (args->limit) {
        char *end = NULL;
        p.limit = strtoul(args->limit, &end, 10);
        if (!isdigit((unsigned char)args->limit[0]) || *end || p.limit == 0)
            return bad_input("--limit takes a number of drops, got '%s'\n", args->limit);
    }
    if (args->profile_count > 1)
        return bad_input("%s", "watch takes one --profile\n");
    int rc = p.profile ? check_profile(p.profile) : FW_EXIT_OK;
    if (rc != FW_EXIT_OK)
        return rc;
    char message[1024];
    HANDLE engine = NULL;
    if (fw_wfp_open(&engine, message, sizeof message)) {
        fw_error("%s\n", message);
        return FW_EXIT_FAILURE;
    }
    bool collecting = true;
    fw_drop_context c;
    bool loaded = false;
    if (fw_net_events_collecting(engine, &collecting, message, sizeof message)) {
        fw_error("%s\n", message);
        rc = FW_EXIT_FAILURE;
    } else if (!collecting) {
        rc = not_collecting();
    } else if (fw_drop_context_load(&c, message, sizeof message)) {
        fw_error("%s; nothing was read\n", message);
        rc = FW_EXIT_FAILURE;
    } else {
        loaded = true;
        if (c.rules.problem)
            fprintf(stderr, "fwsvc: warning: drops cannot be joined with the catalog: %s\n", c.rules.problem);
    }
    /* What the log holds (within --since), unless only new drops are asked for. */
    if (rc == FW_EXIT_OK && (!args->follow || args->since)) {
        uint64_t now = fw_filetime_now();
        fw_drop *drops = NULL;
        size_t count = 0;
        DWORD e = fw_net_drops_read(engine, window && window < now ? now - window : 0, &drops, &count, message,
                                    sizeof message);
        if (e == (DWORD)FWP_E_NET_EVENTS_DISABLED)
            rc = not_collecting();
        else if (e)
            fw_error("%s\n", message), rc = FW_EXIT_FAILURE;
        bool full = false;
        for (size_t i = 0; rc == FW_EXIT_OK && i < count && !full; i++)
            full = handle(&p, &c, &drops[i]);
        fw_net_drops_free(drops, count);
        if (rc == FW_EXIT_OK && !args->json && !args->follow)
            printf("%lu drop(s) in WFP's log%s%s; %lu on backup flows shown%s\n", p.read, args->since ? " within " : "",
                   args->since ? args->since : "", p.shown,
                   p.hidden ? " (the rest are not of the catalog's applied profiles: --all shows every drop)" : "");
        if (full)
            goto done;
    }
    if (rc == FW_EXIT_OK && args->follow)
        rc = follow(&p, engine, &c);
done:
    if (loaded)
        fw_drop_context_free(&c);
    FwpmEngineClose0(engine);
    return rc;
}
