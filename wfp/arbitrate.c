/* Filter arbitration over the filters of the layers a flow crosses; the
 * rules are in arbitrate.h, their sources in docs/wfp.md. */
#include "arbitrate.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const fw_eval_sublayer *sublayers;
    const fw_eval_filter *filters;
    size_t *order;   /* sublayer indices holding a filter at this layer that could match the flow, by weight */
    size_t count;
    long *decider;   /* per position in order: the deciding filter, or -1 */
} layer_eval;

typedef struct {
    bool permit;
    long decided_by;
} layer_result;

/* qsort takes no context in C11: the sublayers being sorted, for the comparison. */
static const fw_eval_sublayer *sorting_sublayers;

static int by_weight_desc(const void *a, const void *b)
{
    const fw_eval_sublayer *x = &sorting_sublayers[*(const size_t *)a], *y = &sorting_sublayers[*(const size_t *)b];
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return memcmp(x->key_bytes, y->key_bytes, 16);
}

/* f outranks the current decider within their sublayer: a higher effective
 * weight; on a tie, the older filter (lower id). */
static bool outranks(const fw_eval_filter *filters, size_t f, long current)
{
    if (current < 0)
        return true;
    const fw_eval_filter *a = &filters[f], *b = &filters[current];
    return a->weight > b->weight || (a->weight == b->weight && a->id < b->id);
}

static size_t position_of(const layer_eval *L, size_t sublayer)
{
    for (size_t i = 0; i < L->count; i++)
        if (L->order[i] == sublayer)
            return i;
    return L->count;
}

/* The sublayers' decisions combined ("Filter Arbitration": Block overrides
 * Permit and is final; a hard permit can only be overridden by a veto). */
static layer_result fold(const layer_eval *L, fw_step_outcome *outcomes)
{
    layer_result r = {true, -1};
    bool decided = false, hard = false, final = false;
    for (size_t i = 0; i < L->count; i++) {
        long d = L->decider[i];
        fw_step_outcome o = FW_STEP_NO_MATCH;
        if (final) {
            o = FW_STEP_NOT_REACHED;
        } else if (d >= 0 && L->filters[d].action == FW_EA_BLOCK) {
            if (decided && hard) {
                o = FW_STEP_NO_EFFECT;
            } else {
                if (decided && outcomes) /* the soft permit above is overridden */
                    for (size_t k = 0; k < i; k++)
                        if (outcomes[k] == FW_STEP_DECIDES)
                            outcomes[k] = FW_STEP_OVERRIDDEN;
                r = (layer_result){false, d};
                o = FW_STEP_DECIDES;
                final = true;
            }
        } else if (d >= 0) {
            bool clear_right = L->filters[d].hard;
            if (!decided || (!hard && clear_right)) {
                if (decided && outcomes)
                    for (size_t k = 0; k < i; k++)
                        if (outcomes[k] == FW_STEP_DECIDES)
                            outcomes[k] = FW_STEP_NO_EFFECT;
                r = (layer_result){true, d};
                decided = true;
                hard = clear_right;
                o = FW_STEP_DECIDES;
            } else {
                o = FW_STEP_NO_EFFECT;
            }
        }
        if (outcomes)
            outcomes[i] = o;
    }
    return r;
}

static void layer_init(layer_eval *L, fw_ale_layer layer, const fw_flow *flow, const fw_eval_sublayer *sublayers,
                       size_t sublayer_count, const fw_eval_filter *filters, size_t filter_count)
{
    *L = (layer_eval){.sublayers = sublayers, .filters = filters};
    /* A sublayer whose filters all cannot match the flow says nothing of
     * it: the trace is the same whether WFP returned every filter or only
     * those that can match (why_read.h). */
    bool *present = fw_xcalloc(sublayer_count + 1, sizeof *present);
    for (size_t f = 0; f < filter_count; f++) {
        const char *unknown;
        if (filters[f].layer == layer && filters[f].sublayer < sublayer_count && !present[filters[f].sublayer] &&
            fw_filter_matches(&filters[f], flow, &unknown) != FW_TRI_NO)
            present[filters[f].sublayer] = true;
    }
    L->order = fw_xcalloc(sublayer_count + 1, sizeof *L->order);
    for (size_t s = 0; s < sublayer_count; s++)
        if (present[s])
            L->order[L->count++] = s;
    free(present);
    sorting_sublayers = sublayers;
    qsort(L->order, L->count, sizeof *L->order, by_weight_desc);
    L->decider = fw_xcalloc(L->count + 1, sizeof *L->decider);
    for (size_t i = 0; i < L->count; i++)
        L->decider[i] = -1;
    for (size_t f = 0; f < filter_count; f++) {
        const fw_eval_filter *x = &filters[f];
        if (x->layer != layer || x->disabled || x->action == FW_EA_CALLOUT || x->sublayer >= sublayer_count)
            continue;
        const char *unknown;
        if (fw_filter_matches(x, flow, &unknown) != FW_TRI_YES)
            continue;
        size_t pos = position_of(L, x->sublayer);
        if (outranks(filters, f, L->decider[pos]))
            L->decider[pos] = (long)f;
    }
}

static void layer_free(layer_eval *L)
{
    free(L->order);
    free(L->decider);
}

/* The flow's verdict from its layers' results: the first layer that blocks
 * decides; if all permit, the last layer with a deciding filter. */
static void combine(const layer_result *results, size_t n, bool *permit, long *decided_by)
{
    *permit = true;
    *decided_by = -1;
    for (size_t i = 0; i < n; i++) {
        if (!results[i].permit) {
            *permit = false;
            *decided_by = results[i].decided_by;
            return;
        }
        if (results[i].decided_by >= 0)
            *decided_by = results[i].decided_by;
    }
}

/* Would the verdict change if filter f (unknown) matched, or a callout
 * blocked? Only f's sublayer decision can change: the fold is redone. */
static bool verdict_depends_on(layer_eval *layers, layer_result *results, size_t n, size_t li, size_t f,
                               bool permit)
{
    layer_eval *L = &layers[li];
    size_t pos = position_of(L, L->filters[f].sublayer);
    if (pos == L->count || !outranks(L->filters, f, L->decider[pos]))
        return false; /* its sublayer decides before it is reached */
    if (L->filters[f].action == FW_EA_CALLOUT)
        return true; /* reached: its code decides, a veto included */
    long saved = L->decider[pos];
    layer_result saved_result = results[li];
    L->decider[pos] = (long)f;
    results[li] = fold(L, NULL);
    bool p;
    long d;
    combine(results, n, &p, &d);
    L->decider[pos] = saved;
    results[li] = saved_result;
    return p != permit;
}

/* The unevaluated filters in the order arbitration meets them: layer,
 * sublayer (heaviest first), filter (outranking first); not the order the
 * engine happened to return them in. */
typedef struct {
    size_t layer_rank, position;
    fw_unevaluated u;
} ranked;

static const fw_eval_filter *ranking_filters; /* the caller's, for the comparison */

static int by_arbitration_order(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->layer_rank != y->layer_rank)
        return x->layer_rank < y->layer_rank ? -1 : 1;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    if (x->u.filter == y->u.filter)
        return 0;
    return outranks(ranking_filters, (size_t)x->u.filter, y->u.filter) ? -1 : 1;
}

static void sort_unevaluated(const layer_eval *layers, const fw_ale_layer *ids, size_t n, fw_verdict *out)
{
    if (out->unevaluated_count < 2)
        return;
    ranked *r = fw_xcalloc(out->unevaluated_count, sizeof *r);
    for (size_t i = 0; i < out->unevaluated_count; i++) {
        const fw_unevaluated *u = &out->unevaluated[i];
        size_t li = 0;
        while (li + 1 < n && ids[li] != u->layer)
            li++;
        r[i] = (ranked){li, position_of(&layers[li], layers[li].filters[u->filter].sublayer), *u};
    }
    ranking_filters = layers[0].filters;
    qsort(r, out->unevaluated_count, sizeof *r, by_arbitration_order);
    ranking_filters = NULL;
    for (size_t i = 0; i < out->unevaluated_count; i++)
        out->unevaluated[i] = r[i].u;
    free(r);
}

void fw_arbitrate(const fw_flow *flow, const fw_eval_sublayer *sublayers, size_t sublayer_count,
                  const fw_eval_filter *filters, size_t filter_count, fw_verdict *out)
{
    memset(out, 0, sizeof *out);
    fw_ale_layer layer_ids[2];
    size_t n = fw_flow_layers(flow, layer_ids);
    layer_eval layers[2];
    layer_result results[2];
    size_t step_cap = 0, uneval_cap = 0;
    for (size_t i = 0; i < n; i++) {
        layer_init(&layers[i], layer_ids[i], flow, sublayers, sublayer_count, filters, filter_count);
        results[i] = fold(&layers[i], NULL);
    }
    combine(results, n, &out->permit, &out->decided_by);

    bool blocked_before = false;
    for (size_t i = 0; i < n; i++) {
        layer_eval *L = &layers[i];
        fw_step_outcome *outcomes = fw_xcalloc(L->count + 1, sizeof *outcomes);
        fold(L, outcomes);
        for (size_t k = 0; k < L->count; k++) {
            fw_eval_step step = {layer_ids[i], L->order[k], L->decider[k],
                                 blocked_before ? FW_STEP_NOT_REACHED : outcomes[k]};
            FW_PUSH(out->steps, out->step_count, step_cap, step);
        }
        free(outcomes);
        blocked_before |= !results[i].permit;
    }

    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < filter_count; f++) {
            const fw_eval_filter *x = &filters[f];
            if (x->layer != layer_ids[i] || x->disabled || x->sublayer >= sublayer_count)
                continue;
            const char *unknown = NULL;
            fw_tri m = fw_filter_matches(x, flow, &unknown);
            bool callout = x->action == FW_EA_CALLOUT;
            if (m == FW_TRI_NO || (m == FW_TRI_YES && !callout))
                continue;
            fw_unevaluated u = {(long)f, layer_ids[i], callout ? "callout" : unknown,
                                verdict_depends_on(layers, results, n, i, f, out->permit)};
            FW_PUSH(out->unevaluated, out->unevaluated_count, uneval_cap, u);
        }
    sort_unevaluated(layers, layer_ids, n, out);
    for (size_t i = 0; i < n; i++)
        layer_free(&layers[i]);
}

void fw_verdict_free(fw_verdict *v)
{
    free(v->steps);
    free(v->unevaluated);
    memset(v, 0, sizeof *v);
}

const char *fw_step_outcome_name(fw_step_outcome o)
{
    switch (o) {
    case FW_STEP_NO_MATCH:
        return "no match";
    case FW_STEP_DECIDES:
        return "decides";
    case FW_STEP_OVERRIDDEN:
        return "overridden";
    case FW_STEP_NO_EFFECT:
        return "no effect";
    default:
        return "not reached";
    }
}
