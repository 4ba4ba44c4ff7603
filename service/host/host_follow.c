#include "host_follow.h"

#include "detect_host.h"
#include "fw_alloc.h"
#include "host_exit.h"
#include "site_catalog.h"

#include <stdlib.h>

bool fw_host_follow(fw_host_config *c, unsigned flags, fw_detection *d, fw_follow *f, fw_diags *diags)
{
    *d = (fw_detection){0};
    *f = (fw_follow){0};
    fw_catalog catalog = {0};
    char *dir = c->catalog_dir ? fw_xstrdup(c->catalog_dir) : fw_host_default_catalog_dir();
    bool ok = fw_catalog_load_host(&catalog, dir, c->site_catalog_dir, true, diags);
    if (ok) {
        fw_detect_host(d);
        fw_detect_follow(&c->profiles, &catalog, d, flags, f);
    }
    fw_catalog_free(&catalog);
    free(dir);
    return ok;
}
