/* fwsvc dsc get|test|set|export: fwsvc as a command-based Microsoft DSC v3
 * resource (Fwsvc/BackupFirewall; its manifest is fwsvc.dsc.resource.json
 * beside fwsvc.exe). The resource's state is the host configuration: the
 * applied profiles with their settings, the service's interval, _exist.
 * set changes it through the same reconcile as apply (one WFP
 * transaction, recorded after the commit); test and --what-if run that
 * reconcile read-only. Input is the instance's JSON (--input or stdin);
 * the output is JSON Lines on stdout, and every message on stderr is one
 * of DSC's JSON message lines. Windows only (cmd_enforce_stub.c
 * natively). docs/dsc.md. */
#include "cli.h"
#include "cli_host.h"
#include "host_error.h"

#include "dsc_instance.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "host_config.h"
#include "host_lock.h"
#include "host_reconcile.h"
#include "report.h"
#include "settings_merge.h"
#include "site_catalog.h"

#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DSC_MAX_INPUT (1u << 20) /* an instance is a few hundred bytes */

typedef enum { DSC_GET, DSC_TEST, DSC_SET, DSC_EXPORT } dsc_operation;

/* Administrators' token, elevated: reading WFP's filters and changing them
 * need it, and a resource that half-works unelevated would mislead. */
static bool elevated(void)
{
    BYTE admins[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof admins;
    BOOL member = FALSE;
    return CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size) &&
           CheckTokenMembership(NULL, admins, &member) && member;
}

/* --input, or stdin (DSC's "input": "stdin"); a console gives none. */
static char *read_input(const fw_cli_args *args, size_t *length)
{
    if (args->input) {
        *length = strlen(args->input);
        return fw_xstrdup(args->input);
    }
    fw_buf b = {0};
    fw_buf_append(&b, "");
    if (!_isatty(_fileno(stdin))) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && b.len <= DSC_MAX_INPUT)
            fw_buf_appendn(&b, chunk, n);
    }
    *length = b.len;
    return fw_buf_take(&b);
}

/* --- stderr as DSC's messages ------------------------------------------ */

typedef struct {
    FILE *file;
    int saved;
} dsc_capture;

/* fwsvc's messages go to a temporary file while the operation runs ... */
static void capture_begin(dsc_capture *cap)
{
    fflush(stderr);
    cap->saved = -1;
    cap->file = tmpfile();
    if (!cap->file)
        return; /* messages stay plain text: DSC still shows them */
    cap->saved = _dup(_fileno(stderr));
    if (cap->saved < 0 || _dup2(_fileno(cap->file), _fileno(stderr)) != 0) {
        fclose(cap->file);
        cap->file = NULL;
    }
}

static void message_line(const char *line)
{
    static const struct {
        const char *prefix, *level;
    } kinds[] = {{"fwsvc: error: ", "error"}, {"fwsvc: warning: ", "warn"}};
    const char *level = "info", *text = line;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strncmp(line, kinds[k].prefix, strlen(kinds[k].prefix)) == 0) {
            level = kinds[k].level;
            text = line + strlen(kinds[k].prefix);
        }
    if (text == line && strstr(line, ": error: ")) /* the catalog's FILE:LINE:COL: error: ... */
        level = "error";
    else if (text == line && strstr(line, ": warning: "))
        level = "warn";
    fw_json j;
    fw_json_init_compact(&j, stderr);
    fw_json_object_begin(&j);
    fw_json_member_string(&j, level, text);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

/* ... and come out as {"error": ...}, {"warn": ...} or {"info": ...}
 * lines, the messages DSC reads from a resource's stderr. */
static void capture_end(dsc_capture *cap)
{
    if (!cap->file)
        return;
    fflush(stderr);
    _dup2(cap->saved, _fileno(stderr));
    _close(cap->saved);
    rewind(cap->file);
    fw_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, cap->file)) > 0)
        fw_buf_appendn(&b, chunk, n);
    fclose(cap->file);
    for (char *line = b.data, *end; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        if (end)
            *end = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = 0;
        if (*line)
            message_line(line);
    }
    fw_buf_free(&b);
}

/* --- the desired configuration ------------------------------------------ */

static void copy_applied(fw_applied *to, const fw_applied *from)
{
    for (size_t i = 0; i < from->count; i++) {
        fw_applied_set(to, from->items[i].profile, from->items[i].settings, from->items[i].count);
        fw_applied_mark_detected(to, from->items[i].profile, from->items[i].detected);
    }
}

static bool profile_has_variable(const fw_catalog *catalog, const fw_profile *p, const char *name)
{
    const fw_catalog_file *file = catalog->files[p->file];
    for (size_t v = 0; v < file->variable_count; v++)
        if (strcmp(file->variables[v].name, name) == 0 && fw_profile_uses_variable(p, (int)v))
            return true;
    return false;
}

/* One desired profile into target: its name resolved (aliases too), each
 * setting a variable of it, merged over what is recorded as apply merges
 * --set (a setting not named keeps its recorded value). */
static int take_profile(const fw_catalog *catalog, const fw_host_config *c, const fw_applied_profile *want,
                        size_t index, fw_applied *target)
{
    const fw_profile *p = fw_catalog_find(catalog, want->profile);
    if (!p) {
        fw_error("profiles[%zu].name: the catalog has no profile '%s' (see 'fwsvc list'); nothing was changed\n", index,
                 want->profile);
        return FW_EXIT_INVALID;
    }
    if (fw_applied_find(target, p->name)) {
        fw_error("profiles[%zu].name: '%s' is profile %s, named already; nothing was changed\n", index, want->profile,
                 p->name);
        return FW_EXIT_INVALID;
    }
    for (size_t s = 0; s < want->count; s++)
        if (!profile_has_variable(catalog, p, want->settings[s].name)) {
            fw_error("profiles[%zu].settings.%s: profile %s has no such variable (see 'fwsvc show --profile %s'); "
                     "nothing was changed\n",
                     index, want->settings[s].name, p->name, p->name);
            return FW_EXIT_INVALID;
        }
    const fw_catalog_file *file = catalog->files[p->file];
    const fw_applied_profile *before = fw_applied_find(&c->profiles, p->name);
    fw_merge m;
    fw_settings_merge(file->variables, file->variable_count, before == NULL, before ? before->settings : NULL,
                      before ? before->count : 0, want->settings, want->count, NULL, 0, &m);
    for (size_t i = 0; i < m.note_count; i++)
        if (m.notes[i].widens)
            fprintf(stderr, "fwsvc: warning: %s %s -> %s WIDENS what profile %s opens\n", m.notes[i].name,
                    m.notes[i].before, m.notes[i].after, p->name);
    fw_applied_set(target, p->name, m.settings, m.count);
    fw_applied_mark_detected(target, p->name, false); /* the administrator's, as named by hand */
    fw_merge_free(&m);
    return FW_EXIT_OK;
}

/* What the host configuration becomes: the instance's properties over the
 * recorded ones. A property the instance leaves out stays as it is. */
static int desired_config(const fw_dsc_instance *want, fw_host_config *c, fw_applied *target)
{
    int rc = FW_EXIT_OK;
    if (!want->exist)
        ; /* no profile */
    else if (!want->has_profiles)
        copy_applied(target, &c->profiles);
    else {
        fw_catalog catalog = {0};
        fw_diags diags = {0};
        char *dir = c->catalog_dir ? fw_xstrdup(c->catalog_dir) : fw_host_default_catalog_dir();
        if (!fw_catalog_load_host(&catalog, dir, c->site_catalog_dir, false, &diags)) {
            fw_diags_print(&diags, stderr);
            fw_error("cannot read the catalog in %s; nothing was changed\n", dir);
            rc = FW_EXIT_FAILURE;
        }
        for (size_t i = 0; rc == FW_EXIT_OK && i < want->profiles.count; i++)
            rc = take_profile(&catalog, c, &want->profiles.items[i], i, target);
        fw_catalog_free(&catalog);
        fw_diags_free(&diags);
        free(dir);
    }
    if (rc == FW_EXIT_OK && want->has_interval && want->interval_seconds != c->interval_seconds) {
        char *error = NULL;
        if (fw_host_config_set_interval(c, want->interval_seconds, &error) != ERROR_SUCCESS) {
            fw_error("intervalSeconds: %s; nothing was changed\n", error);
            rc = FW_EXIT_INVALID;
        }
        free(error);
    }
    return rc;
}

/* --- reading and changing the host -------------------------------------- */

typedef struct {
    bool drift;          /* WFP or the services file differ from the configuration */
    fw_host_state state; /* status's word for the host as it is */
    fw_host_state after; /* ... and as the reconcile leaves it (committed, or would) */
    bool refused;        /* program rules refused: set cannot enforce them (exit 5) */
} dsc_outcome;

/* One reconcile of config: read-only (dry_run) or committed and recorded. */
static int reconcile(const fw_host_config *config, bool dry_run, bool remove_all, dsc_outcome *out)
{
    fw_host_request rq = {.dry_run = dry_run,
                          .remove_all = remove_all,
                          .record = dry_run ? 0 : FW_RECORD_PROFILES | FW_RECORD_PATHS};
    fw_host_run run;
    int rc = fw_host_reconcile(config, &rq, &run);
    if (!run.reconciled) {
        if (run.result.message[0])
            rc = fw_report_failure(dry_run ? "dsc test" : "dsc set", &run.result, dry_run);
        if (rc == FW_EXIT_OK)
            rc = FW_EXIT_FAILURE;
    } else {
        out->drift = fw_report_has_drift(&run.result) || fw_services_has_drift(&run.services);
        out->state = fw_report_state(&run.desired, &run.result, &run.services,
                                     dry_run ? FW_MODE_STATUS : FW_MODE_APPLY);
        out->after = fw_report_state(&run.desired, &run.result, &run.services, FW_MODE_APPLY);
        out->refused = run.desired.refused_count > 0;
        fw_report_refused(&run.desired);
        fw_report_widened(&run.desired);
        fw_services_warn(&run.services);
    }
    fw_host_run_free(&run);
    return rc;
}

/* get and export: the configuration, and how WFP holds it. */
static int dsc_get(void)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    dsc_outcome now = {0};
    int rc = reconcile(&c, true, false, &now);
    if (rc == FW_EXIT_OK)
        fw_dsc_print_state(stdout, &c.profiles, c.interval_seconds, fw_host_state_name(now.state), -1);
    fw_host_config_free(&c);
    return rc;
}

/* test and set: the properties out of the desired state, from the
 * configuration and from a read-only reconcile of the desired one. */
static void find_differences(const fw_dsc_instance *want, const fw_applied *actual, unsigned long actual_interval,
                             const fw_host_config *target, const dsc_outcome *pretest, fw_dsc_diff *diff)
{
    if (!fw_dsc_applied_equal(&target->profiles, actual) || ((pretest->drift || pretest->refused) && want->exist))
        fw_dsc_diff_add(diff, "profiles");
    if (target->interval_seconds != actual_interval)
        fw_dsc_diff_add(diff, "intervalSeconds");
    if (want->exist != (actual->count > 0) || (pretest->drift && !want->exist))
        fw_dsc_diff_add(diff, "_exist");
}

static int dsc_change(dsc_operation op, const fw_dsc_instance *want, bool what_if)
{
    fw_host_config c;
    if (!fw_cli_load_config(&c))
        return FW_EXIT_FAILURE;
    fw_applied actual = {0}, target = {0};
    copy_applied(&actual, &c.profiles);
    unsigned long actual_interval = c.interval_seconds;
    int rc = desired_config(want, &c, &target);
    fw_applied_free(&c.profiles);
    c.profiles = target; /* c is the desired configuration from here on */
    if (rc == FW_EXIT_OK && c.profiles.count && c.profiles_source == FW_SOURCE_DEFAULT)
        c.profiles_source = FW_SOURCE_LOCAL;
    bool profiles_change = !fw_dsc_applied_equal(&c.profiles, &actual);
    if (rc == FW_EXIT_OK && op == DSC_SET && profiles_change && c.profiles_source == FW_SOURCE_POLICY) {
        fw_error("profiles: the applied profiles are set by Group Policy (%s\\AppliedProfiles); change them there; "
                 "nothing was changed\n",
                 FW_POLICY_KEY_TEXT);
        rc = FW_EXIT_INVALID;
    }
    dsc_outcome pretest = {0}, after = {0};
    if (rc == FW_EXIT_OK)
        rc = reconcile(&c, true, !want->exist, &pretest);
    fw_dsc_diff diff = {0};
    if (rc == FW_EXIT_OK)
        find_differences(want, &actual, actual_interval, &c, &pretest, &diff);
    if (rc == FW_EXIT_OK && op == DSC_TEST) {
        dsc_outcome now = pretest;
        fw_host_config actual_config = c;
        actual_config.profiles = actual;
        actual_config.interval_seconds = actual_interval;
        if (profiles_change || !want->exist) /* the state printed is the host's as it is */
            rc = reconcile(&actual_config, true, false, &now);
        if (rc == FW_EXIT_OK) {
            fw_dsc_print_state(stdout, &actual, actual_interval, fw_host_state_name(now.state), diff.count == 0);
            fw_dsc_print_diff(stdout, &diff);
        }
    } else if (rc == FW_EXIT_OK && op == DSC_SET) {
        /* implementsPretest: in the desired state, nothing is written;
         * --what-if says what set would leave. */
        after = pretest;
        if (diff.count && !what_if)
            rc = reconcile(&c, false, !want->exist, &after);
        if (rc == FW_EXIT_OK) {
            fw_dsc_print_state(stdout, &c.profiles, c.interval_seconds, fw_host_state_name(after.after), -1);
            fw_dsc_print_diff(stdout, &diff);
            if (after.refused && !what_if)
                rc = FW_EXIT_REFUSED; /* the rest is applied; these must be fixed */
        }
    }
    fw_applied_free(&actual);
    fw_host_config_free(&c);
    return rc;
}

/* set holds the host lock from reading the configuration to recording it,
 * as apply does (host_lock.h). */
static int dsc_set_locked(const fw_dsc_instance *want, bool what_if)
{
    HANDLE lock = fw_cli_host_lock();
    if (!lock)
        return FW_EXIT_FAILURE;
    int rc = dsc_change(DSC_SET, want, what_if);
    fw_host_unlock(lock);
    return rc;
}

static bool operation_of(const char *name, dsc_operation *op)
{
    static const char *const names[] = {"get", "test", "set", "export"};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *op = (dsc_operation)i;
            return true;
        }
    return false;
}

static int run(const fw_cli_args *args)
{
    dsc_operation op;
    if (!operation_of(args->dir_arg, &op)) {
        fw_error("dsc needs an operation, get, test, set or export%s%s%s\n", args->dir_arg ? " (not '" : "",
                 args->dir_arg ? args->dir_arg : "", args->dir_arg ? "')" : "");
        fputs("Try 'fwsvc dsc --help'.\n", stderr);
        return FW_EXIT_INVALID;
    }
    if (args->what_if && op != DSC_SET) {
        fw_error("--what-if goes with set only\n");
        return FW_EXIT_INVALID;
    }
    if (!elevated()) {
        fw_error("fwsvc dsc reads and changes the Windows Filtering Platform: run it elevated, as an administrator\n");
        return FW_EXIT_NOT_ELEVATED;
    }
    size_t length = 0;
    char *text = read_input(args, &length);
    fw_dsc_instance want;
    char *error = NULL;
    int rc = FW_EXIT_OK;
    if (length > DSC_MAX_INPUT) {
        fw_error("the input is larger than %u bytes: not an instance of %s\n", DSC_MAX_INPUT, FW_DSC_RESOURCE_TYPE);
        rc = FW_EXIT_INVALID;
    } else if (!fw_dsc_instance_parse(text, length, &want, &error)) {
        fw_error("%s; nothing was changed\n", error);
        free(error);
        rc = FW_EXIT_INVALID;
    } else {
        if (op == DSC_GET || op == DSC_EXPORT)
            rc = dsc_get();
        else if (op == DSC_TEST)
            rc = dsc_change(DSC_TEST, &want, false);
        else
            rc = dsc_set_locked(&want, args->what_if);
        fw_dsc_instance_free(&want);
    }
    free(text);
    return rc;
}

int fw_cmd_dsc(const fw_cli_args *args)
{
    dsc_capture cap;
    capture_begin(&cap);
    int rc = run(args);
    capture_end(&cap);
    return rc;
}
