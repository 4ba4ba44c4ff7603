/* Program rules: from the catalog's path (with %VARIABLES%) to the app id
 * WFP matches. A program not installed yet is pending, not an error: its
 * filter is added by a later reconcile, once the file exists. Windows only. */
#ifndef FW_APP_ID_H
#define FW_APP_ID_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>

typedef struct {
    FWP_BYTE_BLOB *blob; /* from FwpmGetAppIdFromFileName0; NULL when pending */
    char *text;          /* the app id as UTF-8 (the lowercase NT path) */
    char *expanded;      /* the Win32 path after expanding variables */
    DWORD error;         /* why it is pending: ERROR_FILE_NOT_FOUND, ... */
} fw_app_id;

/* Returns FALSE only for errors other than "not installed". */
BOOL fw_app_id_resolve(const char *catalog_path, fw_app_id *out);
void fw_app_id_free(fw_app_id *a);

#endif
