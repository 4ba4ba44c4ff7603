#include "plan.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fw_layer inbound_layers[] = {FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4,
                                          FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6};
static const fw_layer outbound_layers[] = {FW_LAYER_ALE_AUTH_CONNECT_V4,
                                           FW_LAYER_ALE_AUTH_CONNECT_V6};

fw_family fw_layer_family(fw_layer layer)
{
    return (layer == FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4 || layer == FW_LAYER_ALE_AUTH_CONNECT_V4)
               ? FW_AF_V4
               : FW_AF_V6;
}

static int compare_ranges(const void *a, const void *b)
{
    const fw_port_range *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->hi > y->hi) - (x->hi < y->hi);
}

/* Sorted, with overlapping ranges merged (a --set may move a variable onto
 * a literal port), so that a rule's conditions are canonical. */
static size_t canonical_ports(const fw_rule *r, const fw_binding *b, fw_port_range *out)
{
    for (size_t i = 0; i < r->port_count; i++)
        out[i] = fw_binding_resolve(b, &r->ports[i]);
    qsort(out, r->port_count, sizeof *out, compare_ranges);
    size_t n = 0;
    for (size_t i = 0; i < r->port_count; i++) {
        if (n > 0 && out[i].lo <= out[n - 1].hi) {
            if (out[i].hi > out[n - 1].hi)
                out[n - 1].hi = out[i].hi;
        } else {
            out[n++] = out[i];
        }
    }
    return n;
}

static bool has_family(const fw_address *list, size_t count, fw_family family)
{
    for (size_t i = 0; i < count; i++)
        if (list[i].family == family)
            return true;
    return false;
}

static bool same_condition(const fw_condition *a, const fw_condition *b)
{
    if (a->field != b->field || a->match != b->match)
        return false;
    switch (a->field) {
    case FW_FIELD_IP_PROTOCOL:
        return a->value.protocol == b->value.protocol;
    case FW_FIELD_IP_LOCAL_PORT:
    case FW_FIELD_IP_REMOTE_PORT:
        return a->value.ports.lo == b->value.ports.lo && a->value.ports.hi == b->value.ports.hi;
    case FW_FIELD_IP_REMOTE_ADDRESS:
        return a->value.address.family == b->value.address.family &&
               a->value.address.prefix == b->value.address.prefix &&
               memcmp(a->value.address.bytes, b->value.address.bytes, sizeof a->value.address.bytes) == 0;
    case FW_FIELD_ALE_APP_ID:
        return fw_str_ieq(a->value.program, b->value.program); /* Windows paths */
    }
    return false;
}

/* The filter already planned with this layer and these conditions, or -1. */
static long planned_twin(const fw_plan *plan, const fw_planned_filter *f)
{
    for (size_t i = 0; i < plan->count; i++) {
        const fw_planned_filter *g = &plan->filters[i];
        if (g->layer != f->layer || g->condition_count != f->condition_count)
            continue;
        size_t c = 0;
        while (c < f->condition_count && same_condition(&f->conditions[c], &g->conditions[c]))
            c++;
        if (c == f->condition_count)
            return (long)i;
    }
    return -1;
}

static void add_filter(fw_plan *plan, const fw_profile *profile, const fw_rule *r, const fw_binding *b,
                       fw_layer layer, const fw_address *remote, size_t remote_count)
{
    fw_planned_filter f = {.profile = profile, .rule = r, .layer = layer};
    f.conditions = fw_xcalloc(2 + r->port_count + remote_count, sizeof *f.conditions);

    /* Same-field conditions stay adjacent: WFP ORs only adjacent ones. */
    if (r->protocol != FW_PROTO_ANY) {
        fw_condition *c = &f.conditions[f.condition_count++];
        c->field = FW_FIELD_IP_PROTOCOL;
        c->match = FW_MATCH_EQUAL;
        c->value.protocol = (uint8_t)r->protocol;
    }
    fw_port_range *ports = fw_xcalloc(r->port_count ? r->port_count : 1, sizeof *ports);
    size_t port_count = canonical_ports(r, b, ports);
    for (size_t i = 0; i < port_count; i++) {
        fw_condition *c = &f.conditions[f.condition_count++];
        c->field = r->direction == FW_DIR_IN ? FW_FIELD_IP_LOCAL_PORT : FW_FIELD_IP_REMOTE_PORT;
        c->match = ports[i].lo == ports[i].hi ? FW_MATCH_EQUAL : FW_MATCH_RANGE;
        c->value.ports = ports[i];
    }
    free(ports);
    for (size_t i = 0; i < remote_count; i++) {
        if (remote[i].family != fw_layer_family(layer))
            continue;
        fw_condition *c = &f.conditions[f.condition_count++];
        c->field = FW_FIELD_IP_REMOTE_ADDRESS;
        c->match = FW_MATCH_EQUAL;
        c->value.address = remote[i];
    }
    f.program = fw_binding_program(b, r);
    if (f.program) {
        fw_condition *c = &f.conditions[f.condition_count++];
        c->field = FW_FIELD_ALE_APP_ID;
        c->match = FW_MATCH_EQUAL;
        c->value.program = f.program;
    }
    long twin = planned_twin(plan, &f);
    if (twin >= 0) {
        fw_shared shared = {profile, r, layer, (size_t)twin};
        FW_PUSH(plan->shared, plan->shared_count, plan->shared_cap, shared);
        free(f.conditions);
        free(f.program);
        return;
    }
    FW_PUSH(plan->filters, plan->count, plan->cap, f);
}

void fw_plan_add_profile(fw_plan *plan, const fw_profile *profile, const fw_binding *binding)
{
    for (size_t i = 0; i < profile->rule_count; i++) {
        const fw_rule *r = &profile->rules[i];
        bool any;
        const fw_address *remote;
        size_t remote_count;
        if (r->has_versions) {
            /* A rule for some versions only: left out for another version,
             * planned with every version's while the host's is not set. */
            fw_versioned v = {profile, r, fw_binding_has_rule(binding, r), !binding->version_known};
            FW_PUSH(plan->versioned, plan->versioned_count, plan->versioned_cap, v);
            if (!v.planned)
                continue;
        }
        if (!fw_binding_remote(binding, r, &any, &remote, &remote_count)) {
            /* Its peers are not named yet: no filter, and the plan says so. */
            fw_waiting w = {profile, r, binding->file->variables[r->remote_variable].name};
            FW_PUSH(plan->waiting, plan->waiting_count, plan->waiting_cap, w);
            continue;
        }
        const fw_layer *layers = r->direction == FW_DIR_IN ? inbound_layers : outbound_layers;
        for (size_t l = 0; l < 2; l++) {
            /* A scoped rule has no filter on a family none of its addresses
             * belongs to: that filter could never match. */
            if (!any && !has_family(remote, remote_count, fw_layer_family(layers[l])))
                continue;
            add_filter(plan, profile, r, binding, layers[l], any ? NULL : remote, any ? 0 : remote_count);
        }
    }
}

char *fw_plan_versions_text(const fw_plan *plan, const fw_profile *profile, const fw_binding *binding)
{
    fw_buf rules = {0};
    size_t left_out = 0;
    for (size_t i = 0; i < plan->versioned_count; i++) {
        const fw_versioned *v = &plan->versioned[i];
        if (v->profile != profile || (binding->version_known && v->planned))
            continue;
        fw_buf_printf(&rules, "%s%s (%s)", rules.len ? ", " : "", v->rule->id, v->rule->versions_text);
        left_out += !v->planned;
    }
    int vv = binding->file->version_variable;
    bool versioned = false;
    for (size_t i = 0; i < plan->versioned_count && !versioned; i++)
        versioned = plan->versioned[i].profile == profile;
    char *text = NULL;
    if (!versioned)
        text = NULL;
    else if (vv < 0)
        text = NULL; /* a rule with versions needs the variable: the loader said so */
    else if (!binding->version_known)
        text = fw_xasprintf("%s is not set: the rules of every version are planned, %s; --set %s=VERSION plans "
                            "only this host's", binding->file->variables[vv].name, rules.data,
                            binding->file->variables[vv].name);
    else if (left_out)
        text = fw_xasprintf("%s=%s: left out as rules of other versions: %s", binding->file->variables[vv].name,
                            binding->texts[vv], rules.data);
    else
        text = fw_xasprintf("%s=%s: every version-bound rule of this profile applies to it",
                            binding->file->variables[vv].name, binding->texts[vv]);
    fw_buf_free(&rules);
    return text;
}

void fw_plan_free(fw_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        free(plan->filters[i].conditions);
        free(plan->filters[i].program);
    }
    free(plan->filters);
    free(plan->waiting);
    free(plan->versioned);
    free(plan->shared);
    *plan = (fw_plan){0};
}

const char *fw_layer_name(fw_layer layer)
{
    switch (layer) {
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4:
        return "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4";
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6:
        return "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6";
    case FW_LAYER_ALE_AUTH_CONNECT_V4:
        return "FWPM_LAYER_ALE_AUTH_CONNECT_V4";
    case FW_LAYER_ALE_AUTH_CONNECT_V6:
        return "FWPM_LAYER_ALE_AUTH_CONNECT_V6";
    }
    return "?";
}

const char *fw_layer_short_name(fw_layer layer)
{
    switch (layer) {
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4:
        return "recv-accept-v4";
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6:
        return "recv-accept-v6";
    case FW_LAYER_ALE_AUTH_CONNECT_V4:
        return "connect-v4";
    case FW_LAYER_ALE_AUTH_CONNECT_V6:
        return "connect-v6";
    }
    return "?";
}

const char *fw_field_name(fw_field field)
{
    switch (field) {
    case FW_FIELD_IP_PROTOCOL:
        return "FWPM_CONDITION_IP_PROTOCOL";
    case FW_FIELD_IP_LOCAL_PORT:
        return "FWPM_CONDITION_IP_LOCAL_PORT";
    case FW_FIELD_IP_REMOTE_PORT:
        return "FWPM_CONDITION_IP_REMOTE_PORT";
    case FW_FIELD_IP_REMOTE_ADDRESS:
        return "FWPM_CONDITION_IP_REMOTE_ADDRESS";
    case FW_FIELD_ALE_APP_ID:
        return "FWPM_CONDITION_ALE_APP_ID";
    }
    return "?";
}

const char *fw_match_name(fw_match match)
{
    return match == FW_MATCH_RANGE ? "FWP_MATCH_RANGE" : "FWP_MATCH_EQUAL";
}

static char *address_text(const fw_address *a)
{
    char buf[64];
    if (a->family == FW_AF_V4) {
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2],
                 a->bytes[3]);
    } else {
        /* Full form, no "::" compression: unambiguous and simple. */
        int n = 0;
        for (int i = 0; i < 8; i++)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%x", i ? ":" : "",
                          (unsigned)(a->bytes[2 * i] << 8 | a->bytes[2 * i + 1]));
    }
    unsigned max = a->family == FW_AF_V4 ? 32 : 128;
    if (a->prefix != max)
        return fw_xasprintf("%s/%u", buf, (unsigned)a->prefix);
    return fw_xstrdup(buf);
}

char *fw_condition_value_text(const fw_condition *c)
{
    char buf[16];
    switch (c->field) {
    case FW_FIELD_IP_PROTOCOL:
        return fw_xstrdup(c->value.protocol == FW_PROTO_TCP   ? "TCP"
                          : c->value.protocol == FW_PROTO_UDP ? "UDP"
                                                              : "?");
    case FW_FIELD_IP_LOCAL_PORT:
    case FW_FIELD_IP_REMOTE_PORT:
        fw_port_range_format(c->value.ports, buf, sizeof buf);
        return fw_xstrdup(buf);
    case FW_FIELD_IP_REMOTE_ADDRESS:
        return address_text(&c->value.address);
    case FW_FIELD_ALE_APP_ID:
        return fw_xstrdup(c->value.program);
    }
    return fw_xstrdup("?");
}
