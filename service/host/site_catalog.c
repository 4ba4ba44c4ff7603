#include "site_catalog.h"

#include "catalog_load.h"
#ifdef _WIN32
#include "catalog_trusted.h"
#endif

static bool load_folder(fw_catalog *catalog, const char *dir, bool trusted, fw_diags *diags)
{
#ifdef _WIN32
    if (trusted)
        return fw_catalog_load_trusted(catalog, dir, diags);
#else
    (void)trusted;
#endif
    return fw_catalog_load_dir(catalog, dir, diags);
}

bool fw_catalog_load_host(fw_catalog *catalog, const char *dir, const char *site_dir, bool trusted, fw_diags *diags)
{
    if (!load_folder(catalog, dir, trusted, diags))
        return false;
    if (!site_dir)
        return true;
    /* After the vendor files, so that a clash of names is reported at the
     * site's file. */
    size_t first = catalog->file_count;
    bool ok = load_folder(catalog, site_dir, trusted, diags);
    fw_catalog_mark_site(catalog, first);
    return ok;
}
