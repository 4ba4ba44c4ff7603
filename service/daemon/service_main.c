#include <winsock2.h> /* before windows.h */
#include "service_main.h"

#include "fw_alloc.h"
#include "host_config.h"
#include "host_exit.h"
#include "integrity.h"
#include "service_log.h"
#include "service_loop.h"

#include <windows.h>
#include <stdlib.h>

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status = {.dwServiceType = SERVICE_WIN32_OWN_PROCESS};
static fw_loop *loop;

static void report(DWORD state, DWORD exit_code, DWORD wait_hint)
{
    static DWORD checkpoint = 1;
    status.dwCurrentState = state;
    status.dwWin32ExitCode = exit_code;
    status.dwWaitHint = wait_hint;
    status.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE : 0;
    status.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : checkpoint++;
    SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, void *data, void *context)
{
    (void)type;
    (void)data;
    (void)context;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        /* The loop leaves between two WFP transactions: never half. */
        report(SERVICE_STOP_PENDING, NO_ERROR, 3000);
        fw_loop_stop(loop);
        return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE:
        fw_loop_param_change(loop);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* The started event names what this service runs: fwsvc.exe's SHA-256 and
 * each catalog file's, as they are at its start (docs/release.md). */
static char *started_integrity(void)
{
    fw_host_config c;
    char *error = NULL;
    if (fw_host_config_load(&c, &error)) {
        char *text = fw_xasprintf("integrity not read: %s", error);
        free(error);
        return text;
    }
    char *dir = c.catalog_dir ? fw_xstrdup(c.catalog_dir) : fw_host_default_catalog_dir();
    char *text = fw_integrity_text(dir, c.site_catalog_dir);
    free(dir);
    fw_host_config_free(&c);
    return text;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc;
    (void)argv;
    status_handle = RegisterServiceCtrlHandlerExW(FW_SERVICE_NAME_W, handler, NULL);
    if (!status_handle)
        return;
    report(SERVICE_START_PENDING, NO_ERROR, 3000);
    loop = fw_loop_create();
    report(SERVICE_RUNNING, NO_ERROR, 0);
    char refused[512];
    fw_service_configure_self(refused, sizeof refused);
    char *integrity = started_integrity();
    if (refused[0])
        fw_log_event(FWSVC_EVENT_STARTED, "process %lu; the Service Control Manager refused: %s; %s",
                     GetCurrentProcessId(), refused, integrity);
    else
        fw_log_event(FWSVC_EVENT_STARTED, "process %lu; recovery actions set; %s", GetCurrentProcessId(), integrity);
    free(integrity);
    DWORD e = fw_loop_run(loop);
    fw_log_event(FWSVC_EVENT_STOPPED, "process %lu", GetCurrentProcessId());
    fw_loop_free(loop);
    fw_log_close();
    report(SERVICE_STOPPED, e, 0);
}

int fw_service_run(void)
{
    static SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)FW_SERVICE_NAME_W, service_main}, {NULL, NULL}};
    if (StartServiceCtrlDispatcherW(table))
        return FW_EXIT_OK;
    if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
        return FW_EXIT_INVALID; /* run by hand: the caller says how to start it */
    return FW_EXIT_FAILURE;
}
