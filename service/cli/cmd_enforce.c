/* apply, remove, status and filters: the commands that read or change WFP.
 * Windows only (cmd_enforce_stub.c natively). */
#include "cli.h"
#include "cli_host.h"
#include "host_error.h"

#include "apply_detect.h"

#include "catalog_load.h"
#include "host_config.h"
#include "host_lock.h"
#include "host_reconcile.h"
#include "settings_merge.h"
#include "site_catalog.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "services_io.h"
#include "fw_strings.h"
#include "fw_table.h"
#include "fw_win32_text.h"
#include "report.h"
#include "data_folder.h"
#include "service_log.h"
#include "service_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fw_cli_load_config(fw_host_config *c)
{
    char *error = NULL;
    if (fw_host_config_load(c, &error) == ERROR_SUCCESS)
        return true;
    fw_error("%s; nothing was changed\n", error);
    free(error);
    return false;
}

/* An absolute path: a recorded relative one would depend on the folder
 * the next command runs in. */
static char *absolute_path(const char *path)
{
    wchar_t *w = fw_utf8_to_wide(path), full[MAX_PATH * 2];
    DWORD n = GetFullPathNameW(w, MAX_PATH * 2, full, NULL);
    free(w);
    return n && n < MAX_PATH * 2 ? fw_wide_to_utf8(full) : fw_xstrdup(path);
}

/* --catalog / --services-file for this command. With record, they become
 * the host's (apply); a value Group Policy sets cannot be changed. */
static int take_path(const char *arg, const char *option, const char *value_name, char **value, fw_source *source,
                     bool record)
{
    if (!arg)
        return FW_EXIT_OK;
    char *full = absolute_path(arg);
    if (record && *source == FW_SOURCE_POLICY && !fw_str_ieq(full, *value)) {
        fw_error("%s: %s is set by Group Policy (%s) to '%s'; change it there, not with %s\n", option, value_name,
                 FW_POLICY_KEY_TEXT, *value, option);
        free(full);
        return FW_EXIT_INVALID;
    }
    free(*value);
    *value = full;
    if (*source != FW_SOURCE_POLICY)
        *source = FW_SOURCE_LOCAL;
    return FW_EXIT_OK;
}

/* --site-catalog DIR, or --site-catalog none: no site folder. */
static int take_site_path(const char *arg, fw_host_config *c, bool record)
{
    if (!arg || !fw_str_ieq(arg, "none"))
        return take_path(arg, "--site-catalog", "SiteCatalogDir", &c->site_catalog_dir, &c->site_catalog_dir_source,
                         record);
    if (record && c->site_catalog_dir_source == FW_SOURCE_POLICY) {
        fw_error("--site-catalog: SiteCatalogDir is set by Group Policy (%s) to '%s'; change it there, not with "
                 "--site-catalog\n",
                 FW_POLICY_KEY_TEXT, c->site_catalog_dir);
        return FW_EXIT_INVALID;
    }
    free(c->site_catalog_dir);
    c->site_catalog_dir = NULL;
    if (c->site_catalog_dir_source != FW_SOURCE_POLICY)
        c->site_catalog_dir_source = FW_SOURCE_DEFAULT;
    return FW_EXIT_OK;
}

static int take_paths(const fw_cli_args *args, fw_host_config *c, bool record)
{
    int rc = take_path(args->catalog_dir, "--catalog", "CatalogDir", &c->catalog_dir, &c->catalog_dir_source, record);
    if (rc == FW_EXIT_OK)
        rc = take_site_path(args->site_catalog_dir, c, record);
    if (rc == FW_EXIT_OK)
        rc = take_path(args->services_file, "--services-file", "ServicesFile", &c->services_file,
                       &c->services_file_source, record);
    return rc;
}

static fw_report_mode mode_of(const fw_host_request *rq, fw_report_mode committed)
{
    return rq->dry_run ? FW_MODE_DRY_RUN : committed;
}

/* What configure (the MSI's action, run as SYSTEM with nobody watching its
 * output but the MSI log) warns of goes to the Event Log and the text log
 * too, as the service's warnings do. */
static void log_warnings(const fw_desired *d)
{
    for (size_t i = 0; i < d->widened.count; i++) {
        const fw_widened *w = &d->widened.items[i];
        fw_log_event(FWSVC_EVENT_WIDENED, "%s=%s counts as any address: %s/%s accept every peer (set by the installer)",
                     w->variable, w->value, w->profile->name, w->rules);
    }
    for (size_t i = 0; i < d->refused_count; i++)
        fw_log_event(FWSVC_EVENT_PROGRAM_REFUSED, "%s: its program %s can be changed by non-administrators (%s)",
                     d->refused[i].identity, d->refused[i].program, d->refused[i].problem);
}

/* Runs the host module's reconcile and reports it. */
static int reconcile_and_report(const fw_cli_args *args, const fw_host_config *c, const fw_host_request *rq,
                                fw_report_mode mode, const char *what)
{
    fw_host_run run;
    int rc = fw_host_reconcile(c, rq, &run);
    mode = mode_of(rq, mode);
    if (!run.reconciled) {
        if (run.result.message[0])
            rc = fw_report_failure(what, &run.result, rq->dry_run);
        fw_host_run_free(&run);
        return rc;
    }
    if (args->json) {
        fw_report_json(&run.desired, &c->profiles, &run.result, &run.services, mode);
    } else {
        fw_report_changes(&run.desired, &run.result, mode);
        fw_report_versions(&run.desired);
        fw_report_pending(&run.desired);
    }
    fw_report_refused(&run.desired);
    fw_report_widened(&run.desired);
    if (strcmp(args->command, "configure") == 0)
        log_warnings(&run.desired);
    if (!args->json && rc == FW_EXIT_OK) /* a failed write said so already */
        fw_services_report(&run.services, rq->dry_run ? "dry-run" : mode == FW_MODE_APPLY ? "apply" : "remove");
    fw_services_warn(&run.services);
    if (rc == FW_EXIT_OK && rq->dry_run &&
        (fw_report_has_drift(&run.result) || fw_services_has_drift(&run.services)))
        rc = FW_EXIT_DRIFT;
    else if (rc == FW_EXIT_OK && run.desired.refused_count)
        rc = FW_EXIT_REFUSED; /* the rest is applied; these are not, and must be fixed */
    fw_host_run_free(&run);
    return rc;
}

/* What a host_config setter said: a refusal stops the command. */
static int setter_result(unsigned long e, char *error)
{
    if (e == ERROR_SUCCESS)
        return FW_EXIT_OK;
    fw_error("%s; nothing was changed\n", error);
    free(error);
    return FW_EXIT_INVALID;
}

/* configure's --interval: recorded with the profiles, after the commit. */
static int take_interval(unsigned long seconds, fw_host_config *c)
{
    char *error = NULL;
    unsigned long e = fw_host_config_set_interval(c, seconds, &error); /* fills error first */
    return setter_result(e, error);
}

/* --auto-detect on|off: recorded with the profiles, after the commit. */
static int take_auto_detect(bool on, fw_host_config *c)
{
    char *error = NULL;
    unsigned long e = fw_host_config_set_auto_detect(c, on, &error); /* fills error first */
    return setter_result(e, error);
}

/* apply --auto-detect off on a host that applies nothing: there is no WFP
 * transaction to run, only the value to record. */
static int record_settings_only(const fw_cli_args *args)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    int rc = take_auto_detect(args->auto_detect, &c);
    char *error = NULL;
    if (rc == FW_EXIT_OK && !args->dry_run && fw_host_config_save(&c, FW_SAVE_PATHS, &error) != ERROR_SUCCESS) {
        fw_error("%s\n", error);
        free(error);
        rc = FW_EXIT_FAILURE;
    }
    if (rc == FW_EXIT_OK)
        printf("%s AutoDetect = %d in %s; no profile is applied.\n", args->dry_run ? "Would record" : "Recorded",
               c.auto_detect, FW_CONFIG_KEY_TEXT);
    fw_host_config_free(&c);
    return rc;
}

static bool profile_has_variable(const fw_cli_session *s, size_t i, const char *name)
{
    const fw_catalog_file *file = s->catalog.files[s->profiles[i]->file];
    for (size_t v = 0; v < file->variable_count; v++)
        if (strcmp(file->variables[v].name, name) == 0 && fw_profile_uses_variable(s->profiles[i], (int)v))
            return true;
    return false;
}

/* Says what a merge changed; a change that widens an opening is a
 * warning, every time. */
static void report_merge(const char *profile, const fw_merge *m, bool json, bool say_kept)
{
    FILE *out = json ? stderr : stdout;
    for (size_t i = 0; i < m->note_count; i++) {
        const fw_merge_note *n = &m->notes[i];
        if (n->kind == FW_MERGE_KEPT && !say_kept)
            continue;
        if (n->kind == FW_MERGE_KEPT)
            fprintf(out, "Keeping %s=%s for profile %s, as recorded (fwsvc apply --profile %s --unset %s returns it "
                         "to the catalog's default).\n",
                    n->name, n->after, profile, profile, n->name);
        else
            fprintf(out, "%s: %s %s -> %s%s.\n", profile, n->name, n->before, n->after,
                    n->kind == FW_MERGE_UNSET ? " (the catalog's default)" : "");
        if (n->widens)
            fprintf(stderr, "fwsvc: warning: %s %s -> %s WIDENS what profile %s opens\n", n->name, n->before,
                    n->after, profile);
    }
}

static int apply_locked(const fw_cli_args *args)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    int rc = take_paths(args, &c, true);
    bool detect = args->detect || (args->auto_detect_given && args->auto_detect);
    fw_applied fresh = {0}; /* the profiles detection added or changed */
    if (rc == FW_EXIT_OK && c.profiles_source == FW_SOURCE_POLICY &&
        (args->profile_count || args->setting_count || args->unset_count || detect)) {
        fw_error("the applied profiles are set by Group Policy (%s\\AppliedProfiles); change them there\n",
                 FW_POLICY_KEY_TEXT);
        rc = FW_EXIT_INVALID;
    }
    if (rc == FW_EXIT_OK && args->interval)
        rc = take_interval(args->interval, &c);
    if (rc == FW_EXIT_OK && args->auto_detect_given)
        rc = take_auto_detect(args->auto_detect, &c);
    if (rc == FW_EXIT_OK && detect)
        rc = fw_cli_apply_detect(&c, args, &fresh);
    if (rc == FW_EXIT_OK && !args->profile_count && !c.profiles.count && args->auto_detect_given && !detect) {
        fw_host_config_free(&c);
        return record_settings_only(args);
    }
    if (rc == FW_EXIT_OK && !args->profile_count && !c.profiles.count && !detect) {
        fw_error("nothing to apply: no profile is recorded on this host; name one with --profile NAME (see 'fwsvc "
                 "list'), or apply the installed products' with --detect\n");
        rc = FW_EXIT_INVALID;
    }
    /* --detect on a host without a product: nothing is applied, and what
     * detection had added goes (the reconcile below deletes its filters). */
    if (rc == FW_EXIT_OK && !args->profile_count && !c.profiles.count && (args->setting_count || args->unset_count)) {
        fw_error("--set/--unset: no product is detected and no profile is applied to take them\n");
        rc = FW_EXIT_INVALID;
    }
    if (rc != FW_EXIT_OK) {
        fw_applied_free(&fresh);
        fw_host_config_free(&c);
        return rc;
    }
    /* No --profile: re-apply what is recorded, with any --set / --unset. */
    fw_cli_args named = *args;
    named.catalog_dir = c.catalog_dir;
    named.site_catalog_dir = c.site_catalog_dir ? c.site_catalog_dir : "none";
    const char **recorded = NULL;
    if (!args->profile_count) {
        recorded = fw_xcalloc(c.profiles.count, sizeof *recorded);
        for (size_t i = 0; i < c.profiles.count; i++)
            recorded[i] = c.profiles.items[i].profile;
        named.profiles = recorded;
        named.profile_count = c.profiles.count;
    }
    fw_cli_session s = {0};
    if (named.profile_count) /* checks the profiles and every --set */
        rc = fw_cli_session_open(&s, &named, FW_SESSION_NEED_PROFILE | FW_SESSION_TRUSTED);
    for (size_t u = 0; rc == FW_EXIT_OK && u < args->unset_count; u++) {
        bool known = false;
        for (size_t i = 0; i < s.profile_count && !known; i++)
            known = profile_has_variable(&s, i, args->unsets[u]);
        if (!known) {
            fw_error("--unset %s: none of the profiles applied here has that variable\n", args->unsets[u]);
            rc = FW_EXIT_INVALID;
        }
    }
    for (size_t i = 0; rc == FW_EXIT_OK && i < s.profile_count; i++) {
        /* Each profile keeps its recorded settings unless --set or --unset
         * names them: a re-apply never widens an opening silently. */
        const fw_catalog_file *file = s.catalog.files[s.profiles[i]->file];
        fw_setting *mine = fw_xcalloc(args->setting_count + 1, sizeof *mine);
        const char **unset = fw_xcalloc(args->unset_count + 1, sizeof *unset);
        size_t n = 0, nu = 0;
        for (size_t k = 0; k < args->setting_count; k++)
            if (profile_has_variable(&s, i, args->settings[k].name))
                mine[n++] = args->settings[k];
        for (size_t k = 0; k < args->unset_count; k++)
            if (profile_has_variable(&s, i, args->unsets[k]))
                unset[nu++] = args->unsets[k];
        const fw_applied_profile *before = fw_applied_find(&c.profiles, s.profiles[i]->name);
        fw_merge m;
        fw_settings_merge(file->variables, file->variable_count, before == NULL, before ? before->settings : NULL,
                          before ? before->count : 0, mine, n, unset, nu, &m);
        /* What detection just recorded it said already. */
        report_merge(s.profiles[i]->name, &m, args->json, !fw_applied_find(&fresh, s.profiles[i]->name));
        fw_applied_set(&c.profiles, s.profiles[i]->name, m.settings, m.count);
        if (args->profile_count) /* named by hand: the administrator's, never removed by detection */
            fw_applied_mark_detected(&c.profiles, s.profiles[i]->name, false);
        fw_merge_free(&m);
        free(mine);
        free(unset);
    }
    fw_cli_session_close(&s);
    free(recorded);
    fw_applied_free(&fresh);
    if (rc == FW_EXIT_OK) {
        if (c.profiles_source == FW_SOURCE_DEFAULT)
            c.profiles_source = FW_SOURCE_LOCAL;
        fw_host_request rq = {.dry_run = args->dry_run, .record = FW_RECORD_PROFILES | FW_RECORD_PATHS};
        rc = reconcile_and_report(args, &c, &rq, FW_MODE_APPLY, "apply");
    }
    fw_host_config_free(&c);
    return rc;
}

HANDLE fw_cli_host_lock(void)
{
    const char *why;
    HANDLE lock = fw_host_lock(NULL, 60000, &why);
    if (!lock)
        fw_error("another fwsvc (the service, or another command) has been changing this host for a minute (%s); "
                 "nothing was changed, try again\n",
                 why);
    return lock;
}

/* Runs a command that changes the host under the host lock (host_lock.h). */
static int locked(int (*command)(const fw_cli_args *), const fw_cli_args *args)
{
    HANDLE lock = fw_cli_host_lock();
    if (!lock)
        return FW_EXIT_FAILURE;
    int rc = command(args);
    fw_host_unlock(lock);
    return rc;
}

int fw_cmd_apply(const fw_cli_args *args)
{
    return locked(apply_locked, args);
}

/* remove --all --purge, after WFP and the services file are clean: what an
 * uninstall leaves is nothing of fwsvc's (policy keys are policy's). */
static int purge(void)
{
    char *error = NULL;
    int rc = FW_EXIT_OK;
    fw_service_wait_for_stop(30000);
    if (fw_host_config_forget(&error) != ERROR_SUCCESS) {
        fw_error("%s\n", error);
        free(error);
        rc = FW_EXIT_FAILURE;
    }
    char *folder = fw_data_path(NULL);
    char *left = fw_data_folder_forget();
    if (left) {
        fw_error("%s; delete it by hand\n", left);
        free(left);
        rc = FW_EXIT_FAILURE;
    }
    if (rc == FW_EXIT_OK)
        printf("Deleted the host configuration (%s) and %s.\n", FW_CONFIG_KEY_TEXT, folder);
    free(folder);
    return rc;
}

static int remove_locked(const fw_cli_args *args)
{
    if (args->all == (args->profile_count > 0)) {
        fw_error("remove needs either --profile NAME or --all\n");
        return FW_EXIT_INVALID;
    }
    if (args->purge && !args->all) {
        fw_error("--purge goes with --all only: it deletes the whole host configuration\n");
        return FW_EXIT_INVALID;
    }
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    int rc = take_paths(args, &c, false); /* this once; the host keeps its own */
    if (rc == FW_EXIT_OK && c.profiles_source == FW_SOURCE_POLICY && !args->all) {
        fw_error("the applied profiles are set by Group Policy (%s\\AppliedProfiles); change them there\n",
                 FW_POLICY_KEY_TEXT);
        rc = FW_EXIT_INVALID;
    }
    if (rc == FW_EXIT_OK && args->all) {
        if (c.profiles_source == FW_SOURCE_POLICY)
            fprintf(stderr, "fwsvc: warning: Group Policy still names profiles (%s\\AppliedProfiles); the fwsvc "
                            "service will apply them again\n",
                    FW_POLICY_KEY_TEXT);
        fw_applied_free(&c.profiles);
        fw_host_request rq = {.remove_all = true, .record = FW_RECORD_PROFILES};
        rc = reconcile_and_report(args, &c, &rq, FW_MODE_REMOVE_ALL, "remove --all");
        if (rc == FW_EXIT_OK && args->purge)
            rc = purge();
    } else if (rc == FW_EXIT_OK) {
        /* A recorded name, or any name or alias the catalog resolves. */
        fw_catalog catalog = {0};
        fw_diags diags = {0};
        char *dir = c.catalog_dir ? fw_xstrdup(c.catalog_dir) : fw_host_default_catalog_dir();
        fw_catalog_load_host(&catalog, dir, c.site_catalog_dir, false, &diags);
        for (size_t i = 0; i < args->profile_count && rc == FW_EXIT_OK; i++) {
            const fw_profile *p = fw_catalog_find(&catalog, args->profiles[i]);
            if (!fw_applied_remove(&c.profiles, args->profiles[i]) && !(p && fw_applied_remove(&c.profiles, p->name))) {
                fw_error("profile '%s' is not applied (see 'fwsvc status')\n", args->profiles[i]);
                rc = FW_EXIT_INVALID;
            }
        }
        fw_catalog_free(&catalog);
        fw_diags_free(&diags);
        free(dir);
        if (rc == FW_EXIT_OK) {
            fw_host_request rq = {.record = FW_RECORD_PROFILES};
            rc = reconcile_and_report(args, &c, &rq, FW_MODE_REMOVE, "remove");
        }
    }
    fw_host_config_free(&c);
    return rc;
}

int fw_cmd_remove(const fw_cli_args *args)
{
    return locked(remove_locked, args);
}

int fw_cmd_status(const fw_cli_args *args)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    int rc = take_paths(args, &c, false);
    fw_host_run run;
    fw_host_request rq = {.dry_run = true};
    if (rc == FW_EXIT_OK)
        rc = fw_host_reconcile(&c, &rq, &run);
    else
        memset(&run, 0, sizeof run);
    if (!run.reconciled) {
        if (run.result.message[0])
            rc = fw_report_failure("status", &run.result, true);
    } else {
        fw_host_state state = fw_report_state(&run.desired, &run.result, &run.services, FW_MODE_STATUS);
        if (args->json) {
            fw_report_json(&run.desired, &c.profiles, &run.result, &run.services, FW_MODE_STATUS);
        } else if (!c.profiles.count && !run.result.existing_count) {
            puts("In sync: no profile is applied, and WFP holds no filter of fwsvc's.");
        } else {
            fw_report_status(&run.desired, &c.profiles, &run.result);
            fw_report_versions(&run.desired);
            fw_report_pending(&run.desired);
        }
        fw_report_refused(&run.desired);
        fw_report_widened(&run.desired);
        fw_cli_warn_undetected(&c);
        if (!args->json)
            fw_services_report(&run.services, "status");
        fw_services_warn(&run.services);
        rc = fw_report_exit_code(state);
    }
    fw_host_run_free(&run);
    fw_host_config_free(&c);
    return rc;
}

static char *condition_text(const FWPM_FILTER_CONDITION0 *c)
{
    const FWP_CONDITION_VALUE0 *v = &c->conditionValue;
    const char *field = IsEqualGUID(&c->fieldKey, &FWPM_CONDITION_IP_PROTOCOL)      ? "IP_PROTOCOL"
                        : IsEqualGUID(&c->fieldKey, &FWPM_CONDITION_IP_LOCAL_PORT)  ? "IP_LOCAL_PORT"
                        : IsEqualGUID(&c->fieldKey, &FWPM_CONDITION_IP_REMOTE_PORT) ? "IP_REMOTE_PORT"
                        : IsEqualGUID(&c->fieldKey, &FWPM_CONDITION_IP_REMOTE_ADDRESS) ? "IP_REMOTE_ADDRESS"
                        : IsEqualGUID(&c->fieldKey, &FWPM_CONDITION_ALE_APP_ID)     ? "ALE_APP_ID"
                                                                                    : "?";
    switch (v->type) {
    case FWP_UINT8:
        return fw_xasprintf("%s=%u", field, v->uint8);
    case FWP_UINT16:
        return fw_xasprintf("%s=%u", field, v->uint16);
    case FWP_UINT32:
        return fw_xasprintf("%s=%lu.%lu.%lu.%lu", field, (unsigned long)(v->uint32 >> 24),
                            (unsigned long)(v->uint32 >> 16 & 255), (unsigned long)(v->uint32 >> 8 & 255),
                            (unsigned long)(v->uint32 & 255));
    case FWP_RANGE_TYPE:
        return fw_xasprintf("%s=%u-%u", field, v->rangeValue->valueLow.uint16, v->rangeValue->valueHigh.uint16);
    case FWP_BYTE_BLOB_TYPE: {
        char *path = fw_wide_to_utf8((const wchar_t *)v->byteBlob->data);
        char *text = fw_xasprintf("%s=%s", field, path);
        free(path);
        return text;
    }
    default:
        return fw_xasprintf("%s=(type %d)", field, (int)v->type);
    }
}

typedef struct {
    unsigned long long id;
    char key[39];
    char *name;
    bool enforced;
    char **conditions;
    size_t condition_count;
} filter_row;

typedef struct {
    filter_row *rows;
    size_t count, cap;
} filter_listing;

static void collect_filter(const FWPM_FILTER0 *f, void *ctx)
{
    filter_listing *l = ctx;
    filter_row r = {.id = f->filterId, .enforced = !(f->flags & FWPM_FILTER_FLAG_DISABLED),
                    .condition_count = f->numFilterConditions};
    fw_key k = fw_wfp_key(&f->filterKey);
    fw_key_format(&k, r.key);
    r.name = f->displayData.name ? fw_wide_to_utf8(f->displayData.name) : fw_xstrdup("?");
    r.conditions = fw_xcalloc(r.condition_count + 1, sizeof *r.conditions);
    for (UINT32 i = 0; i < f->numFilterConditions; i++)
        r.conditions[i] = condition_text(&f->filterCondition[i]);
    FW_PUSH(l->rows, l->count, l->cap, r);
}

static void listing_free(filter_listing *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->rows[i].name);
        for (size_t c = 0; c < l->rows[i].condition_count; c++)
            free(l->rows[i].conditions[c]);
        free(l->rows[i].conditions);
    }
    free(l->rows);
}

static void print_filters_json(const filter_listing *l)
{
    fw_json j;
    fw_json_init(&j, stdout);
    fw_json_object_begin(&j);
    fw_json_member_string(&j, "command", "filters");
    fw_json_member_string(&j, "provider", "{6482c740-e714-4384-a334-8d81e8a75eea}");
    fw_json_key(&j, "filters");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < l->count; i++) {
        const filter_row *r = &l->rows[i];
        fw_json_object_begin(&j);
        fw_json_key(&j, "id");
        fw_json_uint(&j, r->id);
        fw_json_member_string(&j, "key", r->key);
        fw_json_member_string(&j, "name", r->name);
        fw_json_key(&j, "enforced");
        fw_json_bool(&j, r->enforced);
        fw_json_key(&j, "conditions");
        fw_json_array_begin(&j);
        for (size_t c = 0; c < r->condition_count; c++)
            fw_json_string(&j, r->conditions[c]);
        fw_json_array_end(&j);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

static void print_filters_table(const filter_listing *l)
{
    printf("fwsvc's filters in WFP (provider {6482c740-e714-4384-a334-8d81e8a75eea}): %zu\n", l->count);
    if (!l->count)
        return;
    static const char *const header[] = {"ID", "NAME", "STATE", "KEY", "CONDITIONS"};
    fw_table t;
    fw_table_init(&t, 5, header);
    for (size_t i = 0; i < l->count; i++) {
        const filter_row *r = &l->rows[i];
        char id[24];
        snprintf(id, sizeof id, "%llu", r->id);
        fw_buf conds = {0};
        for (size_t c = 0; c < r->condition_count; c++)
            fw_buf_printf(&conds, "%s%s", c ? " " : "", r->conditions[c]);
        const char *row[] = {id, r->name, r->enforced ? "enforced" : "DISABLED", r->key, conds.data ? conds.data : ""};
        fw_table_add(&t, row);
        fw_buf_free(&conds);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
}

int fw_cmd_filters(const fw_cli_args *args)
{
    char message[1024];
    HANDLE engine;
    if (fw_wfp_open(&engine, message, sizeof message)) {
        fw_error("%s\n", message);
        return FW_EXIT_FAILURE;
    }
    filter_listing l = {0};
    DWORD e = fw_wfp_for_each_ours(engine, collect_filter, &l, message, sizeof message);
    FwpmEngineClose0(engine);
    if (e)
        fw_error("%s\n", message);
    else if (args->json)
        print_filters_json(&l);
    else
        print_filters_table(&l);
    listing_free(&l);
    return e ? FW_EXIT_FAILURE : FW_EXIT_OK;
}

/* One line of 'fwsvc config': a value and where it comes from. */
static void config_row(fw_table *t, const char *what, const char *value, fw_source source)
{
    const char *row[] = {what, value, fw_source_name(source)};
    fw_table_add(t, row);
}

static void config_json_value(fw_json *j, const char *name, const char *text, unsigned long number, bool is_number,
                              fw_source source)
{
    fw_json_key(j, name);
    fw_json_object_begin(j);
    fw_json_key(j, "value");
    if (is_number)
        fw_json_uint(j, number);
    else
        fw_json_string(j, text);
    fw_json_member_string(j, "source", fw_source_name(source));
    fw_json_object_end(j);
}

int fw_cmd_config(const fw_cli_args *args)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    char *catalog = c.catalog_dir ? fw_xstrdup(c.catalog_dir) : fw_host_default_catalog_dir();
    char *services = c.services_file ? fw_xstrdup(c.services_file) : fw_svc_default_path();
    if (args->json) {
        fw_json j;
        fw_json_init(&j, stdout);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "command", "config");
        config_json_value(&j, "catalog_dir", catalog, 0, false, c.catalog_dir_source);
        fw_json_key(&j, "site_catalog_dir");
        fw_json_object_begin(&j);
        fw_json_key(&j, "value");
        if (c.site_catalog_dir)
            fw_json_string(&j, c.site_catalog_dir);
        else
            fw_json_null(&j);
        fw_json_member_string(&j, "source", fw_source_name(c.site_catalog_dir_source));
        fw_json_object_end(&j);
        config_json_value(&j, "services_file", services, 0, false, c.services_file_source);
        config_json_value(&j, "interval_seconds", NULL, c.interval_seconds, true, c.interval_source);
        config_json_value(&j, "sublayer_weight", NULL, c.sublayer_weight, true, c.sublayer_weight_source);
        config_json_value(&j, "auto_detect", NULL, c.auto_detect, true, c.auto_detect_source);
        config_json_value(&j, "watch_drops", NULL, c.watch_drops, true, c.watch_drops_source);
        fw_json_key(&j, "profiles");
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "source", fw_source_name(c.profiles_source));
        fw_json_key(&j, "items");
        fw_json_array_begin(&j);
        for (size_t p = 0; p < c.profiles.count; p++) {
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "name", c.profiles.items[p].profile);
            fw_json_key(&j, "settings");
            fw_json_object_begin(&j);
            for (size_t s = 0; s < c.profiles.items[p].count; s++)
                fw_json_member_string(&j, c.profiles.items[p].settings[s].name, c.profiles.items[p].settings[s].value);
            fw_json_object_end(&j);
            fw_json_key(&j, "detected");
            fw_json_bool(&j, c.profiles.items[p].detected);
            fw_json_object_end(&j);
        }
        fw_json_array_end(&j);
        fw_json_object_end(&j);
        fw_json_object_end(&j);
        fw_json_finish(&j);
    } else {
        static const char *const header[] = {"SETTING", "VALUE", "SOURCE"};
        fw_table t;
        fw_table_init(&t, 3, header);
        char number[32];
        config_row(&t, "catalog folder", catalog, c.catalog_dir_source);
        config_row(&t, "site catalog folder", c.site_catalog_dir ? c.site_catalog_dir : "(none)",
                   c.site_catalog_dir_source);
        config_row(&t, "services file", services, c.services_file_source);
        snprintf(number, sizeof number, "%lu s", c.interval_seconds);
        config_row(&t, "service interval", number, c.interval_source);
        snprintf(number, sizeof number, "0x%04X", c.sublayer_weight);
        config_row(&t, "sublayer weight", number, c.sublayer_weight_source);
        config_row(&t, "auto-detect", c.auto_detect ? "on (the service follows the detected products)" : "off",
                   c.auto_detect_source);
        config_row(&t, "watch drops", c.watch_drops ? "on (the service reports drops on backup flows)" : "off",
                   c.watch_drops_source);
        if (!c.profiles.count)
            config_row(&t, "profiles", "(none applied)", c.profiles_source);
        for (size_t p = 0; p < c.profiles.count; p++) {
            fw_buf b = {0};
            fw_buf_printf(&b, "%s", c.profiles.items[p].profile);
            for (size_t s = 0; s < c.profiles.items[p].count; s++)
                fw_buf_printf(&b, "%s%s=%s", s ? ", " : " (", c.profiles.items[p].settings[s].name,
                              c.profiles.items[p].settings[s].value);
            if (c.profiles.items[p].count)
                fw_buf_printf(&b, ")");
            if (c.profiles.items[p].detected)
                fw_buf_printf(&b, " [added by detection]");
            config_row(&t, p ? "" : "profiles", b.data, c.profiles_source);
            fw_buf_free(&b);
        }
        fw_table_print(&t, stdout);
        fw_table_free(&t);
        printf("\nLocal values live in %s, Group Policy's in %s (which win).\n", FW_CONFIG_KEY_TEXT,
               FW_POLICY_KEY_TEXT);
    }
    free(catalog);
    free(services);
    fw_host_config_free(&c);
    return FW_EXIT_OK;
}

/* The installer's properties: apply's profiles and settings, the service's
 * interval, all checked before anything changes. */
int fw_cmd_configure(const fw_cli_args *args)
{
    if (!args->profile_count && !args->setting_count && !args->interval) {
        printf("Nothing to configure: no profiles, settings or interval were given; the host configuration "
               "is unchanged.\n");
        return FW_EXIT_OK;
    }
    /* PROFILES=auto: the detected products' profiles, and AutoDetect=1. */
    fw_cli_args given = *args;
    const char **named = fw_xcalloc(args->profile_count + 1, sizeof *named);
    given.profiles = named;
    given.profile_count = 0;
    for (size_t i = 0; i < args->profile_count; i++) {
        if (fw_str_ieq(args->profiles[i], "auto"))
            given.detect = given.auto_detect_given = given.auto_detect = true;
        else
            named[given.profile_count++] = args->profiles[i];
    }
    if (given.profile_count || given.setting_count || given.detect) {
        int rc = fw_cmd_apply(&given); /* records the interval with the profiles */
        free(named);
        return rc;
    }
    free(named);
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    int rc = take_interval(args->interval, &c);
    char *error = NULL;
    if (rc == FW_EXIT_OK && fw_host_config_save(&c, FW_SAVE_PATHS, &error) != ERROR_SUCCESS) {
        fw_error("%s\n", error);
        free(error);
        rc = FW_EXIT_FAILURE;
    }
    if (rc == FW_EXIT_OK)
        printf("Recorded IntervalSeconds = %lu in %s; the fwsvc service takes it at once.\n", c.interval_seconds,
               FW_CONFIG_KEY_TEXT);
    fw_host_config_free(&c);
    return rc;
}
