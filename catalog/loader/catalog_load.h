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
/* Far more than any vendor table needs; they keep every check small. */
#define FW_CATALOG_MAX_FILES 64
#define FW_CATALOG_MAX_DEPTH 16     /* nesting of sequences and mappings */
#define FW_CATALOG_MAX_PROFILES 256
#define FW_CATALOG_MAX_RULES 512     /* per profile */
#define FW_CATALOG_MAX_PORTS 64      /* per rule */
#define FW_CATALOG_MAX_ADDRESSES 64  /* per rule */
#define FW_CATALOG_MAX_ALIASES 16    /* per profile */
#define FW_CATALOG_MAX_LOCATIONS 8   /* a path variable's other_locations */
#define FW_CATALOG_MAX_SOURCES 32    /* per file */
#define FW_CATALOG_MAX_SERVICES 32   /* per profile */
#define FW_CATALOG_MAX_VARIABLES 128 /* per file */

/* Loads every *.yaml of dir in name order, then checks what spans files
 * (profile names and aliases). Returns true when no error was reported. */
bool fw_catalog_load_dir(fw_catalog *catalog, const char *dir, fw_diags *diags);

/* Loads one file's text; display_path names it in diagnostics. Cross-file
 * checks are left to fw_catalog_check_names. */
void fw_catalog_load_text(fw_catalog *catalog, const char *display_path, const char *text,
                          size_t length, fw_diags *diags);

/* One file's contents, read by the caller: refused if it holds NUL bytes,
 * else loaded (the other half of fw_catalog_load_dir, for a loader that
 * reads files its own way). */
void fw_catalog_add_file(fw_catalog *catalog, const char *path, const char *text, size_t size, fw_diags *diags);
/* A folder's count of *.yaml: none, or more than a catalog may have, is
 * reported. */
bool fw_catalog_file_count_ok(const char *dir, size_t count, fw_diags *diags);

/* Marks the files loaded from index first on as the site's own: a second
 * folder, loaded after the vendor catalog by the same loader (docs/catalog.md,
 * "Site rules"). */
void fw_catalog_mark_site(fw_catalog *catalog, size_t first_file);

/* Profile names and aliases must be unique across the whole catalog. */
void fw_catalog_check_names(const fw_catalog *catalog, fw_diags *diags);

#endif
