#include "cli.h"
#include "host_error.h"

#include "catalog_load.h"
#include "fw_alloc.h"
#include "site_catalog.h"

#include <stdio.h>
#include <stdlib.h>

int fw_cmd_lint(const fw_cli_args *args)
{
    if (args->dir_arg && args->catalog_dir) {
        fw_error("lint takes one folder: DIR or --catalog DIR, not both\n");
        return FW_EXIT_INVALID;
    }
    const char *given = args->dir_arg ? args->dir_arg : args->catalog_dir;
    char *dir = given ? fw_xstrdup(given) : fw_host_default_catalog_dir();
    fw_catalog catalog = {0};
    fw_diags diags = {0};
    /* With --site-catalog, the site's folder too, as the host loads it. */
    const char *site = fw_cli_site_catalog(args, NULL);
    bool ok = fw_catalog_load_host(&catalog, dir, site, false, &diags);
    fw_diags_print(&diags, stderr);
    size_t site_files = 0;
    for (size_t i = 0; i < catalog.file_count; i++)
        site_files += catalog.files[i]->site;

    size_t rules = 0;
    for (size_t i = 0; i < catalog.profile_count; i++)
        rules += catalog.profiles[i].rule_count;
    size_t warnings = diags.count - diags.errors;
    if (ok && site)
        printf("%s with the site's %s: OK: %zu files (%zu the site's), %zu profiles, %zu rules, %zu warning(s)\n", dir,
               site, catalog.file_count, site_files, catalog.profile_count, rules, warnings);
    else if (ok)
        printf("%s: OK: %zu files, %zu profiles, %zu rules, %zu warning(s)\n", dir,
               catalog.file_count, catalog.profile_count, rules, warnings);
    else
        fprintf(stderr, "%s: %zu error(s), %zu warning(s)\n", dir, diags.errors, warnings);
    fw_diags_free(&diags);
    fw_catalog_free(&catalog);
    free(dir);
    return ok ? FW_EXIT_OK : FW_EXIT_INVALID;
}
