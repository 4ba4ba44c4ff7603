/* The catalog as the host module enforces it (docs/security.md): the folder
 * must be local, not a reparse point, and it and every folder above it
 * changeable by administrators only (admin_only.h). Its files are then
 * listed and opened relative to the folder's open handle, never by a path
 * that could be swapped between the check and the read; a file that is a
 * reparse point is refused; each file's permissions are checked through the
 * handle it is read from: what is checked is what is read. Problems are
 * reported like fw_catalog_load_dir's. Windows only. */
#ifndef FW_CATALOG_TRUSTED_H
#define FW_CATALOG_TRUSTED_H

#include "catalog.h"
#include "fw_diag.h"

#include <stdbool.h>

/* Returns true when the catalog loaded with no error. */
bool fw_catalog_load_trusted(fw_catalog *catalog, const char *dir, fw_diags *diags);

#endif
