/* detect: which backup products and roles this computer runs (detect.h).
 * Windows only (cmd_enforce_stub.c natively). */
#include "cli.h"

#include "detect_host.h"
#include "fw_json.h"

#include <stdio.h>

int fw_cmd_detect(const fw_cli_args *args)
{
    fw_detection d;
    fw_detect_host(&d);
    if (args->json) {
        fw_json j;
        fw_json_init(&j, stdout);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "command", "detect");
        fw_cli_json_detection(&j, &d);
        fw_json_object_end(&j);
        fw_json_finish(&j);
    } else {
        fw_cli_print_detection(stdout, &d);
        if (d.count)
            printf("\nApply them: fwsvc apply --detect (with --auto-detect on, the fwsvc service keeps them in "
                   "step as products come and go).\n");
    }
    fw_detection_free(&d);
    return FW_EXIT_OK;
}
