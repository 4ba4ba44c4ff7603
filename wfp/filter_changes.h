/* Which change notifications the last reconcile has already answered. A
 * notification arrives on another thread, some time after the change; one
 * for a change the reconcile already saw when it read WFP (a filter gone
 * before it read, or added before it read) needs nothing more. Only a
 * change after its read does: a filter present after its commit that is
 * now deleted, or a filter it never saw that is now added. Notifications
 * carry the filter's runtime id (FWPM_FILTER_CHANGE0.filterId). Portable. */
#ifndef FW_FILTER_CHANGES_H
#define FW_FILTER_CHANGES_H

#include "reconcile_diff.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { FW_FILTER_ADDED, FW_FILTER_DELETED } fw_filter_change_type;

typedef struct {
    fw_filter_change_type type;
    uint64_t id;
} fw_filter_change;

typedef struct {
    bool known;      /* a reconcile has run: before one, every change is new */
    uint64_t *seen;  /* sorted: the ids of fwsvc's filters the last reconcile read */
    size_t seen_count;
    uint64_t *after; /* sorted: the ids present once it committed (seen less its deletes, plus its adds) */
    size_t after_count;
} fw_known_filters;

/* What a committed reconcile read (existing, with what it deleted marked)
 * and the ids of the filters it added. */
void fw_known_filters_set(fw_known_filters *k, const fw_existing_filter *existing, size_t existing_count,
                          const uint64_t *added, size_t added_count);
/* Forgets: every change is new again (BFE restarted, ids start over). */
void fw_known_filters_clear(fw_known_filters *k);
/* True when the change came after the last reconcile's read. */
bool fw_filter_change_is_new(const fw_known_filters *k, const fw_filter_change *c);

#endif
