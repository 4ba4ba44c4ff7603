/* The diff at the heart of reconcile: what WFP holds under fwsvc's provider
 * against what the applied profiles need, by filter key. Portable, so the
 * decision logic is tested natively; wfp/reconcile.c executes it. */
#ifndef FW_RECONCILE_DIFF_H
#define FW_RECONCILE_DIFF_H

#include "filter_key.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    fw_key key;
    char *identity; /* "profile/rule/layer"; NULL if a filter carries none */
    bool disabled;  /* present but not enforced (FWPM_FILTER_FLAG_DISABLED) */
    uint64_t content; /* what it enforces (filter_content.h); 0: not known */
    uint64_t id;      /* its filterId */
    bool deleted;     /* reconcile deleted it */
} fw_existing_filter;

typedef struct {
    fw_key key;
    char *identity;
    uint64_t content; /* what it must enforce; 0: not known */
} fw_wanted_filter;

typedef enum {
    FW_DIFF_MISSING, /* wanted, not in WFP: add */
    FW_DIFF_EXTRA,   /* in WFP, not wanted: delete */
    FW_DIFF_CHANGED, /* same identity, other key (the rule changed), or same key and other
                        content (someone rewrote it): delete the old, add the new */
    FW_DIFF_DISABLED /* wanted and present, but BFE did not enforce it at boot */
} fw_diff_kind;

typedef struct {
    fw_diff_kind kind;
    bool rewritten;  /* CHANGED: same key, other content (not a rule edit) */
    const char *identity;
    size_t wanted;   /* index into wanted (MISSING, CHANGED, DISABLED) */
    size_t existing; /* index into existing (EXTRA, CHANGED, DISABLED) */
} fw_diff_item;

typedef struct {
    fw_diff_item *items;
    size_t count, cap;
    size_t unchanged;
} fw_diff;

/* Builds the diff. Items are ordered: changed, missing, extra, disabled,
 * each in input order, so the output is deterministic. */
void fw_diff_compute(fw_diff *d, const fw_wanted_filter *wanted, size_t wanted_count,
                     const fw_existing_filter *existing, size_t existing_count);
/* Writes reconcile makes: one add per missing, one delete per extra, one
 * of each per changed; a disabled filter is re-added (delete + add). */
size_t fw_diff_writes(const fw_diff *d);
void fw_diff_free(fw_diff *d);
const char *fw_diff_kind_name(fw_diff_kind k);

#endif
