/* Why a blocked flow is not carried by fwsvc: the catalog's rules that
 * would carry it, each with what it lacks on this host and the command
 * that would change that. `fwsvc why` searches the whole catalog, applied
 * profiles or not, so that "which profile opens this?" has an answer.
 * Portable: the host module gathers what each rule is on this host
 * (service/host/why_rules.c); tests/unit/test_near_miss.c drives it. */
#ifndef FW_NEAR_MISS_H
#define FW_NEAR_MISS_H

#include "arbitrate.h"
#include "binding.h"
#include "catalog.h"
#include "plan.h"

#include <stdbool.h>
#include <stddef.h>

/* What a rule lacks, as the JSON's "unmatched" names it. */
typedef enum {
    FW_NM_REMOTE_ADDRESS = 1u << 0, /* the flow's peer is outside the rule's scope */
    FW_NM_PROGRAM = 1u << 1,        /* another program, or the flow names none */
    FW_NM_LOCAL_PORT = 1u << 2,     /* a setting moved the rule off this port (inbound) */
    FW_NM_REMOTE_PORT = 1u << 3,    /* ... (outbound) */
    FW_NM_PROTOCOL = 1u << 4,
    FW_NM_DIRECTION = 1u << 5,
    FW_NM_PENDING = 1u << 6,        /* its filter waits: program not installed, peers not named */
    FW_NM_DISABLED = 1u << 7,       /* its filter is there but disabled (BFE, at boot) */
    FW_NM_DRIFTED = 1u << 8,        /* its filter is missing or differs from fwsvc's plan */
} fw_nm_reason;
#define FW_NM_REASON_COUNT 9
const char *fw_nm_reason_name(fw_nm_reason r); /* "remote_address", ... */

/* A rule as this host has it. */
typedef struct {
    const fw_profile *profile;
    const fw_rule *rule;
    const fw_binding *binding;  /* the host's settings when applied, else the catalog's defaults */
    const fw_binding *defaults; /* the catalog's defaults */
    bool applied;
    const char *program;        /* its program, expanded to a Windows path; NULL for any program */
    /* Its filters at each layer (fw_layer bit): waiting, disabled, drifted. */
    unsigned pending_layers, disabled_layers, drifted_layers;
    const char *pending_fix;    /* a pending program found elsewhere: the --set that points the
                                   rule at it (desired.h), or NULL */
} fw_rule_view;

typedef struct {
    char *rule;         /* "profile/rule-id" */
    bool applied;
    unsigned unmatched; /* fw_nm_reason bits */
    char *fix;          /* the command that would make the rule carry the flow, or NULL */
    char *text;         /* "P/R opens tcp 2500 from 10.0.0.0/24; this flow comes from 192.0.2.9" */
    char *reason;       /* what it lacks, short: "outside scope", "waits for veeam_servers",
                           "other program", "not applied", ... "; "-joined; "matches" when nothing */
    int distance;       /* how far it is from carrying the flow: the order of the list */
} fw_near_miss;

typedef struct {
    fw_near_miss *items;
    size_t count, cap;
    size_t omitted;     /* found beyond max */
} fw_near_misses;

/* The flow as `why` was asked: its program expanded to a Windows path, and
 * its remote address as given (for the messages and the fix); NULL when
 * not given. */
typedef struct {
    const fw_flow *flow;
    const char *program;
    const char *remote_text;
    bool observed; /* a flow WFP reported (watch), not one asked about (why) */
} fw_nm_query;

/* The rules that would carry the flow, closest first (fewest things
 * lacking, applied before not), at most max. A rule is a candidate when
 * its ports hold the flow's port, at this host's values or the catalog's
 * defaults, and it differs in at most one of protocol and direction. */
void fw_near_misses_find(const fw_nm_query *q, const fw_rule_view *rules, size_t count, size_t max,
                         fw_near_misses *out);
/* The same, among the rules keep accepts (given the rule and what it
 * lacks, fw_nm_reason bits). Only the rules returned are put in words: a
 * caller that wants one of a kind asks for max 1. */
typedef bool (*fw_nm_keep)(void *context, const fw_rule_view *rule, unsigned unmatched);
void fw_near_misses_find_where(const fw_nm_query *q, const fw_rule_view *rules, size_t count, size_t max,
                               fw_nm_keep keep, void *context, fw_near_misses *out);
void fw_near_misses_free(fw_near_misses *m);

#endif
