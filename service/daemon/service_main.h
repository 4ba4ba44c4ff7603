/* fwsvc.exe as a Windows service, and the commands that register it.
 * docs/service.md. Windows only. */
#ifndef FW_SERVICE_MAIN_H
#define FW_SERVICE_MAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <windows.h>

#define FW_SERVICE_NAME_W L"fwsvc"
#define FW_SERVICE_DISPLAY_W L"fwsvc firewall openings for backup products"
#define FW_SERVICE_DESCRIPTION_W                                                                          \
    L"Keeps the Windows Filtering Platform permits that backup products (DPM, Backup Exec, Veeam) need " \
    L"true to the host configuration: at start, on a timer, and within a second of a change."

/* Connects to the Service Control Manager and runs the loop; returns an
 * exit code (2 when not started by the SCM). */
int fw_service_run(void);

typedef struct {
    unsigned long interval_seconds; /* 0: keep the configured one */
    bool json;
    bool remove;                    /* uninstall: also remove every fwsvc WFP object */
} fw_service_options;

int fw_service_install(const fw_service_options *o);
/* What ServiceInstall (the MSI) cannot carry, set with ChangeServiceConfig2:
 * description, recovery actions, required privileges, service SID. The
 * steps refused go into refused ("" when none). fw_service_install calls it,
 * and the service at every start, so an MSI install gets it too. */
void fw_service_configure(SC_HANDLE svc, char *refused, size_t size);
void fw_service_configure_self(char *refused, size_t size);
int fw_service_uninstall(const fw_service_options *o);
/* Waits (up to timeout_ms) while the service is stopping: the
 * uninstall's cleanup runs after the MSI asked it to stop, and a service
 * still stopping writes its last log line into the folder being deleted. */
void fw_service_wait_for_stop(DWORD timeout_ms);
int fw_service_status_print(const fw_service_options *o);

#endif
