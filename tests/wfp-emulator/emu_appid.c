/* FwpmGetAppIdFromFileName0: the file must exist (the real function opens
 * it); the app id is its NT device path in lowercase, UTF-16, NUL included,
 * which is what FWPM_CONDITION_ALE_APP_ID compares against. */
#include "emu.h"

#include <stdlib.h>

DWORD emu_app_id_from_path(const wchar_t *path, FWP_BYTE_BLOB **blob)
{
    HANDLE h = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    wchar_t nt[MAX_PATH * 4];
    /* The file is open, so it exists: under Wine, a process started early
     * by the service manager can meet a mount manager not yet ready, which
     * the real function never does. Wait for it (at most a second). */
    DWORD n = 0, e = ERROR_SUCCESS;
    for (int attempt = 0; attempt < 20; attempt++) {
        n = GetFinalPathNameByHandleW(h, nt, MAX_PATH * 4, VOLUME_NAME_NT);
        e = n ? ERROR_SUCCESS : GetLastError();
        if (e != ERROR_PATH_NOT_FOUND && e != ERROR_FILE_NOT_FOUND)
            break;
        Sleep(50);
    }
    CloseHandle(h);
    if (e)
        return e;
    if (n >= MAX_PATH * 4)
        return ERROR_INSUFFICIENT_BUFFER;
    CharLowerBuffW(nt, n);
    UINT32 size = (n + 1) * sizeof(wchar_t);
    /* One block: the blob header, then its data. */
    FWP_BYTE_BLOB *b = malloc(sizeof *b + size);
    if (!b)
        return ERROR_OUTOFMEMORY;
    b->size = size;
    b->data = (UINT8 *)(b + 1);
    memcpy(b->data, nt, size);
    *blob = b;
    return ERROR_SUCCESS;
}
