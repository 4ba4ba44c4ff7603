/* service install | uninstall | status: registering fwsvc.exe with the
 * Service Control Manager as Object Management requires for BFE to add its
 * persistent filters at boot (auto-start), depending on BFE. */
#include <winsock2.h> /* before windows.h */
#include "service_main.h"

#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "host_config.h"
#include "host_error.h"
#include "host_exit.h"
#include "host_reconcile.h"
#include "data_folder.h"
#include "service_log.h"
#include "service_status.h"

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTLOG_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\fwsvc"

/* A configuration step Wine (or an old Windows) may refuse: noted, not
 * fatal. */
static void optional(BOOL ok, const char *what, char *refused, size_t size)
{
    if (ok)
        return;
    size_t used = strlen(refused);
    snprintf(refused + used, size - used, "%s%s (error %lu)", used ? ", " : "", what, GetLastError());
}

void fw_service_configure(SC_HANDLE svc, char *refused, size_t size)
{
    refused[0] = 0;
    SERVICE_DESCRIPTIONW description = {(wchar_t *)FW_SERVICE_DESCRIPTION_W};
    optional(ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &description), "the description", refused,
             size);
    /* Restart on failure, non-crash failures included. */
    SC_ACTION actions[3] = {{SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_RESTART, 60000}};
    SERVICE_FAILURE_ACTIONSW failure = {.dwResetPeriod = 86400, .cActions = 3, .lpsaActions = actions};
    optional(ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &failure), "the recovery actions", refused,
             size);
    SERVICE_FAILURE_ACTIONS_FLAG flag = {TRUE};
    optional(ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag),
             "recovery on non-crash failures", refused, size);
    /* Only what WFP and the services file need. */
    /* BFE and the files it edits check access by security descriptor
     * (LocalSystem is an administrator); no privilege beyond traversal. */
    static wchar_t privileges[] = L"SeChangeNotifyPrivilege\0";
    SERVICE_REQUIRED_PRIVILEGES_INFOW required = {privileges};
    optional(ChangeServiceConfig2W(svc, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, &required),
             "the required privileges", refused, size);
    SERVICE_SID_INFO sid = {SERVICE_SID_TYPE_UNRESTRICTED};
    optional(ChangeServiceConfig2W(svc, SERVICE_CONFIG_SERVICE_SID_INFO, &sid), "the service SID", refused, size);
}

/* An image path with a space and no quotes ("C:\Program Files\fwsvc\
 * fwsvc.exe service run") lets the Service Control Manager try
 * C:\Program.exe first (CreateService: "If the path contains a space, it
 * must be quoted"). Wine's msiexec registers it so; the service quotes it. */
static void quote_image_path(SC_HANDLE svc, char *refused, size_t size)
{
    DWORD need = 0;
    QueryServiceConfigW(svc, NULL, 0, &need);
    QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
    if (cfg && QueryServiceConfigW(svc, cfg, need, &need) && cfg->lpBinaryPathName[0] != L'"') {
        wchar_t exe[MAX_PATH], command[MAX_PATH + 32];
        GetModuleFileNameW(NULL, exe, MAX_PATH);
        swprintf(command, MAX_PATH + 32, L"\"%ls\" service run", exe);
        /* The dependency is given again: NULL means "unchanged" on Windows,
         * but Wine's ChangeServiceConfigW clears it. */
        optional(ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, command, NULL,
                                      NULL, L"BFE\0", NULL, NULL, NULL),
                 "quoting the image path", refused, size);
    }
    free(cfg);
}

void fw_service_configure_self(char *refused, size_t size)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, FW_SERVICE_NAME_W, SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG) : NULL;
    if (svc) {
        fw_service_configure(svc, refused, size);
        quote_image_path(svc, refused, size);
    } else
        snprintf(refused, size, "all of it: the service cannot be opened (error %lu)", GetLastError());
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

static DWORD register_event_source(const wchar_t *exe)
{
    HKEY key;
    DWORD e = (DWORD)RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (e)
        return e;
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    e = (DWORD)RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
                              (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t)));
    if (!e)
        e = (DWORD)RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
    RegCloseKey(key);
    return e;
}

/* --interval goes into the host configuration, checked (range, Group
 * Policy) before the service is touched. */
static int check_interval(const fw_service_options *o, fw_host_config *c)
{
    char *error = NULL;
    *c = (fw_host_config){0};
    if (!o->interval_seconds)
        return FW_EXIT_OK;
    if (fw_host_config_load(c, &error) == ERROR_SUCCESS &&
        fw_host_config_set_interval(c, o->interval_seconds, &error) == ERROR_SUCCESS)
        return FW_EXIT_OK;
    fw_error("--interval: %s; nothing was changed\n", error);
    free(error);
    return FW_EXIT_INVALID;
}

int fw_service_install(const fw_service_options *o)
{
    fw_host_config config;
    if (check_interval(o, &config) != FW_EXIT_OK) {
        fw_host_config_free(&config);
        return FW_EXIT_INVALID;
    }
    wchar_t exe[MAX_PATH], command[MAX_PATH + 32];
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    swprintf(command, MAX_PATH + 32, L"\"%ls\" service run", exe);
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE | SC_MANAGER_CONNECT);
    if (!scm) {
        fw_error("cannot open the Service Control Manager (error %lu): run fwsvc from an elevated prompt\n",
                 GetLastError());
        fw_host_config_free(&config);
        return FW_EXIT_FAILURE;
    }
    int rc = FW_EXIT_OK;
    SC_HANDLE svc = CreateServiceW(scm, FW_SERVICE_NAME_W, FW_SERVICE_DISPLAY_W, SERVICE_ALL_ACCESS,
                                   SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, command,
                                   NULL, NULL, L"BFE\0", NULL /* LocalSystem */, NULL);
    if (!svc && GetLastError() == ERROR_SERVICE_EXISTS) {
        svc = OpenServiceW(scm, FW_SERVICE_NAME_W, SERVICE_ALL_ACCESS);
        if (svc && !ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                         command, NULL, NULL, L"BFE\0", NULL, NULL, FW_SERVICE_DISPLAY_W)) {
            CloseServiceHandle(svc);
            svc = NULL;
        }
    }
    if (!svc) {
        fw_error("cannot register the fwsvc service (error %lu)\n", GetLastError());
        rc = FW_EXIT_FAILURE;
    } else {
        char refused[512];
        fw_service_configure(svc, refused, sizeof refused);
        if (refused[0])
            fprintf(stderr, "fwsvc: note: refused by the Service Control Manager, the service runs without "
                            "them: %s\n",
                    refused);
        DWORD e = register_event_source(exe);
        if (e)
            fprintf(stderr, "fwsvc: note: the Event Log source was not registered (error %lu)\n", e);
        char *error = NULL;
        if (o->interval_seconds && fw_host_config_save(&config, FW_SAVE_PATHS, &error) != ERROR_SUCCESS) {
            fw_error("%s\n", error);
            free(error);
            rc = FW_EXIT_FAILURE;
        }
        if (rc == FW_EXIT_OK)
            printf("Installed the fwsvc service (automatic start, depends on BFE, LocalSystem). It reconciles at "
                   "start, every %lu s, and within a second of a change. Start it: net start fwsvc\n",
                   o->interval_seconds ? o->interval_seconds : FW_DEFAULT_INTERVAL_SECONDS);
        CloseServiceHandle(svc);
    }
    CloseServiceHandle(scm);
    fw_host_config_free(&config);
    return rc;
}

/* Asks the service to stop and waits (3 s is what it promises, 10 s what
 * we allow). */
static void stop_service(SC_HANDLE svc)
{
    SERVICE_STATUS s;
    if (!ControlService(svc, SERVICE_CONTROL_STOP, &s))
        return;
    for (int i = 0; i < 100 && QueryServiceStatus(svc, &s) && s.dwCurrentState != SERVICE_STOPPED; i++)
        Sleep(100);
}

void fw_service_wait_for_stop(DWORD timeout_ms)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, FW_SERVICE_NAME_W, SERVICE_QUERY_STATUS) : NULL;
    SERVICE_STATUS s;
    for (DWORD waited = 0; svc && waited < timeout_ms && QueryServiceStatus(svc, &s) &&
                           s.dwCurrentState == SERVICE_STOP_PENDING;
         waited += 100)
        Sleep(100);
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

int fw_service_uninstall(const fw_service_options *o)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, FW_SERVICE_NAME_W, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE) : NULL;
    int rc = FW_EXIT_OK;
    if (!svc) {
        fw_error("the fwsvc service is not installed (error %lu)\n", GetLastError());
        rc = FW_EXIT_INVALID;
    } else {
        stop_service(svc);
        if (!DeleteService(svc)) {
            fw_error("cannot delete the fwsvc service (error %lu)\n", GetLastError());
            rc = FW_EXIT_FAILURE;
        }
        CloseServiceHandle(svc);
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY);
    }
    if (scm)
        CloseServiceHandle(scm);
    if (rc != FW_EXIT_OK)
        return rc;
    if (!o->remove) {
        printf("Uninstalled the fwsvc service. Its filters stay in WFP and are enforced until the next restart; "
               "after it, BFE keeps them DISABLED because the service is gone. 'fwsvc remove --all' removes them "
               "now (or: fwsvc service uninstall --remove).\n");
        return FW_EXIT_OK;
    }
    fw_host_config c;
    char *error = NULL;
    if (fw_host_config_load(&c, &error)) {
        fw_error("the service is gone, but its filters were not removed: %s\n", error);
        free(error);
        return FW_EXIT_FAILURE;
    }
    /* Removing the filters forgets the profiles too: else the next
     * 'fwsvc apply' (no --profile) would quietly bring them back. */
    fw_buf forgotten = {0};
    for (size_t i = 0; i < c.profiles.count; i++)
        fw_buf_printf(&forgotten, "%s%s", i ? ", " : "", c.profiles.items[i].profile);
    bool by_policy = c.profiles_source == FW_SOURCE_POLICY;
    fw_applied_free(&c.profiles);
    fw_host_request rq = {.remove_all = true, .record = by_policy ? 0 : FW_RECORD_PROFILES};
    fw_host_run run;
    rc = fw_host_reconcile(&c, &rq, &run);
    if (run.reconciled) {
        printf("Uninstalled the fwsvc service and removed every fwsvc object from WFP (%zu filter(s)).\n",
               run.result.existing_count);
        if (forgotten.len && !by_policy)
            printf("Forgot the applied profiles (%s\\AppliedProfiles): %s. 'fwsvc apply --profile NAME' "
                   "applies one again.\n", FW_CONFIG_KEY_TEXT, forgotten.data);
        else if (forgotten.len)
            printf("The applied profiles (%s) come from Group Policy (%s\\AppliedProfiles) and stay there: "
                   "a service installed again enforces them.\n", forgotten.data, FW_POLICY_KEY_TEXT);
    }
    else if (run.result.message[0])
        fw_error("the service is gone, but its filters were not removed: %s\n", run.result.message);
    fw_host_run_free(&run);
    fw_host_config_free(&c);
    fw_buf_free(&forgotten);
    return rc;
}

static const char *state_name(DWORD state)
{
    switch (state) {
    case SERVICE_STOPPED:
        return "stopped";
    case SERVICE_START_PENDING:
        return "starting";
    case SERVICE_STOP_PENDING:
        return "stopping";
    case SERVICE_RUNNING:
        return "running";
    default:
        return "other";
    }
}

/* The record in words; --json has the same values. */
static void print_record(const fw_service_status *r)
{
    printf("started: %s\n", r->started);
    if (strcmp(r->last_result, "none") == 0)
        printf("last reconcile: none yet\n");
    else
        printf("last reconcile: %s, %s, %s, %zu WFP write(s)\n", r->last_time, r->last_trigger,
               strcmp(r->last_result, "ok") == 0 ? "succeeded" : "FAILED", r->last_writes);
    if (r->last_error)
        printf("  error: %s\n", r->last_error);
    for (size_t i = 0; i < r->diagnostic_count; i++)
        printf("  %s\n", r->diagnostics[i]);
    if (r->write_time[0])
        printf("last write: %s, %s, %zu WFP write(s); %zu since the start\n", r->write_time, r->write_trigger,
               r->write_count, r->writes_since_start);
    else
        printf("last write: none since the start\n");
    printf("drift repairs: %zu; rules waiting: %zu\n", r->drift_repairs, r->pending);
    const fw_status_drops *d = &r->drops;
    printf("dropped backup traffic: watch %s; %zu drop(s) on backup flows, %zu reported%s\n", d->watch, d->seen,
           d->reported, d->lost ? " (some came faster than they could be read)" : "");
    for (size_t i = 0; i < d->rule_count && i < 10; i++)
        printf("  %-60s %6zu  last %s\n", d->rules[i].rule, d->rules[i].count, d->rules[i].last);
    if (d->rule_count > 10)
        printf("  (%zu more rules: --json lists them)\n", d->rule_count - 10);
}

int fw_service_status_print(const fw_service_options *o)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, FW_SERVICE_NAME_W, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG) : NULL;
    const char *state = "not installed", *start = "";
    SERVICE_STATUS s;
    if (svc && QueryServiceStatus(svc, &s))
        state = state_name(s.dwCurrentState);
    if (svc) {
        DWORD need = 0;
        QueryServiceConfigW(svc, NULL, 0, &need);
        QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
        if (cfg && QueryServiceConfigW(svc, cfg, need, &need))
            start = cfg->dwStartType == SERVICE_AUTO_START ? "automatic" : "not automatic";
        free(cfg);
        CloseServiceHandle(svc);
    }
    if (scm)
        CloseServiceHandle(scm);
    /* The service's record, read back validated (service_status.h); a
     * reader creates nothing. */
    fw_service_status last;
    char *why = NULL;
    fw_status_read got = fw_service_status_read(&last, &why);
    char *path = fw_data_path("status.json");
    if (o->json) {
        fw_json j;
        fw_json_init(&j, stdout);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "command", "service status");
        fw_json_member_string(&j, "state", state);
        fw_json_member_string(&j, "start", start);
        fw_json_key(&j, "last");
        if (got == FW_STATUS_OK)
            fw_service_status_write_json(&j, &last);
        else
            fw_json_null(&j);
        fw_json_member_string(&j, "record_problem", why);
        fw_json_object_end(&j);
        fw_json_finish(&j);
    } else {
        printf("fwsvc service: %s%s%s\n", state, start[0] ? ", start " : "", start);
        if (got == FW_STATUS_OK)
            print_record(&last);
        printf("record: %s%s%s\n", path, got == FW_STATUS_OK ? "" : ": ",
               got == FW_STATUS_OK ? "" : got == FW_STATUS_NONE ? "(none yet)" : why);
        char *log = fw_data_path("fwsvc.log");
        printf("log: %s\n", log);
        free(log);
    }
    /* A dashboard or a script acts on the exit code alone. */
    int rc = got == FW_STATUS_UNTRUSTED                           ? FW_EXIT_FAILURE
             : strcmp(state, "running") != 0                      ? FW_EXIT_NOT_RUNNING
             : got == FW_STATUS_OK && strcmp(last.last_result, "error") == 0 ? FW_EXIT_SERVICE_FAILED
                                                                  : FW_EXIT_OK;
    if (got == FW_STATUS_OK)
        fw_service_status_free(&last);
    free(why);
    free(path);
    return rc;
}
