/* Exit codes of fwsvc, shared by the command line and the host module that
 * decides them (docs/cli.md). */
#ifndef FW_HOST_EXIT_H
#define FW_HOST_EXIT_H

enum {
    FW_EXIT_OK = 0,
    FW_EXIT_FAILURE = 1, /* runtime failure */
    FW_EXIT_INVALID = 2, /* invalid input or usage: nothing was changed */
    FW_EXIT_DRIFT = 3,   /* status found drift; --dry-run has changes pending */
    FW_EXIT_PENDING = 4, /* status: in sync, but program rules wait for their program */
    FW_EXIT_REFUSED = 5, /* program rules refused: non-administrators can change their program */
    FW_EXIT_NOT_RUNNING = 6, /* service status: the service is not running (stopped, not installed) */
    FW_EXIT_SERVICE_FAILED = 7, /* service status: running, but its last reconcile failed */
    FW_EXIT_NOT_ELEVATED = 8,   /* dsc: not run elevated, as an administrator */
};

/* The folder the catalog is read from when neither --catalog nor the host
 * configuration names one: "catalog" beside the executable, where the
 * installer puts it. */
char *fw_host_default_catalog_dir(void);

#endif
