#include "report.h"

#include "cli.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "fw_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *identity_of(const fw_desired *d, const fw_reconcile_result *res, const fw_diff_item *it)
{
    if (it->kind == FW_DIFF_EXTRA)
        return res->existing[it->existing].identity ? res->existing[it->existing].identity : "(unnamed)";
    return d->wanted[it->wanted].identity;
}

static const fw_key *key_of(const fw_desired *d, const fw_reconcile_result *res, const fw_diff_item *it)
{
    return it->kind == FW_DIFF_EXTRA ? &res->existing[it->existing].key : &d->wanted[it->wanted].key;
}

static const char *change_word(fw_diff_kind k, bool dry_run)
{
    switch (k) {
    case FW_DIFF_MISSING:
        return dry_run ? "would add" : "added";
    case FW_DIFF_EXTRA:
        return dry_run ? "would delete" : "deleted";
    case FW_DIFF_CHANGED:
        return dry_run ? "would replace" : "replaced";
    case FW_DIFF_DISABLED:
        return dry_run ? "would re-add" : "re-added";
    }
    return "?";
}

bool fw_report_has_drift(const fw_reconcile_result *res)
{
    return res->diff.count > 0 || res->provider_missing || res->sublayer_missing || res->sublayer_reweighted;
}

void fw_report_changes(const fw_desired *d, const fw_reconcile_result *res, bool dry_run)
{
    if (res->diff.count) {
        static const char *const header[] = {"CHANGE", "FILTER", "KEY"};
        fw_table t;
        fw_table_init(&t, 3, header);
        for (size_t i = 0; i < res->diff.count; i++) {
            const fw_diff_item *it = &res->diff.items[i];
            char key[39];
            fw_key_format(key_of(d, res, it), key);
            const char *row[] = {change_word(it->kind, dry_run), identity_of(d, res, it), key};
            fw_table_add(&t, row);
        }
        fw_table_print(&t, stdout);
        fw_table_free(&t);
    }
    if (res->sublayer_reweighted)
        printf("fwsvc's sublayer weight changes: every filter is %s.\n", dry_run ? "to be rebuilt" : "rebuilt");
    size_t added = 0, deleted = 0;
    for (size_t i = 0; i < res->diff.count; i++) {
        fw_diff_kind k = res->diff.items[i].kind;
        added += k != FW_DIFF_EXTRA;
        deleted += k != FW_DIFF_MISSING;
    }
    printf("%s %zu filter(s) wanted: %zu %s, %zu %s, %zu unchanged; %zu WFP write(s)%s.\n",
           dry_run ? "Dry run:" : "Applied:", d->count, added, dry_run ? "to add" : "added", deleted,
           dry_run ? "to delete" : "deleted", res->diff.unchanged, res->writes,
           dry_run ? " needed, nothing changed" : " in one transaction");
}

void fw_report_pending(const fw_desired *d)
{
    if (!d->pending_count)
        return;
    printf("Pending: %zu program rule filter(s) wait for their program to be installed; "
           "reconcile adds them once it is:\n",
           d->pending_count);
    for (size_t i = 0; i < d->pending_count; i++)
        printf("  %s\n", d->pending[i]);
}

static bool of_profile(const char *identity, const char *profile)
{
    size_t n = strlen(profile);
    return identity && strncmp(identity, profile, n) == 0 && identity[n] == '/';
}

static void json_list(fw_json *j, const char *name, const fw_desired *d, const fw_reconcile_result *res,
                      fw_diff_kind kind, const char *profile)
{
    fw_json_key(j, name);
    fw_json_array_begin(j);
    for (size_t i = 0; i < res->diff.count; i++) {
        const fw_diff_item *it = &res->diff.items[i];
        const char *id = identity_of(d, res, it);
        if (it->kind == kind && (profile ? of_profile(id, profile) : true))
            fw_json_string(j, id);
    }
    fw_json_array_end(j);
}

/* "services_file": null when no profile needs an entry and fwsvc has none
 * to undo; else the path, whether it is in sync, and the notes. */
static void json_services(fw_json *j, const fw_services_step *svc)
{
    fw_json_key(j, "services_file");
    if (!svc->active) {
        fw_json_null(j);
        return;
    }
    fw_json_object_begin(j);
    fw_json_member_string(j, "path", svc->path);
    fw_json_key(j, "in_sync");
    fw_json_bool(j, !fw_services_has_drift(svc));
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

void fw_report_json(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res,
                    const fw_services_step *svc, bool dry_run)
{
    fw_json j;
    fw_json_init(&j, stdout);
    fw_json_object_begin(&j);
    fw_json_key(&j, "dry_run");
    fw_json_bool(&j, dry_run);
    fw_json_key(&j, "in_sync");
    fw_json_bool(&j, !fw_report_has_drift(res) && !fw_services_has_drift(svc));
    fw_json_key(&j, "writes");
    fw_json_uint(&j, res->writes);
    fw_json_key(&j, "profiles");
    fw_json_array_begin(&j);
    for (size_t p = 0; p < applied->count; p++) {
        const char *name = applied->items[p].profile;
        size_t wanted = 0;
        for (size_t i = 0; i < d->count; i++)
            wanted += of_profile(d->wanted[i].identity, name);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "name", name);
        fw_json_key(&j, "filters");
        fw_json_uint(&j, wanted);
        json_list(&j, "missing", d, res, FW_DIFF_MISSING, name);
        json_list(&j, "extra", d, res, FW_DIFF_EXTRA, name);
        json_list(&j, "changed", d, res, FW_DIFF_CHANGED, name);
        json_list(&j, "disabled", d, res, FW_DIFF_DISABLED, name);
        fw_json_key(&j, "pending");
        fw_json_array_begin(&j);
        for (size_t i = 0; i < d->pending_count; i++)
            if (of_profile(d->pending[i], name))
                fw_json_string(&j, d->pending[i]);
        fw_json_array_end(&j);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    /* Filters of ours that belong to no applied profile. */
    fw_json_key(&j, "unattributed_extra");
    fw_json_array_begin(&j);
    for (size_t i = 0; i < res->diff.count; i++) {
        const fw_diff_item *it = &res->diff.items[i];
        const char *id = identity_of(d, res, it);
        bool attributed = false;
        for (size_t p = 0; p < applied->count && !attributed; p++)
            attributed = of_profile(id, applied->items[p].profile);
        if (it->kind == FW_DIFF_EXTRA && !attributed)
            fw_json_string(&j, id);
    }
    fw_json_array_end(&j);
    json_services(&j, svc);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

void fw_report_status(const fw_desired *d, const fw_applied *applied, const fw_reconcile_result *res)
{
    static const char *const header[] = {"PROFILE", "STATE", "FILTERS", "MISSING", "EXTRA", "CHANGED",
                                         "DISABLED", "PENDING"};
    fw_table t;
    fw_table_init(&t, 8, header);
    for (size_t p = 0; p < applied->count; p++) {
        const char *name = applied->items[p].profile;
        size_t counts[4] = {0}, wanted = 0, pending = 0;
        for (size_t i = 0; i < res->diff.count; i++)
            if (of_profile(identity_of(d, res, &res->diff.items[i]), name))
                counts[res->diff.items[i].kind]++;
        for (size_t i = 0; i < d->count; i++)
            wanted += of_profile(d->wanted[i].identity, name);
        for (size_t i = 0; i < d->pending_count; i++)
            pending += of_profile(d->pending[i], name);
        bool drift = counts[0] || counts[1] || counts[2] || counts[3];
        char cells[6][24];
        snprintf(cells[0], 24, "%zu", wanted);
        for (int k = 0; k < 4; k++)
            snprintf(cells[k + 1], 24, "%zu", counts[k]);
        snprintf(cells[5], 24, "%zu", pending);
        const char *row[] = {name, drift ? "DRIFT" : "in sync", cells[0], cells[1], cells[2], cells[3],
                             cells[4], cells[5]};
        fw_table_add(&t, row);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
    if (res->diff.count) {
        puts("\nDrift (fwsvc apply repairs it):");
        fw_report_changes(d, res, true);
    } else if (res->provider_missing || res->sublayer_missing) {
        puts("\nDrift: fwsvc's WFP provider or sublayer is missing (fwsvc apply repairs it).");
    }
}

int fw_report_failure(const char *what, const fw_reconcile_result *res)
{
    fprintf(stderr, "fwsvc: error: %s failed: %s\n", what, res->message);
    fprintf(stderr, "fwsvc: the WFP transaction was aborted; nothing was changed\n");
    return FW_EXIT_FAILURE;
}
