/* A connection WFP dropped (a classify-drop net event: FWPM_NET_EVENT1
 * with FWPM_NET_EVENT_CLASSIFY_DROP1), and what fwsvc makes of it: the
 * rule of an applied profile the flow belongs to, why fwsvc's permit did
 * not carry it (near_miss.h's reasons) and the command that would fix it.
 * `fwsvc watch` and the service's drop watch share it (docs/watch.md).
 * Portable: wfp/net_drops.c turns net events into fw_drop on Windows;
 * tests/unit/test_drop_match.c drives it with constructed rules. */
#ifndef FW_DROP_H
#define FW_DROP_H

#include "arbitrate.h"
#include "near_miss.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t time;          /* FILETIME: 100 ns since 1601, UTC */
    fw_flow flow;           /* flow.app_id points into app_id */
    uint8_t *app_id;        /* the program's app id as WFP reported it (UTF-16LE NT path), owned */
    uint64_t filter_id;     /* the filter that dropped it */
    uint16_t layer_id;
    char local_text[64], remote_text[64];
} fw_drop;

void fw_drop_free(fw_drop *d);

typedef enum {
    FW_DROP_RULE,         /* a flow a rule of an applied profile documents */
    FW_DROP_PRODUCT_PORT, /* on a port of an applied profile, in a direction or protocol no rule has */
    FW_DROP_NOT_APPLIED,  /* a flow of a rule of a profile this host has not applied */
    FW_DROP_OTHER,        /* nothing in the catalog opens this port */
} fw_drop_kind;
const char *fw_drop_kind_name(fw_drop_kind k); /* "rule", "product_port", "not_applied", "other" */

typedef struct {
    fw_drop_kind kind;
    char *profile;      /* NULL for FW_DROP_OTHER */
    char *rule;         /* the rule's id; NULL unless RULE or NOT_APPLIED */
    unsigned unmatched; /* fw_nm_reason bits */
    char *reason;       /* "waits for veeam_servers", "outside scope", "unexpected flow on a product port", ... */
    char *fix;          /* the command that would let the flow pass, or NULL */
    char *text;         /* the rule, and what this flow lacks, in a sentence; or NULL */
} fw_drop_match;

/* The filter that dropped the flow, as far as WFP told: dropper is NULL
 * when the id is no filter fwsvc could read (gone since); its layer is
 * FW_ALE_LAYER_COUNT when it is not an ALE authorization layer (a packet or
 * stream layer). only_profile: consider that profile's rules only. */
void fw_drop_match_find(const fw_nm_query *q, const fw_rule_view *views, size_t count, const char *only_profile,
                        const fw_eval_filter *dropper, fw_drop_match *out);
void fw_drop_match_free(fw_drop_match *m);

/* At most one report per flow per period: a flow is its rule (or
 * profile), direction, protocol, the product's port (local inbound, remote
 * outbound) and the peer's address; the peer's own port changes with every
 * attempt. Bounded: when FW_DROP_THROTTLE_MAX flows are remembered, those
 * reported longer than a period ago are forgotten; if every one is recent
 * (a storm of distinct flows), half of them, in no particular order, are
 * kept and the rest forgotten (and may be reported again). */
#define FW_DROP_THROTTLE_MAX 4096
typedef struct fw_drop_throttle fw_drop_throttle;
fw_drop_throttle *fw_drop_throttle_new(uint64_t period_100ns);
/* Whether to report the drop now (and remembers that it was). */
bool fw_drop_throttle_admit(fw_drop_throttle *t, const fw_drop *d, const char *rule, uint64_t now);
void fw_drop_throttle_free(fw_drop_throttle *t);

#endif
