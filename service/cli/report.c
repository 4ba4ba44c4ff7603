#include "report.h"

#include "integrity.h"

#include "cli.h"
#include "host_error.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "fw_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FWSVC_VERSION
#define FWSVC_VERSION "0.0.0"
#endif

static const char *identity_of(const fw_desired *d, const fw_reconcile_result *res, const fw_diff_item *it)
{
    if (it->kind == FW_DIFF_EXTRA)
        return res->existing[it->existing].identity ? res->existing[it->existing].identity : "(unnamed)";
    return d->wanted[it->wanted].identity;
}

/* The key of the filter in question: the installed one for extra filters,
 * the wanted one otherwise (for a rewrite both are the same). */
static const fw_key *key_of(const fw_desired *d, const fw_reconcile_result *res, const fw_diff_item *it)
{
    return it->kind == FW_DIFF_EXTRA ? &res->existing[it->existing].key : &d->wanted[it->wanted].key;
}

/* "dpm/dcom-in/recv-accept-v4" -> "recv-accept-v4" */
static const char *layer_of(const char *identity)
{
    const char *slash = identity ? strrchr(identity, '/') : NULL;
    return slash ? slash + 1 : "";
}

static const char *reason_of(const fw_diff_item *it)
{
    switch (it->kind) {
    case FW_DIFF_MISSING:
        return "not in WFP";
    case FW_DIFF_EXTRA:
        return "in WFP under fwsvc's provider, but no applied profile wants it";
    case FW_DIFF_CHANGED:
        return it->rewritten ? "in WFP under its key, but with other conditions, action or flags than the catalog's"
                             : "the rule or its settings changed: WFP holds the old filter";
    case FW_DIFF_DISABLED:
        return "in WFP but not enforced: BFE did not add it at boot (is the fwsvc service auto-start?)";
    }
    return "?";
}

static const char *change_word(fw_diff_kind k, bool done)
{
    switch (k) {
    case FW_DIFF_MISSING:
        return done ? "added" : "add";
    case FW_DIFF_EXTRA:
        return done ? "deleted" : "delete";
    case FW_DIFF_CHANGED:
        return done ? "replaced" : "replace";
    case FW_DIFF_DISABLED:
        return done ? "re-added" : "re-add";
    }
    return "?";
}

static bool committed(fw_report_mode mode)
{
    return mode == FW_MODE_APPLY || mode == FW_MODE_REMOVE || mode == FW_MODE_REMOVE_ALL;
}

bool fw_report_has_drift(const fw_reconcile_result *res)
{
    return res->diff.count > 0 || res->sublayer_reweighted || res->outranked ||
           (res->owners_needed && (res->provider_missing || res->sublayer_missing));
}

fw_host_state fw_report_state(const fw_desired *d, const fw_reconcile_result *res, const fw_services_step *svc,
                              fw_report_mode mode)
{
    if (!committed(mode) && (fw_report_has_drift(res) || fw_services_has_drift(svc)))
        return FW_STATE_DRIFT;
    return d->refused_count ? FW_STATE_REFUSED : d->pending_count ? FW_STATE_PENDING : FW_STATE_IN_SYNC;
}

const char *fw_host_state_name(fw_host_state s)
{
    switch (s) {
    case FW_STATE_DRIFT:
        return "drift";
    case FW_STATE_PENDING:
        return "pending";
    case FW_STATE_REFUSED:
        return "refused";
    case FW_STATE_IN_SYNC:
        break;
    }
    return "in_sync";
}

int fw_report_exit_code(fw_host_state state)
{
    switch (state) {
    case FW_STATE_DRIFT:
        return FW_EXIT_DRIFT;
    case FW_STATE_PENDING:
        return FW_EXIT_PENDING;
    case FW_STATE_REFUSED:
        return FW_EXIT_REFUSED;
    case FW_STATE_IN_SYNC:
        break;
    }
    return FW_EXIT_OK;
}

static void count_changes(const fw_reconcile_result *res, size_t *added, size_t *deleted)
{
    *added = *deleted = 0;
    for (size_t i = 0; i < res->diff.count; i++) {
        fw_diff_kind k = res->diff.items[i].kind;
        *added += k != FW_DIFF_EXTRA;
        *deleted += k != FW_DIFF_MISSING;
    }
}

static void print_change_table(const fw_desired *d, const fw_reconcile_result *res, bool done)
{
    static const char *const header[] = {"CHANGE", "FILTER", "KEY"};
    fw_table t;
    fw_table_init(&t, 3, header);
    for (size_t i = 0; i < res->diff.count; i++) {
        const fw_diff_item *it = &res->diff.items[i];
        char key[39];
        fw_key_format(key_of(d, res, it), key);
        const char *row[] = {change_word(it->kind, done), identity_of(d, res, it), key};
        fw_table_add(&t, row);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
}

void fw_report_changes(const fw_desired *d, const fw_reconcile_result *res, fw_report_mode mode)
{
    bool done = committed(mode);
    if (mode == FW_MODE_REMOVE_ALL) {
        bool owners = !res->provider_missing || !res->sublayer_missing;
        if (!res->existing_count && !owners)
            puts("Nothing to remove: WFP holds no filter, sublayer or provider of fwsvc's.");
        else
            printf("Removed: %zu filter(s)%s%s%s; %zu WFP write(s) in one transaction.\n", res->existing_count,
                   !res->sublayer_missing ? ", fwsvc's sublayer" : "",
                   !res->provider_missing ? (!res->sublayer_missing ? " and its provider" : ", fwsvc's provider") : "",
                   "", res->writes);
        return;
    }
    if (res->diff.count)
        print_change_table(d, res, done);
    if (res->sublayer_reweighted)
        printf("fwsvc's sublayer weight changes: every filter is %s.\n", done ? "rebuilt" : "to be rebuilt");
    size_t added, deleted;
    count_changes(res, &added, &deleted);
    switch (mode) {
    case FW_MODE_APPLY:
        printf("Applied: %zu filter(s) wanted; %zu added, %zu deleted, %zu already in place; %zu WFP write(s) in "
               "one transaction.\n",
               d->count, added, deleted, res->diff.unchanged, res->writes);
        break;
    case FW_MODE_REMOVE:
        printf("Removed: %zu filter(s) deleted%s; %zu filter(s) remain for the profiles still applied; %zu WFP "
               "write(s) in one transaction.\n",
               deleted, added ? " (and some re-added)" : "", d->count, res->writes);
        break;
    default:
        printf("Dry run: of %zu filter(s) wanted, %zu would be added, %zu deleted, %zu are in place; %zu WFP "
               "write(s) needed. Nothing was changed.\n",
               d->count, added, deleted, res->diff.unchanged, res->writes);
        break;
    }
}

void fw_report_pending(const fw_desired *d)
{
    if (!d->pending_count)
        return;
    printf("Pending: %zu filter(s) or rule(s) wait, for their program to be installed or for the peers they "
           "serve to be named; apply (or the fwsvc service) adds them then:\n",
           d->pending_count);
    for (size_t i = 0; i < d->pending_count; i++)
        if (d->pending[i].variable)
            printf("  %s: waits for its peers; %s\n", d->pending[i].identity, d->pending[i].hint);
        else
            printf("  %s: waits for %s; %s\n", d->pending[i].identity, d->pending[i].program, d->pending[i].hint);
}

void fw_report_refused(const fw_desired *d)
{
    for (size_t i = 0; i < d->refused_count; i++)
        fprintf(stderr,
                "fwsvc: warning: REFUSED %s: its program %s is not administrators' alone, and anyone who can replace "
                "it would get the rule's permit: %s. Fix the permissions, or install the program where only "
                "administrators can write (docs/security.md).\n",
                d->refused[i].identity, d->refused[i].program, d->refused[i].problem);
}

void fw_report_widened(const fw_desired *d)
{
    for (size_t i = 0; i < d->widened.count; i++) {
        const fw_widened *w = &d->widened.items[i];
        fprintf(stderr,
                "fwsvc: warning: %s=%s counts as any address: %s/%s accept%s every peer; name the peers instead "
                "(docs/security.md)\n",
                w->variable, w->value, w->profile->name, w->rules, strchr(w->rules, ',') ? "" : "s");
    }
}

static bool of_profile(const char *identity, const char *profile)
{
    size_t n = strlen(profile);
    return identity && strncmp(identity, profile, n) == 0 && identity[n] == '/';
}

static void json_entry(fw_json *j, const char *identity, const fw_key *key, const char *reason)
{
    fw_json_object_begin(j);
    fw_json_member_string(j, "identity", identity);
    fw_json_key(j, "key");
    if (key) {
        char text[39];
        fw_key_format(key, text);
        fw_json_string(j, text);
    } else {
        fw_json_null(j);
    }
    fw_json_member_string(j, "layer", layer_of(identity));
    fw_json_member_string(j, "reason", reason);
    fw_json_object_end(j);
}

/* One drift list of a profile (or of no applied profile, profile NULL). */
static void json_list(fw_json *j, const char *name, const fw_desired *d, const fw_reconcile_result *res,
                      fw_diff_kind kind, const char *profile, const fw_applied *applied, bool empty)
{
    fw_json_key(j, name);
    fw_json_array_begin(j);
    for (size_t i = 0; i < res->diff.count && !empty; i++) {
        const fw_diff_item *it = &res->diff.items[i];
        const char *id = identity_of(d, res, it);
        bool mine = profile && of_profile(id, profile);
        if (!profile)
            for (size_t p = 0; p < applied->count && !mine; p++)
                mine = of_profile(id, applied->items[p].profile);
        if (it->kind == kind && (profile ? mine : !mine))
            json_entry(j, id, key_of(d, res, it), reason_of(it));
    }
    fw_json_array_end(j);
}

static void json_services(fw_json *j, const fw_services_step *svc, bool done)
{
    fw_json_key(j, "services_file");
    if (!svc->active) {
        fw_json_null(j);
        return;
    }
    fw_json_object_begin(j);
    fw_json_member_string(j, "path", svc->path);
    fw_json_key(j, "in_sync");
    fw_json_bool(j, done || !fw_services_has_drift(svc));
    static const char *const keys[] = {"changes", "warnings"};
    for (int kind = FW_SVC_NOTE_CHANGE; kind <= FW_SVC_NOTE_WARNING; kind++) {
        fw_json_key(j, keys[kind]);
        fw_json_array_begin(j);
        for (size_t i = 0; i < svc->sync.note_count; i++)
            if ((int)svc->sync.notes[i].kind == kind)
                fw_json_string(j, svc->sync.notes[i].text);
        fw_json_array_end(j);
    }
    fw_json_object_end(j);
}

static void json_host(fw_json *j)
{
    char host[256] = "";
    DWORD size = sizeof host;
    if (!GetComputerNameExA(ComputerNameDnsHostname, host, &size))
        snprintf(host, sizeof host, "unknown");
    SYSTEMTIME t;
    GetSystemTime(&t);
    char when[32];
    snprintf(when, sizeof when, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute,
             t.wSecond);
    fw_json_member_string(j, "host", host);
    fw_json_member_string(j, "version", FWSVC_VERSION);
    fw_json_member_string(j, "time", when);
}

static void json_configuration(fw_json *j, const fw_desired *d, const fw_applied *applied,
                               const fw_services_step *svc)
{
    fw_json_key(j, "configuration");
    fw_json_object_begin(j);
    fw_json_member_string(j, "catalog_dir", d->catalog_dir ? d->catalog_dir : "");
    fw_json_key(j, "services_file");
    if (svc->path)
        fw_json_string(j, svc->path);
    else
        fw_json_null(j);
    fw_json_key(j, "profiles");
    fw_json_array_begin(j);
    for (size_t p = 0; p < applied->count; p++) {
        fw_json_object_begin(j);
        fw_json_member_string(j, "name", applied->items[p].profile);
        fw_json_key(j, "settings");
        fw_json_object_begin(j);
        for (size_t s = 0; s < applied->items[p].count; s++)
            fw_json_member_string(j, applied->items[p].settings[s].name, applied->items[p].settings[s].value);
        fw_json_object_end(j);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_object_end(j);
}

static const char *mode_command(fw_report_mode mode)
{
    switch (mode) {
    case FW_MODE_STATUS:
        return "status";
    case FW_MODE_APPLY:
    case FW_MODE_DRY_RUN:
        return "apply";
    default:
        return "remove";
    }
}

/* The binding of an applied profile, by name, or -1 (nothing built). */
static long binding_of(const fw_desired *d, const char *name)
{
    for (size_t k = 0; k < d->binding_count; k++)
        if (strcmp(d->binding_profiles[k]->name, name) == 0)
            return (long)k;
    return -1;
}

static void json_versions(fw_json *j, const fw_desired *d, const char *name)
{
    long k = binding_of(d, name);
    if (k >= 0) {
        fw_cli_json_versions(j, &d->plan, d->binding_profiles[k], &d->bindings[k]);
    } else {
        fw_json_key(j, "versions");
        fw_json_null(j);
    }
}

void fw_report_versions(const fw_desired *d)
{
    for (size_t k = 0; k < d->binding_count; k++) {
        char *text = fw_plan_versions_text(&d->plan, d->binding_profiles[k], &d->bindings[k]);
        if (text)
            printf("Versions of %s: %s\n", d->binding_profiles[k]->name, text);
        free(text);
    }
}

void fw_report_json(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res,
                    const fw_services_step *svc, fw_report_mode mode)
{
    bool done = committed(mode);
    fw_host_state state = fw_report_state(d, res, svc, mode);
    fw_json j;
    fw_json_init(&j, stdout);
    fw_json_object_begin(&j);
    fw_json_member_string(&j, "command", mode_command(mode));
    json_host(&j);
    fw_json_key(&j, "dry_run");
    fw_json_bool(&j, !done && mode != FW_MODE_STATUS);
    fw_json_member_string(&j, "state", fw_host_state_name(state));
    fw_json_key(&j, "in_sync");
    fw_json_bool(&j, state == FW_STATE_IN_SYNC);
    fw_json_key(&j, "writes");
    fw_json_uint(&j, res->writes);
    fw_json_key(&j, "firewall_outranks_fwsvc");
    fw_json_bool(&j, res->outranked);
    json_configuration(&j, d, applied, svc);
    fw_integrity_json(&j, &d->catalog);
    fw_json_key(&j, "profiles");
    fw_json_array_begin(&j);
    for (size_t p = 0; p < applied->count; p++) {
        const char *name = applied->items[p].profile;
        size_t wanted = 0, pending = 0;
        bool drift = false;
        for (size_t i = 0; i < d->count; i++)
            wanted += of_profile(d->wanted[i].identity, name);
        for (size_t i = 0; i < d->pending_count; i++)
            pending += of_profile(d->pending[i].identity, name);
        for (size_t i = 0; i < res->diff.count && !done; i++)
            drift |= of_profile(identity_of(d, res, &res->diff.items[i]), name);
        size_t refused = 0;
        for (size_t i = 0; i < d->refused_count; i++)
            refused += of_profile(d->refused[i].identity, name);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "name", name);
        json_versions(&j, d, name);
        fw_json_member_string(&j, "state", drift ? "drift" : refused ? "refused" : pending ? "pending" : "in_sync");
        fw_json_key(&j, "filters");
        fw_json_uint(&j, wanted);
        json_list(&j, "missing", d, res, FW_DIFF_MISSING, name, applied, done);
        json_list(&j, "extra", d, res, FW_DIFF_EXTRA, name, applied, done);
        json_list(&j, "changed", d, res, FW_DIFF_CHANGED, name, applied, done);
        json_list(&j, "disabled", d, res, FW_DIFF_DISABLED, name, applied, done);
        fw_json_key(&j, "pending");
        fw_json_array_begin(&j);
        for (size_t i = 0; i < d->pending_count; i++) {
            if (!of_profile(d->pending[i].identity, name))
                continue;
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "identity", d->pending[i].identity);
            fw_json_key(&j, "key");
            fw_json_null(&j); /* a program's app id is part of the key: none until it exists */
            fw_json_member_string(&j, "layer", d->pending[i].variable ? "" : layer_of(d->pending[i].identity));
            if (d->pending[i].variable) {
                fw_json_member_string(&j, "reason", "waits for its peers: set its addresses variable");
                fw_json_key(&j, "program");
                fw_json_null(&j);
                fw_json_member_string(&j, "variable", d->pending[i].variable);
            } else {
                fw_json_member_string(&j, "reason", "waits for its program to be installed");
                fw_json_member_string(&j, "program", d->pending[i].program);
                fw_json_key(&j, "variable");
                fw_json_null(&j);
            }
            fw_json_member_string(&j, "path_variable", d->pending[i].path_variable);
            fw_json_member_string(&j, "found_at", d->pending[i].found_at);
            fw_json_member_string(&j, "hint", d->pending[i].hint);
            fw_json_object_end(&j);
        }
        fw_json_array_end(&j);
        fw_json_key(&j, "refused");
        fw_json_array_begin(&j);
        for (size_t i = 0; i < d->refused_count; i++) {
            if (!of_profile(d->refused[i].identity, name))
                continue;
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "identity", d->refused[i].identity);
            fw_json_member_string(&j, "program", d->refused[i].program);
            fw_json_member_string(&j, "reason", d->refused[i].problem);
            fw_json_object_end(&j);
        }
        fw_json_array_end(&j);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    fw_json_key(&j, "widened_to_any");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < d->widened.count; i++) {
        const fw_widened *w = &d->widened.items[i];
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "profile", w->profile->name);
        fw_json_member_string(&j, "variable", w->variable);
        fw_json_member_string(&j, "value", w->value);
        fw_json_key(&j, "rules");
        fw_json_array_begin(&j);
        char **rules = NULL;
        size_t n = fw_split_list(w->rules, ",", &rules);
        for (size_t r = 0; r < n; r++)
            fw_json_string(&j, rules[r]);
        fw_split_list_free(rules, n);
        fw_json_array_end(&j);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    json_list(&j, "unattributed_extra", d, res, FW_DIFF_EXTRA, NULL, applied, done);
    /* What the command did (committed) or would do (dry run); status: []. */
    fw_json_key(&j, "changes");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < res->diff.count && mode != FW_MODE_STATUS; i++) {
        const fw_diff_item *it = &res->diff.items[i];
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "action", change_word(it->kind, done));
        fw_json_member_string(&j, "identity", identity_of(d, res, it));
        char key[39];
        fw_key_format(key_of(d, res, it), key);
        fw_json_member_string(&j, "key", key);
        fw_json_member_string(&j, "layer", layer_of(identity_of(d, res, it)));
        fw_json_member_string(&j, "reason", reason_of(it));
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    json_services(&j, svc, done);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

void fw_report_status(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res)
{
    static const char *const header[] = {"PROFILE", "STATE", "FILTERS", "MISSING", "EXTRA", "CHANGED",
                                         "DISABLED", "PENDING", "REFUSED"};
    fw_table t;
    fw_table_init(&t, 9, header);
    for (size_t p = 0; p < applied->count; p++) {
        const char *name = applied->items[p].profile;
        size_t counts[4] = {0}, wanted = 0, pending = 0;
        for (size_t i = 0; i < res->diff.count; i++)
            if (of_profile(identity_of(d, res, &res->diff.items[i]), name))
                counts[res->diff.items[i].kind]++;
        for (size_t i = 0; i < d->count; i++)
            wanted += of_profile(d->wanted[i].identity, name);
        for (size_t i = 0; i < d->pending_count; i++)
            pending += of_profile(d->pending[i].identity, name);
        size_t refused = 0;
        for (size_t i = 0; i < d->refused_count; i++)
            refused += of_profile(d->refused[i].identity, name);
        bool drift = counts[0] || counts[1] || counts[2] || counts[3];
        char cells[7][24];
        snprintf(cells[0], 24, "%zu", wanted);
        for (int k = 0; k < 4; k++)
            snprintf(cells[k + 1], 24, "%zu", counts[k]);
        snprintf(cells[5], 24, "%zu", pending);
        snprintf(cells[6], 24, "%zu", refused);
        const char *row[] = {name, drift ? "DRIFT" : refused ? "REFUSED" : pending ? "PENDING" : "in sync", cells[0],
                             cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]};
        fw_table_add(&t, row);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
    if (res->outranked)
        printf("\nDrift: %s.\n", res->message);
    if (res->diff.count) {
        puts("\nDrift (fwsvc apply repairs it):");
        print_change_table(d, res, false);
        printf("fwsvc apply would make %zu WFP write(s).\n", res->writes);
    } else if (res->owners_needed && (res->provider_missing || res->sublayer_missing)) {
        puts("\nDrift: fwsvc's WFP provider or sublayer is missing (fwsvc apply repairs it).");
    }
}

int fw_report_failure(const char *what, const fw_reconcile_result *res, bool read_only)
{
    fw_error("%s failed: %s\n", what, res->message);
    fprintf(stderr, read_only      ? "fwsvc: %s only reads WFP; nothing was changed\n"
                    : res->began   ? "fwsvc: the WFP transaction was aborted; nothing was changed (%s)\n"
                                   : "fwsvc: no WFP transaction began; nothing was changed (%s)\n",
            what);
    return FW_EXIT_FAILURE;
}
