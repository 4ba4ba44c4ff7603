/* The host's record of applied profiles and their settings, for the
 * commands that show what a host enforces (show, plan): read from the host
 * configuration on Windows (host_config.h); a native build has none. */
#ifndef FW_HOST_RECORD_H
#define FW_HOST_RECORD_H

#include "applied.h"

#include <stdbool.h>

typedef struct {
    bool present;      /* a host configuration was read (Windows) */
    fw_applied profiles;
    bool by_policy;    /* the profiles come from Group Policy */
    char *catalog_dir; /* the host's catalog folder, or NULL: the default */
    char *site_catalog_dir; /* the host's site catalog folder, or NULL: none */
} fw_host_record;

/* False, with *error (allocated) naming the key and the value, when the
 * configuration cannot be read. */
bool fw_host_record_read(fw_host_record *r, char **error);
void fw_host_record_free(fw_host_record *r);

#endif
