/* apply --detect: the detected products' profiles into the host
 * configuration, before apply's own merge of --set (detect_follow.h).
 * Windows only. */
#ifndef FW_APPLY_DETECT_H
#define FW_APPLY_DETECT_H

#include "cli.h"
#include "host_config.h"

/* Runs detection, reports it (stderr with --json), and adds, updates or
 * removes the profiles it decides in c; *changed lists (by name) those it
 * added or gave new values. Returns an exit code. */
int fw_cli_apply_detect(fw_host_config *c, const fw_cli_args *args, fw_applied *changed);

/* status: the profiles applied by hand whose product is not detected, as
 * warnings on stderr. */
void fw_cli_warn_undetected(const fw_host_config *c);

#endif
