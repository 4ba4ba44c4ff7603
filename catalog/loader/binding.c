#include "binding.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

bool fw_setting_parse(const char *arg, fw_setting *out, fw_diags *diags)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || eq[1] == '\0') {
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
    b->file = f;
    b->values = fw_xcalloc(f->variable_count, sizeof *b->values);
    b->overridden = fw_xcalloc(f->variable_count, sizeof *b->overridden);
    for (size_t v = 0; v < f->variable_count; v++)
        b->values[v] = f->variables[v].default_value;
    for (size_t i = 0; i < count; i++) {
        int v = file_variable(catalog, profile, settings[i].name);
        fw_port_range r;
        if (v >= 0 && fw_port_range_parse(settings[i].value, &r) == FW_PORT_OK) {
            b->values[v] = r;
            b->overridden[v] = true;
        }
    }
}

fw_port_range fw_binding_resolve(const fw_binding *b, const fw_port_ref *ref)
{
    return ref->variable >= 0 ? b->values[ref->variable] : ref->literal;
}

void fw_binding_free(fw_binding *b)
{
    free(b->values);
    free(b->overridden);
    *b = (fw_binding){0};
}
