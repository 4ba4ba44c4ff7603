#include "binding.h"
#include "var_values.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

bool fw_setting_parse(const char *arg, fw_setting *out, fw_diags *diags)
{
    const char *eq = strchr(arg, '=');
    if (eq && eq != arg && eq[1] == '\0') {
        /* An empty value is not "no value": that is --unset's job. */
        fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                    "--set '%s' has no value; to return %.*s to the catalog's default (or, for peers, to none), "
                    "use --unset %.*s",
                    arg, (int)(eq - arg), arg, (int)(eq - arg), arg);
        return false;
    }
    if (!eq || eq == arg) {
        fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                    "--set '%s' must have the form name=value, e.g. --set ndmp_port=10001",
                    arg);
        return false;
    }
    out->name = fw_xstrndup(arg, (size_t)(eq - arg));
    out->value = fw_xstrdup(eq + 1);
    return true;
}

void fw_settings_free(fw_setting *settings, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(settings[i].name);
        free(settings[i].value);
    }
    free(settings);
}

static int file_variable(const fw_catalog *c, const fw_profile *p, const char *name)
{
    const fw_catalog_file *f = c->files[p->file];
    for (size_t v = 0; v < f->variable_count; v++)
        if (strcmp(f->variables[v].name, name) == 0 && fw_profile_uses_variable(p, (int)v))
            return (int)v;
    return -1;
}

static char *variables_of(const fw_catalog *c, const fw_profile *p)
{
    const fw_catalog_file *f = c->files[p->file];
    fw_buf b = {0};
    for (size_t v = 0; v < f->variable_count; v++)
        if (fw_profile_uses_variable(p, (int)v))
            fw_buf_printf(&b, "%s%s", b.len ? ", " : "", f->variables[v].name);
    return b.len ? fw_buf_take(&b) : (fw_buf_free(&b), fw_xstrdup("none"));
}

bool fw_settings_check(const fw_catalog *catalog, const fw_profile *const *profiles,
                       size_t profile_count, const fw_setting *settings, size_t count,
                       fw_diags *diags)
{
    size_t errors_before = diags->errors;
    for (size_t i = 0; i < count; i++) {
        const fw_setting *s = &settings[i];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(settings[j].name, s->name) == 0) {
                fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0, "--set %s is given twice", s->name);
                break;
            }
        }
        bool found = false;
        for (size_t p = 0; p < profile_count; p++) {
            int v = file_variable(catalog, profiles[p], s->name);
            if (v < 0)
                continue;
            found = true;
            const fw_variable *var = &catalog->files[profiles[p]->file]->variables[v];
            if (var->type == FW_VAR_ADDRESSES) {
                bool any;
                fw_address *list = NULL;
                size_t n = 0;
                char error[256];
                /* "any" and its equivalents are the guard's to judge (guard.h). */
                if (!fw_address_list_parse(s->value, &any, &list, &n, error, sizeof error))
                    fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0, "--set %s=%s: %s", s->name, s->value, error);
                free(list);
                break;
            }
            if (var->type == FW_VAR_VERSION) {
                fw_version version;
                if (!fw_version_parse(s->value, &version))
                    fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                                "--set %s=%s: a version is one to four numbers joined by dots, such as 13 or "
                                "12.3.2.4165",
                                s->name, s->value);
                break;
            }
            if (var->type == FW_VAR_PATH) {
                if (!fw_folder_path_valid(s->value))
                    fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                                "--set %s=%s: must be an absolute Windows folder, such as 'D:\\Veritas\\Backup Exec'",
                                s->name, s->value);
                break;
            }
            fw_port_range r;
            fw_port_status st = fw_port_range_parse(s->value, &r);
            if (st != FW_PORT_OK) {
                fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0, "--set %s=%s: %s", s->name, s->value,
                            fw_port_status_text(st));
            } else if (var->type == FW_VAR_PORT && r.lo != r.hi) {
                fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                            "--set %s=%s: '%s' is a single port, not a range", s->name, s->value,
                            s->name);
            }
            break;
        }
        if (!found) {
            for (size_t p = 0; p < profile_count; p++) {
                char *vars = variables_of(catalog, profiles[p]);
                fw_diag_add(diags, FW_SEV_ERROR, NULL, 0, 0,
                            "--set %s: profile '%s' has no variable '%s' (its variables: %s)",
                            s->name, profiles[p]->name, s->name, vars);
                free(vars);
            }
        }
    }
    return diags->errors == errors_before;
}

void fw_binding_init(fw_binding *b, const fw_catalog *catalog, const fw_profile *profile,
                     const fw_setting *settings, size_t count)
{
    const fw_catalog_file *f = catalog->files[profile->file];
    size_t n = f->variable_count ? f->variable_count : 1;
    b->file = f;
    b->values = fw_xcalloc(n, sizeof *b->values);
    b->texts = fw_xcalloc(n, sizeof *b->texts);
    b->overridden = fw_xcalloc(n, sizeof *b->overridden);
    b->any = fw_xcalloc(n, sizeof *b->any);
    b->addresses = fw_xcalloc(n, sizeof *b->addresses);
    b->address_counts = fw_xcalloc(n, sizeof *b->address_counts);
    for (size_t v = 0; v < f->variable_count; v++) {
        b->values[v] = f->variables[v].default_value;
        b->texts[v] = f->variables[v].default_text;
    }
    for (size_t i = 0; i < count; i++) {
        int v = file_variable(catalog, profile, settings[i].name);
        if (v < 0)
            continue;
        fw_port_range r;
        fw_var_type t = f->variables[v].type;
        if ((t == FW_VAR_PORT || t == FW_VAR_PORT_RANGE) && fw_port_range_parse(settings[i].value, &r) != FW_PORT_OK)
            continue; /* checked by fw_settings_check */
        if (t == FW_VAR_PORT || t == FW_VAR_PORT_RANGE)
            b->values[v] = r;
        b->texts[v] = settings[i].value;
        b->overridden[v] = true;
    }
    char error[256];
    for (size_t v = 0; v < f->variable_count; v++)
        if (f->variables[v].type == FW_VAR_ADDRESSES && b->texts[v] &&
            !fw_address_list_parse(b->texts[v], &b->any[v], &b->addresses[v], &b->address_counts[v], error,
                                   sizeof error))
            b->texts[v] = NULL; /* unparsable: refused by fw_settings_check; never "any" */
    int vv = f->version_variable;
    b->version_known = vv >= 0 && b->texts[vv] && fw_version_parse(b->texts[vv], &b->version);
}

bool fw_binding_has_rule(const fw_binding *b, const fw_rule *r)
{
    return !r->has_versions || !b->version_known || fw_version_in_range(&b->version, &r->versions);
}

fw_port_range fw_binding_resolve(const fw_binding *b, const fw_port_ref *ref)
{
    return ref->variable >= 0 ? b->values[ref->variable] : ref->literal;
}

bool fw_binding_remote(const fw_binding *b, const fw_rule *r, bool *any, const fw_address **list, size_t *count)
{
    if (r->remote_variable < 0) {
        *any = r->remote_count == 0;
        *list = r->remote;
        *count = r->remote_count;
        return true;
    }
    int v = r->remote_variable;
    if (!b->texts[v])
        return false;
    *any = b->any[v];
    *list = b->addresses[v];
    *count = b->address_counts[v];
    return true;
}

char *fw_binding_program(const fw_binding *b, const fw_rule *r)
{
    if (!r->program)
        return NULL;
    if (r->program_variable < 0)
        return fw_xstrdup(r->program);
    const char *rest = strchr(r->program, '}') + 1;
    return fw_xasprintf("%s%s", b->texts[r->program_variable], rest);
}

char *fw_rule_program_in(const fw_rule *r, const char *folder)
{
    if (!r->program || r->program_variable < 0)
        return NULL;
    return fw_xasprintf("%s%s", folder, strchr(r->program, '}') + 1);
}

void fw_binding_free(fw_binding *b)
{
    if (b->file)
        for (size_t v = 0; v < b->file->variable_count; v++)
            free(b->addresses[v]);
    free(b->values);
    free(b->texts);
    free(b->overridden);
    free(b->any);
    free(b->addresses);
    free(b->address_counts);
    *b = (fw_binding){0};
}
