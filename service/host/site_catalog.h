/* The catalog a host enforces: the vendor catalog folder, then, when the
 * host names one, the site's own folder (SiteCatalogDir, --site-catalog).
 * The site's files go through the same loader, breadth guard and (trusted)
 * admin-only checks; their profiles are marked as the site's, and names and
 * aliases must be unique across both folders. docs/catalog.md, "Site rules". */
#ifndef FW_SITE_CATALOG_H
#define FW_SITE_CATALOG_H

#include "catalog.h"
#include "fw_diag.h"

#include <stdbool.h>

/* trusted: the folders and files must be administrators' alone (Windows;
 * ignored elsewhere). site_dir NULL: the vendor catalog alone. Returns true
 * when both loaded with no error. */
bool fw_catalog_load_host(fw_catalog *catalog, const char *dir, const char *site_dir, bool trusted, fw_diags *diags);

#endif
