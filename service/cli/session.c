#include "cli.h"
#include "host_error.h"

#include "catalog_load.h"
#include "guard.h"
#include "host_record.h"
#include "site_catalog.h"
#include "settings_merge.h"
#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fw_cli_site_catalog(const fw_cli_args *args, const char *recorded)
{
    if (!args->site_catalog_dir)
        return recorded;
    return fw_str_ieq(args->site_catalog_dir, "none") ? NULL : args->site_catalog_dir;
}

/* The closest name or alias, and where to see them all. */
static void suggest_profiles(const fw_catalog *c, const char *wrong)
{
    size_t n = 0;
    for (size_t i = 0; i < c->profile_count; i++)
        n += 1 + c->profiles[i].alias_count;
    const char **names = fw_xcalloc(n ? n : 1, sizeof *names);
    n = 0;
    for (size_t i = 0; i < c->profile_count; i++) {
        names[n++] = c->profiles[i].name;
        for (size_t a = 0; a < c->profiles[i].alias_count; a++)
            names[n++] = c->profiles[i].aliases[a];
    }
    const char *closest = wrong[0] ? fw_closest(wrong, names, n) : NULL;
    if (closest)
        fprintf(stderr, "Did you mean '%s'? ", closest);
    fprintf(stderr, "'fwsvc list' shows all %zu profiles.\n", c->profile_count);
    free(names);
}

const char *fw_value_from_name(fw_value_from f)
{
    switch (f) {
    case FW_FROM_LOCAL:
        return "local";
    case FW_FROM_POLICY:
        return "policy";
    case FW_FROM_SET:
        return "--set";
    default:
        return "default";
    }
}

static bool has_setting(const fw_setting *settings, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(settings[i].name, name) == 0)
            return true;
    return false;
}

/* Profile i's settings: the host's recorded ones when it applies the
 * profile, --set over them, as apply would merge them (settings_merge.h);
 * and where each of its file's variables gets its value. Returns the
 * settings to bind (owned by *merge). */
static void host_settings(fw_cli_session *s, size_t i, const fw_cli_args *args, const fw_host_record *rec,
                          fw_merge *merge)
{
    const fw_catalog_file *file = s->catalog.files[s->profiles[i]->file];
    const fw_applied_profile *a = rec->present ? fw_applied_find(&rec->profiles, s->profiles[i]->name) : NULL;
    fw_setting *mine = fw_xcalloc(args->setting_count + 1, sizeof *mine);
    size_t n = 0;
    for (size_t k = 0; k < args->setting_count; k++)
        for (size_t v = 0; v < file->variable_count; v++)
            if (strcmp(file->variables[v].name, args->settings[k].name) == 0)
                mine[n++] = args->settings[k];
    fw_settings_merge(file->variables, file->variable_count, a == NULL, a ? a->settings : NULL, a ? a->count : 0,
                      mine, n, NULL, 0, merge);
    s->applied[i] = a != NULL;
    s->from[i] = fw_xcalloc(file->variable_count + 1, sizeof *s->from[i]);
    for (size_t v = 0; v < file->variable_count; v++) {
        const char *name = file->variables[v].name;
        s->from[i][v] = has_setting(mine, n, name)                   ? FW_FROM_SET
                        : a && has_setting(a->settings, a->count, name) ? (rec->by_policy ? FW_FROM_POLICY
                                                                                          : FW_FROM_LOCAL)
                                                                        : FW_FROM_DEFAULT;
    }
    free(mine);
}

int fw_cli_session_open(fw_cli_session *s, const fw_cli_args *args, unsigned flags)
{
    *s = (fw_cli_session){0};
    fw_diags diags = {0};
    int rc = FW_EXIT_OK;
    fw_host_record rec = {0};
    char *dir = NULL;
    if ((flags & (FW_SESSION_HOST_VALUES | FW_SESSION_HOST_FOLDERS)) && !args->defaults) {
        char *error = NULL;
        if (!fw_host_record_read(&rec, &error)) {
            if (flags & FW_SESSION_HOST_VALUES)
                fw_error("%s; 'fwsvc %s --defaults' shows the catalog alone\n", error, args->command);
            else
                fw_error("%s; 'fwsvc %s --catalog DIR' reads a catalog folder alone\n", error, args->command);
            free(error);
            rc = FW_EXIT_FAILURE;
            goto out;
        }
        s->host_read = rec.present;
    }
    /* The catalog the host enforces, unless --catalog names another. */
    dir = args->catalog_dir ? fw_xstrdup(args->catalog_dir)
          : rec.catalog_dir ? fw_xstrdup(rec.catalog_dir)
                            : fw_host_default_catalog_dir();

    const char *site = fw_cli_site_catalog(args, rec.site_catalog_dir);
    bool loaded = fw_catalog_load_host(&s->catalog, dir, site, flags & FW_SESSION_TRUSTED, &diags);
    if (!loaded) {
        fw_diags_print(&diags, stderr);
        fw_error("the catalog in '%s'%s%s%s has %zu error(s); nothing was done\n", dir,
                 site ? " with the site's in '" : "", site ? site : "", site ? "'" : "", diags.errors);
        rc = FW_EXIT_INVALID;
        goto out;
    }
    if ((flags & FW_SESSION_NEED_PROFILE) && args->profile_count == 0) {
        fw_error("%s needs --profile NAME\n", args->command);
        suggest_profiles(&s->catalog, "");
        rc = FW_EXIT_INVALID;
        goto out;
    }
    s->profiles = fw_xcalloc(args->profile_count, sizeof *s->profiles);
    for (size_t i = 0; i < args->profile_count; i++) {
        const fw_profile *p = fw_catalog_find(&s->catalog, args->profiles[i]);
        if (!p) {
            fw_error("no profile named '%s'\n", args->profiles[i]);
            suggest_profiles(&s->catalog, args->profiles[i]);
            rc = FW_EXIT_INVALID;
            goto out;
        }
        for (size_t j = 0; j < s->profile_count; j++) {
            if (s->profiles[j] == p) {
                fw_error("profile '%s' is given twice\n", p->name);
                rc = FW_EXIT_INVALID;
                goto out;
            }
        }
        s->profiles[s->profile_count++] = p;
    }
    if (!fw_settings_check(&s->catalog, s->profiles, s->profile_count, args->settings,
                           args->setting_count, &diags)) {
        fw_diags_print(&diags, stderr);
        rc = FW_EXIT_INVALID;
        goto out;
    }
    s->bindings = fw_xcalloc(s->profile_count, sizeof *s->bindings);
    if (flags & FW_SESSION_HOST_VALUES) {
        s->from = fw_xcalloc(s->profile_count, sizeof *s->from);
        s->applied = fw_xcalloc(s->profile_count, sizeof *s->applied);
        s->merges = fw_xcalloc(s->profile_count, sizeof *s->merges);
    }
    for (size_t i = 0; i < s->profile_count; i++) {
        if (!(flags & FW_SESSION_HOST_VALUES)) {
            fw_binding_init(&s->bindings[i], &s->catalog, s->profiles[i], args->settings, args->setting_count);
            continue;
        }
        fw_merge *m = &s->merges[i];
        host_settings(s, i, args, &rec, m);
        /* Recorded values are checked as the service checks them. */
        bool fits = fw_settings_check(&s->catalog, &s->profiles[i], 1, m->settings, m->count, &diags);
        fw_binding_init(&s->bindings[i], &s->catalog, s->profiles[i], m->settings, fits ? m->count : 0);
        if (!fits) {
            fw_diags_print(&diags, stderr);
            fw_error("the recorded settings of '%s' no longer fit the catalog ('fwsvc config' lists them)\n",
                     s->profiles[i]->name);
            rc = FW_EXIT_INVALID;
            goto out;
        }
    }
    /* The guard holds on the values bound here, --set included. */
    for (size_t i = 0; i < s->profile_count; i++)
        fw_guard_check(s->profiles[i], &s->bindings[i], &diags);
    if (diags.errors) {
        fw_diags_print(&diags, stderr);
        fw_error("nothing was done: a value above would make a hard permit too wide\n");
        rc = FW_EXIT_INVALID;
        goto out;
    }
    if (flags & FW_SESSION_WARN_WIDENED)
        fw_cli_warn_widened(s->profiles, s->bindings, s->profile_count);
out:
    if (rc == FW_EXIT_OK)
        fw_diags_print(&diags, stderr); /* warnings */
    fw_diags_free(&diags);
    fw_host_record_free(&rec);
    free(dir);
    if (rc != FW_EXIT_OK)
        fw_cli_session_close(s);
    return rc;
}

void fw_cli_session_close(fw_cli_session *s)
{
    if (s->bindings)
        for (size_t i = 0; i < s->profile_count; i++)
            fw_binding_free(&s->bindings[i]);
    free(s->bindings);
    if (s->from)
        for (size_t i = 0; i < s->profile_count; i++)
            free(s->from[i]);
    free(s->from);
    free(s->applied);
    if (s->merges)
        for (size_t i = 0; i < s->profile_count; i++)
            fw_merge_free(&s->merges[i]);
    free(s->merges);
    free(s->profiles);
    fw_catalog_free(&s->catalog);
    *s = (fw_cli_session){0};
}

void fw_cli_warn_widened(const fw_profile *const *profiles, const fw_binding *bindings, size_t count)
{
    fw_widened_list w = {0};
    for (size_t i = 0; i < count; i++)
        fw_guard_widened(profiles[i], &bindings[i], &w);
    for (size_t i = 0; i < w.count; i++)
        fprintf(stderr,
                "fwsvc: warning: %s=%s counts as any address: %s/%s then accept%s every peer; name the peers "
                "instead (docs/security.md)\n",
                w.items[i].variable, w.items[i].value, w.items[i].profile->name, w.items[i].rules,
                strchr(w.items[i].rules, ',') ? "" : "s");
    fw_widened_list_free(&w);
}

char *fw_cli_ports_text(const fw_rule *rule, const fw_binding *binding, const char *separator)
{
    fw_buf b = {0};
    for (size_t i = 0; i < rule->port_count; i++) {
        char text[16];
        fw_port_range_format(fw_binding_resolve(binding, &rule->ports[i]), text, sizeof text);
        fw_buf_printf(&b, "%s%s", i ? separator : "", text);
    }
    return b.len ? fw_buf_take(&b) : (fw_buf_free(&b), fw_xstrdup("all"));
}
