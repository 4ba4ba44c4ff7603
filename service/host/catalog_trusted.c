#include "catalog_trusted.h"

#include "admin_only.h"
#include "catalog_load.h"
#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_fs_internal.h"
#include "fw_strings.h"
#include "fw_win32_text.h"

#include <winternl.h>
#include <stdlib.h>
#include <string.h>

#define LIST_BUFFER_BYTES 65536

/* The names of the open folder's *.yaml files; those that are reparse
 * points (as the listing says: Wine follows a file link even when asked
 * not to, so the opened handle alone would not show it) are reported and
 * left out. */
static bool list_yaml(HANDLE dir, const char *dir_path, char ***names, size_t *count, fw_diags *d, DWORD *error)
{
    size_t cap = 0;
    BYTE *buf = fw_xmalloc(LIST_BUFFER_BYTES);
    bool ok = true;
    for (FILE_INFO_BY_HANDLE_CLASS cls = FileIdBothDirectoryRestartInfo;; cls = FileIdBothDirectoryInfo) {
        if (!GetFileInformationByHandleEx(dir, cls, buf, LIST_BUFFER_BYTES)) {
            *error = GetLastError();
            ok = *error == ERROR_NO_MORE_FILES;
            break;
        }
        for (FILE_ID_BOTH_DIR_INFO *e = (FILE_ID_BOTH_DIR_INFO *)buf;;
             e = (FILE_ID_BOTH_DIR_INFO *)((BYTE *)e + e->NextEntryOffset)) {
            wchar_t name[MAX_PATH + 1];
            size_t chars = e->FileNameLength / sizeof(wchar_t);
            if (chars <= MAX_PATH && !(e->FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
                memcpy(name, e->FileName, chars * sizeof(wchar_t));
                name[chars] = 0;
                char *utf8 = fw_wide_to_utf8(name);
                bool yaml = utf8[0] != '.' && fw_str_ends_with_i(utf8, ".yaml");
                if (yaml && (e->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
                    char *path = fw_path_join(dir_path, utf8);
                    fw_diag_add(d, FW_SEV_ERROR, path, 0, 0,
                                "is a reparse point (a link): refused; a catalog file must be a file in the folder");
                    free(path);
                    free(utf8);
                } else if (yaml) {
                    FW_PUSH(*names, *count, cap, utf8);
                } else {
                    free(utf8);
                }
            }
            if (!e->NextEntryOffset)
                break;
        }
    }
    free(buf);
    return ok;
}

/* Opens name relative to the folder's handle, not following a reparse
 * point. */
static HANDLE open_relative(HANDLE dir, const char *name, DWORD *error)
{
    wchar_t *w = fw_utf8_to_wide(name);
    UNICODE_STRING us;
    RtlInitUnicodeString(&us, w);
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, dir, NULL);
    IO_STATUS_BLOCK io;
    HANDLE h = INVALID_HANDLE_VALUE;
    NTSTATUS st = NtCreateFile(&h, GENERIC_READ | READ_CONTROL | SYNCHRONIZE, &oa, &io, NULL, 0, FILE_SHARE_READ,
                               FILE_OPEN, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT,
                               NULL, 0);
    free(w);
    if (st < 0) {
        *error = RtlNtStatusToDosError(st);
        return INVALID_HANDLE_VALUE;
    }
    return h;
}

/* Reads one catalog file through its handle, after checking that handle. */
static void load_one(fw_catalog *c, HANDLE dir, const char *dir_path, const char *name, fw_diags *d)
{
    char *path = fw_path_join(dir_path, name);
    DWORD e = 0;
    HANDLE h = open_relative(dir, name, &e);
    BY_HANDLE_FILE_INFORMATION info;
    char *problem = NULL;
    if (h == INVALID_HANDLE_VALUE)
        problem = fw_win32_error_text("cannot open", e);
    else if (!GetFileInformationByHandle(h, &info))
        problem = fw_win32_error_text("cannot read its attributes", GetLastError());
    else if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        problem = fw_xstrdup("is a reparse point (a link): refused; a catalog file must be a file in the folder");
    else if (info.nFileSizeHigh || info.nFileSizeLow > FW_CATALOG_MAX_FILE_BYTES)
        problem = fw_xasprintf("file is more than the %u bytes allowed", FW_CATALOG_MAX_FILE_BYTES);
    else if ((problem = fw_admin_only_handle(h, SE_FILE_OBJECT, FW_OBJ_FILE)) != NULL) {
        char *text = fw_xasprintf("refused: writable by non-administrators: %s", problem);
        free(problem);
        problem = text;
    }
    if (!problem) {
        char *text = fw_xmalloc((size_t)info.nFileSizeLow + 1);
        DWORD got = 0;
        if (ReadFile(h, text, info.nFileSizeLow, &got, NULL) && got == info.nFileSizeLow) {
            text[got] = 0;
            fw_catalog_add_file(c, path, text, got, d);
        } else {
            problem = fw_win32_error_text("read failed", GetLastError());
        }
        free(text);
    }
    if (problem)
        fw_diag_add(d, FW_SEV_ERROR, path, 0, 0, "%s", problem);
    free(problem);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(path);
}

bool fw_catalog_load_trusted(fw_catalog *c, const char *dir, fw_diags *d)
{
    size_t errors_before = d->errors;
    char *problem = fw_admin_only_path(dir, FW_OBJ_FOLDER);
    if (problem) {
        fw_diag_add(d, FW_SEV_ERROR, dir, 0, 0,
                    "refused: the catalog folder and the folders above it must be changeable by administrators "
                    "only; %s",
                    problem);
        free(problem);
        return false;
    }
    /* Held open without delete sharing: the folder cannot be renamed or
     * replaced while its files are read. */
    wchar_t *w = fw_utf8_to_wide(dir);
    HANDLE h = CreateFileW(w, FILE_LIST_DIRECTORY | READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    char **names = NULL;
    size_t count = 0;
    DWORD e = 0;
    if (h == INVALID_HANDLE_VALUE)
        problem = fw_win32_error_text("cannot open the catalog folder", GetLastError());
    else if (fw_is_reparse_point(w, h))
        problem = fw_xstrdup("refused: the catalog folder is a reparse point (a junction or link)");
    else if ((problem = fw_admin_only_handle(h, SE_FILE_OBJECT, FW_OBJ_FOLDER)) != NULL) {
        char *text = fw_xasprintf("refused: writable by non-administrators: %s", problem);
        free(problem);
        problem = text;
    } else if (!list_yaml(h, dir, &names, &count, d, &e))
        problem = fw_win32_error_text("cannot list the catalog folder", e);
    if (problem) {
        fw_diag_add(d, FW_SEV_ERROR, dir, 0, 0, "%s", problem);
        free(problem);
    } else if (fw_catalog_file_count_ok(dir, count, d)) {
        fw_sort_names(names, count); /* the order fw_catalog_load_dir reads them in */
        for (size_t i = 0; i < count; i++)
            load_one(c, h, dir, names[i], d);
        fw_catalog_check_names(c, d);
    }
    fw_free_names(names, count);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(w);
    return d->errors == errors_before;
}
