#include "app_id.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <stdlib.h>

BOOL fw_app_id_resolve(const char *catalog_path, fw_app_id *out)
{
    memset(out, 0, sizeof *out);
    wchar_t *raw = fw_utf8_to_wide(catalog_path);
    wchar_t expanded[MAX_PATH * 2];
    DWORD n = ExpandEnvironmentStringsW(raw, expanded, MAX_PATH * 2);
    free(raw);
    if (n == 0 || n > MAX_PATH * 2) {
        out->error = n ? ERROR_FILENAME_EXCED_RANGE : GetLastError();
        return FALSE;
    }
    out->expanded = fw_wide_to_utf8(expanded);
    if (GetFileAttributesW(expanded) == INVALID_FILE_ATTRIBUTES) {
        out->error = GetLastError(); /* not installed (yet): pending */
        return out->error == ERROR_FILE_NOT_FOUND || out->error == ERROR_PATH_NOT_FOUND;
    }
    DWORD e = FwpmGetAppIdFromFileName0(expanded, &out->blob);
    if (e != ERROR_SUCCESS) {
        out->error = e;
        out->blob = NULL;
        return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND;
    }
    out->text = fw_wide_to_utf8((const wchar_t *)out->blob->data);
    return TRUE;
}

void fw_app_id_free(fw_app_id *a)
{
    if (a->blob)
        FwpmFreeMemory0((void **)&a->blob);
    free(a->text);
    free(a->expanded);
    memset(a, 0, sizeof *a);
}
