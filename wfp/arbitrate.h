/* Which filter decides a flow: WFP's filter arbitration, in portable C, over
 * filters read from the engine (wfp/why_read.c on Windows) or built by hand
 * (tests/unit/test_arbitrate.c). `fwsvc why` is its front; docs/why.md.
 *
 * The rules ("Filter Arbitration", Microsoft Learn; docs/wfp.md):
 * - a layer's sublayers are evaluated from the highest weight to the lowest
 *   (equal weights: by key, as the emulator orders them), all of them;
 * - within a sublayer, matching filters from the highest effective weight;
 *   the first Permit or Block decides the sublayer ("Filter Weight
 *   Assignment": BFE's effectiveWeight is the order);
 * - across sublayers, Block overrides Permit and is final, unless a hard
 *   permit (FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT: "can only be blocked in
 *   another sublayer by a callout veto") was decided above it; a lower
 *   sublayer's hard permit makes a soft permit hard;
 * - disabled filters (FWPM_FILTER_FLAG_DISABLED) do not count;
 * - no match at all: the layer permits.
 * For inbound TCP the listen layer must permit too.
 *
 * A condition the flow cannot answer (a user SID, an interface, a field not
 * given) is unknown: the verdict is computed as if it did not match, which
 * is also how the emulator's classify treats a field it is not given, and
 * each such filter is reported with whether the verdict depends on it (the
 * verdict changes if it matched). Callout filters are reported the same way
 * (their decision is code fwsvc cannot run). */
#ifndef FW_ARBITRATE_H
#define FW_ARBITRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    FW_ALE_LISTEN_V4,
    FW_ALE_LISTEN_V6,
    FW_ALE_RECV_ACCEPT_V4,
    FW_ALE_RECV_ACCEPT_V6,
    FW_ALE_CONNECT_V4,
    FW_ALE_CONNECT_V6,
    FW_ALE_LAYER_COUNT
} fw_ale_layer;

/* A flow as `fwsvc why` is asked about it. Addresses in network order; an
 * IPv4 address in the first 4 bytes. app_id: the program's NT path as WFP
 * holds it (FwpmGetAppIdFromFileName0: UTF-16LE with its NUL). */
typedef struct {
    bool inbound, v6;
    uint8_t protocol;
    bool has_local_port, has_remote_port, has_local_addr, has_remote_addr;
    uint16_t local_port, remote_port;
    uint8_t local_addr[16], remote_addr[16];
    const uint8_t *app_id;
    size_t app_id_size;
} fw_flow;

typedef enum {
    FW_EF_PROTOCOL,
    FW_EF_LOCAL_PORT,
    FW_EF_REMOTE_PORT,
    FW_EF_LOCAL_ADDRESS,
    FW_EF_REMOTE_ADDRESS,
    FW_EF_APP_ID,
    FW_EF_OTHER /* a field the flow does not describe: user, interface, ... */
} fw_eval_field;

typedef enum {
    FW_EM_EQUAL,
    FW_EM_GREATER,
    FW_EM_LESS,
    FW_EM_GREATER_OR_EQUAL,
    FW_EM_LESS_OR_EQUAL,
    FW_EM_RANGE,
    FW_EM_FLAGS_ALL_SET,
    FW_EM_FLAGS_ANY_SET,
    FW_EM_FLAGS_NONE_SET,
    FW_EM_EQUAL_CASE_INSENSITIVE,
    FW_EM_NOT_EQUAL,
    FW_EM_OTHER
} fw_eval_match;

typedef enum {
    FW_EV_UINT,     /* ports, protocol, an IPv4 address as WFP's host-order UINT32 */
    FW_EV_RANGE,    /* lo..hi: numbers, or 16-byte IPv6 addresses */
    FW_EV_V4_MASK,  /* addr & mask, host order */
    FW_EV_V6_PREFIX,
    FW_EV_V6_ADDR,
    FW_EV_BLOB,     /* an app id */
    FW_EV_OTHER     /* a value fwsvc does not evaluate (a security descriptor, a SID) */
} fw_eval_kind;

typedef struct {
    fw_eval_field field;
    fw_eval_match match;
    fw_eval_kind kind;
    const char *field_name; /* "FWPM_CONDITION_ALE_USER_ID": for the report */
    uint64_t number, low, high;
    uint32_t v4_addr, v4_mask;
    uint8_t v6[16], v6_high[16];
    uint8_t prefix_length;
    const uint8_t *blob;
    size_t blob_size;
} fw_eval_condition;

typedef enum {
    FW_EA_PERMIT,
    FW_EA_BLOCK,
    FW_EA_CALLOUT /* terminating, inspection or unknown: code fwsvc cannot run */
} fw_eval_action;

typedef struct {
    char key[39];           /* "{...}" */
    const char *name;
    char provider[39];      /* "" when the filter has no provider */
    const char *provider_name;
    size_t sublayer;        /* index into the sublayer array */
    fw_ale_layer layer;
    uint64_t weight;        /* effectiveWeight */
    uint64_t id;
    fw_eval_action action;
    bool hard;              /* FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT */
    bool disabled;          /* FWPM_FILTER_FLAG_DISABLED */
    const fw_eval_condition *conditions;
    size_t condition_count;
    /* fwsvc's own filters: what they enforce (filter_content.h), the
     * identity they carry ("profile/rule/layer"), and whether that differs
     * from fwsvc's plan (set by the host module); not read for others. */
    bool ours;
    uint64_t content;
    const char *identity;
    bool drifted;
} fw_eval_filter;

typedef struct {
    char key[39];
    uint8_t key_bytes[16];  /* the GUID as Windows lays it out: the tie-break order */
    const char *name;
    uint16_t weight;
} fw_eval_sublayer;

typedef enum {
    FW_STEP_NO_MATCH,     /* no enabled filter of this sublayer matched */
    FW_STEP_DECIDES,      /* its action is the verdict (so far, or final) */
    FW_STEP_OVERRIDDEN,   /* a soft permit a block below overrides */
    FW_STEP_NO_EFFECT,    /* a permit after a permit, or a block a hard permit above outranks */
    FW_STEP_NOT_REACHED   /* after a final block */
} fw_step_outcome;

typedef struct {
    fw_ale_layer layer;
    size_t sublayer;
    long filter;          /* index of the sublayer's deciding filter, or -1 */
    fw_step_outcome outcome;
} fw_eval_step;

typedef struct {
    long filter;          /* index */
    fw_ale_layer layer;
    const char *field_name; /* the first condition it could not evaluate, or "callout" */
    bool depends;         /* the verdict changes if this filter matched (or, a callout, blocked) */
} fw_unevaluated;

typedef struct {
    bool permit;
    long decided_by;      /* index of the deciding filter, or -1 (no filter matched: permit) */
    fw_eval_step *steps;  /* per layer evaluated, per sublayer holding a filter that could match the flow */
    size_t step_count;
    fw_unevaluated *unevaluated;
    size_t unevaluated_count;
} fw_verdict;

/* The layers a flow crosses, in order: for inbound TCP listen then
 * recv-accept; inbound UDP recv-accept; outbound connect. Returns the count. */
size_t fw_flow_layers(const fw_flow *flow, fw_ale_layer out[2]);
const char *fw_ale_layer_name(fw_ale_layer layer);       /* "FWPM_LAYER_ALE_AUTH_LISTEN_V4" */
const char *fw_ale_layer_short_name(fw_ale_layer layer); /* "listen-v4" */

typedef enum { FW_TRI_NO, FW_TRI_YES, FW_TRI_UNKNOWN } fw_tri;
/* Whether a filter's conditions match the flow: different fields AND,
 * consecutive conditions on one field OR (FWPM_FILTER0, Windows 7 and
 * later). *unknown_field names the first condition that was unknown. */
fw_tri fw_filter_matches(const fw_eval_filter *f, const fw_flow *flow, const char **unknown_field);

/* Arbitrates the flow over every filter given (any layer; those of other
 * layers are skipped). Free with fw_verdict_free. */
void fw_arbitrate(const fw_flow *flow, const fw_eval_sublayer *sublayers, size_t sublayer_count,
                  const fw_eval_filter *filters, size_t filter_count, fw_verdict *out);
void fw_verdict_free(fw_verdict *v);

const char *fw_step_outcome_name(fw_step_outcome o); /* "decides", "overridden", ... */

#endif
