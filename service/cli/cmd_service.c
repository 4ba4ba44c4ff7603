/* fwsvc service install | uninstall | status | run: a thin front over
 * service/daemon/. Windows only. */
#include "cli.h"
#include "host_error.h"
#include "service_main.h"

#include <stdio.h>
#include <string.h>

int fw_cmd_service(const fw_cli_args *args)
{
    const char *what = args->dir_arg ? args->dir_arg : "";
    fw_service_options o = {.interval_seconds = args->interval, .json = args->json, .remove = args->remove};
    bool install = strcmp(what, "install") == 0, uninstall = strcmp(what, "uninstall") == 0,
         status = strcmp(what, "status") == 0, run = strcmp(what, "run") == 0;
    if ((args->interval && !install) || (args->remove && !uninstall) || (args->json && !status)) {
        fw_error("that option does not go with 'service %s'; see 'fwsvc service --help'\n", what);
        return FW_EXIT_INVALID;
    }
    if (install)
        return fw_service_install(&o);
    if (uninstall)
        return fw_service_uninstall(&o);
    if (status)
        return fw_service_status_print(&o);
    if (run) {
        int rc = fw_service_run();
        if (rc == FW_EXIT_INVALID)
            fw_error("'service run' is how the Service Control Manager starts fwsvc; start it with "
                     "'net start fwsvc' (after 'fwsvc service install')\n");
        return rc;
    }
    fw_error("service needs install, uninstall or status; see 'fwsvc service --help'\n");
    return FW_EXIT_INVALID;
}
