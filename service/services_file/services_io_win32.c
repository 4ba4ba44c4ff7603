#include "services_io.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

char *fw_svc_default_path(void)
{
    wchar_t path[MAX_PATH * 2];
    DWORD n = ExpandEnvironmentStringsW(L"%SystemRoot%\\System32\\drivers\\etc\\services", path, MAX_PATH * 2);
    return n && n <= MAX_PATH * 2 ? fw_wide_to_utf8(path) : fw_xstrdup("C:\\Windows\\System32\\drivers\\etc\\services");
}

static char *win_error(const char *path, const char *what, DWORD e)
{
    char *base = fw_xasprintf("%s: %s", path, what);
    char *text = fw_win32_error_text(base, e);
    free(base);
    return text;
}

char *fw_svc_read(const char *path, size_t *size, char **error)
{
    wchar_t *w = fw_utf8_to_wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        *error = win_error(path, "cannot open", GetLastError());
        return NULL;
    }
    LARGE_INTEGER len;
    char *data = NULL;
    if (!GetFileSizeEx(h, &len)) {
        *error = win_error(path, "cannot size", GetLastError());
    } else if ((unsigned long long)len.QuadPart > FW_SVC_MAX_BYTES) {
        *error = fw_xasprintf("%s: %lld bytes, more than the %u a services file can sensibly be; left untouched",
                              path, (long long)len.QuadPart, FW_SVC_MAX_BYTES);
    } else {
        data = fw_xmalloc((size_t)len.QuadPart + 1);
        DWORD got = 0;
        if (!ReadFile(h, data, (DWORD)len.QuadPart, &got, NULL) || got != (DWORD)len.QuadPart) {
            *error = win_error(path, "cannot read", GetLastError());
            free(data);
            data = NULL;
        } else {
            data[got] = '\0';
            *size = got;
        }
    }
    CloseHandle(h);
    if (data && !fw_svc_is_text(data, *size)) {
        free(data);
        *error = fw_xasprintf("%s: not a text file (it has NUL or control bytes); left untouched", path);
        return NULL;
    }
    return data;
}

bool fw_svc_check_writable(const char *path, char **error)
{
    wchar_t *w = fw_utf8_to_wide(path);
    DWORD attrs = GetFileAttributesW(w);
    free(w);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        *error = win_error(path, "cannot read its attributes", GetLastError());
        return false;
    }
    if (attrs & FILE_ATTRIBUTE_READONLY) {
        *error = fw_xasprintf("%s: the file is read-only; left untouched", path);
        return false;
    }
    return true;
}

bool fw_svc_write_atomic(const char *path, const char *data, size_t size, char **error)
{
    wchar_t *w = fw_utf8_to_wide(path);
    wchar_t tmp[MAX_PATH * 2 + 32];
    _snwprintf(tmp, MAX_PATH * 2 + 32, L"%ls.fwsvc-new.%lu", w, GetCurrentProcessId());
    bool ok = false;
    DWORD attrs = GetFileAttributesW(w);
    /* A new file, never one found there (a planted link would redirect the
     * write): a leftover of a killed run is deleted first, as itself. */
    HANDLE stale = CreateFileW(tmp, DELETE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_DELETE_ON_CLOSE,
                               NULL);
    if (stale != INVALID_HANDLE_VALUE)
        CloseHandle(stale);
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_WRITE_THROUGH | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        DWORD done = 0;
        ok = WriteFile(h, data, (DWORD)size, &done, NULL) && done == size && FlushFileBuffers(h);
        CloseHandle(h);
    }
    /* The new file takes the old one's attributes before it replaces it. */
    DWORD keep = attrs == INVALID_FILE_ATTRIBUTES ? 0 : attrs & ~(DWORD)FILE_ATTRIBUTE_NORMAL;
    if (ok && keep)
        ok = SetFileAttributesW(tmp, keep);
    if (ok)
        ok = MoveFileExW(tmp, w, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
    if (!ok) {
        DWORD e = GetLastError();
        DeleteFileW(tmp);
        *error = win_error(path, "cannot replace the file; left untouched", e);
    }
    free(w);
    return ok;
}

bool fw_svc_backup_once(const char *path, char **error)
{
    wchar_t *w = fw_utf8_to_wide(path);
    wchar_t backup[MAX_PATH * 2 + 16];
    _snwprintf(backup, MAX_PATH * 2 + 16, L"%ls.fwsvc-backup", w);
    bool ok = true;
    if (GetFileAttributesW(backup) == INVALID_FILE_ATTRIBUTES) {
        ok = CopyFileW(w, backup, TRUE); /* never overwrite an older backup */
        if (!ok)
            *error = win_error(path, "cannot write the backup", GetLastError());
    }
    free(w);
    return ok;
}
