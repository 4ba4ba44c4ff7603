/* fwpemu: the emulator's companion tool (run under Wine).
 *
 *   fwpemu dump                         the state as JSON (docs/wfp-emulator.md)
 *   fwpemu reset [--mpssvc-weight N]    a fresh engine modelling Windows Firewall
 *   fwpemu reboot                       BFE stops and starts (a machine restart)
 *   fwpemu bfe stop|start|status        the Base Filtering Engine service alone
 *   fwpemu tamper delete-one --provider GUID
 *   fwpemu tamper rewrite-one --provider GUID   same key, any port: wider
 *   fwpemu tamper delete-burst N --provider GUID  N deletions at once, each its own transaction
 *   fwpemu tamper delete-key GUID       the filter with that key
 *   fwpemu tamper add-foreign N         N filters of another provider and sublayer
 *   fwpemu tamper add-random N SEED     N varied filters of other products (fwpemu_random.c)
 *   fwpemu tamper add-block in|out PORT WEIGHT   one block of another product (an EDR's) on
 *                                       that local (in) or remote (out) TCP port, in its own
 *                                       sublayer of that weight
 *   fwpemu classify --dir in|out --proto tcp|udp|N [--local-port N] [--remote-port N]
 *                   [--remote ADDR] [--v6] [--program PATH]
 *   fwpemu classify-batch               one flow a line on stdin, tab-separated:
 *                                       DIR PROTO LOCAL_PORT REMOTE_PORT REMOTE_ADDR [PROGRAM]
 *                                       ('-' for a port or program the flow does not give)
 *   (classify, classify-batch and traffic record each drop as a net event)
 *   fwpemu traffic FILE|-               replays flows (classify-batch's lines): drops go to the
 *                                       net event log; prints "N flow(s), M dropped"
 *   fwpemu net-events                   the net event log, one JSON object a line
 *   fwpemu net-events collect on|off|status   FWPM_ENGINE_COLLECT_NET_EVENTS, through the API
 *   fwpemu hold-lock MS                 holds the transaction lock for MS milliseconds
 *
 * tamper goes through the WFP API from this process, as another program
 * would; the other commands work on the state file directly. */
#include "fwpemu.h"

#include <rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ws2tcpip.h>

static void json_str(const wchar_t *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", (char)*s);
        else if (*s < 0x20)
            printf("\\u%04x", (unsigned)*s);
        else if (*s < 0x80)
            putchar((char)*s);
        else
            printf("\\u%04x", (unsigned)*s);
    }
    putchar('"');
}

static void json_guid(const GUID *g)
{
    char buf[39];
    emu_guid_format(g, buf);
    printf("\"%s\"", buf);
}

static const char *lifetime_name(UINT8 l)
{
    static const char *const names[] = {"dynamic", "static", "persistent", "builtin"};
    return l < 4 ? names[l] : "?";
}

static void print_value(const FWP_CONDITION_VALUE0 *v);

static void print_fwp_value(const FWP_VALUE0 *v)
{
    print_value((const FWP_CONDITION_VALUE0 *)v);
}

static void print_value(const FWP_CONDITION_VALUE0 *v)
{
    switch (v->type) {
    case FWP_UINT8:
        printf("%u", v->uint8);
        break;
    case FWP_UINT16:
        printf("%u", v->uint16);
        break;
    case FWP_UINT32:
        printf("%lu", (unsigned long)v->uint32);
        break;
    case FWP_UINT64:
        printf("%llu", (unsigned long long)*v->uint64);
        break;
    case FWP_BYTE_BLOB_TYPE:
        json_str((const wchar_t *)v->byteBlob->data);
        break;
    case FWP_V4_ADDR_MASK:
        printf("\"0x%08lx/0x%08lx\"", (unsigned long)v->v4AddrMask->addr, (unsigned long)v->v4AddrMask->mask);
        break;
    case FWP_V6_ADDR_MASK:
        printf("\"");
        for (int i = 0; i < 16; i++)
            printf("%02x", v->v6AddrMask->addr[i]);
        printf("/%u\"", v->v6AddrMask->prefixLength);
        break;
    case FWP_BYTE_ARRAY16_TYPE:
        printf("\"");
        for (int i = 0; i < 16; i++)
            printf("%02x", v->byteArray16->byteArray16[i]);
        printf("\"");
        break;
    case FWP_RANGE_TYPE:
        printf("[");
        print_fwp_value(&v->rangeValue->valueLow);
        printf(", ");
        print_fwp_value(&v->rangeValue->valueHigh);
        printf("]");
        break;
    default:
        printf("null");
    }
}

static int compare_ids(const void *a, const void *b)
{
    const emu_object *x = *(emu_object *const *)a, *y = *(emu_object *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

typedef struct {
    emu_object **items;
    size_t count, cap;
} pointer_list;

static void collect_pointer(emu_object *o, void *ctx)
{
    pointer_list *l = ctx;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->count++] = o;
}

static int cmd_dump(emu_state *s)
{
    emu_bfe bfe = emu_bfe_get();
    printf("{\n  \"generation\": %llu,\n  \"next_filter_id\": %llu,\n  \"bfe\": {\"running\": %s, \"epoch\": %llu},\n  \"providers\": [",
           (unsigned long long)s->generation, (unsigned long long)s->next_filter_id, bfe.running ? "true" : "false",
           (unsigned long long)bfe.epoch);
    emu_table *t = emu_kind_table(s, EMU_PROVIDER);
    for (size_t i = 0; i < t->count; i++) {
        FWPM_PROVIDER0 *p = emu_decode(EMU_PROVIDER, &t->items[i]);
        printf("%s\n    {\"key\": ", i ? "," : "");
        json_guid(&t->items[i].key);
        printf(", \"name\": ");
        json_str(p ? p->displayData.name : NULL);
        printf(", \"flags\": %lu, \"service_name\": ", (unsigned long)t->items[i].flags);
        if (p && p->serviceName)
            json_str(p->serviceName);
        else
            printf("null");
        printf(", \"lifetime\": \"%s\"}", lifetime_name(t->items[i].lifetime));
        free(p);
    }
    printf("\n  ],\n  \"sublayers\": [");
    t = emu_kind_table(s, EMU_SUBLAYER);
    for (size_t i = 0; i < t->count; i++) {
        FWPM_SUBLAYER0 *sl = emu_decode(EMU_SUBLAYER, &t->items[i]);
        printf("%s\n    {\"key\": ", i ? "," : "");
        json_guid(&t->items[i].key);
        printf(", \"name\": ");
        json_str(sl ? sl->displayData.name : NULL);
        printf(", \"weight\": %u, \"provider\": ", t->items[i].weight);
        if (t->items[i].has_provider)
            json_guid(&t->items[i].provider);
        else
            printf("null");
        printf(", \"flags\": %lu, \"lifetime\": \"%s\"}", (unsigned long)t->items[i].flags,
               lifetime_name(t->items[i].lifetime));
        free(sl);
    }
    printf("\n  ],\n  \"filters\": [");
    pointer_list all = {0};
    emu_for_each_filter(s, NULL, false, collect_pointer, &all);
    emu_object **sorted = all.items;
    qsort(sorted, all.count, sizeof *sorted, compare_ids);
    for (size_t i = 0; i < all.count; i++) {
        const emu_object *o = sorted[i];
        FWPM_FILTER0 *f = emu_decode(EMU_FILTER, o);
        if (!f)
            continue;
        printf("%s\n    {\"id\": %llu, \"key\": ", i ? "," : "", (unsigned long long)o->id);
        json_guid(&o->key);
        printf(", \"name\": ");
        json_str(f->displayData.name);
        printf(", \"layer\": \"%s\", \"sublayer\": ", emu_layer_name(&o->layer));
        json_guid(&o->sublayer);
        printf(", \"provider\": ");
        if (o->has_provider)
            json_guid(&o->provider);
        else
            printf("null");
        printf(", \"flags\": %lu, \"action\": \"%s\", \"effective_weight\": %llu, \"lifetime\": \"%s\", "
               "\"disabled\": %s, \"conditions\": [",
               (unsigned long)f->flags,
               f->action.type == FWP_ACTION_PERMIT ? "permit"
               : f->action.type == FWP_ACTION_BLOCK ? "block"
                                                    : "other",
               (unsigned long long)o->effective_weight, lifetime_name(o->lifetime),
               o->suppressed ? "true" : "false");
        for (UINT32 c = 0; c < f->numFilterConditions; c++) {
            const FWPM_FILTER_CONDITION0 *cond = &f->filterCondition[c];
            printf("%s{\"field\": \"%s\", \"match\": %d, \"value\": ", c ? ", " : "",
                   emu_field_name(&cond->fieldKey), (int)cond->matchType);
            print_value(&cond->conditionValue);
            printf("}");
        }
        printf("]}");
        free(f);
    }
    free(sorted);
    printf("\n  ]\n}\n");
    return 0;
}

static void do_reset(emu_state *s, void *ctx);

/* Runs a state change under the transaction lock, as BFE itself would. */
static int with_locked_state(void (*change)(emu_state *, void *), void *ctx)
{
    HANDLE lock = NULL;
    DWORD e = emu_txn_lock_acquire(&lock, 15000);
    if (e) {
        fprintf(stderr, "fwpemu: transaction lock: 0x%08lx\n", (unsigned long)e);
        return 1;
    }
    emu_state s;
    emu_state_lock();
    e = emu_state_load(&s);
    if (e == ERROR_FILE_CORRUPT && change == do_reset)
        e = ERROR_SUCCESS; /* a store of an older format, or damaged: a reset replaces it */
    if (!e) {
        change(&s, ctx);
        e = emu_state_save(&s);
    }
    emu_state_unlock();
    emu_state_free(&s);
    emu_txn_lock_release(&lock);
    if (e)
        fprintf(stderr, "fwpemu: state: error %lu\n", (unsigned long)e);
    return e ? 1 : 0;
}

/* BFE stops: its objects but persistent and boot-time ones are gone, and
 * every handle of its epoch is dead. The transaction lock is taken first,
 * so a transaction in flight ends (commits or aborts) before. */
static void do_bfe_stop(emu_state *s, void *ctx)
{
    (void)ctx;
    emu_state_bfe_stop(s);
}

static void do_bfe_start(emu_state *s, void *ctx)
{
    (void)ctx;
    emu_state_bfe_start(s);
}

static int bfe_transition(bool start)
{
    emu_bfe b = emu_bfe_get();
    if (b.running == start) {
        fprintf(stderr, "fwpemu: BFE is already %s\n", start ? "running" : "stopped");
        return 1;
    }
    int rc = 0;
    if (!start) {
        /* Dead first, so that no new call starts against the old epoch. */
        b.running = false;
        b.epoch++;
        if (emu_bfe_set(&b))
            return fprintf(stderr, "fwpemu: cannot write bfe.bin\n"), 1;
        rc = with_locked_state(do_bfe_stop, NULL);
        if (!rc && emu_netevents_clear()) /* the buffer is BFE's memory */
            rc = 1;
    } else {
        rc = with_locked_state(do_bfe_start, NULL);
        b.running = true;
        if (!rc && emu_bfe_set(&b))
            return fprintf(stderr, "fwpemu: cannot write bfe.bin\n"), 1;
    }
    return rc;
}

static int cmd_bfe(const char *what)
{
    if (strcmp(what, "stop") == 0)
        return bfe_transition(false);
    if (strcmp(what, "start") == 0)
        return bfe_transition(true);
    if (strcmp(what, "status") == 0) {
        emu_bfe b = emu_bfe_get();
        printf("%s epoch %llu\n", b.running ? "running" : "stopped", (unsigned long long)b.epoch);
        return 0;
    }
    fprintf(stderr, "fwpemu: bfe stop|start|status\n");
    return 2;
}

/* A machine restart: BFE stops (boot-time filters are what the kernel
 * enforces until it is back), then starts. */
static int cmd_reboot(void)
{
    if (emu_bfe_get().running && bfe_transition(false))
        return 1;
    return bfe_transition(true);
}

static void do_reset(emu_state *s, void *ctx)
{
    emu_state_reset(s, *(UINT16 *)ctx);
}

DWORD fwpemu_open_engine(HANDLE *engine)
{
    return FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, engine);
}

static unsigned long long unix_ms_now(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (((unsigned long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - 116444736000000000ull) / 10000;
}

/* Acts on the first filter of a provider, found through the API as another
 * program would; 0 on success, 1 when it has none, else the error. */
static DWORD act_on_first(HANDLE engine, const GUID *provider, DWORD (*act)(HANDLE, const FWPM_FILTER0 *),
                          char key[39])
{
    static const GUID *layers[] = {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6,
                                   &FWPM_LAYER_ALE_AUTH_CONNECT_V4, &FWPM_LAYER_ALE_AUTH_CONNECT_V6,
                                   &FWPM_LAYER_ALE_AUTH_LISTEN_V4, &FWPM_LAYER_ALE_AUTH_LISTEN_V6};
    DWORD result = 1;
    for (size_t l = 0; l < 6 && result == 1; l++) {
        FWPM_FILTER_ENUM_TEMPLATE0 t = {.providerKey = (GUID *)provider, .layerKey = *layers[l],
                                        .flags = FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME |
                                                 FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED,
                                        .actionMask = 0xFFFFFFFFu};
        FWPM_FILTER0 **entries = NULL;
        UINT32 n = 0;
        HANDLE en;
        if (FwpmFilterCreateEnumHandle0(engine, &t, &en))
            continue;
        if (!FwpmFilterEnum0(engine, en, 1, &entries, &n) && n == 1) {
            result = act(engine, entries[0]);
            emu_guid_format(&entries[0]->filterKey, key);
        }
        FwpmFreeMemory0((void **)&entries);
        FwpmFilterDestroyEnumHandle0(engine, en);
    }
    return result;
}

/* delete-one / rewrite-one: prints when it committed, in Unix
 * milliseconds; benchmarks time a repair from there, not from this
 * process's start. With times > 1 (delete-burst) the acts follow each
 * other at once, each its own transaction, as an uninstaller's would. */
static int tamper(const GUID *provider, DWORD (*act)(HANDLE, const FWPM_FILTER0 *), const char *verb,
                  unsigned long times)
{
    HANDLE engine;
    DWORD e = fwpemu_open_engine(&engine);
    if (e)
        return fprintf(stderr, "fwpemu: open: 0x%08lx\n", (unsigned long)e), 1;
    unsigned long done = 0;
    unsigned long long first = 0;
    char key[39] = "";
    while (done < times) {
        e = act_on_first(engine, provider, act, key);
        if (e)
            break;
        if (!done++)
            first = unix_ms_now();
    }
    FwpmEngineClose0(engine);
    if (times == 1 && done == 1)
        printf("%s %s: 0x%08lx at %llu\n", verb, key, 0ul, first);
    else if (done)
        printf("%s %lu filter(s): first at %llu, last at %llu\n", verb, done, first, unix_ms_now());
    if (e == 1)
        fprintf(stderr, "fwpemu: no filter of that provider\n");
    else if (e)
        fprintf(stderr, "fwpemu: %s: 0x%08lx\n", verb, (unsigned long)e);
    return done == times ? 0 : 1;
}

static DWORD delete_filter(HANDLE engine, const FWPM_FILTER0 *f)
{
    return FwpmFilterDeleteByKey0(engine, &f->filterKey);
}

/* Deletes the filter and adds one under the same key, name and provider
 * that matches any local or remote port: wider, yet indistinguishable by
 * key. One transaction. */
static DWORD rewrite_filter(HANDLE engine, const FWPM_FILTER0 *f)
{
    FWPM_FILTER0 copy = *f;
    FWPM_FILTER_CONDITION0 kept[16];
    UINT32 n = 0;
    for (UINT32 i = 0; i < f->numFilterConditions && n < 16; i++)
        if (!IsEqualGUID(&f->filterCondition[i].fieldKey, &FWPM_CONDITION_IP_LOCAL_PORT) &&
            !IsEqualGUID(&f->filterCondition[i].fieldKey, &FWPM_CONDITION_IP_REMOTE_PORT))
            kept[n++] = f->filterCondition[i];
    copy.numFilterConditions = n;
    copy.filterCondition = n ? kept : NULL;
    copy.flags &= ~FWPM_FILTER_FLAG_DISABLED; /* BFE's to set */
    copy.filterId = 0;
    DWORD e = FwpmTransactionBegin0(engine, 0);
    if (!e && !(e = FwpmFilterDeleteByKey0(engine, &f->filterKey)) && !(e = FwpmFilterAdd0(engine, &copy, NULL, NULL)))
        return FwpmTransactionCommit0(engine);
    FwpmTransactionAbort0(engine);
    return e;
}

static const GUID foreign_provider = {0x0f0e1d2c, 0x3b4a, 0x5968, {0x77, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1, 0xe0}};
static const GUID foreign_sublayer = {0x0f0e1d2c, 0x3b4a, 0x5968, {0x77, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1, 0xe1}};

static int cmd_add_foreign(unsigned long n)
{
    HANDLE engine;
    DWORD e = fwpemu_open_engine(&engine);
    if (e)
        return fprintf(stderr, "fwpemu: open: 0x%08lx\n", (unsigned long)e), 1;
    e = FwpmTransactionBegin0(engine, 0);
    FWPM_PROVIDER0 p = {.providerKey = foreign_provider, .displayData = {L"fwpemu foreign provider", NULL}};
    FWPM_SUBLAYER0 sl = {.subLayerKey = foreign_sublayer, .displayData = {L"fwpemu foreign sublayer", NULL},
                         .providerKey = (GUID *)&foreign_provider, .weight = 0x100};
    if (!e) {
        DWORD pe = FwpmProviderAdd0(engine, &p, NULL);
        e = pe == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : pe;
    }
    if (!e) {
        DWORD se = FwpmSubLayerAdd0(engine, &sl, NULL);
        e = se == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : se;
    }
    for (unsigned long i = 0; i < n && !e; i++) {
        FWPM_FILTER_CONDITION0 c = {.fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = FWP_MATCH_EQUAL,
                                    .conditionValue = {.type = FWP_UINT16, .uint16 = (UINT16)(1 + i % 65535)}};
        FWPM_FILTER0 f = {.displayData = {L"fwpemu foreign filter", NULL},
                          .providerKey = (GUID *)&foreign_provider,
                          .layerKey = (i & 1) ? FWPM_LAYER_ALE_AUTH_CONNECT_V4 : FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4,
                          .subLayerKey = foreign_sublayer,
                          .numFilterConditions = 1, .filterCondition = &c,
                          .action = {.type = FWP_ACTION_BLOCK}};
        e = FwpmFilterAdd0(engine, &f, NULL, NULL);
    }
    e = e ? (FwpmTransactionAbort0(engine), e) : FwpmTransactionCommit0(engine);
    FwpmEngineClose0(engine);
    if (e)
        fprintf(stderr, "fwpemu: add-foreign: 0x%08lx\n", (unsigned long)e);
    else
        printf("added %lu foreign filters\n", n);
    return e ? 1 : 0;
}

/* Another security product's block: its provider, its own sublayer of the
 * weight given (above fwsvc's, it overrides fwsvc's hard permits), one
 * filter on a TCP port at the v4 receive/accept or connect layer. */
static const GUID edr_provider = {0x5e4d3c2b, 0x1a09, 0x4f8e, {0x9d, 0xac, 0xbb, 0xca, 0xd9, 0xe8, 0xf7, 0x06}};
static const GUID edr_sublayer = {0x5e4d3c2b, 0x1a09, 0x4f8e, {0x9d, 0xac, 0xbb, 0xca, 0xd9, 0xe8, 0xf7, 0x07}};

static int cmd_add_block(bool inbound, UINT16 port, UINT16 weight)
{
    HANDLE engine;
    DWORD e = fwpemu_open_engine(&engine);
    if (e)
        return fprintf(stderr, "fwpemu: open: 0x%08lx\n", (unsigned long)e), 1;
    e = FwpmTransactionBegin0(engine, 0);
    FWPM_PROVIDER0 p = {.providerKey = edr_provider, .displayData = {L"fwpemu EDR", NULL}};
    FWPM_SUBLAYER0 sl = {.subLayerKey = edr_sublayer, .displayData = {L"fwpemu EDR sublayer", NULL},
                         .providerKey = (GUID *)&edr_provider, .weight = weight};
    if (!e) {
        DWORD pe = FwpmProviderAdd0(engine, &p, NULL);
        e = pe == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : pe;
    }
    if (!e) {
        DWORD se = FwpmSubLayerAdd0(engine, &sl, NULL);
        e = se == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : se;
    }
    FWPM_FILTER_CONDITION0 c[2] = {
        {.fieldKey = FWPM_CONDITION_IP_PROTOCOL, .matchType = FWP_MATCH_EQUAL,
         .conditionValue = {.type = FWP_UINT8, .uint8 = 6}},
        {.fieldKey = inbound ? FWPM_CONDITION_IP_LOCAL_PORT : FWPM_CONDITION_IP_REMOTE_PORT,
         .matchType = FWP_MATCH_EQUAL, .conditionValue = {.type = FWP_UINT16, .uint16 = port}}};
    FWPM_FILTER0 f = {.displayData = {L"fwpemu EDR isolation block", NULL},
                      .providerKey = (GUID *)&edr_provider,
                      .layerKey = inbound ? FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 : FWPM_LAYER_ALE_AUTH_CONNECT_V4,
                      .subLayerKey = edr_sublayer, .numFilterConditions = 2, .filterCondition = c,
                      .action = {.type = FWP_ACTION_BLOCK}};
    UINT64 id = 0;
    if (!e)
        e = FwpmFilterAdd0(engine, &f, NULL, &id);
    e = e ? (FwpmTransactionAbort0(engine), e) : FwpmTransactionCommit0(engine);
    FwpmEngineClose0(engine);
    if (e)
        fprintf(stderr, "fwpemu: add-block: 0x%08lx\n", (unsigned long)e);
    else
        printf("added block filter %llu\n", (unsigned long long)id);
    return e ? 1 : 0;
}

/* A flow the engine dropped becomes a classify-drop net event: the layer
 * the emulator classifies at (ALE receive/accept or connect), whose
 * run-time id is FWPS_BUILTIN_LAYERS' (fwpsk.h; fwsvc reads the
 * direction from msFwpDirection and the layer from the filter, not this). */
static void drop_event(const emu_flow *flow, const emu_verdict *v, emu_net_event *ev)
{
    memset(ev, 0, sizeof *ev);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    ev->time = (UINT64)now.dwHighDateTime << 32 | now.dwLowDateTime;
    ev->v6 = flow->v6;
    ev->protocol = flow->protocol;
    ev->inbound = flow->inbound;
    ev->local_port = flow->local_port;
    ev->remote_port = flow->remote_port;
    memcpy(ev->remote_addr, flow->remote_addr, 16);
    ev->filter_id = v->matched ? v->filter_id : 0;
    ev->layer_id = (UINT16)(flow->inbound ? (flow->v6 ? 46 : 44) : (flow->v6 ? 50 : 48));
    if (flow->app_id && flow->app_id_len <= sizeof ev->app_id) {
        memcpy(ev->app_id, flow->app_id, flow->app_id_len);
        ev->app_id_len = (UINT16)flow->app_id_len;
    }
}

/* Drops gathered by a run of flows, recorded together (one write of the
 * log and one signal to subscribers per batch). */
typedef struct {
    emu_net_event *items;
    size_t count, cap;
    unsigned long total; /* drops seen, recorded or not */
} drop_batch;

static void batch_flush(drop_batch *b)
{
    size_t kept = 0;
    if (b->count)
        emu_netevents_record(b->items, b->count, &kept);
    b->count = 0;
}

static void batch_add(drop_batch *b, const emu_flow *flow, const emu_verdict *v)
{
    b->total++;
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        emu_net_event *items = realloc(b->items, cap * sizeof *items);
        if (!items)
            return batch_flush(b);
        b->items = items;
        b->cap = cap;
    }
    drop_event(flow, v, &b->items[b->count++]);
}

/* Prints one verdict line for a flow; a drop goes to the batch. */
static int classify_one(emu_state *s, emu_flow *flow, const char *program, drop_batch *drops, bool print)
{
    FWP_BYTE_BLOB *app = NULL;
    if (program) {
        wchar_t wpath[MAX_PATH * 2];
        MultiByteToWideChar(CP_UTF8, 0, program, -1, wpath, MAX_PATH * 2);
        DWORD e = emu_app_id_from_path(wpath, &app);
        if (e) {
            printf("ERROR program %s: error %lu\n", program, (unsigned long)e);
            return 2;
        }
        flow->app_id = app->data;
        flow->app_id_len = app->size;
    }
    emu_verdict v;
    emu_classify(s, flow, &v);
    if (v.action != FWP_ACTION_PERMIT && drops)
        batch_add(drops, flow, &v);
    const char *verdict = v.action == FWP_ACTION_PERMIT ? "PERMIT" : "BLOCK";
    if (print && v.matched) {
        char key[39], sub[39];
        emu_guid_format(&v.filter_key, key);
        emu_guid_format(&v.sublayer, sub);
        printf("%s by filter %llu %s \"%ls\" in sublayer %s\n", verdict, (unsigned long long)v.filter_id,
               key, v.filter_name, sub);
    } else if (print) {
        printf("%s (no filter matched)\n", verdict);
    }
    free(app);
    flow->app_id = NULL;
    return 0;
}

static int cmd_classify(int argc, char **argv)
{
    emu_flow flow = {0};
    const char *program = NULL;
    bool have_dir = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--v6") == 0) {
            flow.v6 = true;
            continue;
        }
        if (!v)
            return fprintf(stderr, "fwpemu: %s needs a value\n", a), 2;
        i++;
        if (strcmp(a, "--dir") == 0) {
            flow.inbound = strcmp(v, "in") == 0;
            have_dir = flow.inbound || strcmp(v, "out") == 0;
        } else if (strcmp(a, "--proto") == 0) {
            flow.protocol = strcmp(v, "tcp") == 0 ? 6 : strcmp(v, "udp") == 0 ? 17 : (UINT8)atoi(v);
        } else if (strcmp(a, "--local-port") == 0) {
            flow.local_port = (UINT16)atoi(v);
            flow.has_local_port = true;
        } else if (strcmp(a, "--remote-port") == 0) {
            flow.remote_port = (UINT16)atoi(v);
            flow.has_remote_port = true;
        } else if (strcmp(a, "--remote") == 0) {
            if (inet_pton(strchr(v, ':') ? AF_INET6 : AF_INET, v, flow.remote_addr) != 1)
                return fprintf(stderr, "fwpemu: bad address %s\n", v), 2;
            flow.v6 = strchr(v, ':') != NULL;
        } else if (strcmp(a, "--program") == 0) {
            program = v;
        } else {
            return fprintf(stderr, "fwpemu: unknown option %s\n", a), 2;
        }
    }
    if (!have_dir)
        return fprintf(stderr, "fwpemu: classify needs --dir in|out\n"), 2;
    emu_state s;
    emu_state_lock();
    DWORD e = emu_state_load(&s);
    drop_batch drops = {0};
    int rc = e ? (fprintf(stderr, "fwpemu: state: error %lu\n", (unsigned long)e), 1)
               : classify_one(&s, &flow, program, &drops, true);
    emu_state_unlock();
    emu_state_free(&s);
    batch_flush(&drops);
    free(drops.items);
    return rc;
}

static void preload(emu_object *o, void *ctx)
{
    (void)o;
    (void)ctx;
}

/* DIR PROTO LOCAL_PORT REMOTE_PORT REMOTE_ADDR [PROGRAM], tab-separated,
 * from in. quiet (traffic): no verdict lines, counts at the end. */
static int classify_flows(FILE *in, bool quiet)
{
    emu_state s;
    emu_state_lock();
    DWORD e = emu_state_load(&s);
    if (e) {
        emu_state_unlock();
        return fprintf(stderr, "fwpemu: state: error %lu\n", (unsigned long)e), 1;
    }
    emu_for_each_filter(&s, NULL, false, preload, NULL); /* read everything, then let go of the mutex */
    emu_state_unlock();
    char line[2048];
    int rc = 0;
    unsigned long flows = 0;
    drop_batch drops = {0};
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *field[6] = {0};
        int n = 0;
        for (char *p = line; n < 6; n++) {
            field[n] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                n++;
                break;
            }
            *tab = 0;
            p = tab + 1;
        }
        emu_flow flow = {0};
        if (n < 5 || inet_pton(strchr(field[4], ':') ? AF_INET6 : AF_INET, field[4], flow.remote_addr) != 1) {
            printf("ERROR bad flow\n");
            rc = 2;
            continue;
        }
        flow.inbound = strcmp(field[0], "in") == 0;
        flow.protocol = strcmp(field[1], "tcp") == 0 ? 6 : strcmp(field[1], "udp") == 0 ? 17 : (UINT8)atoi(field[1]);
        flow.has_local_port = strcmp(field[2], "-") != 0;
        flow.has_remote_port = strcmp(field[3], "-") != 0;
        flow.local_port = (UINT16)atoi(field[2]);
        flow.remote_port = (UINT16)atoi(field[3]);
        flow.v6 = strchr(field[4], ':') != NULL;
        if (classify_one(&s, &flow, n > 5 && field[5][0] && strcmp(field[5], "-") ? field[5] : NULL, &drops,
                         !quiet))
            rc = 2;
        flows++;
        /* A long replay reaches subscribers as it goes, in batches the log
         * holds whole: a subscriber that keeps up loses nothing. */
        if (drops.count >= EMU_NET_EVENTS_MAX / 2)
            batch_flush(&drops);
        if (!quiet)
            fflush(stdout);
    }
    batch_flush(&drops);
    free(drops.items);
    emu_state_free(&s);
    if (quiet)
        printf("%lu flow(s), %lu dropped\n", flows, drops.total);
    return rc;
}

static void json_net_event(const emu_net_event *ev)
{
    char remote[64] = "";
    inet_ntop(ev->v6 ? AF_INET6 : AF_INET, ev->remote_addr, remote, sizeof remote);
    printf("{\"seq\": %llu, \"time\": %llu, \"direction\": \"%s\", \"protocol\": %u, \"local_port\": %u, "
           "\"remote_address\": \"%s\", \"remote_port\": %u, \"filter_id\": %llu, \"layer_id\": %u, \"app_id\": ",
           (unsigned long long)ev->seq, (unsigned long long)ev->time, ev->inbound ? "in" : "out", ev->protocol,
           ev->local_port, remote, ev->remote_port, (unsigned long long)ev->filter_id, ev->layer_id);
    if (ev->app_id_len)
        json_str((const wchar_t *)ev->app_id);
    else
        printf("null");
    printf("}\n");
}

/* net-events: the log as JSON lines (read directly); net-events collect
 * on|off|status: FWPM_ENGINE_COLLECT_NET_EVENTS through the API, as an
 * administrator's tool would set it. */
static int cmd_net_events(int argc, char **argv)
{
    if (argc == 0) {
        emu_net_event *items = NULL;
        size_t count = 0;
        UINT64 last = 0;
        DWORD e = emu_netevents_read(0, &items, &count, &last);
        if (e)
            return fprintf(stderr, "fwpemu: net events: error %lu\n", (unsigned long)e), 1;
        for (size_t i = 0; i < count; i++)
            json_net_event(&items[i]);
        free(items);
        return 0;
    }
    if (argc != 2 || strcmp(argv[0], "collect") != 0)
        return fprintf(stderr, "fwpemu: net-events [collect on|off|status]\n"), 2;
    HANDLE engine;
    DWORD e = fwpemu_open_engine(&engine);
    if (e)
        return fprintf(stderr, "fwpemu: open: 0x%08lx\n", (unsigned long)e), 1;
    if (strcmp(argv[1], "status") == 0) {
        FWP_VALUE0 *v = NULL;
        e = FwpmEngineGetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &v);
        if (!e)
            printf("collect %s\n", v->uint32 ? "on" : "off");
        FwpmFreeMemory0((void **)&v);
    } else {
        FWP_VALUE0 v = {.type = FWP_UINT32, .uint32 = strcmp(argv[1], "on") == 0};
        e = FwpmEngineSetOption0(engine, FWPM_ENGINE_COLLECT_NET_EVENTS, &v);
        if (!e)
            printf("collect %s\n", v.uint32 ? "on" : "off");
    }
    FwpmEngineClose0(engine);
    if (e)
        fprintf(stderr, "fwpemu: net-events collect: 0x%08lx\n", (unsigned long)e);
    return e ? 1 : 0;
}

static int cmd_hold_lock(DWORD ms)
{
    HANDLE lock = NULL;
    DWORD e = emu_txn_lock_acquire(&lock, 15000);
    if (e)
        return fprintf(stderr, "fwpemu: transaction lock: 0x%08lx\n", (unsigned long)e), 1;
    printf("holding the transaction lock for %lu ms\n", (unsigned long)ms);
    fflush(stdout);
    Sleep(ms);
    emu_txn_lock_release(&lock);
    return 0;
}

int main(int argc, char **argv)
{
    if (!emu_running_under_wine()) {
        fputs("fwpemu: the WFP emulator runs only under Wine; this is a test tool, not for Windows\n", stderr);
        return 2;
    }
    emu_api_init();
    if (argc < 2) {
        fputs("usage: fwpemu dump | reset [--mpssvc-weight N] | reboot | bfe stop|start|status | "
              "tamper delete-one|rewrite-one --provider GUID | tamper delete-burst N --provider GUID | "
              "tamper delete-key GUID | "
              "tamper add-foreign N | tamper add-block in|out PORT WEIGHT | classify ...\n",
              stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "dump") == 0) {
        emu_state s;
        emu_state_lock();
        DWORD e = emu_state_load(&s);
        int rc = e ? (fprintf(stderr, "fwpemu: state: error %lu\n", (unsigned long)e), 1) : cmd_dump(&s);
        emu_state_unlock();
        emu_state_free(&s);
        return rc;
    }
    if (strcmp(cmd, "reboot") == 0)
        return cmd_reboot();
    if (strcmp(cmd, "bfe") == 0 && argc == 3)
        return cmd_bfe(argv[2]);
    if (strcmp(cmd, "reset") == 0) {
        UINT16 weight = EMU_DEFAULT_MPSSVC_WEIGHT;
        if (argc == 4 && strcmp(argv[2], "--mpssvc-weight") == 0)
            weight = (UINT16)strtoul(argv[3], NULL, 0);
        int rc = with_locked_state(do_reset, &weight);
        if (!rc && (emu_netevents_clear() || emu_netevents_collect_set(1)))
            rc = 1; /* a fresh engine: no events, collection at its default */
        /* A fresh engine, running; handles of the one before are dead. */
        emu_bfe b = emu_bfe_get();
        b.running = true;
        b.epoch++;
        if (!rc && emu_bfe_set(&b))
            rc = 1;
        return rc;
    }
    if (strcmp(cmd, "tamper") == 0 && argc >= 3) {
        if (strcmp(argv[2], "delete-one") == 0 && argc == 5 && strcmp(argv[3], "--provider") == 0) {
            GUID g;
            if (!emu_guid_parse(argv[4], &g))
                return fprintf(stderr, "fwpemu: bad GUID %s\n", argv[4]), 2;
            return tamper(&g, delete_filter, "deleted", 1);
        }
        if (strcmp(argv[2], "rewrite-one") == 0 && argc == 5 && strcmp(argv[3], "--provider") == 0) {
            GUID g;
            if (!emu_guid_parse(argv[4], &g))
                return fprintf(stderr, "fwpemu: bad GUID %s\n", argv[4]), 2;
            return tamper(&g, rewrite_filter, "rewrote (any port)", 1);
        }
        if (strcmp(argv[2], "delete-key") == 0 && argc == 4) {
            GUID g;
            HANDLE engine;
            if (!emu_guid_parse(argv[3], &g))
                return fprintf(stderr, "fwpemu: bad GUID %s\n", argv[3]), 2;
            DWORD e = fwpemu_open_engine(&engine);
            if (!e) {
                e = FwpmFilterDeleteByKey0(engine, &g);
                FwpmEngineClose0(engine);
            }
            printf("deleted %s: 0x%08lx\n", argv[3], (unsigned long)e);
            return e ? 1 : 0;
        }
        if (strcmp(argv[2], "delete-burst") == 0 && argc == 6 && strcmp(argv[4], "--provider") == 0) {
            GUID g;
            unsigned long n = strtoul(argv[3], NULL, 10);
            if (!emu_guid_parse(argv[5], &g) || n == 0)
                return fprintf(stderr, "fwpemu: delete-burst N --provider GUID\n"), 2;
            return tamper(&g, delete_filter, "deleted", n);
        }
        if (strcmp(argv[2], "add-foreign") == 0 && argc == 4)
            return cmd_add_foreign(strtoul(argv[3], NULL, 10));
        if (strcmp(argv[2], "add-block") == 0 && argc == 6 &&
            (strcmp(argv[3], "in") == 0 || strcmp(argv[3], "out") == 0))
            return cmd_add_block(strcmp(argv[3], "in") == 0, (UINT16)strtoul(argv[4], NULL, 10),
                                 (UINT16)strtoul(argv[5], NULL, 0));
        if (strcmp(argv[2], "add-random") == 0 && argc == 5)
            return fwpemu_add_random(strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10));
    }
    if (strcmp(cmd, "classify") == 0)
        return cmd_classify(argc - 2, argv + 2);
    if (strcmp(cmd, "classify-batch") == 0)
        return classify_flows(stdin, false);
    if (strcmp(cmd, "traffic") == 0 && argc == 3) {
        FILE *f = strcmp(argv[2], "-") == 0 ? stdin : fopen(argv[2], "r");
        if (!f)
            return fprintf(stderr, "fwpemu: cannot read %s\n", argv[2]), 2;
        int rc = classify_flows(f, true);
        if (f != stdin)
            fclose(f);
        return rc;
    }
    if (strcmp(cmd, "net-events") == 0)
        return cmd_net_events(argc - 2, argv + 2);
    if (strcmp(cmd, "hold-lock") == 0 && argc == 3)
        return cmd_hold_lock(strtoul(argv[2], NULL, 10));
    fprintf(stderr, "fwpemu: unknown command %s\n", cmd);
    return 2;
}
