/* What a fleet compares across hosts to see that they run the same code and
 * the same catalog: the SHA-256 of fwsvc.exe and of each catalog file
 * (docs/release.md). `status --json` and the service's started event carry
 * them. Portable. */
#ifndef FW_INTEGRITY_H
#define FW_INTEGRITY_H

#include "catalog.h"
#include "fw_json.h"

#include <stdbool.h>

/* The running executable's path and SHA-256; false when it cannot be read. */
bool fw_integrity_self(char **path, char sha256[65]);
/* "integrity": {"fwsvc_exe": {"path", "sha256"}, "catalog_files": [{"path", "sha256", "site"}]}
 * for the files the catalog loaded. */
void fw_integrity_json(fw_json *j, const fw_catalog *catalog);
/* "fwsvc.exe sha256 HEX; catalog NAME sha256 HEX, ..." for the files of
 * the folders given (site_dir may be NULL), as they are now. Allocated. */
char *fw_integrity_text(const char *catalog_dir, const char *site_dir);

#endif
