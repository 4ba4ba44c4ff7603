/* Detection's probe on Windows: the SCM's service configurations, HKLM's
 * 64-bit view and the version resources of executables, all read only. */
#include "detect_host.h"

#include "admin_only.h"

#include "fw_alloc.h"
#include "fw_utf16.h"
#include "fw_win32_text.h"
#include "reg_value.h"

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static char *expand(const wchar_t *text)
{
    DWORD n = ExpandEnvironmentStringsW(text, NULL, 0);
    wchar_t *full = n ? fw_xcalloc(n + 1, sizeof *full) : NULL;
    char *out = full && ExpandEnvironmentStringsW(text, full, n + 1) ? fw_wide_to_utf8(full) : fw_wide_to_utf8(text);
    free(full);
    return out;
}

static char *service_command(void *ctx, const char *name)
{
    SC_HANDLE scm = ctx;
    wchar_t *w = fw_utf8_to_wide(name);
    SC_HANDLE s = scm ? OpenServiceW(scm, w, SERVICE_QUERY_CONFIG) : NULL;
    free(w);
    char *command = NULL;
    DWORD need = 0;
    if (s && !QueryServiceConfigW(s, NULL, 0, &need) && GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
        QUERY_SERVICE_CONFIGW *c = fw_xcalloc(1, need);
        if (QueryServiceConfigW(s, c, need, &need) && c->lpBinaryPathName)
            command = expand(c->lpBinaryPathName);
        free(c);
    }
    if (s)
        CloseServiceHandle(s);
    return command;
}

static HKEY open_key(const char *key)
{
    wchar_t *w = fw_utf8_to_wide(key);
    HKEY h = NULL;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, w, 0, KEY_READ | KEY_WOW64_64KEY, &h))
        h = NULL;
    free(w);
    return h;
}

static bool key_exists(void *ctx, const char *key, char **untrusted)
{
    (void)ctx;
    HKEY h = open_key(key);
    if (h) {
        /* The key itself, by handle: who else could have made it say this. */
        *untrusted = fw_admin_only_handle(h, SE_REGISTRY_KEY, FW_OBJ_KEY);
        RegCloseKey(h);
    }
    return h != NULL;
}

static char *registry_string(void *ctx, const char *key, const char *value, bool *wrong_type)
{
    (void)ctx;
    *wrong_type = false;
    HKEY h = open_key(key);
    if (!h)
        return NULL;
    wchar_t *name = fw_utf8_to_wide(value);
    DWORD type = 0;
    uint8_t *data = NULL;
    size_t size = 0;
    char *out = NULL, reason[160];
    if (fw_reg_read(h, name, &type, &data, &size) != ERROR_FILE_NOT_FOUND) {
        /* Bounded and NUL-checked as fwsvc's own values are: a value that
         * does not parse is not taken. */
        if ((type != REG_SZ && type != REG_EXPAND_SZ) || !data || !fw_reg_sz_parse(data, size, &out, reason, sizeof reason))
            *wrong_type = true;
        else if (type == REG_EXPAND_SZ) {
            wchar_t *w = fw_utf8_to_wide(out);
            free(out);
            out = expand(w);
            free(w);
        }
    }
    free(data);
    free(name);
    RegCloseKey(h);
    return out;
}

/* StringFileInfo's ProductName in the resource's first language. */
static char *product_name(const void *block)
{
    struct {
        WORD language, codepage;
    } *tr = NULL;
    UINT n = 0;
    if (!VerQueryValueW(block, L"\\VarFileInfo\\Translation", (void **)&tr, &n) || n < sizeof *tr)
        return NULL;
    wchar_t path[64];
    swprintf(path, 64, L"\\StringFileInfo\\%04x%04x\\ProductName", tr->language, tr->codepage);
    wchar_t *text = NULL;
    return VerQueryValueW(block, path, (void **)&text, &n) && n && text ? fw_wide_to_utf8(text) : NULL;
}

static bool file_info(void *ctx, const char *path, char **version, char **product)
{
    (void)ctx;
    *version = *product = NULL;
    wchar_t *w = fw_utf8_to_wide(path);
    DWORD attributes = GetFileAttributesW(w);
    bool exists = attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
    DWORD handle = 0, size = exists ? GetFileVersionInfoSizeW(w, &handle) : 0;
    void *block = size ? fw_xcalloc(1, size) : NULL;
    if (block && GetFileVersionInfoW(w, 0, size, block)) {
        VS_FIXEDFILEINFO *f = NULL;
        UINT n = 0;
        if (VerQueryValueW(block, L"\\", (void **)&f, &n) && f && n >= sizeof *f)
            *version = fw_xasprintf("%lu.%lu.%lu.%lu", (unsigned long)HIWORD(f->dwFileVersionMS),
                                    (unsigned long)LOWORD(f->dwFileVersionMS), (unsigned long)HIWORD(f->dwFileVersionLS),
                                    (unsigned long)LOWORD(f->dwFileVersionLS));
        *product = product_name(block);
    }
    free(block);
    free(w);
    return exists;
}

void fw_detect_host(fw_detection *out)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    fw_detect_probe p = {scm, service_command, key_exists, registry_string, file_info};
    fw_detect_run(&p, out);
    if (scm)
        CloseServiceHandle(scm);
}
