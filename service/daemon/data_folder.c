#include "data_folder.h"

#include "admin_only.h"
#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <sddl.h>
#include <shlobj.h>
#include <stdlib.h>
#include <string.h>

/* SYSTEM and Administrators, full control, inherited by what is created
 * inside; nothing inherited from %ProgramData% (protected). */
#define DATA_FOLDER_SDDL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

static const char *const kept_files[] = {"fwsvc.log", "fwsvc.log.1", "status.json", "status.json.tmp"};

char *fw_data_path(const char *file)
{
    /* The common application data folder, as the shell knows it: the same
     * for the service and for a command run by hand (%ProgramData% itself
     * may be unset in one of them). */
    wchar_t base[MAX_PATH];
    if (SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base) != S_OK)
        wcscpy(base, L"C:\\ProgramData");
    char *b = fw_wide_to_utf8(base);
    char *path = file ? fw_xasprintf("%s\\fwsvc\\%s", b, file) : fw_xasprintf("%s\\fwsvc", b);
    free(b);
    return path;
}

static bool create_protected(const wchar_t *dir)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(DATA_FOLDER_SDDL, SDDL_REVISION_1, &sd, NULL))
        return false;
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    bool ok = CreateDirectoryW(dir, &sa) != 0;
    LocalFree(sd);
    return ok;
}

char *fw_data_folder_check(bool create)
{
    char *dir = fw_data_path(NULL);
    wchar_t *w = fw_utf8_to_wide(dir);
    char *problem = NULL;
    HANDLE h = CreateFileW(w, READ_CONTROL | FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND && create) {
        if (!create_protected(w))
            problem = fw_win32_error_text("cannot create it", GetLastError());
        else
            h = CreateFileW(w, READ_CONTROL | FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                            NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    }
    BY_HANDLE_FILE_INFORMATION info;
    if (problem) {
        /* said above */
    } else if (h == INVALID_HANDLE_VALUE) {
        problem = GetLastError() == ERROR_FILE_NOT_FOUND ? fw_xstrdup("it does not exist")
                                                         : fw_win32_error_text("cannot open it", GetLastError());
    } else if (!GetFileInformationByHandle(h, &info) || !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        problem = fw_xstrdup("it is not a folder");
    } else if (fw_is_reparse_point(w, h)) {
        problem = fw_xstrdup("it is a reparse point (a junction or link)");
    } else {
        problem = fw_admin_only_handle(h, SE_FILE_OBJECT, FW_OBJ_FOLDER);
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (problem) {
        char *text = fw_xasprintf("%s: %s", dir, problem);
        free(problem);
        problem = text;
    }
    free(w);
    free(dir);
    return problem;
}

/* Deletes the entry itself, never what a reparse point names. */
static bool delete_entry(const wchar_t *path)
{
    HANDLE h = CreateFileW(path, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND;
    CloseHandle(h);
    return true;
}

HANDLE fw_data_create(const char *file)
{
    char *path = fw_data_path(file);
    wchar_t *w = fw_utf8_to_wide(path);
    delete_entry(w);
    HANDLE h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
                           NULL);
    free(w);
    free(path);
    return h;
}

HANDLE fw_data_append(const char *file)
{
    char *path = fw_data_path(file);
    wchar_t *w = fw_utf8_to_wide(path);
    HANDLE h = CreateFileW(w, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    BY_HANDLE_FILE_INFORMATION info;
    if (h != INVALID_HANDLE_VALUE &&
        (!GetFileInformationByHandle(h, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))) {
        CloseHandle(h);
        h = INVALID_HANDLE_VALUE;
    }
    free(w);
    free(path);
    return h;
}

char *fw_data_read(const char *file, size_t max, size_t *size, bool *missing, char **error)
{
    *missing = false;
    *error = fw_data_folder_check(false);
    if (*error) {
        *missing = strstr(*error, "does not exist") != NULL;
        return NULL;
    }
    char *path = fw_data_path(file);
    wchar_t *w = fw_utf8_to_wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    free(w);
    char *data = NULL;
    BY_HANDLE_FILE_INFORMATION info;
    if (h == INVALID_HANDLE_VALUE) {
        *missing = GetLastError() == ERROR_FILE_NOT_FOUND;
        *error = fw_win32_error_text(path, GetLastError());
    } else if (!GetFileInformationByHandle(h, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
        *error = fw_xasprintf("%s: a reparse point, not fwsvc's file", path);
    } else if (info.nFileSizeHigh || info.nFileSizeLow > max) {
        *error = fw_xasprintf("%s: more than the %zu bytes fwsvc writes there", path, max);
    } else {
        data = fw_xmalloc((size_t)info.nFileSizeLow + 1);
        DWORD got = 0;
        if (!ReadFile(h, data, info.nFileSizeLow, &got, NULL)) {
            *error = fw_win32_error_text(path, GetLastError());
            free(data);
            data = NULL;
        } else {
            data[got] = 0;
            *size = got;
        }
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(path);
    return data;
}

char *fw_data_folder_forget(void)
{
    char *problem = fw_data_folder_check(false);
    if (problem && strstr(problem, "does not exist")) {
        free(problem);
        return NULL;
    }
    if (problem) {
        char *text = fw_xasprintf("left alone: %s", problem);
        free(problem);
        return text;
    }
    /* A file still held open (a service finishing its last log line, a
     * scanner reading a new file) is only marked for deletion, and the
     * folder is not empty until it is closed: try again for up to 2 s. */
    char *dir = fw_data_path(NULL);
    wchar_t *w = fw_utf8_to_wide(dir);
    const char *stuck = NULL;
    DWORD e = ERROR_SUCCESS;
    for (int attempt = 0; attempt < 20; attempt++) {
        if (attempt)
            Sleep(100);
        stuck = NULL;
        for (size_t i = 0; i < sizeof kept_files / sizeof kept_files[0]; i++) {
            char *path = fw_data_path(kept_files[i]);
            wchar_t *file = fw_utf8_to_wide(path);
            if (!delete_entry(file) && !stuck)
                stuck = kept_files[i];
            free(file);
            free(path);
        }
        e = !stuck && !RemoveDirectoryW(w) ? GetLastError() : ERROR_SUCCESS;
        if (!stuck && (e == ERROR_SUCCESS || e == ERROR_FILE_NOT_FOUND))
            break;
    }
    if (stuck)
        problem = fw_xasprintf("%s: %s, a file fwsvc keeps there, cannot be deleted", dir, stuck);
    else if (e && e != ERROR_FILE_NOT_FOUND)
        problem = fw_win32_error_text(dir, e); /* something else is in it: it stays */
    free(w);
    free(dir);
    return problem;
}
