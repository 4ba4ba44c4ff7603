/* fwtest: what the end-to-end tests under Wine need and `wine reg` cannot
 * do. Test tool only; never shipped.
 *   fwtest reg-raw KEY VALUE TYPE DATA   write exactly these bytes
 *       KEY: HKLM\...; TYPE: sz, multi, expand, dword, qword, binary;
 *       DATA: hex bytes ("610062"), or COUNTxHEXBYTE ("65536x41") for a
 *       long run of one byte.
 *   fwtest key-sd KEY SDDL                set a key's DACL (from SDDL)
 * Exit 0 on success, 1 with a message otherwise. */
#include <winsock2.h>
#include <windows.h>
#include <sddl.h>
#include <winternl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ntdll's, undeclared by mingw's winternl.h. */
NTSTATUS NTAPI NtSetValueKey(HANDLE key, PUNICODE_STRING name, ULONG index, ULONG type, PVOID data, ULONG size);

static const char *subkey(const char *key)
{
    return strncmp(key, "HKLM\\", 5) == 0 ? key + 5 : NULL;
}

/* The W functions store string-typed data as given; the A ones convert it
 * from the ANSI code page, which would not be raw. */
static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = malloc((size_t)n * sizeof *w);
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static int fail(const char *what, long e)
{
    fprintf(stderr, "fwtest: %s (error %ld)\n", what, e);
    return 1;
}

static BYTE *bytes_of(const char *text, DWORD *size)
{
    const char *x = strchr(text, 'x');
    if (x) { /* COUNTxBYTE */
        unsigned long count = strtoul(text, NULL, 10);
        BYTE b = (BYTE)strtoul(x + 1, NULL, 16);
        BYTE *data = malloc(count ? count : 1);
        memset(data, b, count);
        *size = (DWORD)count;
        return data;
    }
    size_t n = strlen(text) / 2;
    BYTE *data = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        char two[3] = {text[2 * i], text[2 * i + 1], 0};
        data[i] = (BYTE)strtoul(two, NULL, 16);
    }
    *size = (DWORD)n;
    return data;
}

static DWORD type_of(const char *name)
{
    static const struct {
        const char *name;
        DWORD type;
    } types[] = {{"sz", REG_SZ},       {"multi", REG_MULTI_SZ}, {"expand", REG_EXPAND_SZ},
                 {"dword", REG_DWORD}, {"qword", REG_QWORD},    {"binary", REG_BINARY}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, name) == 0)
            return types[i].type;
    return REG_NONE;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "reg-raw") == 0 && subkey(argv[2])) {
        HKEY key;
        wchar_t *name = wide(subkey(argv[2])), *value = wide(argv[3]);
        LSTATUS e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
        free(name);
        if (e)
            return fail("cannot open the key", e);
        DWORD size;
        BYTE *data = bytes_of(argv[5], &size);
        /* NtSetValueKey stores exactly these bytes; Wine's RegSetValueExW
         * would add a terminator to string data that has none. */
        UNICODE_STRING us;
        RtlInitUnicodeString(&us, value);
        NTSTATUS st = NtSetValueKey(key, &us, 0, type_of(argv[4]), data, size);
        e = st < 0 ? (LSTATUS)RtlNtStatusToDosError(st) : ERROR_SUCCESS;
        free(data);
        free(value);
        RegCloseKey(key);
        return e ? fail("cannot set the value", e) : 0;
    }
    if (argc == 4 && strcmp(argv[1], "key-sd") == 0 && subkey(argv[2])) {
        HKEY key;
        LSTATUS e = RegOpenKeyExA(HKEY_LOCAL_MACHINE, subkey(argv[2]), 0, WRITE_DAC | READ_CONTROL, &key);
        if (e)
            return fail("cannot open the key", e);
        PSECURITY_DESCRIPTOR sd = NULL;
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(argv[3], SDDL_REVISION_1, &sd, NULL))
            return fail("not SDDL", (long)GetLastError());
        e = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
        LocalFree(sd);
        RegCloseKey(key);
        return e ? fail("cannot set the key's DACL", e) : 0;
    }
    fputs("usage: fwtest reg-raw HKLM\\KEY VALUE sz|multi|expand|dword|qword|binary HEX|COUNTxBYTE\n"
          "       fwtest key-sd HKLM\\KEY SDDL\n",
          stderr);
    return 2;
}
