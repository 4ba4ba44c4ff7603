#include "near_miss.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fw_nm_reason_name(fw_nm_reason r)
{
    switch (r) {
    case FW_NM_REMOTE_ADDRESS:
        return "remote_address";
    case FW_NM_PROGRAM:
        return "program";
    case FW_NM_LOCAL_PORT:
        return "local_port";
    case FW_NM_REMOTE_PORT:
        return "remote_port";
    case FW_NM_PROTOCOL:
        return "protocol";
    case FW_NM_DIRECTION:
        return "direction";
    case FW_NM_PENDING:
        return "pending";
    case FW_NM_DISABLED:
        return "disabled";
    default:
        return "drifted";
    }
}

static uint16_t flow_port(const fw_flow *f)
{
    return f->inbound ? f->local_port : f->remote_port;
}

/* The layer fwsvc would permit the flow at, as a bit of fw_layer. */
static unsigned flow_layer_bit(const fw_flow *f)
{
    fw_layer layer = f->inbound ? (f->v6 ? FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6 : FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4)
                                : (f->v6 ? FW_LAYER_ALE_AUTH_CONNECT_V6 : FW_LAYER_ALE_AUTH_CONNECT_V4);
    return 1u << layer;
}

static bool ports_hold(const fw_rule *r, const fw_binding *b, uint16_t port)
{
    if (r->protocol == FW_PROTO_ANY)
        return true; /* every port */
    for (size_t i = 0; i < r->port_count; i++) {
        fw_port_range p = fw_binding_resolve(b, &r->ports[i]);
        if (port >= p.lo && port <= p.hi)
            return true;
    }
    return false;
}

/* The port variable a setting moved off the flow's port: its default holds
 * it, its value does not. */
static int moved_port_variable(const fw_rule *r, const fw_binding *b, const fw_binding *defaults, uint16_t port)
{
    for (size_t i = 0; i < r->port_count; i++) {
        if (r->ports[i].variable < 0)
            continue;
        fw_port_range now = fw_binding_resolve(b, &r->ports[i]), was = fw_binding_resolve(defaults, &r->ports[i]);
        if (port >= was.lo && port <= was.hi && !(port >= now.lo && port <= now.hi))
            return r->ports[i].variable;
    }
    return -1;
}

static bool flow_in_scope(const fw_flow *f, const fw_address *list, size_t count)
{
    fw_address host = {.family = f->v6 ? FW_AF_V6 : FW_AF_V4, .prefix = f->v6 ? 128 : 32};
    memcpy(host.bytes, f->remote_addr, 16);
    for (size_t i = 0; i < count; i++)
        if (fw_address_within(&host, &list[i]))
            return true;
    return false;
}

/* What one rule lacks, as bits, and (words: for the rules kept) in words;
 * the settings that would fix it go to sets, and *fixable says whether
 * every lack has one. */
typedef struct {
    bool words;
    unsigned unmatched;
    fw_buf why;  /* "; this flow comes from ..." */
    fw_buf reason; /* "outside scope; other program" */
    fw_buf sets; /* " --set ..." */
    bool fixable;
} lacks;

/* "--set name=value", quoted for cmd.exe when the value has a space. */
static void add_set(lacks *l, const char *name, const char *value)
{
    fw_buf *b = &l->sets;
    if (!l->words)
        return;
    if (strchr(value, ' '))
        fw_buf_printf(b, " --set \"%s=%s\"", name, value);
    else
        fw_buf_printf(b, " --set %s=%s", name, value);
}

static void lack(lacks *l, fw_nm_reason r, bool fixable, const char *reason, const char *format, const char *a,
                 const char *b)
{
    l->unmatched |= r;
    l->fixable &= fixable;
    if (!l->words)
        return;
    fw_buf_printf(&l->reason, "%s%s", l->reason.len ? "; " : "", reason);
    fw_buf_printf(&l->why, "; ");
    fw_buf_printf(&l->why, format, a, b);
}

static void check_scope(const fw_nm_query *q, const fw_rule_view *v, lacks *l)
{
    const fw_rule *r = v->rule;
    bool any;
    const fw_address *list;
    size_t count;
    if (!fw_binding_remote(v->binding, r, &any, &list, &count)) {
        /* An addresses variable with no value: the rule waits for its peers. */
        const char *name = v->binding->file->variables[r->remote_variable].name;
        char *waits = l->words ? fw_xasprintf("waits for %s", name) : NULL;
        lack(l, FW_NM_PENDING, true, waits, "its peers are not named (%s is not set)%s", name, "");
        free(waits);
        add_set(l, name, q->remote_text ? q->remote_text : "ADDRESS");
        return;
    }
    if (any || !q->flow->has_remote_addr || flow_in_scope(q->flow, list, count))
        return; /* no peer given: the scope cannot be judged */
    const char *where = q->flow->inbound ? "this flow comes from %s%s" : "this flow goes to %s%s";
    if (r->remote_variable < 0) {
        lack(l, FW_NM_REMOTE_ADDRESS, false, "outside scope", where, q->remote_text, " (the catalog fixes this rule's scope)");
        return;
    }
    lack(l, FW_NM_REMOTE_ADDRESS, true, "outside scope", where, q->remote_text, "");
    const char *name = v->binding->file->variables[r->remote_variable].name;
    if (l->words) {
        char *widened = fw_xasprintf("%s,%s", v->binding->texts[r->remote_variable], q->remote_text);
        add_set(l, name, widened);
        free(widened);
    }
}

static void check_program(const fw_nm_query *q, const fw_rule_view *v, lacks *l)
{
    const fw_rule *r = v->rule;
    if (!v->program || (q->program && fw_str_ieq(v->program, q->program)))
        return;
    if (!q->program) {
        if (q->observed)
            lack(l, FW_NM_PROGRAM, false, "other program", "WFP reported no program for this flow%s%s", "", "");
        else
            lack(l, FW_NM_PROGRAM, false, "other program", "this flow names no program (give --program %s)%s",
                 v->program, "");
        return;
    }
    /* The same program in another folder: the path variable points the
     * rule at it. */
    const char *rest = r->program_variable >= 0 ? strchr(r->program, '}') + 1 : NULL;
    bool movable = rest && fw_str_ends_with_i(q->program, rest) && strlen(q->program) > strlen(rest);
    lack(l, FW_NM_PROGRAM, movable, "other program", "this flow's program is %s%s", q->program, "");
    if (movable && l->words) {
        char *folder = fw_xstrndup(q->program, strlen(q->program) - strlen(rest));
        add_set(l, v->binding->file->variables[r->program_variable].name, folder);
        free(folder);
    }
}

static void check_filters(const fw_nm_query *q, const fw_rule_view *v, lacks *l)
{
    unsigned bit = flow_layer_bit(q->flow);
    if ((v->pending_layers & bit) && !(l->unmatched & FW_NM_PENDING)) {
        /* The flow's own program already points the path variable at
         * its folder: one --set of it, not two. */
        if (v->pending_fix && l->words && !(l->unmatched & FW_NM_PROGRAM))
            fw_buf_printf(&l->sets, " %s", v->pending_fix);
        lack(l, FW_NM_PENDING, v->pending_fix != NULL, "waits for its program", "its program is not installed at %s%s",
             v->program ? v->program : "its path", v->pending_fix ? " (it is in another known folder)" : "");
    }
    if (v->disabled_layers & bit)
        lack(l, FW_NM_DISABLED, true, "disabled", "its filter is DISABLED: BFE did not enforce it at boot (is the fwsvc service "
             "running?)%s%s", "", "");
    if (v->drifted_layers & bit)
        lack(l, FW_NM_DRIFTED, true, "drifted", "its filter is missing or changed in WFP (drift)%s%s", "", "");
}

static char *opens_text(const fw_rule_view *v)
{
    const fw_rule *r = v->rule;
    fw_buf b = {0};
    fw_buf_printf(&b, "%s/%s opens %s %s", v->profile->name, r->id, r->direction == FW_DIR_IN ? "inbound" : "outbound",
                  r->protocol == FW_PROTO_TCP ? "tcp" : r->protocol == FW_PROTO_UDP ? "udp" : "every protocol");
    for (size_t i = 0; r->protocol != FW_PROTO_ANY && i < r->port_count; i++) {
        char text[16];
        fw_port_range_format(fw_binding_resolve(v->binding, &r->ports[i]), text, sizeof text);
        fw_buf_printf(&b, "%s%s", i ? "," : " ", text);
    }
    const char *side = r->direction == FW_DIR_IN ? "from" : "to";
    if (r->remote_variable >= 0) {
        const char *value = v->binding->texts[r->remote_variable];
        fw_buf_printf(&b, " %s %s", side, value ? value : "the peers it waits for");
    } else if (r->remote_count) {
        fw_buf_printf(&b, " %s ", side);
        for (size_t i = 0; i < r->remote_count; i++)
            fw_buf_printf(&b, "%s%s", i ? "," : "", r->remote_text[i]);
    } else {
        fw_buf_printf(&b, " %s any address", side);
    }
    if (v->program)
        fw_buf_printf(&b, " for %s", v->program);
    return fw_buf_take(&b);
}

/* How far a rule is from carrying the flow: another direction or protocol
 * is another purpose, far; a program other than the flow's, or one the flow
 * does not name, is another purpose or a guess; a setting, an install of
 * the flow's own program or an apply is near. */
static int distance_of(unsigned unmatched, bool applied)
{
    int d = !applied;
    for (unsigned r = 0; r < FW_NM_REASON_COUNT; r++)
        if (unmatched & (1u << r))
            d += (1u << r) == FW_NM_DIRECTION                   ? 4
                 : (1u << r) == FW_NM_PROTOCOL                  ? 3
                 : (1u << r) == FW_NM_PROGRAM                   ? 2
                                                                : 1;
    return d;
}

/* One rule: what it lacks (bits, distance), or not a candidate (false);
 * with words, its rule name, text, reason and fix too. */
static bool consider(const fw_nm_query *q, const fw_rule_view *v, bool words, fw_near_miss *out)
{
    const fw_flow *f = q->flow;
    const fw_rule *r = v->rule;
    memset(out, 0, sizeof *out);
    if (!fw_binding_has_rule(v->binding, r))
        return false; /* a rule of another version of the product than this host's */
    uint16_t port = flow_port(f);
    bool here = ports_hold(r, v->binding, port), by_default = ports_hold(r, v->defaults, port);
    if (!here && !by_default)
        return false;
    bool protocol_differs = r->protocol != FW_PROTO_ANY && r->protocol != f->protocol;
    bool direction_differs = (r->direction == FW_DIR_IN) != f->inbound;
    if (protocol_differs && direction_differs)
        return false;
    lacks l = {.words = words, .fixable = true};
    if (!v->applied && words) {
        fw_buf_printf(&l.why, "; profile %s is not applied on this host", v->profile->name);
        fw_buf_printf(&l.reason, "not applied");
    }
    if (direction_differs)
        lack(&l, FW_NM_DIRECTION, false, "other direction", "this flow is %s%s", f->inbound ? "inbound" : "outbound", "");
    if (protocol_differs)
        lack(&l, FW_NM_PROTOCOL, false, "other protocol", "this flow is %s%s", f->protocol == 6 ? "TCP" : "UDP", "");
    if (!here) {
        int var = moved_port_variable(r, v->binding, v->defaults, port);
        const fw_variable *fv = var >= 0 ? &v->binding->file->variables[var] : NULL;
        char port_text[8];
        snprintf(port_text, sizeof port_text, "%u", port);
        char *moved = words ? fw_xasprintf("port moved by %s", fv ? fv->name : "a setting") : NULL;
        lack(&l, f->inbound ? FW_NM_LOCAL_PORT : FW_NM_REMOTE_PORT, fv != NULL, moved,
             "%s is set otherwise on this host; its default holds port %s", fv ? fv->name : "a setting", port_text);
        free(moved);
        if (fv)
            add_set(&l, fv->name, fv->default_text);
    }
    check_scope(q, v, &l);
    check_program(q, v, &l);
    if (v->applied)
        check_filters(q, v, &l);
    out->applied = v->applied;
    out->unmatched = l.unmatched;
    out->distance = distance_of(l.unmatched, v->applied);
    if (words) {
        char *opens = opens_text(v);
        out->rule = fw_xasprintf("%s/%s", v->profile->name, r->id);
        out->text = fw_xasprintf("%s%s", opens, l.why.len ? l.why.data : "; it matches this flow");
        out->reason = fw_buf_take(&l.reason);
        if (!out->reason)
            out->reason = fw_xstrdup("matches");
        bool needs_apply = !v->applied || l.unmatched;
        out->fix = needs_apply && l.fixable
                       ? fw_xasprintf("fwsvc apply --profile %s%s", v->profile->name, l.sets.len ? l.sets.data : "")
                       : NULL;
        free(opens);
    }
    fw_buf_free(&l.why);
    fw_buf_free(&l.sets);
    fw_buf_free(&l.reason);
    return true;
}

static void near_miss_free(fw_near_miss *m)
{
    free(m->rule);
    free(m->fix);
    free(m->text);
    free(m->reason);
}

/* A candidate before its words: which rule, how far. */
typedef struct {
    size_t view;
    unsigned unmatched;
    int distance;
} candidate;

void fw_near_misses_find_where(const fw_nm_query *q, const fw_rule_view *rules, size_t count, size_t max,
                               fw_nm_keep keep, void *context, fw_near_misses *out)
{
    memset(out, 0, sizeof *out);
    candidate *found = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < count; i++) {
        fw_near_miss m;
        if (consider(q, &rules[i], false, &m) && (!keep || keep(context, &rules[i], m.unmatched)))
            FW_PUSH(found, n, cap, ((candidate){i, m.unmatched, m.distance}));
    }
    /* Closest first; ties keep the catalog's order (insertion sort: stable). */
    for (size_t i = 1; i < n; i++) {
        candidate c = found[i];
        size_t j = i;
        for (; j > 0 && found[j - 1].distance > c.distance; j--)
            found[j] = found[j - 1];
        found[j] = c;
    }
    /* Words for the ones kept only: they are most of the cost. */
    size_t kept = n < max ? n : max;
    out->items = fw_xcalloc(kept ? kept : 1, sizeof *out->items);
    out->cap = kept ? kept : 1;
    for (size_t i = 0; i < kept; i++)
        consider(q, &rules[found[i].view], true, &out->items[out->count++]);
    out->omitted = n - kept;
    free(found);
}

void fw_near_misses_find(const fw_nm_query *q, const fw_rule_view *rules, size_t count, size_t max,
                         fw_near_misses *out)
{
    fw_near_misses_find_where(q, rules, count, max, NULL, NULL, out);
}

void fw_near_misses_free(fw_near_misses *m)
{
    for (size_t i = 0; i < m->count; i++)
        near_miss_free(&m->items[i]);
    free(m->items);
    memset(m, 0, sizeof *m);
}
