#include "host_record.h"

#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include "host_config.h"

bool fw_host_record_read(fw_host_record *r, char **error)
{
    memset(r, 0, sizeof *r);
    fw_host_config c;
    if (fw_host_config_load(&c, error))
        return false;
    r->present = true;
    r->profiles = c.profiles;
    c.profiles = (fw_applied){0};
    r->by_policy = c.profiles_source == FW_SOURCE_POLICY;
    r->catalog_dir = c.catalog_dir;
    c.catalog_dir = NULL;
    r->site_catalog_dir = c.site_catalog_dir;
    c.site_catalog_dir = NULL;
    fw_host_config_free(&c);
    return true;
}
#else
bool fw_host_record_read(fw_host_record *r, char **error)
{
    memset(r, 0, sizeof *r);
    *error = NULL;
    return true; /* no host configuration off Windows */
}
#endif

void fw_host_record_free(fw_host_record *r)
{
    fw_applied_free(&r->profiles);
    free(r->catalog_dir);
    free(r->site_catalog_dir);
    memset(r, 0, sizeof *r);
}
