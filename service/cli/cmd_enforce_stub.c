/* The native build has no Windows Filtering Platform: the enforcing
 * commands say so and point to what works here. */
#include "cli.h"
#include "host_error.h"

#include <stdio.h>

static int windows_only(const fw_cli_args *args)
{
    fw_error("'%s' changes or reads the Windows Filtering Platform or the host's configuration and runs on "
             "Windows (fwsvc.exe); here, 'fwsvc plan' shows the filters it would install\n",
             args->command);
    return FW_EXIT_INVALID;
}

int fw_cmd_apply(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_remove(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_status(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_filters(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_config(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_service(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_configure(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_why(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_detect(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_watch(const fw_cli_args *args) { return windows_only(args); }
int fw_cmd_dsc(const fw_cli_args *args) { return windows_only(args); }
