#include "desired.h"
#include "host_error.h"

#include "filter_content.h"

#include "catalog_load.h"
#include "host_exit.h"
#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>

static const fw_app_id *resolve_app(fw_desired *d, const char *path)
{
    for (size_t i = 0; i < d->app_count; i++)
        if (fw_str_ieq(d->app_paths[i], path))
            return &d->apps[i];
    if (d->app_count == d->app_cap) {
        d->app_cap = d->app_cap ? d->app_cap * 2 : 8;
        d->apps = fw_xrealloc(d->apps, d->app_cap * sizeof *d->apps);
        d->app_paths = fw_xrealloc(d->app_paths, d->app_cap * sizeof *d->app_paths);
    }
    fw_app_id_resolve(path, &d->apps[d->app_count]);
    d->app_paths[d->app_count] = fw_xstrdup(path);
    return &d->apps[d->app_count++];
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
                fw_error("profiles '%s' and '%s' need the services-file entry %s/%s on different "
                        "ports (%u and %u); the file can hold only one. Give both the same --set value.\n",
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

int fw_desired_build(fw_desired *d, const char *catalog_dir, const fw_applied *applied)
{
    memset(d, 0, sizeof *d);
    fw_diags diags = {0};
    char *dir = catalog_dir ? fw_xstrdup(catalog_dir) : fw_host_default_catalog_dir();
    int rc = FW_EXIT_OK;
    /* Nothing applied needs no catalog: 'remove --all' (an uninstall) works
     * with the catalog gone or broken. */
    if (applied->count && !fw_catalog_load_dir(&d->catalog, dir, &diags)) {
        fw_diags_print(&diags, stderr);
        fw_error("the catalog in '%s' has %zu error(s); nothing was done\n", dir,
                diags.errors);
        rc = FW_EXIT_INVALID;
        goto out;
    }
    d->bindings = fw_xcalloc(applied->count ? applied->count : 1, sizeof *d->bindings);
    for (size_t i = 0; i < applied->count; i++) {
        const fw_applied_profile *a = &applied->items[i];
        const fw_profile *p = fw_catalog_find(&d->catalog, a->profile);
        if (!p) {
            fw_error("profile '%s' is recorded as applied but is not in the catalog; "
                    "run 'fwsvc remove --profile %s' or restore its catalog file\n",
                    a->profile, a->profile);
            rc = FW_EXIT_INVALID;
            goto out;
        }
        if (!fw_settings_check(&d->catalog, &p, 1, a->settings, a->count, &diags)) {
            fw_diags_print(&diags, stderr);
            fw_error("the recorded settings of '%s' no longer fit the catalog\n", p->name);
            rc = FW_EXIT_INVALID;
            goto out;
        }
        fw_diags_print(&diags, stderr); /* warnings, such as an addresses variable set to any */
        fw_diags_free(&diags);
        diags = (fw_diags){0};
        fw_binding_init(&d->bindings[d->binding_count++], &d->catalog, p, a->settings, a->count);
        fw_plan_add_profile(&d->plan, p, &d->bindings[d->binding_count - 1]);
        if (!add_services(d, p, &d->bindings[d->binding_count - 1])) {
            rc = FW_EXIT_INVALID;
            goto out;
        }
    }
    /* Rules whose peers are not named yet: no filter, and each says which
     * variable to set. */
    for (size_t i = 0; i < d->plan.waiting_count; i++) {
        const fw_waiting *w = &d->plan.waiting[i];
        fw_pending pending = {fw_xasprintf("%s/%s", w->profile->name, w->rule->id), NULL, fw_xstrdup(w->variable)};
        FW_PUSH(d->pending, d->pending_count, d->pending_cap, pending);
    }
    for (size_t i = 0; i < d->plan.count; i++) {
        const fw_planned_filter *f = &d->plan.filters[i];
        const char *program = program_of(f);
        const fw_app_id *app = program ? resolve_app(d, program) : NULL;
        char *identity = fw_filter_identity(f);
        if (app && !app->blob && app->error != ERROR_FILE_NOT_FOUND && app->error != ERROR_PATH_NOT_FOUND) {
            /* Installed, maybe, but unreadable: when unsure, fail closed; a
             * "pending" here would delete a permit the program needs. */
            fw_error("cannot resolve the app id of %s for %s (error %lu); nothing was changed\n",
                     app->expanded ? app->expanded : program, identity, app->error);
            free(identity);
            rc = FW_EXIT_FAILURE;
            goto out;
        }
        if (app && !app->blob) {
            /* Not installed yet: reported, and added by a later reconcile. */
            fw_pending pending = {identity, fw_xstrdup(app->expanded ? app->expanded : program), NULL};
            FW_PUSH(d->pending, d->pending_count, d->pending_cap, pending);
            continue;
        }
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
out:
    fw_diags_free(&diags);
    d->catalog_dir = dir;
    return rc;
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
    }
    free(d->apps);
    free(d->app_paths);
    for (size_t i = 0; i < d->pending_count; i++) {
        free(d->pending[i].identity);
        free(d->pending[i].program);
        free(d->pending[i].variable);
    }
    free(d->pending);
    free(d->services);
    free(d->service_profiles);
    fw_plan_free(&d->plan);
    for (size_t i = 0; i < d->binding_count; i++)
        fw_binding_free(&d->bindings[i]);
    free(d->bindings);
    fw_catalog_free(&d->catalog);
    free(d->catalog_dir);
    memset(d, 0, sizeof *d);
}
