/* Filter arbitration ("Filter Arbitration" on Microsoft Learn):
 * - sublayers are evaluated from the highest weight to the lowest, and all
 *   of them are evaluated;
 * - within a sublayer, matching filters are tried from the highest weight;
 *   the first Permit or Block decides the sublayer;
 * - across sublayers, Block overrides Permit and is final; a filter permit
 *   is soft unless FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT makes it hard, and a
 *   hard permit can then only be overridden by a callout veto (not modelled:
 *   there are no callouts here); a filter block is hard.
 * Conditions: different fields AND, consecutive same-field conditions OR
 * (Windows 7 and later, FWPM_FILTER0). */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    UINT64 value;     /* numeric fields */
    bool present;
} scalar;

static bool compare(FWP_MATCH_TYPE m, UINT64 have, UINT64 want)
{
    switch (m) {
    case FWP_MATCH_EQUAL:
        return have == want;
    case FWP_MATCH_NOT_EQUAL:
        return have != want;
    case FWP_MATCH_GREATER:
        return have > want;
    case FWP_MATCH_LESS:
        return have < want;
    case FWP_MATCH_GREATER_OR_EQUAL:
        return have >= want;
    case FWP_MATCH_LESS_OR_EQUAL:
        return have <= want;
    case FWP_MATCH_FLAGS_ALL_SET:
        return (have & want) == want;
    case FWP_MATCH_FLAGS_ANY_SET:
        return (have & want) != 0;
    case FWP_MATCH_FLAGS_NONE_SET:
        return (have & want) == 0;
    default:
        return false;
    }
}

static UINT64 value_number(const FWP_VALUE0 *v)
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

static bool match_scalar(const FWPM_FILTER_CONDITION0 *c, UINT64 have)
{
    const FWP_CONDITION_VALUE0 *v = &c->conditionValue;
    if (v->type == FWP_RANGE_TYPE)
        return have >= value_number(&v->rangeValue->valueLow) &&
               have <= value_number(&v->rangeValue->valueHigh);
    return compare(c->matchType, have, value_number((const FWP_VALUE0 *)v));
}

static bool match_address(const FWPM_FILTER_CONDITION0 *c, const emu_flow *flow)
{
    const FWP_CONDITION_VALUE0 *v = &c->conditionValue;
    bool negate = c->matchType == FWP_MATCH_NOT_EQUAL;
    if (!flow->v6) {
        /* WFP holds IPv4 addresses as host-order UINT32. */
        UINT32 have = (UINT32)flow->remote_addr[0] << 24 | (UINT32)flow->remote_addr[1] << 16 |
                      (UINT32)flow->remote_addr[2] << 8 | flow->remote_addr[3];
        if (v->type == FWP_V4_ADDR_MASK)
            return ((have & v->v4AddrMask->mask) == (v->v4AddrMask->addr & v->v4AddrMask->mask)) != negate;
        return match_scalar(c, have);
    }
    if (v->type == FWP_V6_ADDR_MASK) {
        unsigned bits = v->v6AddrMask->prefixLength;
        bool eq = true;
        for (unsigned i = 0; i < bits && eq; i++) {
            unsigned byte = i / 8, bit = 0x80u >> (i % 8);
            eq = (flow->remote_addr[byte] & bit) == (v->v6AddrMask->addr[byte] & bit);
        }
        return eq != negate;
    }
    if (v->type == FWP_RANGE_TYPE)
        return memcmp(flow->remote_addr, v->rangeValue->valueLow.byteArray16, 16) >= 0 &&
               memcmp(flow->remote_addr, v->rangeValue->valueHigh.byteArray16, 16) <= 0;
    bool eq = memcmp(flow->remote_addr, v->byteArray16, 16) == 0;
    return eq != negate;
}

static bool match_app_id(const FWPM_FILTER_CONDITION0 *c, const emu_flow *flow)
{
    const FWP_BYTE_BLOB *want = c->conditionValue.byteBlob;
    bool eq = flow->app_id && flow->app_id_len == want->size;
    if (eq && c->matchType == FWP_MATCH_EQUAL_CASE_INSENSITIVE) {
        const wchar_t *a = (const wchar_t *)flow->app_id, *b = (const wchar_t *)want->data;
        for (UINT32 i = 0; eq && i < want->size / 2; i++)
            eq = towlower(a[i]) == towlower(b[i]);
    } else if (eq) {
        eq = memcmp(flow->app_id, want->data, want->size) == 0;
    }
    return c->matchType == FWP_MATCH_NOT_EQUAL ? !eq : eq;
}

/* A condition on a field the flow does not carry never matches. */
static bool condition_matches(const FWPM_FILTER_CONDITION0 *c, const emu_flow *flow)
{
    const GUID *k = &c->fieldKey;
    if (IsEqualGUID(k, &FWPM_CONDITION_IP_PROTOCOL))
        return match_scalar(c, flow->protocol);
    if (IsEqualGUID(k, &FWPM_CONDITION_IP_LOCAL_PORT))
        return flow->has_local_port && match_scalar(c, flow->local_port);
    if (IsEqualGUID(k, &FWPM_CONDITION_IP_REMOTE_PORT))
        return flow->has_remote_port && match_scalar(c, flow->remote_port);
    if (IsEqualGUID(k, &FWPM_CONDITION_IP_REMOTE_ADDRESS))
        return match_address(c, flow);
    if (IsEqualGUID(k, &FWPM_CONDITION_ALE_APP_ID))
        return flow->app_id && match_app_id(c, flow);
    return false;
}

/* The fields a flow (or an enumeration template) can give values for. */
enum { GIVES_PROTOCOL = 1, GIVES_LOCAL_PORT = 2, GIVES_REMOTE_PORT = 4, GIVES_REMOTE_ADDRESS = 8, GIVES_APP_ID = 16 };

static unsigned field_bit(const GUID *k)
{
    return IsEqualGUID(k, &FWPM_CONDITION_IP_PROTOCOL)         ? GIVES_PROTOCOL
           : IsEqualGUID(k, &FWPM_CONDITION_IP_LOCAL_PORT)     ? GIVES_LOCAL_PORT
           : IsEqualGUID(k, &FWPM_CONDITION_IP_REMOTE_PORT)    ? GIVES_REMOTE_PORT
           : IsEqualGUID(k, &FWPM_CONDITION_IP_REMOTE_ADDRESS) ? GIVES_REMOTE_ADDRESS
           : IsEqualGUID(k, &FWPM_CONDITION_ALE_APP_ID)        ? GIVES_APP_ID
                                                               : 0;
}

/* Different fields AND, a run of consecutive conditions on one field OR.
 * Classify (overlap false): every group must match the flow. Overlap: a
 * group on a field the template does not give (given) could match some
 * flow, so it overlaps; the others must match the template's value. */
static bool groups_match(const FWPM_FILTER0 *f, const emu_flow *flow, bool overlap, unsigned given)
{
    UINT32 i = 0;
    while (i < f->numFilterConditions) {
        UINT32 end = i + 1;
        while (end < f->numFilterConditions &&
               IsEqualGUID(&f->filterCondition[end].fieldKey, &f->filterCondition[i].fieldKey))
            end++;
        bool any = overlap && !(given & field_bit(&f->filterCondition[i].fieldKey));
        for (UINT32 k = i; k < end && !any; k++)
            any = condition_matches(&f->filterCondition[k], flow);
        if (!any)
            return false;
        i = end;
    }
    return true;
}

static bool filter_matches(const FWPM_FILTER0 *f, const emu_flow *flow)
{
    return groups_match(f, flow, false, 0);
}

bool emu_filter_overlaps(const FWPM_FILTER0 *f, const FWPM_FILTER_CONDITION0 *t, UINT32 n, bool v6)
{
    emu_flow point = {.v6 = v6};
    unsigned given = 0;
    for (UINT32 i = 0; i < n; i++) {
        const FWP_CONDITION_VALUE0 *v = &t[i].conditionValue;
        unsigned bit = field_bit(&t[i].fieldKey);
        given |= bit;
        if (bit == GIVES_PROTOCOL)
            point.protocol = v->uint8;
        else if (bit == GIVES_LOCAL_PORT)
            point.local_port = v->uint16, point.has_local_port = true;
        else if (bit == GIVES_REMOTE_PORT)
            point.remote_port = v->uint16, point.has_remote_port = true;
        else if (bit == GIVES_REMOTE_ADDRESS && v6)
            memcpy(point.remote_addr, v->byteArray16->byteArray16, 16);
        else if (bit == GIVES_REMOTE_ADDRESS) /* host order, as WFP holds IPv4 addresses */
            point.remote_addr[0] = (BYTE)(v->uint32 >> 24), point.remote_addr[1] = (BYTE)(v->uint32 >> 16),
            point.remote_addr[2] = (BYTE)(v->uint32 >> 8), point.remote_addr[3] = (BYTE)v->uint32;
        else if (bit == GIVES_APP_ID)
            point.app_id = v->byteBlob->data, point.app_id_len = v->byteBlob->size;
    }
    return groups_match(f, &point, true, given);
}

typedef struct {
    emu_object *sublayer;
} sublayer_ref;

static int by_weight_desc(const void *a, const void *b)
{
    const emu_object *x = ((const sublayer_ref *)a)->sublayer, *y = ((const sublayer_ref *)b)->sublayer;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return memcmp(&x->key, &y->key, sizeof(GUID));
}

typedef struct {
    const GUID *layer, *sublayer;
    const emu_flow *flow;
    bool boot_only;
    emu_object *best;
    FWPM_FILTER0 *decoded;
} decide_ctx;

static void consider(emu_object *o, void *arg)
{
    decide_ctx *d = arg;
    if (o->suppressed || !IsEqualGUID(&o->layer, d->layer) || !IsEqualGUID(&o->sublayer, d->sublayer))
        return;
    /* Boot-time filters while BFE is stopped, runtime filters while it runs
     * (Basic Operation: boot-time filters are disabled when BFE starts). */
    if (d->boot_only != ((o->flags & FWPM_FILTER_FLAG_BOOTTIME) != 0))
        return;
    if (d->best && o->effective_weight <= d->best->effective_weight)
        return;
    FWPM_FILTER0 *f = emu_decode(EMU_FILTER, o);
    if (f && filter_matches(f, d->flow) &&
        (f->action.type == FWP_ACTION_PERMIT || f->action.type == FWP_ACTION_BLOCK)) {
        free(d->decoded);
        d->decoded = f;
        d->best = o;
    } else {
        free(f);
    }
}

/* The deciding filter of one sublayer, or NULL: the highest-weight match. */
static emu_object *decide_sublayer(emu_state *s, const GUID *layer, const GUID *sublayer,
                                   const emu_flow *flow, bool boot_only, FWPM_FILTER0 **decoded)
{
    decide_ctx d = {layer, sublayer, flow, boot_only, NULL, NULL};
    emu_for_each_filter(s, NULL, false, consider, &d);
    *decoded = d.decoded;
    return d.best;
}

static void record(emu_verdict *v, const emu_object *o, const FWPM_FILTER0 *f)
{
    v->matched = true;
    v->action = f->action.type;
    v->filter_key = o->key;
    v->filter_id = o->id;
    v->sublayer = o->sublayer;
    wcsncpy(v->filter_name, f->displayData.name ? f->displayData.name : L"", 127);
    v->filter_name[127] = 0;
}

void emu_classify(emu_state *s, const emu_flow *flow, emu_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->action = FWP_ACTION_PERMIT; /* no filter matched: the layer lets it pass */
    const GUID layer = flow->inbound ? (flow->v6 ? FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6
                                                 : FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4)
                                     : (flow->v6 ? FWPM_LAYER_ALE_AUTH_CONNECT_V6
                                                 : FWPM_LAYER_ALE_AUTH_CONNECT_V4);
    emu_table *sublayers = emu_kind_table(s, EMU_SUBLAYER);
    sublayer_ref *order = malloc((sublayers->count ? sublayers->count : 1) * sizeof *order);
    for (size_t i = 0; i < sublayers->count; i++)
        order[i].sublayer = &sublayers->items[i];
    qsort(order, sublayers->count, sizeof *order, by_weight_desc);

    /* While BFE is not running, the kernel enforces boot-time filters only
     * (FwpmProviderAdd0, Remarks: boot-time objects are added "when the
     * TCP/IP driver starts, and are removed once the BFE finishes
     * initialization"). */
    bool boot_only = !emu_bfe_get().running;
    bool decided = false, hard = false;
    for (size_t i = 0; i < sublayers->count; i++) {
        GUID key = order[i].sublayer->key;
        FWPM_FILTER0 *f;
        emu_object *o = decide_sublayer(s, &layer, &key, flow, boot_only, &f);
        if (!o)
            continue;
        bool clear_right = (f->flags & FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT) != 0;
        if (f->action.type == FWP_ACTION_BLOCK) {
            if (decided && hard) {
                free(f); /* a hard permit survives all but a callout veto */
                continue;
            }
            record(v, o, f); /* Block overrides Permit and is final */
            free(f);
            break;
        }
        if (!decided || (!hard && clear_right)) {
            record(v, o, f);
            decided = true;
            hard = clear_right;
        }
        free(f);
    }
    free(order);
}
