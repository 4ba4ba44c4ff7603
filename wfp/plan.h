/* The plan: the concrete WFP filters a set of bound profiles needs. This is
 * the one place that turns the catalog into filters; wfp/ (Windows) is the one
 * place that turns a plan into WFP calls. The plan is portable C so that it
 * is built and tested natively.
 *
 * One filter per (rule, layer): in-rules permit at ALE auth-recv-accept,
 * out-rules at ALE auth-connect, each for IPv4 and IPv6; a filter another
 * rule already plans (same layer, same conditions) is shared, not planned
 * twice. All ports of a rule
 * are adjacent conditions of one filter (WFP ORs same-field conditions), and
 * a range is one FWP_MATCH_RANGE condition. See docs/wfp.md. */
#ifndef FW_PLAN_H
#define FW_PLAN_H

#include "binding.h"
#include "catalog.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4,
    FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6,
    FW_LAYER_ALE_AUTH_CONNECT_V4,
    FW_LAYER_ALE_AUTH_CONNECT_V6,
} fw_layer;

typedef enum {
    FW_FIELD_IP_PROTOCOL,
    FW_FIELD_IP_LOCAL_PORT,
    FW_FIELD_IP_REMOTE_PORT,
    FW_FIELD_IP_REMOTE_ADDRESS,
    FW_FIELD_ALE_APP_ID,
} fw_field;

typedef enum { FW_MATCH_EQUAL, FW_MATCH_RANGE } fw_match;

typedef struct {
    fw_field field;
    fw_match match;
    union {
        uint8_t protocol;
        fw_port_range ports;
        fw_address address;
        const char *program; /* the catalog's path, resolved to an app id by wfp/ */
    } value;
} fw_condition;

typedef struct {
    const fw_profile *profile;
    const fw_rule *rule;
    fw_layer layer;
    fw_condition *conditions;
    size_t condition_count;
    char *program; /* the rule's program, its folder variable expanded (owned), or NULL */
} fw_planned_filter;

/* A rule with no filter yet: its addresses variable has no value. */
typedef struct {
    const fw_profile *profile;
    const fw_rule *rule;
    const char *variable;
} fw_waiting;

/* A rule for some product versions only (versions:), and what the plan did
 * with it: planned for this host's version, left out for another, or
 * planned because the host's version is not set (the union). */
typedef struct {
    const fw_profile *profile;
    const fw_rule *rule;
    bool planned;
    bool version_unknown;
} fw_versioned;

/* A filter another rule already planned, with the same layer and the same
 * conditions: roles that share a host (a proxy that is also a repository)
 * open each opening once. kept indexes the filter that serves both. */
typedef struct {
    const fw_profile *profile;
    const fw_rule *rule;
    fw_layer layer;
    size_t kept;
} fw_shared;

typedef struct {
    fw_planned_filter *filters;
    size_t count, cap;
    fw_shared *shared;
    size_t shared_count, shared_cap;
    fw_waiting *waiting;
    size_t waiting_count, waiting_cap;
    fw_versioned *versioned;
    size_t versioned_count, versioned_cap;
} fw_plan;

/* Appends the filters of one bound profile. */
void fw_plan_add_profile(fw_plan *plan, const fw_profile *profile, const fw_binding *binding);
/* What the host's product version did to the profile's version-bound
 * rules, in one line for show, plan and status; NULL when it has none.
 * Allocated. */
char *fw_plan_versions_text(const fw_plan *plan, const fw_profile *profile, const fw_binding *binding);
void fw_plan_free(fw_plan *plan);

const char *fw_layer_name(fw_layer layer);       /* "FWPM_LAYER_ALE_AUTH_CONNECT_V4" */
const char *fw_layer_short_name(fw_layer layer); /* "connect-v4" */
fw_family fw_layer_family(fw_layer layer);
const char *fw_field_name(fw_field field);       /* "FWPM_CONDITION_IP_PROTOCOL" */
const char *fw_match_name(fw_match match);       /* "FWP_MATCH_EQUAL" */

/* The condition's value as text: "TCP", "2500-3300", "10.0.0.0/8", a path. */
char *fw_condition_value_text(const fw_condition *c);

#endif
