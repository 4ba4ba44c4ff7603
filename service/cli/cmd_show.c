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
        const char *value = b->texts[v]                               ? b->texts[v]
                            : f->variables[v].type == FW_VAR_VERSION ? "(not set: every version's rules)"
                                                                      : "(not set: its rules wait)";
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

/* The documents a profile's rules cite, each as a person finds it: title,
 * the product version it describes, its URL (or the vendor's article),
 * and the file name rules cite it by. */
static void print_documents(const fw_catalog *c, const fw_profile *p)
{
    const fw_catalog_file *f = c->files[p->file];
    puts("\nDocuments:");
    for (size_t d = 0; d < f->source_count; d++) {
        const fw_source_doc *doc = &f->sources[d];
        bool cited = false;
        for (size_t r = 0; r < p->rule_count && !cited; r++)
            cited = p->rules[r].source == (int)d;
        if (!cited)
            continue;
        printf("  %s%s%s\n", doc->title, doc->product_version ? ", version " : " (no version named)",
               doc->product_version ? doc->product_version : "");
        if (doc->url)
            printf("    %s\n", doc->url);
        else if (doc->article)
            printf("    %s\n", doc->article);
        printf("    cited as %s%s\n", doc->document, f->site ? " (a site record)" : "");
    }
}

static void print_rules(const fw_catalog *c, const fw_profile *p, const fw_binding *b)
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
        char *description = r->has_versions ? fw_xasprintf("%s (versions %s%s)", r->description, r->versions_text,
                                                          fw_binding_has_rule(b, r) ? "" : ": not this host's")
                                            : fw_xstrdup(r->description);
        const char *row[] = {r->id, fw_direction_name(r->direction), fw_protocol_name(r->protocol),
                             ports, program, remote.len ? remote.data : "any", description};
        fw_table_add(&t, row);
        free(description);
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
        const fw_source_doc *doc = fw_rule_source(c, p, &p->rules[i]);
        const char *row[] = {p->rules[i].id, doc ? doc->title : p->rules[i].source_document,
                             p->rules[i].source_section};
        fw_table_add(&t, row);
    }
    puts("\nSources:");
    fw_table_print(&t, stdout);
    fw_table_free(&t);
    print_documents(c, p);
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
        char *versions = fw_profile_versions(&s.catalog, p);
        printf("Product:  %s%s%s%s\n", s.catalog.files[p->file]->product, versions[0] ? " (its documents describe " : "",
               versions, versions[0] ? ")" : "");
        free(versions);
        if (s.catalog.files[p->file]->site)
            printf("Site:     a profile of this site's own catalog (%s)\n", s.catalog.files[p->file]->path);
        printf("Role:     %s\n", p->role);
        if (p->description)
            printf("About:    %s\n", p->description);
        printf("Catalog:  %s:%u\n", p->pos.file, p->pos.line);
        print_settings_source(&s, args, i);
        fw_plan plan = {0};
        fw_plan_add_profile(&plan, p, &s.bindings[i]);
        fw_exposure e = fw_plan_exposure(&plan, p);
        fw_cli_print_exposure(stdout, "", &e);
        char *versioned = fw_plan_versions_text(&plan, p, &s.bindings[i]);
        if (versioned)
            printf("Versions: %s\n", versioned);
        free(versioned);
        for (size_t w = 0; w < plan.waiting_count; w++)
            printf("Waiting:  rule %s has no filter until --set %s=ADDRESS[,ADDRESS...] names its peers\n",
                   plan.waiting[w].rule->id, plan.waiting[w].variable);
        fw_plan_free(&plan);
        print_variables(&s, i);
        print_rules(&s.catalog, p, &s.bindings[i]);
        print_services(p, &s.bindings[i]);
    }
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
