/* What the Windows commands that read or change the host share: the host
 * configuration loaded or the command stopped, and the host lock taken or
 * the command stopped (both reported). Windows only. */
#ifndef FW_CLI_HOST_H
#define FW_CLI_HOST_H

#include "host_config.h"

#include "host_lock.h" /* HANDLE, fw_host_unlock */

/* A value of the wrong type or shape stops the command before WFP is
 * touched (fails closed). */
bool fw_cli_load_config(fw_host_config *c);
/* The lock apply, remove, dsc set and the service's reconcile hold from
 * reading the configuration to recording it (host_lock.h); NULL after a
 * minute's wait, reported. Release with fw_host_unlock. */
HANDLE fw_cli_host_lock(void);

#endif
