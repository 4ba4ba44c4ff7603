/* What `fwsvc watch` and the service's drop watch need to explain a drop
 * (drop.h): fwsvc's own filters with every sublayer and provider (read
 * once, not per drop) and the catalog's rules as this host has them
 * (why_rules.h); which program each rule's app id names; and the filter
 * that dropped it, found by the id in the event (FwpmFilterGetById0, once
 * per filter): never an enumeration of other products' filters.
 * Windows only; docs/watch.md. */
#ifndef FW_DROP_CONTEXT_H
#define FW_DROP_CONTEXT_H

#include "why_rules.h"

#include "drop.h"
#include "fw_strings.h"

typedef struct {
    char *nt;    /* the app id as text: the lowercase NT path */
    char *path;  /* the rule's program, as this host names it */
} fw_program_id;

/* A filter of another provider that dropped something, as WFP named it. */
typedef struct {
    fw_eval_filter filter;  /* id, key, name, provider, provider_name, action */
    char *name, *provider_name, *sublayer_name;
} fw_dropper;

typedef struct {
    fw_why_snapshot snapshot; /* fwsvc's filters */
    fw_why_rules rules;
    size_t *by_id;           /* snapshot filter indexes, sorted by filter id */
    fw_program_id *programs;
    size_t program_count, program_cap;
    HANDLE engine;           /* its own session, for the lookups by id */
    fw_dropper **droppers;   /* looked up so far (bounded) */
    size_t dropper_count, dropper_cap;
} fw_drop_context;

/* On failure returns the WFP error with message (nothing is changed). */
DWORD fw_drop_context_load(fw_drop_context *c, char *message, size_t size);
void fw_drop_context_free(fw_drop_context *c);

typedef struct {
    fw_drop_match match;
    char *program;              /* the rule's path for the app id, else the app id as text, else NULL */
    uint64_t filter_id;
    const fw_eval_filter *dropper; /* fwsvc's, or looked up by id; NULL when WFP no longer has it */
    const char *sublayer_name;  /* the dropper's, or NULL */
} fw_drop_report;

void fw_drop_explain(fw_drop_context *c, const fw_drop *d, const char *only_profile, fw_drop_report *out);
void fw_drop_report_free(fw_drop_report *r);

/* "inbound TCP from 10.0.0.5:50000 to local port 2500, program C:\\..." */
void fw_drop_flow_text(const fw_drop *d, const char *program, fw_buf *out);
/* The flow, its rule and reason, the filter that dropped it and the fix,
 * in one line (the service's event, watch's text). */
void fw_drop_report_line(const fw_drop *d, const fw_drop_report *r, fw_buf *out);

/* "2026-12-04T15:02:11Z" from a FILETIME. */
void fw_filetime_text(uint64_t t, char out[32]);

#endif
