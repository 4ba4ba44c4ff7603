#include "reconcile_diff.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

static int find_key(const fw_existing_filter *e, size_t n, const fw_key *k)
{
    for (size_t i = 0; i < n; i++)
        if (fw_key_equal(&e[i].key, k))
            return (int)i;
    return -1;
}

static void push(fw_diff *d, fw_diff_kind kind, const char *identity, size_t wanted, size_t existing)
{
    fw_diff_item item = {.kind = kind, .identity = identity, .wanted = wanted, .existing = existing};
    FW_PUSH(d->items, d->count, d->cap, item);
}

void fw_diff_compute(fw_diff *d, const fw_wanted_filter *wanted, size_t wanted_count,
                     const fw_existing_filter *existing, size_t existing_count)
{
    *d = (fw_diff){0};
    bool *existing_used = fw_xcalloc(existing_count ? existing_count : 1, sizeof *existing_used);
    bool *wanted_done = fw_xcalloc(wanted_count ? wanted_count : 1, sizeof *wanted_done);

    /* Same key: in sync, disabled by BFE, or rewritten by someone else
     * (same key, other content). Rewrites are held back to be listed with
     * the other changes. */
    size_t *rewritten = fw_xcalloc(wanted_count ? wanted_count : 1, sizeof *rewritten);
    size_t rewritten_count = 0;
    for (size_t w = 0; w < wanted_count; w++) {
        int e = find_key(existing, existing_count, &wanted[w].key);
        if (e < 0)
            continue;
        existing_used[e] = true;
        wanted_done[w] = true;
        if (existing[e].disabled)
            push(d, FW_DIFF_DISABLED, wanted[w].identity, w, (size_t)e);
        else if (wanted[w].content && existing[e].content && wanted[w].content != existing[e].content)
            rewritten[rewritten_count++] = w;
        else
            d->unchanged++;
    }
    size_t first_changed = d->count;
    for (size_t r = 0; r < rewritten_count; r++) {
        size_t w = rewritten[r];
        push(d, FW_DIFF_CHANGED, wanted[w].identity, w, (size_t)find_key(existing, existing_count, &wanted[w].key));
        d->items[d->count - 1].rewritten = true;
    }
    free(rewritten);
    /* Same identity, other key: the rule changed. */
    for (size_t w = 0; w < wanted_count; w++) {
        if (wanted_done[w])
            continue;
        for (size_t e = 0; e < existing_count; e++) {
            if (existing_used[e] || !existing[e].identity || !wanted[w].identity ||
                strcmp(existing[e].identity, wanted[w].identity) != 0)
                continue;
            existing_used[e] = true;
            wanted_done[w] = true;
            push(d, FW_DIFF_CHANGED, wanted[w].identity, w, e);
            break;
        }
    }
    for (size_t w = 0; w < wanted_count; w++)
        if (!wanted_done[w])
            push(d, FW_DIFF_MISSING, wanted[w].identity, w, 0);
    for (size_t e = 0; e < existing_count; e++)
        if (!existing_used[e])
            push(d, FW_DIFF_EXTRA, existing[e].identity, 0, e);

    /* Order: changed, missing, extra, disabled (disabled were pushed first). */
    size_t disabled = first_changed;
    if (disabled) {
        fw_diff_item *tmp = fw_xmalloc(d->count * sizeof *tmp);
        memcpy(tmp, d->items + disabled, (d->count - disabled) * sizeof *tmp);
        memcpy(tmp + (d->count - disabled), d->items, disabled * sizeof *tmp);
        free(d->items);
        d->items = tmp;
        d->cap = d->count;
    }
    free(existing_used);
    free(wanted_done);
}

size_t fw_diff_writes(const fw_diff *d)
{
    size_t writes = 0;
    for (size_t i = 0; i < d->count; i++)
        writes += (d->items[i].kind == FW_DIFF_CHANGED || d->items[i].kind == FW_DIFF_DISABLED) ? 2 : 1;
    return writes;
}

void fw_diff_free(fw_diff *d)
{
    free(d->items);
    *d = (fw_diff){0};
}

const char *fw_diff_kind_name(fw_diff_kind k)
{
    switch (k) {
    case FW_DIFF_MISSING:
        return "missing";
    case FW_DIFF_EXTRA:
        return "extra";
    case FW_DIFF_CHANGED:
        return "changed";
    case FW_DIFF_DISABLED:
        return "disabled";
    }
    return "?";
}
