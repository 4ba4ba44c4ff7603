/* Deterministic filter keys: a GUID derived from the profile, the rule, the
 * layer and everything that decides what the filter matches. Reconcile diffs
 * by key, so an edited rule gets a new key (delete + add) and an unchanged
 * one keeps its key (no write at all). */
#ifndef FW_FILTER_KEY_H
#define FW_FILTER_KEY_H

#include "plan.h"

#include <stdint.h>

typedef struct {
    uint8_t bytes[16]; /* RFC 4122 byte order; version 8 (custom), variant 10 */
} fw_key;

/* app_id: the resolved NT path for a program rule (it is part of what the
 * filter matches), NULL otherwise. */
fw_key fw_filter_key(const fw_planned_filter *filter, const char *app_id);

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
void fw_key_format(const fw_key *key, char out[39]);
bool fw_key_equal(const fw_key *a, const fw_key *b);

/* "dpm/dcom-in/recv-accept-v4": how a filter names its origin. */
char *fw_filter_identity(const fw_planned_filter *filter);

#endif
