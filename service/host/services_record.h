/* fwsvc's record of what it changed in a services file, so that remove can
 * undo exactly that: HKLM\SOFTWARE\fwsvc\ServicesFile\<file>\<name>-<proto>
 * with the values Name, Protocol, Action ("added" or "changed"), Original
 * (the line before fwsvc first changed it), Written (the line fwsvc wrote)
 * and AddedBreak (1 if fwsvc also ended the file's last line). <file> is
 * the path in lower case with '/' for '\'. HKLM\SOFTWARE is writable by
 * administrators only. Windows only. */
#ifndef FW_SERVICES_RECORD_H
#define FW_SERVICES_RECORD_H

#include "services_sync.h"

/* On failure return a Win32 error and set *error (allocated). */
unsigned long fw_services_record_load(const char *path, fw_svc_records *records, char **error);
/* Replaces the file's records with these (none: the key is deleted). */
unsigned long fw_services_record_save(const char *path, const fw_svc_records *records, char **error);

#endif
