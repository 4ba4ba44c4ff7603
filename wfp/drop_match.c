/* A dropped flow joined with the catalog: the near misses (near_miss.c)
 * of the rules as this host has them, sorted into what `watch` tells. */
#include "drop.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

void fw_drop_free(fw_drop *d)
{
    free(d->app_id);
    memset(d, 0, sizeof *d);
}

const char *fw_drop_kind_name(fw_drop_kind k)
{
    switch (k) {
    case FW_DROP_RULE:
        return "rule";
    case FW_DROP_PRODUCT_PORT:
        return "product_port";
    case FW_DROP_NOT_APPLIED:
        return "not_applied";
    default:
        return "other";
    }
}

/* Which rules a search keeps: of the profile asked for (or any), applied
 * or not, of the flow's purpose (its direction and protocol) or not. */
typedef struct {
    const char *profile;
    bool applied, same_purpose;
} wanted;

static bool keep(void *context, const fw_rule_view *v, unsigned unmatched)
{
    const wanted *w = context;
    bool same_purpose = !(unmatched & (FW_NM_DIRECTION | FW_NM_PROTOCOL));
    return v->applied == w->applied && same_purpose == w->same_purpose &&
           (!w->profile || strcmp(v->profile->name, w->profile) == 0);
}

/* The closest rule of that kind, in words; false when there is none. */
static bool closest(const fw_nm_query *q, const fw_rule_view *views, size_t count, wanted w, fw_near_misses *m)
{
    fw_near_misses_find_where(q, views, count, 1, keep, &w, m);
    if (m->count)
        return true;
    fw_near_misses_free(m);
    return false;
}

static void take_rule(fw_drop_match *out, const fw_near_miss *n, bool with_rule)
{
    const char *slash = strchr(n->rule, '/');
    out->profile = fw_xstrndup(n->rule, (size_t)(slash - n->rule));
    out->rule = with_rule ? fw_xstrdup(slash + 1) : NULL;
    out->unmatched = n->unmatched;
    out->text = fw_xstrdup(n->text);
}

/* fwsvc's permit matches and is hard: at its own layer only a block in a
 * heavier sublayer, or a callout's veto, drops the flow ("Filter
 * Arbitration"). A block at another layer drops it whatever the weights:
 * at the listen layer, which authorizes a program's TCP listen, not each
 * connection ("ALE Layers"), or at a packet or stream layer. */
static char *overridden(const fw_eval_filter *dropper)
{
    const char *provider = dropper && dropper->provider[0] ? dropper->provider_name : "no provider";
    if (!dropper)
        return fw_xstrdup("fwsvc's permit matches; dropped by a filter fwsvc cannot read (gone since, or a "
                          "callout)");
    if (dropper->ours)
        return fw_xstrdup("fwsvc's permit matches; dropped by another of fwsvc's filters");
    if (dropper->layer == FW_ALE_LISTEN_V4 || dropper->layer == FW_ALE_LISTEN_V6)
        return fw_xasprintf("fwsvc's permit matches; the program may not listen: a block at the listen layer "
                            "(\"%s\" of %s) refused its listen on the port, so no connection reaches fwsvc's "
                            "permit",
                            dropper->name, provider);
    if (dropper->layer == FW_ALE_LAYER_COUNT)
        return fw_xasprintf("fwsvc's permit matches; dropped at another layer, not by weight (\"%s\" of %s)",
                            dropper->name, provider);
    return fw_xasprintf("fwsvc's permit matches; overridden by a block in a heavier sublayer (\"%s\" of %s)",
                        dropper->name, provider);
}

void fw_drop_match_find(const fw_nm_query *q, const fw_rule_view *views, size_t count, const char *only_profile,
                        const fw_eval_filter *dropper, fw_drop_match *out)
{
    memset(out, 0, sizeof *out);
    fw_near_misses m;
    if (closest(q, views, count, (wanted){only_profile, true, true}, &m)) {
        out->kind = FW_DROP_RULE;
        take_rule(out, &m.items[0], true);
        out->reason = m.items[0].unmatched ? fw_xstrdup(m.items[0].reason) : overridden(dropper);
        out->fix = m.items[0].fix ? fw_xstrdup(m.items[0].fix) : NULL;
    } else if (closest(q, views, count, (wanted){only_profile, true, false}, &m)) {
        /* Often a product upgrade that moved a port, or a role the catalog
         * does not know yet. */
        out->kind = FW_DROP_PRODUCT_PORT;
        take_rule(out, &m.items[0], false);
        out->reason = fw_xstrdup("unexpected flow on a product port");
    } else if (closest(q, views, count, (wanted){only_profile, false, true}, &m)) {
        out->kind = FW_DROP_NOT_APPLIED;
        take_rule(out, &m.items[0], true);
        out->reason = fw_xstrdup(m.items[0].reason);
        out->fix = m.items[0].fix ? fw_xstrdup(m.items[0].fix) : NULL;
    } else {
        out->kind = FW_DROP_OTHER;
        out->reason = fw_xstrdup("no rule of the catalog opens this port");
        return;
    }
    fw_near_misses_free(&m);
}

void fw_drop_match_free(fw_drop_match *m)
{
    free(m->profile);
    free(m->rule);
    free(m->reason);
    free(m->fix);
    free(m->text);
    memset(m, 0, sizeof *m);
}
