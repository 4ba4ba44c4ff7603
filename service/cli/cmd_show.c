#include "cli.h"

#include "exposure.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_table.h"

#include <stdio.h>
#include <stdlib.h>

static void print_variables(const fw_cli_session *s, size_t index)
{
    const fw_profile *p = s->profiles[index];
    const fw_binding *b = &s->bindings[index];
    const fw_catalog_file *f = s->catalog.files[p->file];
    static const char *const header[] = {"VARIABLE", "VALUE", "FROM", "DEFAULT", "DESCRIPTION"};
    fw_table t;
    fw_table_init(&t, 5, header);
    for (size_t v = 0; v < f->variable_count; v++) {
        if (!fw_profile_uses_variable(p, (int)v))
            continue;
        const char *value = b->texts[v] ? b->texts[v] : "(not set: its rules wait)";
        const char *def = f->variables[v].default_text ? f->variables[v].default_text : "(none)";
        const char *row[] = {f->variables[v].name, value, fw_value_from_name(s->from[index][v]), def,
                             f->variables[v].description};
        fw_table_add(&t, row);
    }
    if (t.rows > 1) {
        puts("\nVariables (FROM: default, local or policy, this host's record, or --set):");
        fw_table_print(&t, stdout);
    }
    fw_table_free(&t);
}

/* Whose values these are: an administrator who reads a port here tells
 * remote agents that port. */
static void print_settings_source(const fw_cli_session *s, const fw_cli_args *args, size_t index)
{
    const char *name = s->profiles[index]->name;
    if (args->defaults)
        printf("Settings: the catalog's defaults (--defaults)%s\n", args->setting_count ? ", with --set" : "");
    else if (s->applied[index])
        printf("Settings: this host's, as applied (fwsvc config)%s\n", args->setting_count ? ", with --set" : "");
    else if (s->host_read)
        printf("Settings: the catalog's defaults: %s is not applied on this host%s\n", name,
               args->setting_count ? " (with --set)" : "");
    else
        printf("Settings: the catalog's defaults (no host configuration is read off Windows)%s\n",
               args->setting_count ? ", with --set" : "");
}

static void print_rules(const fw_profile *p, const fw_binding *b)
{
    static const char *const header[] = {"RULE", "DIR", "PROTO", "PORTS", "PROGRAM", "REMOTE",
                                         "DESCRIPTION"};
    fw_table t;
    fw_table_init(&t, 7, header);
    for (size_t i = 0; i < p->rule_count; i++) {
        const fw_rule *r = &p->rules[i];
        char *ports = r->protocol == FW_PROTO_ANY ? fw_xstrdup("all") : fw_cli_ports_text(r, b, ",");
        fw_buf remote = {0};
        if (r->remote_variable >= 0) {
            const char *value = b->texts[r->remote_variable];
            fw_buf_printf(&remote, "${%s}=%s", b->file->variables[r->remote_variable].name,
                          value ? value : "(not set)");
        }
        for (size_t a = 0; a < r->remote_count; a++)
            fw_buf_printf(&remote, "%s%s", a ? "," : "", r->remote_text[a]);
        char *program = fw_binding_program(b, r);
        const char *row[] = {r->id, fw_direction_name(r->direction), fw_protocol_name(r->protocol),
                             ports, program, remote.len ? remote.data : "any", r->description};
        fw_table_add(&t, row);
        free(ports);
        free(program);
        fw_buf_free(&remote);
    }
    printf("\nRules (%zu):\n", p->rule_count);
    fw_table_print(&t, stdout);
    fw_table_free(&t);

    static const char *const src_header[] = {"RULE", "DOCUMENT", "SECTION"};
    fw_table_init(&t, 3, src_header);
    for (size_t i = 0; i < p->rule_count; i++) {
        const char *row[] = {p->rules[i].id, p->rules[i].source_document,
                             p->rules[i].source_section};
        fw_table_add(&t, row);
    }
    puts("\nSources (shared/vendor-docs):");
    fw_table_print(&t, stdout);
    fw_table_free(&t);
}

static void print_services(const fw_profile *p, const fw_binding *b)
{
    if (p->service_count == 0)
        return;
    static const char *const header[] = {"SERVICE", "PORT/PROTO", "COMMENT"};
    fw_table t;
    fw_table_init(&t, 3, header);
    for (size_t i = 0; i < p->service_count; i++) {
        const fw_service_entry *e = &p->services[i];
        char *port = fw_xasprintf("%u/%s", (unsigned)fw_binding_resolve(b, &e->port).lo,
                                  fw_protocol_name(e->protocol));
        const char *row[] = {e->name, port, e->comment};
        fw_table_add(&t, row);
        free(port);
    }
    puts("\nServices file entries (%SystemRoot%\\System32\\drivers\\etc\\services):");
    fw_table_print(&t, stdout);
    fw_table_free(&t);
}

int fw_cmd_show(const fw_cli_args *args)
{
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, FW_SESSION_NEED_PROFILE | FW_SESSION_WARN_WIDENED | FW_SESSION_HOST_VALUES);
    if (rc != FW_EXIT_OK)
        return rc;
    for (size_t i = 0; i < s.profile_count; i++) {
        const fw_profile *p = s.profiles[i];
        if (i)
            puts("");
        printf("Profile:  %s\n", p->name);
        if (p->alias_count) {
            fputs("Aliases: ", stdout);
            for (size_t a = 0; a < p->alias_count; a++)
                printf(" %s", p->aliases[a]);
            puts("");
        }
        printf("Product:  %s\n", s.catalog.files[p->file]->product);
        printf("Role:     %s\n", p->role);
        if (p->description)
            printf("About:    %s\n", p->description);
        printf("Catalog:  %s:%u\n", p->pos.file, p->pos.line);
        print_settings_source(&s, args, i);
        fw_plan plan = {0};
        fw_plan_add_profile(&plan, p, &s.bindings[i]);
        fw_exposure e = fw_plan_exposure(&plan, p);
        fw_cli_print_exposure(stdout, "", &e);
        for (size_t w = 0; w < plan.waiting_count; w++)
            printf("Waiting:  rule %s has no filter until --set %s=ADDRESS[,ADDRESS...] names its peers\n",
                   plan.waiting[w].rule->id, plan.waiting[w].variable);
        fw_plan_free(&plan);
        print_variables(&s, i);
        print_rules(p, &s.bindings[i]);
        print_services(p, &s.bindings[i]);
    }
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
