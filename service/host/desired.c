#include "desired.h"
#include "host_error.h"

#include "admin_only.h"
#include "site_catalog.h"
#include "catalog_load.h"
#include "filter_content.h"

#include "host_exit.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The failure's one line: kept for the service, reported for the CLI. */
static int fail(fw_desired *d, int rc, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *text = fw_xvasprintf(format, ap);
    va_end(ap);
    fw_diags_print(&d->diags, stderr);
    fw_error("%s\n", text);
    free(d->error);
    d->error = text;
    return rc;
}

/* A program path, resolved once per build: its app id, and whether fwsvc
 * trusts it (app_trust: NULL, or who else can change it). Returns its index. */
static size_t resolve_app(fw_desired *d, const char *path)
{
    for (size_t i = 0; i < d->app_count; i++)
        if (fw_str_ieq(d->app_paths[i], path))
            return i;
    if (d->app_count == d->app_cap) {
        d->app_cap = d->app_cap ? d->app_cap * 2 : 8;
        d->apps = fw_xrealloc(d->apps, d->app_cap * sizeof *d->apps);
        d->app_paths = fw_xrealloc(d->app_paths, d->app_cap * sizeof *d->app_paths);
        d->app_trust = fw_xrealloc(d->app_trust, d->app_cap * sizeof *d->app_trust);
    }
    fw_app_id *a = &d->apps[d->app_count];
    fw_app_id_resolve(path, a);
    d->app_paths[d->app_count] = fw_xstrdup(path);
    /* The program and every folder up to its volume's root. */
    d->app_trust[d->app_count] = a->blob ? fw_admin_only_path(a->expanded, FW_OBJ_FILE) : NULL;
    return d->app_count++;
}

static const char *program_of(const fw_planned_filter *f)
{
    for (size_t i = 0; i < f->condition_count; i++)
        if (f->conditions[i].field == FW_FIELD_ALE_APP_ID)
            return f->conditions[i].value.program;
    return NULL;
}

/* Adds the profile's services entries. Two profiles may want the same
 * entry only with the same port: the file can hold one. */
static bool add_services(fw_desired *d, const fw_profile *p, const fw_binding *b)
{
    for (size_t i = 0; i < p->service_count; i++) {
        const fw_service_entry *e = &p->services[i];
        fw_svc_want w = {e->name, (unsigned)fw_binding_resolve(b, &e->port).lo, fw_protocol_name(e->protocol),
                         e->comment};
        size_t k = 0;
        while (k < d->service_count &&
               !(fw_str_ieq(d->services[k].name, w.name) && fw_str_ieq(d->services[k].protocol, w.protocol)))
            k++;
        if (k < d->service_count) {
            if (d->services[k].port != w.port) {
                fail(d, FW_EXIT_INVALID,
                     "profiles '%s' and '%s' need the services-file entry %s/%s on different ports (%u and %u); the "
                     "file can hold only one. Give both the same --set value.",
                     d->service_profiles[k], p->name, w.name, w.protocol, d->services[k].port, w.port);
                return false;
            }
            continue;
        }
        if (d->service_count == d->service_cap) {
            d->service_cap = d->service_cap ? d->service_cap * 2 : 4;
            d->services = fw_xrealloc(d->services, d->service_cap * sizeof *d->services);
            d->service_profiles = fw_xrealloc(d->service_profiles, d->service_cap * sizeof *d->service_profiles);
        }
        d->services[d->service_count] = w;
        d->service_profiles[d->service_count++] = p->name;
    }
    return true;
}

/* A pending program's nearest existing folder, and whether only
 * administrators could create the rest of its path there. */
static void watch_of(fw_pending *pending)
{
    char *dir = fw_xstrdup(pending->program);
    for (char *cut = strrchr(dir, '\\'); cut; cut = strrchr(dir, '\\')) {
        *cut = 0;
        wchar_t *w = fw_utf8_to_wide(dir);
        DWORD a = GetFileAttributesW(w);
        free(w);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)) {
            pending->watch_folder = fw_xstrdup(dir);
            pending->watch_problem = fw_admin_only_path(dir, FW_OBJ_FOLDER);
            break;
        }
    }
    free(dir);
}

/* "--set name=value", quoted for cmd.exe when the value has a space. */
static char *set_option(const char *name, const char *value)
{
    return strchr(value, ' ') ? fw_xasprintf("--set \"%s=%s\"", name, value) : fw_xasprintf("--set %s=%s", name, value);
}

static bool file_exists(const char *path)
{
    fw_app_id a;
    bool found = fw_app_id_resolve(path, &a) && a.blob;
    fw_app_id_free(&a);
    return found;
}

/* A pending program's path variable, and the other folders the product is
 * known to install to: where the program is, if it is there, and the
 * command that points the rule at it. fwsvc never binds another folder by
 * itself: the administrator says which installation is the product. */
static void program_hint(const fw_desired *d, const fw_planned_filter *f, fw_pending *pending)
{
    const fw_rule *r = f->rule;
    if (r->program_variable < 0) {
        pending->hint = fw_xstrdup("it is added once the program is installed");
        return;
    }
    const fw_variable *var = &d->catalog.files[f->profile->file]->variables[r->program_variable];
    const char *rest = strchr(r->program, '}') + 1;
    size_t bound_len = strlen(f->program) - strlen(rest);
    pending->path_variable = fw_xstrdup(var->name);
    char *bound = fw_xstrndup(f->program, bound_len);
    const char *candidates[1 + FW_CATALOG_MAX_LOCATIONS];
    size_t n = 0;
    if (var->default_text && !fw_str_ieq(var->default_text, bound))
        candidates[n++] = var->default_text;
    for (size_t i = 0; i < var->other_location_count; i++)
        if (!fw_str_ieq(var->other_locations[i], bound))
            candidates[n++] = var->other_locations[i];
    free(bound);
    for (size_t i = 0; i < n && !pending->found_at; i++) {
        char *there = fw_rule_program_in(r, candidates[i]);
        if (file_exists(there))
            pending->found_at = fw_xstrdup(candidates[i]);
        free(there);
    }
    if (pending->found_at) {
        pending->found_set = set_option(var->name, pending->found_at);
        pending->hint = fw_xasprintf("%s is installed under %s instead: fwsvc apply --profile %s %s", rest + 1,
                                     pending->found_at, f->profile->name, pending->found_set);
    } else {
        pending->hint = fw_xasprintf("it is added once the program is installed; installed in another folder: fwsvc "
                                     "apply --profile %s --set %s=FOLDER",
                                     f->profile->name, var->name);
    }
}

/* Binds, guards and plans one applied profile. */
static int add_profile(fw_desired *d, const fw_applied_profile *a, const char *origin)
{
    const fw_profile *p = fw_catalog_find(&d->catalog, a->profile);
    if (!p)
        return fail(d, FW_EXIT_INVALID,
                    "profile '%s' is recorded as applied (%s) but is not in the catalog; run 'fwsvc remove --profile "
                    "%s' or restore its catalog file",
                    a->profile, origin, a->profile);
    if (!fw_settings_check(&d->catalog, &p, 1, a->settings, a->count, &d->diags))
        return fail(d, FW_EXIT_INVALID, "the recorded settings of '%s' (%s) no longer fit the catalog", p->name,
                    origin);
    d->binding_profiles[d->binding_count] = p;
    fw_binding *b = &d->bindings[d->binding_count++];
    fw_binding_init(b, &d->catalog, p, a->settings, a->count);
    /* The guard on what is about to be enforced, wherever it came from. */
    if (!fw_guard_check(p, b, &d->diags))
        return fail(d, FW_EXIT_INVALID,
                    "the settings of '%s' (%s) would make a hard permit too wide; nothing was changed", p->name,
                    origin);
    fw_guard_widened(p, b, &d->widened);
    fw_plan_add_profile(&d->plan, p, b);
    return add_services(d, p, b) ? FW_EXIT_OK : FW_EXIT_INVALID;
}

static void add_wanted(fw_desired *d, const fw_planned_filter *f, const fw_app_id *app, char *identity)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->wanted = fw_xrealloc(d->wanted, d->cap * sizeof *d->wanted);
        d->plans = fw_xrealloc(d->plans, d->cap * sizeof *d->plans);
        d->app_ids = fw_xrealloc(d->app_ids, d->cap * sizeof *d->app_ids);
    }
    fw_key key = fw_filter_key(f, app ? app->text : NULL);
    /* What the filter must enforce, from the very FWPM_FILTER0 reconcile
     * would add: status compares installed filters against it. */
    fw_wfp_filter *built = fw_wfp_filter_build(f, &key, app ? app->blob : NULL);
    d->wanted[d->count] = (fw_wanted_filter){key, identity, fw_wfp_filter_content(&built->filter)};
    fw_wfp_filter_free(built);
    d->plans[d->count] = f;
    d->app_ids[d->count] = app ? app->blob : NULL;
    d->count++;
}

int fw_desired_build(fw_desired *d, const char *catalog_dir, const char *site_catalog_dir, const fw_applied *applied,
                     const char *origin)
{
    memset(d, 0, sizeof *d);
    char *dir = catalog_dir ? fw_xstrdup(catalog_dir) : fw_host_default_catalog_dir();
    d->catalog_dir = dir;
    /* Nothing applied needs no catalog: 'remove --all' (an uninstall) works
     * with the catalog gone or broken. */
    if (applied->count && !fw_catalog_load_host(&d->catalog, dir, site_catalog_dir, true, &d->diags))
        return fail(d, FW_EXIT_INVALID, "the catalog in '%s'%s%s%s has %zu error(s); nothing was done", dir,
                    site_catalog_dir ? " with the site's in '" : "", site_catalog_dir ? site_catalog_dir : "",
                    site_catalog_dir ? "'" : "", d->diags.errors);
    d->bindings = fw_xcalloc(applied->count ? applied->count : 1, sizeof *d->bindings);
    d->binding_profiles = fw_xcalloc(applied->count ? applied->count : 1, sizeof *d->binding_profiles);
    for (size_t i = 0; i < applied->count; i++) {
        int rc = add_profile(d, &applied->items[i], origin);
        if (rc != FW_EXIT_OK)
            return rc;
    }
    /* Rules whose peers are not named yet: no filter, and each says which
     * variable to set. */
    for (size_t i = 0; i < d->plan.waiting_count; i++) {
        const fw_waiting *w = &d->plan.waiting[i];
        fw_pending pending = {.identity = fw_xasprintf("%s/%s", w->profile->name, w->rule->id),
                              .variable = fw_xstrdup(w->variable),
                              .hint = fw_xasprintf("name its peers: fwsvc apply --profile %s --set %s=ADDRESS[,ADDRESS...]",
                                                   w->profile->name, w->variable)};
        FW_PUSH(d->pending, d->pending_count, d->pending_cap, pending);
    }
    for (size_t i = 0; i < d->plan.count; i++) {
        const fw_planned_filter *f = &d->plan.filters[i];
        const char *program = program_of(f);
        char *identity = fw_filter_identity(f);
        if (!program) {
            add_wanted(d, f, NULL, identity);
            continue;
        }
        size_t k = resolve_app(d, program);
        const fw_app_id *app = &d->apps[k];
        if (!app->blob && app->error != ERROR_FILE_NOT_FOUND && app->error != ERROR_PATH_NOT_FOUND) {
            /* Installed, maybe, but unreadable: when unsure, fail closed; a
             * "pending" here would delete a permit the program needs. */
            int rc = fail(d, FW_EXIT_FAILURE, "cannot resolve the app id of %s for %s (error %lu); nothing was changed",
                          app->expanded ? app->expanded : program, identity, app->error);
            free(identity);
            return rc;
        }
        if (!app->blob) {
            /* Not installed yet: reported, and added by a later reconcile. */
            fw_pending pending = {.identity = identity, .program = fw_xstrdup(app->expanded ? app->expanded : program)};
            program_hint(d, f, &pending);
            watch_of(&pending);
            FW_PUSH(d->pending, d->pending_count, d->pending_cap, pending);
        } else if (d->app_trust[k]) {
            fw_refused refused = {identity, fw_xstrdup(app->expanded), fw_xstrdup(d->app_trust[k])};
            FW_PUSH(d->refused, d->refused_count, d->refused_cap, refused);
        } else {
            add_wanted(d, f, app, identity);
        }
    }
    return FW_EXIT_OK;
}

void fw_desired_request(const fw_desired *d, fw_reconcile_request *req, unsigned short sublayer_weight)
{
    memset(req, 0, sizeof *req);
    req->wanted = d->wanted;
    req->count = d->count;
    req->plans = d->plans;
    req->app_ids = d->app_ids;
    req->sublayer_weight = sublayer_weight;
}

void fw_desired_free(fw_desired *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->wanted[i].identity);
    free(d->wanted);
    free(d->plans);
    free(d->app_ids);
    for (size_t i = 0; i < d->app_count; i++) {
        fw_app_id_free(&d->apps[i]);
        free(d->app_paths[i]);
        free(d->app_trust[i]);
    }
    free(d->apps);
    free(d->app_paths);
    free(d->app_trust);
    for (size_t i = 0; i < d->pending_count; i++) {
        free(d->pending[i].identity);
        free(d->pending[i].program);
        free(d->pending[i].variable);
        free(d->pending[i].watch_folder);
        free(d->pending[i].watch_problem);
        free(d->pending[i].path_variable);
        free(d->pending[i].found_at);
        free(d->pending[i].found_set);
        free(d->pending[i].hint);
    }
    free(d->pending);
    for (size_t i = 0; i < d->refused_count; i++) {
        free(d->refused[i].identity);
        free(d->refused[i].program);
        free(d->refused[i].problem);
    }
    free(d->refused);
    fw_widened_list_free(&d->widened);
    free(d->services);
    free(d->service_profiles);
    fw_plan_free(&d->plan);
    for (size_t i = 0; i < d->binding_count; i++)
        fw_binding_free(&d->bindings[i]);
    free(d->bindings);
    free(d->binding_profiles);
    fw_catalog_free(&d->catalog);
    fw_diags_free(&d->diags);
    free(d->error);
    free(d->catalog_dir);
    memset(d, 0, sizeof *d);
}
