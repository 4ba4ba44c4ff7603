#include "fw_fs.h"

#include "fw_alloc.h"
#include "fw_fs_internal.h"
#include "fw_strings.h"
#include "fw_win32_text.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

char *fw_read_file(const char *path, size_t max_size, size_t *size, char **error)
{
    char *data = NULL;
    wchar_t *wpath = fw_utf8_to_wide(path);
    HANDLE h = CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE) {
        *error = fw_win32_error_text("cannot open", GetLastError());
        return NULL;
    }
    LARGE_INTEGER len;
    if (!GetFileSizeEx(h, &len)) {
        *error = fw_win32_error_text("cannot size", GetLastError());
        goto fail;
    }
    if ((unsigned long long)len.QuadPart > max_size) {
        *error = fw_xasprintf("file is %lld bytes, more than the %zu allowed",
                              (long long)len.QuadPart, max_size);
        goto fail;
    }
    data = fw_xmalloc((size_t)len.QuadPart + 1);
    DWORD got = 0;
    if (!ReadFile(h, data, (DWORD)len.QuadPart, &got, NULL) || got != (DWORD)len.QuadPart) {
        *error = fw_win32_error_text("read failed", GetLastError());
        goto fail;
    }
    data[got] = '\0';
    *size = got;
    CloseHandle(h);
    return data;
fail:
    free(data);
    CloseHandle(h);
    return NULL;
}

/* Lists entries of dir that are files ending with suffix, or directories
 * when suffix is NULL. */
static bool list_entries(const char *dir, const char *suffix, char ***names, size_t *count,
                         char **error)
{
    char *pattern = fw_path_join(dir, "*");
    wchar_t *wpattern = fw_utf8_to_wide(pattern);
    free(pattern);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(wpattern, &fd);
    free(wpattern);
    char **list = NULL;
    size_t n = 0, cap = 0;
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e != ERROR_FILE_NOT_FOUND) {
            *error = fw_win32_error_text("cannot open folder", e);
            return false;
        }
    } else {
        do {
            bool is_dir = (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
            if (is_dir != (suffix == NULL))
                continue;
            char *name = fw_wide_to_utf8(fd.cFileName);
            if (name[0] != '.' && (!suffix || fw_str_ends_with_i(name, suffix)))
                FW_PUSH(list, n, cap, name);
            else
                free(name);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    fw_sort_names(list, n);
    *names = list;
    *count = n;
    return true;
}

bool fw_list_files(const char *dir, const char *suffix, char ***names, size_t *count,
                   char **error)
{
    return list_entries(dir, suffix, names, count, error);
}

bool fw_list_dirs(const char *dir, char ***names, size_t *count, char **error)
{
    return list_entries(dir, NULL, names, count, error);
}

bool fw_is_dir(const char *path)
{
    wchar_t *w = fw_utf8_to_wide(path);
    DWORD attrs = GetFileAttributesW(w);
    free(w);
    return attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY);
}

char *fw_exe_path(void)
{
    wchar_t buf[MAX_PATH * 4];
    DWORD n = GetModuleFileNameW(NULL, buf, (DWORD)(sizeof buf / sizeof buf[0]));
    return n && n < sizeof buf / sizeof buf[0] ? fw_wide_to_utf8(buf) : NULL;
}

char *fw_exe_dir(void)
{
    wchar_t buf[MAX_PATH * 4];
    DWORD n = GetModuleFileNameW(NULL, buf, (DWORD)(sizeof buf / sizeof buf[0]));
    if (n == 0 || n >= sizeof buf / sizeof buf[0])
        return NULL;
    wchar_t *slash = wcsrchr(buf, L'\\');
    if (!slash)
        return NULL;
    *slash = L'\0';
    return fw_wide_to_utf8(buf);
}
