#include "catalog.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

static void free_rule(fw_rule *r)
{
    free(r->id);
    free(r->ports);
    free(r->program);
    for (size_t i = 0; i < r->remote_count; i++)
        free(r->remote_text[i]);
    free(r->remote_text);
    free(r->remote);
    free(r->description);
    free(r->source_document);
    free(r->source_section);
    free(r->versions_text);
}

static void free_profile(fw_profile *p)
{
    free(p->name);
    for (size_t i = 0; i < p->alias_count; i++)
        free(p->aliases[i]);
    free(p->aliases);
    free(p->alias_pos);
    free(p->role);
    free(p->description);
    for (size_t i = 0; i < p->rule_count; i++)
        free_rule(&p->rules[i]);
    free(p->rules);
    for (size_t i = 0; i < p->service_count; i++) {
        free(p->services[i].name);
        free(p->services[i].comment);
    }
    free(p->services);
}

void fw_catalog_free(fw_catalog *catalog)
{
    for (size_t i = 0; i < catalog->profile_count; i++)
        free_profile(&catalog->profiles[i]);
    free(catalog->profiles);
    for (size_t i = 0; i < catalog->file_count; i++) {
        fw_catalog_file *f = catalog->files[i];
        for (size_t v = 0; v < f->variable_count; v++) {
            free(f->variables[v].name);
            free(f->variables[v].description);
            free(f->variables[v].default_text);
            for (size_t o = 0; o < f->variables[v].other_location_count; o++)
                free(f->variables[v].other_locations[o]);
            free(f->variables[v].other_locations);
        }
        free(f->variables);
        for (size_t d = 0; d < f->source_count; d++) {
            free(f->sources[d].document);
            free(f->sources[d].title);
            free(f->sources[d].product_version);
            free(f->sources[d].url);
            free(f->sources[d].article);
        }
        free(f->sources);
        free(f->product);
        free(f->path);
        free(f);
    }
    free(catalog->files);
    *catalog = (fw_catalog){0};
}

const fw_profile *fw_catalog_find(const fw_catalog *catalog, const char *name)
{
    for (size_t i = 0; i < catalog->profile_count; i++) {
        const fw_profile *p = &catalog->profiles[i];
        if (fw_str_ieq(p->name, name))
            return p;
        for (size_t a = 0; a < p->alias_count; a++)
            if (fw_str_ieq(p->aliases[a], name))
                return p;
    }
    return NULL;
}

const char *fw_direction_name(fw_direction d)
{
    return d == FW_DIR_IN ? "in" : "out";
}

const char *fw_protocol_name(fw_protocol p)
{
    switch (p) {
    case FW_PROTO_TCP:
        return "tcp";
    case FW_PROTO_UDP:
        return "udp";
    case FW_PROTO_ANY:
        break;
    }
    return "any";
}

const char *fw_var_type_name(fw_var_type t)
{
    switch (t) {
    case FW_VAR_PORT:
        return "port";
    case FW_VAR_PORT_RANGE:
        return "port_range";
    case FW_VAR_ADDRESSES:
        return "addresses";
    case FW_VAR_PATH:
        return "path";
    case FW_VAR_VERSION:
        return "version";
    }
    return "?";
}

const fw_source_doc *fw_rule_source(const fw_catalog *catalog, const fw_profile *profile, const fw_rule *rule)
{
    const fw_catalog_file *f = catalog->files[profile->file];
    return rule->source >= 0 && (size_t)rule->source < f->source_count ? &f->sources[rule->source] : NULL;
}

char *fw_profile_versions(const fw_catalog *catalog, const fw_profile *profile)
{
    fw_buf b = {0};
    const char **seen = fw_xcalloc(profile->rule_count + 1, sizeof *seen);
    size_t n = 0;
    for (size_t r = 0; r < profile->rule_count; r++) {
        const fw_source_doc *d = fw_rule_source(catalog, profile, &profile->rules[r]);
        if (!d || !d->product_version)
            continue;
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(seen[i], d->product_version) == 0;
        if (known)
            continue;
        seen[n++] = d->product_version;
        fw_buf_printf(&b, "%s%s", b.len ? ", " : "", d->product_version);
    }
    free(seen);
    return b.len ? fw_buf_take(&b) : (fw_buf_free(&b), fw_xstrdup(""));
}

bool fw_profile_uses_variable(const fw_profile *profile, int variable)
{
    for (size_t r = 0; r < profile->rule_count; r++) {
        const fw_rule *rule = &profile->rules[r];
        if (rule->remote_variable == variable || rule->program_variable == variable ||
            rule->version_variable == variable)
            return true;
        for (size_t i = 0; i < rule->port_count; i++)
            if (rule->ports[i].variable == variable)
                return true;
    }
    for (size_t s = 0; s < profile->service_count; s++)
        if (profile->services[s].port.variable == variable)
            return true;
    return false;
}
