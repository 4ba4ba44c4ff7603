#include "why_rules.h"

#include "site_catalog.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "host_config.h"
#include "host_exit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* %ProgramFiles% and the like, as the program is on this host. */
static char *expand(const char *path)
{
    wchar_t *w = fw_utf8_to_wide(path), out[MAX_PATH * 2];
    DWORD n = ExpandEnvironmentStringsW(w, out, MAX_PATH * 2);
    free(w);
    return n && n <= MAX_PATH * 2 ? fw_wide_to_utf8(out) : fw_xstrdup(path);
}

static const fw_eval_filter *ours_by_key(const fw_why_snapshot *s, const char *key)
{
    for (size_t i = 0; i < s->filter_count; i++)
        if (s->filters[i].ours && strcmp(s->filters[i].key, key) == 0)
            return &s->filters[i];
    return NULL;
}

/* Each fwsvc filter in WFP that is not what the plan wants under its key,
 * or that the plan does not want at all, has drifted. */
static void mark_drift(const fw_why_rules *w, fw_why_snapshot *s)
{
    for (size_t i = 0; i < s->filter_count; i++) {
        fw_eval_filter *f = &s->filters[i];
        if (!f->ours)
            continue;
        f->drifted = true;
        for (size_t k = 0; k < w->desired.count; k++) {
            char key[39];
            fw_key_format(&w->desired.wanted[k].key, key);
            if (strcmp(key, f->key) == 0) {
                f->drifted = w->desired.wanted[k].content != f->content;
                break;
            }
        }
    }
}

/* The filter that carries a rule at a layer: its own, or the one it shares
 * with another applied rule (plan.h, fw_shared). Allocated. */
static char *carrier_identity(const fw_why_rules *w, const fw_rule_view *v, fw_layer layer)
{
    const fw_plan *plan = &w->desired.plan;
    for (size_t i = 0; i < plan->shared_count; i++)
        if (plan->shared[i].profile == v->profile && plan->shared[i].rule == v->rule && plan->shared[i].layer == layer)
            return fw_filter_identity(&plan->filters[plan->shared[i].kept]);
    return fw_xasprintf("%s/%s/%s", v->profile->name, v->rule->id, fw_layer_short_name(layer));
}

/* The state of an applied rule's filters, layer by layer. */
static void filter_states(const fw_why_rules *w, const fw_why_snapshot *s, fw_rule_view *v)
{
    for (unsigned layer = FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4; layer <= FW_LAYER_ALE_AUTH_CONNECT_V6; layer++) {
        char *identity = carrier_identity(w, v, (fw_layer)layer);
        for (size_t i = 0; i < w->desired.pending_count; i++)
            if (strcmp(w->desired.pending[i].identity, identity) == 0) {
                v->pending_layers |= 1u << layer;
                v->pending_fix = w->desired.pending[i].found_set;
            }
        for (size_t k = 0; k < w->desired.count; k++) {
            if (strcmp(w->desired.wanted[k].identity, identity) != 0)
                continue;
            char key[39];
            fw_key_format(&w->desired.wanted[k].key, key);
            const fw_eval_filter *f = ours_by_key(s, key);
            if (!f || f->content != w->desired.wanted[k].content)
                v->drifted_layers |= 1u << layer; /* missing, or someone rewrote it */
            else if (f->disabled)
                v->disabled_layers |= 1u << layer;
        }
        free(identity);
    }
}

/* The catalog: the desired state's when profiles are applied (its checks
 * included), else the catalog alone. */
static bool load_catalog(fw_why_rules *w, const fw_host_config *c)
{
    if (c->profiles.count) {
        const char *origin = c->profiles_source == FW_SOURCE_POLICY ? FW_POLICY_KEY_TEXT "\\AppliedProfiles"
                                                                    : FW_CONFIG_KEY_TEXT "\\AppliedProfiles";
        w->in_use = &w->desired.catalog;
        w->plan_known = fw_desired_build(&w->desired, c->catalog_dir, c->site_catalog_dir, &c->profiles, origin) == 0;
        if (!w->plan_known)
            w->problem = fw_xstrdup(w->desired.error ? w->desired.error : "the applied profiles do not load");
        return w->plan_known;
    }
    fw_diags diags = {0};
    char *dir = c->catalog_dir ? fw_xstrdup(c->catalog_dir) : fw_host_default_catalog_dir();
    w->in_use = &w->catalog;
    /* Nothing applied: any fwsvc filter in WFP is one too many. */
    w->plan_known = fw_catalog_load_host(&w->catalog, dir, c->site_catalog_dir, true, &diags);
    if (!w->plan_known)
        w->problem = fw_xasprintf("the catalog in '%s' has %zu error(s)", dir, diags.errors);
    fw_diags_free(&diags);
    free(dir);
    return w->plan_known;
}

/* Every rule at the catalog's defaults; an applied profile's rules then at
 * its recorded settings, as the desired state bound them (in the order of
 * the applied profiles). */
static void make_views(fw_why_rules *w, const fw_host_config *c)
{
    const fw_catalog *cat = w->in_use;
    size_t rules = 0;
    for (size_t p = 0; p < cat->profile_count; p++)
        rules += cat->profiles[p].rule_count;
    w->defaults = fw_xcalloc(cat->profile_count + 1, sizeof *w->defaults);
    w->default_count = cat->profile_count;
    w->views = fw_xcalloc(rules + 1, sizeof *w->views);
    w->programs = fw_xcalloc(rules + 1, sizeof *w->programs);
    for (size_t p = 0; p < cat->profile_count; p++) {
        fw_binding_init(&w->defaults[p], cat, &cat->profiles[p], NULL, 0);
        for (size_t r = 0; r < cat->profiles[p].rule_count; r++)
            w->views[w->view_count++] = (fw_rule_view){.profile = &cat->profiles[p],
                                                       .rule = &cat->profiles[p].rules[r],
                                                       .binding = &w->defaults[p],
                                                       .defaults = &w->defaults[p]};
    }
    for (size_t k = 0; k < c->profiles.count && k < w->desired.binding_count; k++) {
        const fw_profile *p = fw_catalog_find(cat, c->profiles.items[k].profile);
        for (size_t v = 0; p && v < w->view_count; v++)
            if (w->views[v].profile == p) {
                w->views[v].binding = &w->desired.bindings[k];
                w->views[v].applied = true;
            }
    }
}

void fw_why_rules_build(fw_why_rules *w, fw_why_snapshot *s)
{
    memset(w, 0, sizeof *w);
    char *error = NULL;
    if (fw_host_config_load(&w->config, &error)) {
        w->problem = error;
        return;
    }
    w->config_loaded = true;
    if (load_catalog(w, &w->config)) {
        make_views(w, &w->config);
        for (size_t v = 0; v < w->view_count; v++) {
            char *program = fw_binding_program(w->views[v].binding, w->views[v].rule);
            if (program) {
                w->programs[v] = expand(program);
                w->views[v].program = w->programs[v];
                free(program);
            }
            if (w->views[v].applied)
                filter_states(w, s, &w->views[v]);
        }
        mark_drift(w, s);
    }
}

void fw_why_rules_free(fw_why_rules *w)
{
    for (size_t v = 0; v < w->view_count; v++)
        free(w->programs[v]);
    free(w->programs);
    free(w->views);
    for (size_t p = 0; p < w->default_count; p++)
        fw_binding_free(&w->defaults[p]);
    free(w->defaults);
    fw_desired_free(&w->desired);
    fw_catalog_free(&w->catalog);
    if (w->config_loaded)
        fw_host_config_free(&w->config);
    free(w->problem);
    memset(w, 0, sizeof *w);
}
