/* Whether a filter's conditions match a flow, in three values: a field the
 * flow does not give (or a value fwsvc cannot evaluate) is unknown. Match
 * types and value types as FWP_MATCH_TYPE and FWP_CONDITION_VALUE0 define
 * them; docs/why.md. */
#include "arbitrate.h"

#include <string.h>

static const char *const layer_names[FW_ALE_LAYER_COUNT][2] = {
    {"FWPM_LAYER_ALE_AUTH_LISTEN_V4", "listen-v4"},
    {"FWPM_LAYER_ALE_AUTH_LISTEN_V6", "listen-v6"},
    {"FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4", "recv-accept-v4"},
    {"FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6", "recv-accept-v6"},
    {"FWPM_LAYER_ALE_AUTH_CONNECT_V4", "connect-v4"},
    {"FWPM_LAYER_ALE_AUTH_CONNECT_V6", "connect-v6"},
};

const char *fw_ale_layer_name(fw_ale_layer layer)
{
    return layer < FW_ALE_LAYER_COUNT ? layer_names[layer][0] : "?";
}

const char *fw_ale_layer_short_name(fw_ale_layer layer)
{
    return layer < FW_ALE_LAYER_COUNT ? layer_names[layer][1] : "?";
}

size_t fw_flow_layers(const fw_flow *flow, fw_ale_layer out[2])
{
    size_t n = 0;
    if (flow->inbound) {
        /* A TCP connection arrives only on a socket whose listen the listen
         * layer authorized ("ALE Layers": FWPM_LAYER_ALE_AUTH_LISTEN_V4). */
        if (flow->protocol == 6)
            out[n++] = flow->v6 ? FW_ALE_LISTEN_V6 : FW_ALE_LISTEN_V4;
        out[n++] = flow->v6 ? FW_ALE_RECV_ACCEPT_V6 : FW_ALE_RECV_ACCEPT_V4;
    } else {
        out[n++] = flow->v6 ? FW_ALE_CONNECT_V6 : FW_ALE_CONNECT_V4;
    }
    return n;
}

static fw_tri tri(bool b)
{
    return b ? FW_TRI_YES : FW_TRI_NO;
}

static fw_tri compare(fw_eval_match m, uint64_t have, uint64_t want)
{
    switch (m) {
    case FW_EM_EQUAL:
        return tri(have == want);
    case FW_EM_NOT_EQUAL:
        return tri(have != want);
    case FW_EM_GREATER:
        return tri(have > want);
    case FW_EM_LESS:
        return tri(have < want);
    case FW_EM_GREATER_OR_EQUAL:
        return tri(have >= want);
    case FW_EM_LESS_OR_EQUAL:
        return tri(have <= want);
    case FW_EM_FLAGS_ALL_SET:
        return tri((have & want) == want);
    case FW_EM_FLAGS_ANY_SET:
        return tri((have & want) != 0);
    case FW_EM_FLAGS_NONE_SET:
        return tri((have & want) == 0);
    default:
        return FW_TRI_UNKNOWN;
    }
}

static fw_tri match_number(const fw_eval_condition *c, uint64_t have)
{
    if (c->kind == FW_EV_RANGE)
        return tri(have >= c->low && have <= c->high);
    if (c->kind == FW_EV_UINT)
        return compare(c->match, have, c->number);
    return FW_TRI_UNKNOWN;
}

/* An address condition; WFP holds an IPv4 address as a host-order UINT32. */
static fw_tri match_address(const fw_eval_condition *c, bool v6, const uint8_t addr[16])
{
    bool negate = c->match == FW_EM_NOT_EQUAL;
    if (!v6) {
        uint32_t have = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
        if (c->kind == FW_EV_V4_MASK)
            return tri(((have & c->v4_mask) == (c->v4_addr & c->v4_mask)) != negate);
        return match_number(c, have);
    }
    if (c->kind == FW_EV_V6_PREFIX) {
        bool eq = true;
        for (unsigned i = 0; i < c->prefix_length && i < 128 && eq; i++) {
            unsigned byte = i / 8, bit = 0x80u >> (i % 8);
            eq = (addr[byte] & bit) == (c->v6[byte] & bit);
        }
        return tri(eq != negate);
    }
    if (c->kind == FW_EV_RANGE)
        return FW_TRI_UNKNOWN; /* a numeric range on an IPv6 address: not a value WFP accepts */
    if (c->kind == FW_EV_V6_ADDR && c->match == FW_EM_RANGE)
        return tri(memcmp(addr, c->v6, 16) >= 0 && memcmp(addr, c->v6_high, 16) <= 0);
    if (c->kind == FW_EV_V6_ADDR)
        return tri((memcmp(addr, c->v6, 16) == 0) != negate);
    return FW_TRI_UNKNOWN;
}

static uint16_t unit_lower(const uint8_t *p)
{
    uint16_t u = (uint16_t)(p[0] | p[1] << 8);
    return u >= 'A' && u <= 'Z' ? (uint16_t)(u + 32) : u;
}

static fw_tri match_app_id(const fw_eval_condition *c, const fw_flow *flow)
{
    if (c->kind != FW_EV_BLOB)
        return FW_TRI_UNKNOWN;
    bool eq = flow->app_id_size == c->blob_size;
    if (eq && c->match == FW_EM_EQUAL_CASE_INSENSITIVE) {
        for (size_t i = 0; eq && i + 1 < c->blob_size; i += 2)
            eq = unit_lower(flow->app_id + i) == unit_lower(c->blob + i);
    } else if (eq) {
        eq = memcmp(flow->app_id, c->blob, c->blob_size) == 0;
    }
    return tri(c->match == FW_EM_NOT_EQUAL ? !eq : eq);
}

static fw_tri condition_matches(const fw_eval_condition *c, const fw_flow *flow)
{
    if (c->match == FW_EM_OTHER || c->kind == FW_EV_OTHER)
        return FW_TRI_UNKNOWN;
    switch (c->field) {
    case FW_EF_PROTOCOL:
        return match_number(c, flow->protocol);
    case FW_EF_LOCAL_PORT:
        return flow->has_local_port ? match_number(c, flow->local_port) : FW_TRI_UNKNOWN;
    case FW_EF_REMOTE_PORT:
        return flow->has_remote_port ? match_number(c, flow->remote_port) : FW_TRI_UNKNOWN;
    case FW_EF_LOCAL_ADDRESS:
        return flow->has_local_addr ? match_address(c, flow->v6, flow->local_addr) : FW_TRI_UNKNOWN;
    case FW_EF_REMOTE_ADDRESS:
        return flow->has_remote_addr ? match_address(c, flow->v6, flow->remote_addr) : FW_TRI_UNKNOWN;
    case FW_EF_APP_ID:
        return flow->app_id ? match_app_id(c, flow) : FW_TRI_UNKNOWN;
    default:
        return FW_TRI_UNKNOWN;
    }
}

static bool same_field(const fw_eval_condition *a, const fw_eval_condition *b)
{
    return a->field == b->field && (a->field != FW_EF_OTHER || strcmp(a->field_name, b->field_name) == 0);
}

fw_tri fw_filter_matches(const fw_eval_filter *f, const fw_flow *flow, const char **unknown_field)
{
    fw_tri all = FW_TRI_YES;
    *unknown_field = NULL;
    for (size_t i = 0; i < f->condition_count && all != FW_TRI_NO;) {
        /* A run of consecutive conditions on one field is one OR group. */
        size_t end = i + 1;
        while (end < f->condition_count && same_field(&f->conditions[end], &f->conditions[i]))
            end++;
        fw_tri any = FW_TRI_NO;
        const char *unknown = NULL;
        for (size_t k = i; k < end && any != FW_TRI_YES; k++) {
            fw_tri t = condition_matches(&f->conditions[k], flow);
            if (t == FW_TRI_UNKNOWN && !unknown)
                unknown = f->conditions[k].field_name;
            if (t == FW_TRI_YES || (t == FW_TRI_UNKNOWN && any == FW_TRI_NO))
                any = t;
        }
        if (any == FW_TRI_NO) {
            all = FW_TRI_NO;
        } else if (any == FW_TRI_UNKNOWN) {
            all = FW_TRI_UNKNOWN;
            if (!*unknown_field)
                *unknown_field = unknown;
        }
        i = end;
    }
    if (all == FW_TRI_NO)
        *unknown_field = NULL;
    return all;
}
