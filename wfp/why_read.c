/* Reads the engine for `fwsvc why`: FWPM_FILTER0, FWPM_SUBLAYER0 and
 * FWPM_PROVIDER0 into the evaluator's form. Disabled filters are read too
 * (FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED): the evaluator's rule, not the
 * enumeration, leaves them out, and the agreement test checks that rule.
 * Boot-time filters are not read: they are disabled once BFE runs (Basic
 * Operation). */
#include "why_read.h"

#include "filter_content.h"
#include "fw_alloc.h"
#include "fw_win32_text.h"
#include "reconcile.h"
#include "wfp_defs.h"
#include "wfp_errors.h"
#include "wfp_objects.h"

#include <fwpmu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In fw_ale_layer's order: indexed by it. */
static const struct {
    const GUID *key;
    fw_ale_layer layer;
} layers[] = {
    {&FWPM_LAYER_ALE_AUTH_LISTEN_V4, FW_ALE_LISTEN_V4},
    {&FWPM_LAYER_ALE_AUTH_LISTEN_V6, FW_ALE_LISTEN_V6},
    {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FW_ALE_RECV_ACCEPT_V4},
    {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6, FW_ALE_RECV_ACCEPT_V6},
    {&FWPM_LAYER_ALE_AUTH_CONNECT_V4, FW_ALE_CONNECT_V4},
    {&FWPM_LAYER_ALE_AUTH_CONNECT_V6, FW_ALE_CONNECT_V6},
};

fw_ale_layer fw_why_layer_of(const GUID *layer_key)
{
    for (size_t l = 0; l < sizeof layers / sizeof layers[0]; l++)
        if (IsEqualGUID(layer_key, layers[l].key))
            return layers[l].layer;
    return FW_ALE_LAYER_COUNT;
}

static const struct {
    const GUID *key;
    fw_eval_field field;
    const char *name;
} fields[] = {
    {&FWPM_CONDITION_IP_PROTOCOL, FW_EF_PROTOCOL, "FWPM_CONDITION_IP_PROTOCOL"},
    {&FWPM_CONDITION_IP_LOCAL_PORT, FW_EF_LOCAL_PORT, "FWPM_CONDITION_IP_LOCAL_PORT"},
    {&FWPM_CONDITION_IP_REMOTE_PORT, FW_EF_REMOTE_PORT, "FWPM_CONDITION_IP_REMOTE_PORT"},
    {&FWPM_CONDITION_IP_LOCAL_ADDRESS, FW_EF_LOCAL_ADDRESS, "FWPM_CONDITION_IP_LOCAL_ADDRESS"},
    {&FWPM_CONDITION_IP_REMOTE_ADDRESS, FW_EF_REMOTE_ADDRESS, "FWPM_CONDITION_IP_REMOTE_ADDRESS"},
    {&FWPM_CONDITION_ALE_APP_ID, FW_EF_APP_ID, "FWPM_CONDITION_ALE_APP_ID"},
    {&FWPM_CONDITION_ALE_USER_ID, FW_EF_OTHER, "FWPM_CONDITION_ALE_USER_ID"},
    {&FWPM_CONDITION_ALE_REMOTE_USER_ID, FW_EF_OTHER, "FWPM_CONDITION_ALE_REMOTE_USER_ID"},
    {&FWPM_CONDITION_ALE_REMOTE_MACHINE_ID, FW_EF_OTHER, "FWPM_CONDITION_ALE_REMOTE_MACHINE_ID"},
    {&FWPM_CONDITION_IP_LOCAL_INTERFACE, FW_EF_OTHER, "FWPM_CONDITION_IP_LOCAL_INTERFACE"},
    {&FWPM_CONDITION_INTERFACE_TYPE, FW_EF_OTHER, "FWPM_CONDITION_INTERFACE_TYPE"},
    {&FWPM_CONDITION_TUNNEL_TYPE, FW_EF_OTHER, "FWPM_CONDITION_TUNNEL_TYPE"},
    {&FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE, FW_EF_OTHER, "FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE"},
    {&FWPM_CONDITION_FLAGS, FW_EF_OTHER, "FWPM_CONDITION_FLAGS"},
};

static char *keep_string(fw_why_snapshot *s, char *text)
{
    FW_PUSH(s->strings, s->string_count, s->string_cap, text);
    return text;
}

static void *keep_block(fw_why_snapshot *s, size_t size)
{
    void *p = fw_xcalloc(size ? size : 1, 1);
    FW_PUSH(s->blocks, s->block_count, s->block_cap, p);
    return p;
}

static void format_guid(const GUID *g, char out[39])
{
    fw_key k = fw_wfp_key(g);
    fw_key_format(&k, out);
}

static uint64_t number(const FWP_VALUE0 *v)
{
    switch (v->type) {
    case FWP_UINT8:
        return v->uint8;
    case FWP_UINT16:
        return v->uint16;
    case FWP_UINT32:
        return v->uint32;
    case FWP_UINT64:
        return v->uint64 ? *v->uint64 : 0;
    default:
        return 0;
    }
}

static fw_eval_match match_of(FWP_MATCH_TYPE m)
{
    switch (m) {
    case FWP_MATCH_EQUAL:
        return FW_EM_EQUAL;
    case FWP_MATCH_GREATER:
        return FW_EM_GREATER;
    case FWP_MATCH_LESS:
        return FW_EM_LESS;
    case FWP_MATCH_GREATER_OR_EQUAL:
        return FW_EM_GREATER_OR_EQUAL;
    case FWP_MATCH_LESS_OR_EQUAL:
        return FW_EM_LESS_OR_EQUAL;
    case FWP_MATCH_RANGE:
        return FW_EM_RANGE;
    case FWP_MATCH_FLAGS_ALL_SET:
        return FW_EM_FLAGS_ALL_SET;
    case FWP_MATCH_FLAGS_ANY_SET:
        return FW_EM_FLAGS_ANY_SET;
    case FWP_MATCH_FLAGS_NONE_SET:
        return FW_EM_FLAGS_NONE_SET;
    case FWP_MATCH_EQUAL_CASE_INSENSITIVE:
        return FW_EM_EQUAL_CASE_INSENSITIVE;
    case FWP_MATCH_NOT_EQUAL:
        return FW_EM_NOT_EQUAL;
    default:
        return FW_EM_OTHER; /* prefix, not-prefix */
    }
}

static void convert_condition(fw_why_snapshot *s, const FWPM_FILTER_CONDITION0 *in, fw_eval_condition *c)
{
    *c = (fw_eval_condition){.field = FW_EF_OTHER, .match = match_of(in->matchType), .kind = FW_EV_OTHER};
    c->field_name = NULL;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (IsEqualGUID(&in->fieldKey, fields[i].key)) {
            c->field = fields[i].field;
            c->field_name = fields[i].name;
        }
    if (!c->field_name) {
        char text[39];
        format_guid(&in->fieldKey, text);
        c->field_name = keep_string(s, fw_xstrdup(text));
    }
    const FWP_CONDITION_VALUE0 *v = &in->conditionValue;
    switch (v->type) {
    case FWP_UINT8:
    case FWP_UINT16:
    case FWP_UINT32:
    case FWP_UINT64:
        c->kind = FW_EV_UINT;
        c->number = number((const FWP_VALUE0 *)v);
        break;
    case FWP_RANGE_TYPE:
        if (v->rangeValue && v->rangeValue->valueLow.type == FWP_BYTE_ARRAY16_TYPE) {
            c->kind = FW_EV_V6_ADDR;
            c->match = FW_EM_RANGE;
            memcpy(c->v6, v->rangeValue->valueLow.byteArray16->byteArray16, 16);
            memcpy(c->v6_high, v->rangeValue->valueHigh.byteArray16->byteArray16, 16);
        } else if (v->rangeValue) {
            c->kind = FW_EV_RANGE;
            c->low = number(&v->rangeValue->valueLow);
            c->high = number(&v->rangeValue->valueHigh);
        }
        break;
    case FWP_V4_ADDR_MASK:
        c->kind = FW_EV_V4_MASK;
        c->v4_addr = v->v4AddrMask->addr;
        c->v4_mask = v->v4AddrMask->mask;
        break;
    case FWP_V6_ADDR_MASK:
        c->kind = FW_EV_V6_PREFIX;
        memcpy(c->v6, v->v6AddrMask->addr, 16);
        c->prefix_length = v->v6AddrMask->prefixLength;
        break;
    case FWP_BYTE_ARRAY16_TYPE:
        c->kind = FW_EV_V6_ADDR;
        memcpy(c->v6, v->byteArray16->byteArray16, 16);
        break;
    case FWP_BYTE_BLOB_TYPE:
        c->kind = FW_EV_BLOB;
        c->blob_size = v->byteBlob->size;
        c->blob = keep_block(s, v->byteBlob->size);
        memcpy((uint8_t *)c->blob, v->byteBlob->data, v->byteBlob->size);
        break;
    default:
        break; /* security descriptors, SIDs, token information: not evaluated */
    }
}

typedef struct {
    GUID key;
    char *name;
} provider_name;

static DWORD read_sublayers(HANDLE engine, fw_why_snapshot *s, GUID **keys, char *message, size_t size)
{
    HANDLE en;
    DWORD e = FwpmSubLayerCreateEnumHandle0(engine, NULL, &en);
    if (e)
        return fw_wfp_failure(message, size, "FwpmSubLayerCreateEnumHandle0", "all sublayers", e);
    FWPM_SUBLAYER0 **items;
    UINT32 n;
    size_t cap = 0, key_cap = 0, key_count = 0;
    do {
        e = FwpmSubLayerEnum0(engine, en, 256, &items, &n);
        for (UINT32 i = 0; !e && i < n; i++) {
            fw_eval_sublayer sl = {.weight = items[i]->weight};
            format_guid(&items[i]->subLayerKey, sl.key);
            memcpy(sl.key_bytes, &items[i]->subLayerKey, 16);
            sl.name = keep_string(s, fw_wide_to_utf8(items[i]->displayData.name ? items[i]->displayData.name : L""));
            FW_PUSH(s->sublayers, s->sublayer_count, cap, sl);
            FW_PUSH(*keys, key_count, key_cap, items[i]->subLayerKey);
        }
        if (!e)
            FwpmFreeMemory0((void **)&items);
    } while (!e && n > 0);
    FwpmSubLayerDestroyEnumHandle0(engine, en);
    if (e)
        fw_wfp_failure(message, size, "FwpmSubLayerEnum0", "all sublayers", e);
    return e;
}

static DWORD read_providers(HANDLE engine, fw_why_snapshot *s, provider_name **out, size_t *count, char *message,
                            size_t size)
{
    HANDLE en;
    DWORD e = FwpmProviderCreateEnumHandle0(engine, NULL, &en);
    if (e)
        return fw_wfp_failure(message, size, "FwpmProviderCreateEnumHandle0", "all providers", e);
    FWPM_PROVIDER0 **items;
    UINT32 n;
    size_t cap = 0;
    do {
        e = FwpmProviderEnum0(engine, en, 256, &items, &n);
        for (UINT32 i = 0; !e && i < n; i++) {
            provider_name p = {items[i]->providerKey,
                               keep_string(s, fw_wide_to_utf8(items[i]->displayData.name ? items[i]->displayData.name
                                                                                         : L""))};
            FW_PUSH(*out, *count, cap, p);
        }
        if (!e)
            FwpmFreeMemory0((void **)&items);
    } while (!e && n > 0);
    FwpmProviderDestroyEnumHandle0(engine, en);
    if (e)
        fw_wfp_failure(message, size, "FwpmProviderEnum0", "all providers", e);
    return e;
}

typedef struct {
    fw_why_snapshot *s;
    const GUID *sublayer_keys;
    const provider_name *providers;
    size_t provider_count;
    size_t cap;
} convert_ctx;

static void convert_filter(convert_ctx *x, const FWPM_FILTER0 *in, fw_ale_layer layer)
{
    fw_why_snapshot *s = x->s;
    fw_eval_filter f = {.layer = layer, .id = in->filterId};
    format_guid(&in->filterKey, f.key);
    f.name = keep_string(s, fw_wide_to_utf8(in->displayData.name ? in->displayData.name : L""));
    f.provider_name = "";
    if (in->providerKey) {
        format_guid(in->providerKey, f.provider);
        for (size_t i = 0; i < x->provider_count; i++)
            if (IsEqualGUID(in->providerKey, &x->providers[i].key))
                f.provider_name = x->providers[i].name;
    }
    f.sublayer = s->sublayer_count; /* not found: never evaluated */
    for (size_t i = 0; i < s->sublayer_count; i++)
        if (IsEqualGUID(&in->subLayerKey, &x->sublayer_keys[i]))
            f.sublayer = i;
    f.weight = in->effectiveWeight.type == FWP_UINT64 && in->effectiveWeight.uint64 ? *in->effectiveWeight.uint64 : 0;
    f.action = in->action.type == FWP_ACTION_PERMIT ? FW_EA_PERMIT
               : in->action.type == FWP_ACTION_BLOCK ? FW_EA_BLOCK
                                                     : FW_EA_CALLOUT;
    f.hard = (in->flags & FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT) != 0;
    f.disabled = (in->flags & FWPM_FILTER_FLAG_DISABLED) != 0;
    fw_eval_condition *c = keep_block(s, (in->numFilterConditions + 1) * sizeof *c);
    for (UINT32 i = 0; i < in->numFilterConditions; i++)
        convert_condition(s, &in->filterCondition[i], &c[i]);
    f.conditions = c;
    f.condition_count = in->numFilterConditions;
    if (in->providerKey && IsEqualGUID(in->providerKey, &FW_PROVIDER_KEY)) {
        /* Only fwsvc's: hashing 100,000 filters of others would cost for nothing. */
        f.ours = true;
        f.content = fw_wfp_filter_content(in);
        char *identity = fw_wfp_filter_identity(in);
        f.identity = identity ? keep_string(s, identity) : NULL;
    }
    FW_PUSH(s->filters, s->filter_count, x->cap, f);
}

/* One enumeration into the snapshot; skip_ours: fwsvc's filters come
 * from their own read. */
static DWORD read_layer(HANDLE engine, convert_ctx *x, const FWPM_FILTER_ENUM_TEMPLATE0 *t, fw_ale_layer layer,
                        bool skip_ours, char *message, size_t size)
{
    HANDLE en;
    DWORD e = FwpmFilterCreateEnumHandle0(engine, t, &en);
    if (e)
        return fw_wfp_failure(message, size, "FwpmFilterCreateEnumHandle0", fw_ale_layer_name(layer), e);
    FWPM_FILTER0 **items;
    UINT32 n;
    do {
        e = FwpmFilterEnum0(engine, en, 1024, &items, &n);
        x->s->filters_read += e ? 0 : n;
        for (UINT32 i = 0; !e && i < n; i++)
            if (!(skip_ours && items[i]->providerKey && IsEqualGUID(items[i]->providerKey, &FW_PROVIDER_KEY)))
                convert_filter(x, items[i], layer);
        if (!e)
            FwpmFreeMemory0((void **)&items);
    } while (!e && n > 0);
    FwpmFilterDestroyEnumHandle0(engine, en);
    if (e)
        return fw_wfp_failure(message, size, "FwpmFilterEnum0", fw_ale_layer_name(layer), e);
    return ERROR_SUCCESS;
}

/* The flow's values as an FWP_FILTER_ENUM_OVERLAPPING template at a layer:
 * what it gives of protocol, ports, remote address and app id, where the
 * layer has the field (the listen layer knows no protocol or remote end). */
typedef struct {
    FWPM_FILTER_CONDITION0 c[5];
    FWP_BYTE_ARRAY16 v6;
    FWP_BYTE_BLOB app;
} flow_template;

static UINT32 flow_conditions(const fw_flow *f, bool listen, flow_template *t)
{
    UINT32 n = 0;
    if (!listen)
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_EQUAL,
                                             {.type = FWP_UINT8, .uint8 = f->protocol}};
    if (f->has_local_port)
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_IP_LOCAL_PORT, FWP_MATCH_EQUAL,
                                             {.type = FWP_UINT16, .uint16 = f->local_port}};
    if (f->has_remote_port && !listen)
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL,
                                             {.type = FWP_UINT16, .uint16 = f->remote_port}};
    if (f->has_remote_addr && !listen && f->v6) {
        memcpy(t->v6.byteArray16, f->remote_addr, 16);
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL,
                                             {.type = FWP_BYTE_ARRAY16_TYPE, .byteArray16 = &t->v6}};
    } else if (f->has_remote_addr && !listen) { /* host order, as WFP holds IPv4 addresses */
        UINT32 a = (UINT32)f->remote_addr[0] << 24 | (UINT32)f->remote_addr[1] << 16 |
                   (UINT32)f->remote_addr[2] << 8 | f->remote_addr[3];
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL,
                                             {.type = FWP_UINT32, .uint32 = a}};
    }
    if (f->app_id) {
        t->app = (FWP_BYTE_BLOB){(UINT32)f->app_id_size, (UINT8 *)f->app_id};
        t->c[n++] = (FWPM_FILTER_CONDITION0){FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL,
                                             {.type = FWP_BYTE_BLOB_TYPE, .byteBlob = &t->app}};
    }
    return n;
}

/* fwsvc's filters live at recv-accept and connect (plan.c), not listen. */
static bool fwsvc_layer(fw_ale_layer l)
{
    return l != FW_ALE_LISTEN_V4 && l != FW_ALE_LISTEN_V6;
}

/* Without a flow: every filter at the six layers. With one: at the layers
 * it crosses, the filters whose conditions overlap its values (WFP does
 * the narrowing: FWP_FILTER_ENUM_OVERLAPPING), and fwsvc's own filters at
 * the four layers it uses (the near misses and drift judge them all). A
 * filter that does not overlap the flow cannot match it: the verdict is
 * the same. */
static DWORD read_filters(HANDLE engine, convert_ctx *x, bool ours_only, const fw_flow *flow, char *message,
                          size_t size)
{
    DWORD e = ERROR_SUCCESS;
    for (size_t l = 0; !e && l < sizeof layers / sizeof layers[0]; l++) {
        FWPM_FILTER_ENUM_TEMPLATE0 t = {.layerKey = *layers[l].key,
                                        .flags = FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED,
                                        .actionMask = 0xFFFFFFFFu};
        if (ours_only && !fwsvc_layer(layers[l].layer))
            continue;
        if (ours_only)
            t.providerKey = (GUID *)&FW_PROVIDER_KEY;
        e = read_layer(engine, x, &t, layers[l].layer, false, message, size);
    }
    fw_ale_layer crossed[2];
    size_t n = flow ? fw_flow_layers(flow, crossed) : 0;
    for (size_t i = 0; !e && i < n; i++) {
        flow_template ft;
        bool listen = crossed[i] == FW_ALE_LISTEN_V4 || crossed[i] == FW_ALE_LISTEN_V6;
        FWPM_FILTER_ENUM_TEMPLATE0 t = {.layerKey = *layers[crossed[i]].key,
                                        .enumType = FWP_FILTER_ENUM_OVERLAPPING,
                                        .flags = FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED,
                                        .actionMask = 0xFFFFFFFFu};
        t.numFilterConditions = flow_conditions(flow, listen, &ft);
        t.filterCondition = t.numFilterConditions ? ft.c : NULL;
        e = read_layer(engine, x, &t, crossed[i], fwsvc_layer(crossed[i]), message, size);
    }
    return e;
}

static DWORD read_snapshot(fw_why_snapshot *s, bool ours_only, const fw_flow *flow, char *message, size_t size)
{
    memset(s, 0, sizeof *s);
    HANDLE engine = NULL;
    GUID *sublayer_keys = NULL;
    provider_name *providers = NULL;
    size_t provider_count = 0;
    bool in_txn = false;
    DWORD e = fw_wfp_open(&engine, message, size);
    if (!e)
        e = fw_wfp_begin_read(engine, message, size);
    in_txn = !e;
    if (!e)
        e = read_sublayers(engine, s, &sublayer_keys, message, size);
    if (!e)
        e = read_providers(engine, s, &providers, &provider_count, message, size);
    if (!e) {
        convert_ctx x = {s, sublayer_keys, providers, provider_count, 0};
        e = read_filters(engine, &x, ours_only, flow, message, size);
    }
    if (in_txn)
        FwpmTransactionAbort0(engine); /* read only: nothing to commit */
    if (engine)
        FwpmEngineClose0(engine);
    free(sublayer_keys);
    free(providers);
    return e;
}

DWORD fw_why_read(fw_why_snapshot *s, char *message, size_t size)
{
    return read_snapshot(s, false, NULL, message, size);
}

DWORD fw_why_read_flow(fw_why_snapshot *s, const fw_flow *flow, char *message, size_t size)
{
    return read_snapshot(s, flow != NULL, flow, message, size);
}

DWORD fw_why_read_ours(fw_why_snapshot *s, char *message, size_t size)
{
    return read_snapshot(s, true, NULL, message, size);
}

void fw_why_snapshot_free(fw_why_snapshot *s)
{
    for (size_t i = 0; i < s->string_count; i++)
        free(s->strings[i]);
    for (size_t i = 0; i < s->block_count; i++)
        free(s->blocks[i]);
    free(s->strings);
    free(s->blocks);
    free(s->sublayers);
    free(s->filters);
    memset(s, 0, sizeof *s);
}
