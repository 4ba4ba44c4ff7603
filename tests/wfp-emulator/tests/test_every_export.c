/* A client that calls every function the emulator's fwpuclnt.dll exports,
 * found by walking the DLL's own export table: first with every argument
 * zero, then with a live engine handle first. None may crash; the ones the
 * emulator does not model answer ERROR_CALL_NOT_IMPLEMENTED. (That the
 * export table holds every function of mingw-w64's import library is
 * check_exports.sh's test.) */
#include <windows.h>

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

typedef UINT64(WINAPI *any_function)(UINT64, UINT64, UINT64, UINT64, UINT64, UINT64, UINT64, UINT64);
typedef DWORD(WINAPI *engine_open)(const wchar_t *, UINT32, void *, const void *, HANDLE *);

static HMODULE dll;

static IMAGE_EXPORT_DIRECTORY *exports_of(HMODULE module)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    DWORD rva = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress;
    return rva ? (IMAGE_EXPORT_DIRECTORY *)(base + rva) : NULL;
}

static const char *export_name(IMAGE_EXPORT_DIRECTORY *dir, DWORD i)
{
    return (const char *)dll + ((DWORD *)((BYTE *)dll + dir->AddressOfNames))[i];
}

/* Called with a live engine handle, these would act on it rather than
 * probe: closing it, or freeing the handle as if it were memory. */
static bool skipped_with_handle(const char *name)
{
    return strcmp(name, "FwpmEngineClose0") == 0 || strcmp(name, "FwpmFreeMemory0") == 0 ||
           strcmp(name, "FwpsFreeMemory0") == 0;
}

static void every_export_can_be_called(void **state)
{
    (void)state;
    IMAGE_EXPORT_DIRECTORY *dir = exports_of(dll);
    assert_non_null(dir);
    assert_true(dir->NumberOfNames > 200);
    engine_open open = (engine_open)(void *)GetProcAddress(dll, "FwpmEngineOpen0");
    assert_non_null(open);
    HANDLE engine = NULL;
    assert_int_equal(open(NULL, 10 /* RPC_C_AUTHN_WINNT */, NULL, NULL, &engine), ERROR_SUCCESS);

    DWORD not_implemented = 0, called = 0;
    for (int pass = 0; pass < 2; pass++) {
        UINT64 first = pass ? (UINT64)(uintptr_t)engine : 0;
        for (DWORD i = 0; i < dir->NumberOfNames; i++) {
            const char *name = export_name(dir, i);
            if (pass && skipped_with_handle(name))
                continue;
            any_function fn = (any_function)(void *)GetProcAddress(dll, name);
            assert_non_null(fn);
            DWORD result = (DWORD)fn(first, 0, 0, 0, 0, 0, 0, 0);
            called++;
            not_implemented += result == ERROR_CALL_NOT_IMPLEMENTED;
        }
    }
    any_function close = (any_function)(void *)GetProcAddress(dll, "FwpmEngineClose0");
    assert_int_equal((DWORD)close((UINT64)(uintptr_t)engine, 0, 0, 0, 0, 0, 0, 0), ERROR_SUCCESS);
    printf("every export: %lu calls over %lu exports, %lu answered ERROR_CALL_NOT_IMPLEMENTED\n",
           (unsigned long)called, (unsigned long)dir->NumberOfNames, (unsigned long)not_implemented);
    /* Both passes reach every unmodelled stub; the modelled ones refuse
     * their null arguments with other codes. */
    assert_true(not_implemented > 0 && not_implemented < called);
}

int main(void)
{
    wchar_t path[MAX_PATH], state[MAX_PATH];
    GetModuleFileNameW(NULL, path, MAX_PATH);
    *wcsrchr(path, L'\\') = 0;
    swprintf(state, MAX_PATH, L"%ls\\test-every-export-state", path);
    SetEnvironmentVariableW(L"FWPEMU_STATE", state);
    /* Where fwsvc.exe loads it from: the prefix's system32, where the
     * harness installs the emulator (scripts/wine-install.sh). */
    dll = LoadLibraryExW(L"fwpuclnt.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!dll) {
        fprintf(stderr, "cannot load fwpuclnt.dll from system32: %lu\n", GetLastError());
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_export_can_be_called)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
