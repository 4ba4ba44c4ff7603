#include "cli.h"
#include "host_error.h"

#include "exposure.h"
#include "fw_alloc.h"
#include "fw_json.h"

#include <stdio.h>
#include <stdlib.h>

static void write_rule(fw_json *j, const fw_catalog *c, const fw_profile *p, const fw_rule *r, const fw_binding *b)
{
    fw_json_object_begin(j);
    fw_json_member_string(j, "id", r->id);
    fw_json_member_string(j, "direction", fw_direction_name(r->direction));
    fw_json_member_string(j, "protocol", fw_protocol_name(r->protocol));
    fw_json_key(j, "ports");
    fw_json_array_begin(j);
    for (size_t i = 0; i < r->port_count; i++) {
        char text[16];
        fw_port_range_format(fw_binding_resolve(b, &r->ports[i]), text, sizeof text);
        fw_json_string(j, text);
    }
    fw_json_array_end(j);
    char *program = fw_binding_program(b, r); /* its install folder at the default */
    fw_json_member_string(j, "program", program);
    free(program);
    fw_json_key(j, "remote_addresses");
    fw_json_array_begin(j);
    for (size_t i = 0; i < r->remote_count; i++)
        fw_json_string(j, r->remote_text[i]);
    fw_json_array_end(j);
    /* Scoped by an addresses variable: its name (its value is per host). */
    fw_json_key(j, "remote_variable");
    if (r->remote_variable >= 0)
        fw_json_string(j, b->file->variables[r->remote_variable].name);
    else
        fw_json_null(j);
    fw_json_member_string(j, "description", r->description);
    char *source = fw_xasprintf("%s, %s", r->source_document, r->source_section);
    fw_json_member_string(j, "source", source);
    free(source);
    fw_json_member_string(j, "source_document", r->source_document);
    fw_json_member_string(j, "source_section", r->source_section);
    /* The document as a person finds it (the file's sources). */
    const fw_source_doc *doc = fw_rule_source(c, p, r);
    fw_json_member_string(j, "source_title", doc ? doc->title : NULL);
    fw_json_member_string(j, "source_version", doc ? doc->product_version : NULL);
    fw_json_member_string(j, "source_url", doc ? doc->url : NULL);
    fw_json_member_string(j, "source_article", doc ? doc->article : NULL);
    fw_json_member_string(j, "versions", r->has_versions ? r->versions_text : NULL);
    fw_json_object_end(j);
}

int fw_cmd_catalog(const fw_cli_args *args)
{
    if (!args->json) {
        fw_error("catalog prints JSON only; run 'fwsvc catalog --json' (or 'fwsvc list' for a table)\n");
        return FW_EXIT_INVALID;
    }
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, FW_SESSION_HOST_FOLDERS);
    if (rc != FW_EXIT_OK)
        return rc;

    fw_json j;
    fw_json_init(&j, stdout);
    fw_json_object_begin(&j);
    fw_json_key(&j, "profiles");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < s.catalog.profile_count; i++) {
        const fw_profile *p = &s.catalog.profiles[i];
        fw_binding defaults;
        fw_binding_init(&defaults, &s.catalog, p, NULL, 0);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "name", p->name);
        fw_json_key(&j, "aliases");
        fw_json_array_begin(&j);
        for (size_t a = 0; a < p->alias_count; a++)
            fw_json_string(&j, p->aliases[a]);
        fw_json_array_end(&j);
        fw_json_member_string(&j, "product", s.catalog.files[p->file]->product);
        char *versions = fw_profile_versions(&s.catalog, p);
        fw_json_member_string(&j, "product_versions", versions);
        free(versions);
        fw_json_key(&j, "site");
        fw_json_bool(&j, s.catalog.files[p->file]->site);
        fw_json_member_string(&j, "role", p->role);
        fw_json_member_string(&j, "description", p->description ? p->description : "");
        /* The variables its rules and services entries use: --set NAME=VALUE. */
        fw_json_key(&j, "variables");
        fw_json_array_begin(&j);
        const fw_catalog_file *file = s.catalog.files[p->file];
        for (size_t v = 0; v < file->variable_count; v++) {
            if (!fw_profile_uses_variable(p, (int)v))
                continue;
            const fw_variable *var = &file->variables[v];
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "name", var->name);
            fw_json_member_string(&j, "type", fw_var_type_name(var->type));
            fw_json_key(&j, "default");
            if (var->default_text)
                fw_json_string(&j, var->default_text);
            else
                fw_json_null(&j); /* an addresses variable the administrator must set */
            fw_json_member_string(&j, "description", var->description ? var->description : "");
            fw_json_key(&j, "other_locations");
            fw_json_array_begin(&j);
            for (size_t o = 0; o < var->other_location_count; o++)
                fw_json_string(&j, var->other_locations[o]);
            fw_json_array_end(&j);
            fw_json_object_end(&j);
        }
        fw_json_array_end(&j);
        /* What the profile opens to any address, at defaults. */
        fw_plan plan = {0};
        fw_plan_add_profile(&plan, p, &defaults);
        fw_exposure open = fw_plan_exposure(&plan, p);
        fw_plan_free(&plan);
        fw_cli_json_exposure(&j, &open);
        fw_json_key(&j, "rules");
        fw_json_array_begin(&j);
        for (size_t r = 0; r < p->rule_count; r++)
            write_rule(&j, &s.catalog, p, &p->rules[r], &defaults);
        fw_json_array_end(&j);
        fw_json_key(&j, "services");
        fw_json_array_begin(&j);
        for (size_t e = 0; e < p->service_count; e++) {
            const fw_service_entry *svc = &p->services[e];
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "name", svc->name);
            fw_json_key(&j, "port");
            fw_json_uint(&j, fw_binding_resolve(&defaults, &svc->port).lo);
            fw_json_member_string(&j, "protocol", fw_protocol_name(svc->protocol));
            fw_json_object_end(&j);
        }
        fw_json_array_end(&j);
        fw_json_object_end(&j);
        fw_binding_free(&defaults);
    }
    fw_json_array_end(&j);
    fw_json_object_end(&j);
    fw_json_finish(&j);
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
