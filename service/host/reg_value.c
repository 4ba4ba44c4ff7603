#include "reg_value.h"

#include "fw_alloc.h"
#include "fw_utf16.h"
#include "fw_win32_text.h"

#include <stdlib.h>

unsigned long fw_reg_read(HKEY key, const wchar_t *name, DWORD *type, uint8_t **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    DWORD bytes = 0;
    LSTATUS e = RegQueryValueExW(key, name, NULL, type, NULL, &bytes);
    if (e)
        return (unsigned long)e;
    *size = bytes;
    if (bytes > FW_REG_VALUE_MAX_BYTES)
        return ERROR_INVALID_DATA;
    /* Room for exactly what was announced; a value that grew since is
     * ERROR_MORE_DATA, not a longer read. */
    *data = fw_xcalloc(bytes ? bytes : 1, 1);
    DWORD got = bytes;
    e = RegQueryValueExW(key, name, NULL, type, *data, &got);
    if (e || got != bytes) {
        free(*data);
        *data = NULL;
        return e ? (unsigned long)e : ERROR_MORE_DATA;
    }
    return ERROR_SUCCESS;
}

unsigned long fw_reg_read_typed(HKEY key, const char *key_text, const wchar_t *name, DWORD want, uint8_t **data,
                                size_t *size, char **error)
{
    DWORD type = 0;
    unsigned long e = fw_reg_read(key, name, &type, data, size);
    if (e == ERROR_FILE_NOT_FOUND)
        return e;
    char *value_name = fw_wide_to_utf8(name);
    if (e == ERROR_INVALID_DATA)
        *error = fw_xasprintf("%s, value %s: is %zu bytes, more than the %u fwsvc reads", key_text, value_name, *size,
                              FW_REG_VALUE_MAX_BYTES);
    else if (e)
        *error = fw_xasprintf("%s, value %s: cannot be read (error %lu)", key_text, value_name, e);
    else if (type != want)
        *error = fw_xasprintf("%s, value %s: must be %s, but is %s", key_text, value_name, fw_reg_type_name(want),
                              fw_reg_type_name(type));
    if (!e && type != want)
        e = ERROR_INVALID_DATA;
    if (e) {
        free(*data);
        *data = NULL;
    }
    free(value_name);
    return e;
}

unsigned long fw_reg_read_sz(HKEY key, const char *key_text, const wchar_t *name, char **out, char **error)
{
    *out = NULL;
    uint8_t *data = NULL;
    size_t size = 0;
    unsigned long e = fw_reg_read_typed(key, key_text, name, REG_SZ, &data, &size, error);
    char reason[160];
    if (!e && !fw_reg_sz_parse(data, size, out, reason, sizeof reason)) {
        char *value_name = fw_wide_to_utf8(name);
        *error = fw_xasprintf("%s, value %s: %s", key_text, value_name, reason);
        free(value_name);
        e = ERROR_INVALID_DATA;
    }
    free(data);
    return e;
}

const char *fw_reg_type_name(DWORD type)
{
    switch (type) {
    case REG_SZ:
        return "REG_SZ";
    case REG_EXPAND_SZ:
        return "REG_EXPAND_SZ";
    case REG_MULTI_SZ:
        return "REG_MULTI_SZ";
    case REG_DWORD:
        return "REG_DWORD";
    case REG_QWORD:
        return "REG_QWORD";
    case REG_BINARY:
        return "REG_BINARY";
    case REG_NONE:
        return "REG_NONE";
    default:
        return "another type";
    }
}
