#include "filter_changes.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool holds(const uint64_t *ids, size_t count, uint64_t id)
{
    return count && bsearch(&id, ids, count, sizeof *ids, by_value) != NULL;
}

void fw_known_filters_clear(fw_known_filters *k)
{
    free(k->seen);
    free(k->after);
    memset(k, 0, sizeof *k);
}

void fw_known_filters_set(fw_known_filters *k, const fw_existing_filter *existing, size_t existing_count,
                          const uint64_t *added, size_t added_count)
{
    fw_known_filters_clear(k);
    k->seen = fw_xcalloc(existing_count + 1, sizeof *k->seen);
    k->after = fw_xcalloc(existing_count + added_count + 1, sizeof *k->after);
    for (size_t i = 0; i < existing_count; i++) {
        k->seen[k->seen_count++] = existing[i].id;
        if (!existing[i].deleted)
            k->after[k->after_count++] = existing[i].id;
    }
    for (size_t i = 0; i < added_count; i++)
        k->after[k->after_count++] = added[i];
    qsort(k->seen, k->seen_count, sizeof *k->seen, by_value);
    qsort(k->after, k->after_count, sizeof *k->after, by_value);
    k->known = true;
}

bool fw_filter_change_is_new(const fw_known_filters *k, const fw_filter_change *c)
{
    if (!k->known)
        return true;
    if (c->type == FW_FILTER_DELETED)
        return holds(k->after, k->after_count, c->id); /* it was there after the commit */
    return !holds(k->seen, k->seen_count, c->id) && !holds(k->after, k->after_count, c->id);
}
