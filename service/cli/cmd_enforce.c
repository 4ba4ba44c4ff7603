/* apply, remove, status and filters: the commands that read or change WFP.
 * Windows only (cmd_enforce_stub.c natively). */
#include "cli.h"
#include "cli_error.h"

#include "catalog_load.h"
#include "desired.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_table.h"
#include "fw_win32_text.h"
#include "report.h"
#include "services_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads the applied record; reports and returns false on failure. */
static bool load_applied(fw_applied *applied)
{
    char *error = NULL;
    if (fw_applied_load(applied, &error) == ERROR_SUCCESS)
        return true;
    fw_cli_error("%s\n", error);
    free(error);
    return false;
}

/* Reconciles WFP to `applied`; on success records it. The record is written
 * after the WFP commit: WFP is the truth, the record names what was asked. */
static int reconcile_to(const fw_cli_args *args, const fw_applied *applied, bool dry_run, fw_report_mode mode)
{
    fw_desired d;
    int rc = fw_desired_build(&d, args->catalog_dir, applied);
    if (rc != FW_EXIT_OK) {
        fw_desired_free(&d);
        return rc;
    }
    /* The services file is read and checked first: a file fwsvc cannot
     * edit stops the command before WFP changes. */
    fw_services_step svc;
    rc = fw_services_prepare(&svc, args->services_file, d.services, d.service_count, !dry_run);
    if (rc != FW_EXIT_OK) {
        fw_services_step_free(&svc);
        fw_desired_free(&d);
        return rc;
    }
    if (dry_run)
        mode = FW_MODE_DRY_RUN;
    fw_reconcile_request req;
    fw_desired_request(&d, &req);
    req.dry_run = dry_run;
    req.remove_all = mode == FW_MODE_REMOVE_ALL;
    fw_reconcile_result res;
    const char *what = mode == FW_MODE_REMOVE_ALL ? "remove --all" : mode == FW_MODE_REMOVE ? "remove" : "apply";
    DWORD e = fw_reconcile(&req, &res);
    if (e) {
        rc = fw_report_failure(what, &res, dry_run);
    } else {
        if (!dry_run) {
            char *error = NULL;
            if (fw_applied_save(applied, &error) != ERROR_SUCCESS) {
                fw_cli_error("WFP was updated, but the record of applied profiles was not: %s\n", error);
                free(error);
                rc = FW_EXIT_FAILURE;
            }
            if (rc == FW_EXIT_OK)
                rc = fw_services_commit(&svc);
        }
        if (args->json) {
            fw_report_json(&d, applied, &res, &svc, mode);
        } else {
            fw_report_changes(&d, &res, mode);
            fw_report_pending(&d);
        }
        if (!args->json && rc == FW_EXIT_OK) /* a failed write said so already */
            fw_services_report(&svc, dry_run ? "dry-run" : mode == FW_MODE_APPLY ? "apply" : "remove");
        fw_services_warn(&svc);
        if (rc == FW_EXIT_OK && dry_run && (fw_report_has_drift(&res) || fw_services_has_drift(&svc)))
            rc = FW_EXIT_DRIFT;
    }
    fw_reconcile_result_free(&res);
    fw_services_step_free(&svc);
    fw_desired_free(&d);
    return rc;
}

int fw_cmd_apply(const fw_cli_args *args)
{
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, true); /* checks the profiles and every --set */
    if (rc != FW_EXIT_OK)
        return rc;
    fw_applied applied;
    if (!load_applied(&applied)) {
        fw_cli_session_close(&s);
        return FW_EXIT_FAILURE;
    }
    for (size_t i = 0; i < s.profile_count; i++) {
        /* Each profile keeps the settings that name one of its variables:
         * those given now, and those recorded before that are not given
         * again. A re-apply must never widen an opening silently, so a
         * recorded value is dropped only by removing the profile. */
        const fw_applied_profile *before = fw_applied_find(&applied, s.profiles[i]->name);
        size_t cap = args->setting_count + (before ? before->count : 0);
        fw_setting *mine = fw_xcalloc(cap ? cap : 1, sizeof *mine);
        size_t n = 0;
        for (size_t k = 0; k < args->setting_count; k++)
            for (size_t v = 0; v < s.catalog.files[s.profiles[i]->file]->variable_count; v++)
                if (strcmp(s.catalog.files[s.profiles[i]->file]->variables[v].name, args->settings[k].name) == 0 &&
                    fw_profile_uses_variable(s.profiles[i], (int)v))
                    mine[n++] = args->settings[k];
        size_t given = n;
        for (size_t r = 0; before && r < before->count; r++) {
            bool overridden = false;
            for (size_t k = 0; k < given && !overridden; k++)
                overridden = strcmp(mine[k].name, before->settings[r].name) == 0;
            if (overridden)
                continue;
            mine[n++] = before->settings[r];
            if (!args->json)
                printf("Keeping %s=%s for profile %s, as recorded (fwsvc remove --profile %s, then apply, returns it "
                       "to the catalog's default).\n",
                       before->settings[r].name, before->settings[r].value, s.profiles[i]->name, s.profiles[i]->name);
        }
        fw_setting *copy = fw_xcalloc(n ? n : 1, sizeof *copy); /* fw_applied_set replaces `before` */
        for (size_t k = 0; k < n; k++)
            copy[k] = (fw_setting){fw_xstrdup(mine[k].name), fw_xstrdup(mine[k].value)};
        free(mine);
        fw_applied_set(&applied, s.profiles[i]->name, copy, n);
        fw_settings_free(copy, n);
    }
    fw_cli_session_close(&s);
    rc = reconcile_to(args, &applied, args->dry_run, FW_MODE_APPLY);
    fw_applied_free(&applied);
    return rc;
}

int fw_cmd_remove(const fw_cli_args *args)
{
    if (args->all == (args->profile_count > 0)) {
        fw_cli_error("remove needs either --profile NAME or --all\n");
        return FW_EXIT_INVALID;
    }
    fw_applied applied;
    if (!load_applied(&applied))
        return FW_EXIT_FAILURE;
    int rc = FW_EXIT_OK;
    if (args->all) {
        fw_applied none = {0};
        rc = reconcile_to(args, &none, false, FW_MODE_REMOVE_ALL);
    } else {
        /* A recorded name, or any name or alias the catalog resolves. */
        fw_catalog catalog = {0};
        fw_diags diags = {0};
        char *dir = args->catalog_dir ? fw_xstrdup(args->catalog_dir) : fw_cli_default_catalog_dir();
        fw_catalog_load_dir(&catalog, dir, &diags);
        for (size_t i = 0; i < args->profile_count && rc == FW_EXIT_OK; i++) {
            const fw_profile *p = fw_catalog_find(&catalog, args->profiles[i]);
            if (!fw_applied_remove(&applied, args->profiles[i]) && !(p && fw_applied_remove(&applied, p->name))) {
                fw_cli_error("profile '%s' is not applied (see 'fwsvc status')\n",
                        args->profiles[i]);
                rc = FW_EXIT_INVALID;
            }
        }
        fw_catalog_free(&catalog);
        fw_diags_free(&diags);
        free(dir);
        if (rc == FW_EXIT_OK)
            rc = reconcile_to(args, &applied, false, FW_MODE_REMOVE);
    }
    fw_applied_free(&applied);
    return rc;
}

int fw_cmd_status(const fw_cli_args *args)
{
    fw_applied applied;
    if (!load_applied(&applied))
        return FW_EXIT_FAILURE;
    fw_desired d;
    fw_services_step svc = {0};
    int rc = fw_desired_build(&d, args->catalog_dir, &applied);
    if (rc == FW_EXIT_OK)
        rc = fw_services_prepare(&svc, args->services_file, d.services, d.service_count, false);
    if (rc == FW_EXIT_OK) {
        fw_reconcile_request req;
        fw_desired_request(&d, &req);
        req.dry_run = true;
        fw_reconcile_result res;
        if (fw_reconcile(&req, &res)) {
            rc = fw_report_failure("status", &res, true);
        } else {
            fw_host_state state = fw_report_state(&d, &res, &svc, FW_MODE_STATUS);
            if (args->json) {
                fw_report_json(&d, &applied, &res, &svc, FW_MODE_STATUS);
            } else if (!applied.count && !res.existing_count) {
                puts("In sync: no profile is applied, and WFP holds no filter of fwsvc's.");
            } else {
                fw_report_status(&d, &applied, &res);
                fw_report_pending(&d);
            }
            if (!args->json)
                fw_services_report(&svc, "status");
            fw_services_warn(&svc);
            rc = state == FW_STATE_DRIFT ? FW_EXIT_DRIFT : state == FW_STATE_PENDING ? FW_EXIT_PENDING : FW_EXIT_OK;
        }
        fw_reconcile_result_free(&res);
    }
    fw_services_step_free(&svc);
    fw_desired_free(&d);
    fw_applied_free(&applied);
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

static void add_filter_row(const FWPM_FILTER0 *f, void *ctx)
{
    fw_table *t = ctx;
    char id[24], key[39];
    snprintf(id, sizeof id, "%llu", (unsigned long long)f->filterId);
    fw_key k = fw_wfp_key(&f->filterKey);
    fw_key_format(&k, key);
    fw_buf conds = {0};
    for (UINT32 i = 0; i < f->numFilterConditions; i++) {
        char *c = condition_text(&f->filterCondition[i]);
        fw_buf_printf(&conds, "%s%s", i ? " " : "", c);
        free(c);
    }
    char *name = f->displayData.name ? fw_wide_to_utf8(f->displayData.name) : fw_xstrdup("?");
    const char *state = (f->flags & FWPM_FILTER_FLAG_DISABLED) ? "DISABLED" : "enforced";
    const char *row[] = {id, name, state, key, conds.data ? conds.data : ""};
    fw_table_add(t, row);
    free(name);
    fw_buf_free(&conds);
}

int fw_cmd_filters(const fw_cli_args *args)
{
    (void)args;
    char message[1024];
    HANDLE engine;
    if (fw_wfp_open(&engine, message, sizeof message)) {
        fw_cli_error("%s\n", message);
        return FW_EXIT_FAILURE;
    }
    static const char *const header[] = {"ID", "NAME", "STATE", "KEY", "CONDITIONS"};
    fw_table t;
    fw_table_init(&t, 5, header);
    DWORD e = fw_wfp_for_each_ours(engine, add_filter_row, &t, message, sizeof message);
    FwpmEngineClose0(engine);
    if (e) {
        fw_table_free(&t);
        fw_cli_error("%s\n", message);
        return FW_EXIT_FAILURE;
    }
    printf("fwsvc's filters in WFP (provider {6482c740-e714-4384-a334-8d81e8a75eea}): %zu\n", t.rows - 1);
    if (t.rows > 1)
        fw_table_print(&t, stdout);
    fw_table_free(&t);
    return FW_EXIT_OK;
}
