#include "cli.h"

#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "fw_table.h"
#include "exposure.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Short field names for the table; the JSON carries the full FWPM_ names. */
static const char *field_label(fw_field f)
{
    return fw_field_name(f) + strlen("FWPM_CONDITION_");
}

/* "IP_PROTOCOL=TCP IP_LOCAL_PORT=135|1024-65535": '|' joins OR-ed values. */
static char *conditions_text(const fw_planned_filter *f)
{
    fw_buf b = {0};
    for (size_t i = 0; i < f->condition_count; i++) {
        const fw_condition *c = &f->conditions[i];
        bool same_as_previous = i > 0 && f->conditions[i - 1].field == c->field;
        char *value = fw_condition_value_text(c);
        if (same_as_previous)
            fw_buf_printf(&b, "|%s", value);
        else
            fw_buf_printf(&b, "%s%s=%s", b.len ? "  " : "", field_label(c->field), value);
        free(value);
    }
    return fw_buf_take(&b);
}

/* "ndmp_port=10001 (local), be_install=... (--set)", or what they all are. */
static char *settings_text(const fw_cli_session *s, size_t i)
{
    const fw_profile *p = s->profiles[i];
    const fw_catalog_file *file = s->catalog.files[p->file];
    fw_buf b = {0};
    for (size_t v = 0; v < file->variable_count; v++)
        if (fw_profile_uses_variable(p, (int)v) && s->from[i][v] != FW_FROM_DEFAULT)
            fw_buf_printf(&b, "%s%s=%s (%s)", b.len ? ", " : "", file->variables[v].name,
                          s->bindings[i].texts[v] ? s->bindings[i].texts[v] : "(not set)",
                          fw_value_from_name(s->from[i][v]));
    const char *whose = s->applied[i] ? "this host's, applied" : s->host_read ? "not applied on this host" : NULL;
    if (!b.len)
        fw_buf_printf(&b, "the catalog's defaults");
    else
        fw_buf_printf(&b, "; the rest the catalog's defaults");
    if (whose)
        fw_buf_printf(&b, " (%s)", whose);
    return fw_buf_take(&b);
}

static void print_table(const fw_cli_session *s, const fw_plan *plan)
{
    for (size_t i = 0; i < s->profile_count; i++) {
        size_t filters = 0;
        for (size_t f = 0; f < plan->count; f++)
            filters += plan->filters[f].profile == s->profiles[i];
        char *settings = settings_text(s, i);
        printf("%s (%s, %s): %zu rules -> %zu filters\n  settings: %s\n", s->profiles[i]->name,
               s->catalog.files[s->profiles[i]->file]->product, s->profiles[i]->role,
               s->profiles[i]->rule_count, filters, settings);
        free(settings);
        fw_exposure e = fw_plan_exposure(plan, s->profiles[i]);
        fw_cli_print_exposure(stdout, "  ", &e);
        char *versioned = fw_plan_versions_text(plan, s->profiles[i], &s->bindings[i]);
        if (versioned)
            printf("  versions: %s\n", versioned);
        free(versioned);
    }
    for (size_t i = 0; i < plan->shared_count; i++) {
        const fw_shared *sh = &plan->shared[i];
        const fw_planned_filter *kept = &plan->filters[sh->kept];
        printf("Shared: %s/%s (%s) is the same filter as %s/%s: installed once\n", sh->profile->name, sh->rule->id,
               fw_layer_short_name(sh->layer), kept->profile->name, kept->rule->id);
    }
    for (size_t w = 0; w < plan->waiting_count; w++)
        printf("Waiting: %s/%s has no filter until its peers are named: --set %s=ADDRESS[,ADDRESS...]\n",
               plan->waiting[w].profile->name, plan->waiting[w].rule->id, plan->waiting[w].variable);
    puts("Every filter is a persistent hard permit (FWP_ACTION_PERMIT with "
         "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).\n");

    static const char *const header[] = {"#", "PROFILE/RULE", "LAYER", "CONDITIONS"};
    fw_table t;
    fw_table_init(&t, 4, header);
    for (size_t i = 0; i < plan->count; i++) {
        const fw_planned_filter *f = &plan->filters[i];
        char *n = fw_xasprintf("%zu", i + 1);
        char *name = fw_xasprintf("%s/%s", f->profile->name, f->rule->id);
        char *conds = conditions_text(f);
        const char *row[] = {n, name, fw_layer_name(f->layer), conds};
        fw_table_add(&t, row);
        free(n);
        free(name);
        free(conds);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
}

static void print_json(const fw_cli_session *s, const fw_plan *plan)
{
    fw_json j;
    fw_json_init(&j, stdout);
    fw_json_object_begin(&j);
    fw_json_key(&j, "profiles");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < s->profile_count; i++) {
        const fw_profile *p = s->profiles[i];
        const fw_catalog_file *file = s->catalog.files[p->file];
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "name", p->name);
        fw_json_key(&j, "applied");
        fw_json_bool(&j, s->applied[i]);
        fw_json_key(&j, "variable_sources");
        fw_json_object_begin(&j);
        for (size_t v = 0; v < file->variable_count; v++)
            if (fw_profile_uses_variable(p, (int)v)) {
                fw_json_key(&j, file->variables[v].name);
                fw_json_string(&j, fw_value_from_name(s->from[i][v]));
            }
        fw_json_object_end(&j);
        fw_json_key(&j, "variables");
        fw_json_object_begin(&j);
        for (size_t v = 0; v < file->variable_count; v++) {
            if (!fw_profile_uses_variable(p, (int)v))
                continue;
            fw_json_key(&j, file->variables[v].name);
            if (s->bindings[i].texts[v])
                fw_json_string(&j, s->bindings[i].texts[v]);
            else
                fw_json_null(&j); /* an addresses variable not set: its rules wait */
        }
        fw_json_object_end(&j);
        fw_exposure e = fw_plan_exposure(plan, p);
        fw_cli_json_exposure(&j, &e);
        fw_cli_json_versions(&j, plan, p, &s->bindings[i]);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    /* Rules with no filter until their addresses variable is set. */
    fw_json_key(&j, "waiting");
    fw_json_array_begin(&j);
    for (size_t w = 0; w < plan->waiting_count; w++) {
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "profile", plan->waiting[w].profile->name);
        fw_json_member_string(&j, "rule", plan->waiting[w].rule->id);
        fw_json_member_string(&j, "variable", plan->waiting[w].variable);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    /* Rules whose filter another rule plans already: installed once. */
    fw_json_key(&j, "shared");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < plan->shared_count; i++) {
        const fw_planned_filter *kept = &plan->filters[plan->shared[i].kept];
        char *with = fw_xasprintf("%s/%s", kept->profile->name, kept->rule->id);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "profile", plan->shared[i].profile->name);
        fw_json_member_string(&j, "rule", plan->shared[i].rule->id);
        fw_json_member_string(&j, "layer", fw_layer_name(plan->shared[i].layer));
        fw_json_member_string(&j, "with", with);
        fw_json_object_end(&j);
        free(with);
    }
    fw_json_array_end(&j);
    fw_json_key(&j, "filters");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < plan->count; i++) {
        const fw_planned_filter *f = &plan->filters[i];
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "profile", f->profile->name);
        fw_json_member_string(&j, "rule", f->rule->id);
        fw_json_member_string(&j, "layer", fw_layer_name(f->layer));
        fw_json_member_string(&j, "action", "FWP_ACTION_PERMIT");
        fw_json_key(&j, "flags");
        fw_json_array_begin(&j);
        fw_json_string(&j, "FWPM_FILTER_FLAG_PERSISTENT");
        fw_json_string(&j, "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT");
        fw_json_array_end(&j);
        fw_json_key(&j, "conditions");
        fw_json_array_begin(&j);
        for (size_t c = 0; c < f->condition_count; c++) {
            char *value = fw_condition_value_text(&f->conditions[c]);
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "field", fw_field_name(f->conditions[c].field));
            fw_json_member_string(&j, "match", fw_match_name(f->conditions[c].match));
            fw_json_member_string(&j, "value", value);
            fw_json_object_end(&j);
            free(value);
        }
        fw_json_array_end(&j);
        char *source = fw_xasprintf("%s, %s", f->rule->source_document, f->rule->source_section);
        fw_json_member_string(&j, "source", source);
        free(source);
        fw_json_member_string(&j, "source_document", f->rule->source_document);
        fw_json_member_string(&j, "source_section", f->rule->source_section);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

int fw_cmd_plan(const fw_cli_args *args)
{
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, FW_SESSION_NEED_PROFILE | FW_SESSION_WARN_WIDENED | FW_SESSION_HOST_VALUES);
    if (rc != FW_EXIT_OK)
        return rc;
    fw_plan plan = {0};
    for (size_t i = 0; i < s.profile_count; i++)
        fw_plan_add_profile(&plan, s.profiles[i], &s.bindings[i]);
    if (args->json)
        print_json(&s, &plan);
    else
        print_table(&s, &plan);
    fw_plan_free(&plan);
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
