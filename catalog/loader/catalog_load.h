/* Loading the catalog from YAML: strict, and reporting every problem of
 * every file (file:line:column and the offending value), never just the
 * first. A catalog with errors must not be used. */
#ifndef FW_CATALOG_LOAD_H
#define FW_CATALOG_LOAD_H

#include "catalog.h"
#include "fw_diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Catalog files larger than this are refused rather than parsed. */
#define FW_CATALOG_MAX_FILE_BYTES (1024u * 1024u)

/* Loads every *.yaml of dir in name order, then checks what spans files
 * (profile names and aliases). Returns true when no error was reported. */
bool fw_catalog_load_dir(fw_catalog *catalog, const char *dir, fw_diags *diags);

/* Loads one file's text; display_path names it in diagnostics. Cross-file
 * checks are left to fw_catalog_check_names. */
void fw_catalog_load_text(fw_catalog *catalog, const char *display_path, const char *text,
                          size_t length, fw_diags *diags);

/* Profile names and aliases must be unique across the whole catalog. */
void fw_catalog_check_names(const fw_catalog *catalog, fw_diags *diags);

#endif
