/* Whether the modelled BFE runs, and its epoch. "fwpemu bfe stop" clears
 * running and bumps the epoch; "bfe start" sets running. A client handle
 * remembers the epoch it was opened in: once BFE has stopped, that handle
 * and its subscriptions are dead for good, as BFE's RPC context handles
 * are (docs/wfp-emulator.md, "BFE lifecycle"). */
#include "emu.h"

#include <stdio.h>
#include <string.h>

static const char bfe_magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 'B', 1};

static void bfe_path(wchar_t *out, size_t size)
{
    swprintf(out, size, L"%ls\\bfe.bin", emu_state_dir());
}

emu_bfe emu_bfe_get(void)
{
    emu_bfe b = {.running = true, .epoch = 0};
    wchar_t path[MAX_PATH * 2 + 16];
    bfe_path(path, sizeof path / sizeof path[0]);
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return b; /* never stopped: running since boot */
    BYTE data[17];
    DWORD got = 0;
    if (ReadFile(h, data, sizeof data, &got, NULL) && got == sizeof data && memcmp(data, bfe_magic, 8) == 0) {
        b.running = data[8] != 0;
        memcpy(&b.epoch, data + 9, 8);
    }
    CloseHandle(h);
    return b;
}

DWORD emu_bfe_set(const emu_bfe *b)
{
    wchar_t path[MAX_PATH * 2 + 16], tmp[MAX_PATH * 2 + 32];
    bfe_path(path, sizeof path / sizeof path[0]);
    swprintf(tmp, sizeof tmp / sizeof tmp[0], L"%ls.%lu.tmp", path, GetCurrentProcessId());
    BYTE data[17];
    memcpy(data, bfe_magic, 8);
    data[8] = b->running ? 1 : 0;
    memcpy(data + 9, &b->epoch, 8);
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD done = 0;
    BOOL ok = WriteFile(h, data, sizeof data, &done, NULL) && done == sizeof data && FlushFileBuffers(h);
    CloseHandle(h);
    /* Readers open it briefly and often (every client call): a replace
     * that meets one of them is retried. */
    BOOL moved = FALSE;
    for (int attempt = 0; ok && !moved && attempt < 50; attempt++) {
        moved = MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
        if (!moved)
            Sleep(10);
    }
    if (!moved) {
        DWORD e = GetLastError();
        DeleteFileW(tmp);
        return e ? e : ERROR_WRITE_FAULT;
    }
    return ERROR_SUCCESS;
}
