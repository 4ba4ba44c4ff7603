/* What `fwsvc why` needs of the host beyond WFP's filters: every rule of
 * the catalog as this host has it (applied with its recorded settings, or
 * not applied at the catalog's defaults; its filters waiting, disabled or
 * drifted), for the near misses (near_miss.h); and which of fwsvc's own
 * filters in WFP differ from the plan. Windows only. */
#ifndef FW_WHY_RULES_H
#define FW_WHY_RULES_H

#include "desired.h"
#include "host_config.h"
#include "near_miss.h"
#include "why_read.h"

typedef struct {
    fw_host_config config;  /* the desired state's bindings point into its settings */
    bool config_loaded;
    fw_desired desired;     /* the applied profiles (built when there are some) */
    bool plan_known;        /* the desired state is known: drift can be told */
    fw_catalog catalog;     /* the catalog, read here when no profile is applied */
    const fw_catalog *in_use;
    fw_binding *defaults;   /* per profile of the catalog */
    size_t default_count;
    char **programs;        /* per view: its program, expanded */
    fw_rule_view *views;
    size_t view_count;
    char *problem;          /* why the host's side could not be read (near misses and drift
                               are then not told), or NULL */
} fw_why_rules;

/* Builds the views and marks snapshot filters of fwsvc's that differ from
 * the plan (fw_eval_filter.drifted). Never fails: w->problem says what
 * could not be read. */
void fw_why_rules_build(fw_why_rules *w, fw_why_snapshot *s);
void fw_why_rules_free(fw_why_rules *w);

#endif
