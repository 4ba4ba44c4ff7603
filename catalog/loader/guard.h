/* The breadth guard (docs/security.md), on the values actually bound: a
 * catalog default, --set, the host configuration, Group Policy or the MSI.
 * fwsvc's permits are hard, so an inbound rule that would open a wide range
 * (FW_BROAD_RANGE ports or more) or a port Windows or a database serves to
 * the network (fw_port_range_is_sensitive) must be bound to the program
 * that listens or scoped to named peers; a scope that counts as any address
 * ("any", 0.0.0.0/0, ::/0, or a prefix shorter than /8 or /16) is no scope.
 * The loader runs it at the catalog's defaults, the command line on --set,
 * the host module on what it is about to enforce. Portable. */
#ifndef FW_GUARD_H
#define FW_GUARD_H

#include "binding.h"
#include "catalog.h"
#include "fw_diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Shorter prefixes than these are treated as any address. */
#define FW_ANY_PREFIX_V4 8
#define FW_ANY_PREFIX_V6 16

/* True when the list holds an entry that counts as any address. */
bool fw_addresses_count_as_any(const fw_address *list, size_t count);

/* Reports every inbound rule of p that breaks the guard with b's values,
 * as an error naming the rule and the values responsible (at the rule's
 * catalog position when only catalog defaults are involved). Returns true
 * when none does. */
bool fw_guard_check(const fw_profile *p, const fw_binding *b, fw_diags *d);

/* An addresses variable of a profile whose value counts as any address:
 * each rule it scopes accepts every peer. */
typedef struct {
    const fw_profile *profile;
    const char *variable;
    const char *value;
    char *rules; /* "rule-a, rule-b" (allocated) */
} fw_widened;

typedef struct {
    fw_widened *items;
    size_t count, cap;
} fw_widened_list;

/* Appends p's widened variables under b. */
void fw_guard_widened(const fw_profile *p, const fw_binding *b, fw_widened_list *out);
void fw_widened_list_free(fw_widened_list *l);

#endif
