/* One registry value's raw data, read with explicit bounds: whoever can
 * edit the registry can give a value any type, length or content, and fwsvc
 * must refuse it with a reason, never read past it (common/fw_utf16.h
 * parses what this returns). Windows only. */
#ifndef FW_REG_VALUE_H
#define FW_REG_VALUE_H

#include <winsock2.h>
#include <windows.h>
#include <stddef.h>
#include <stdint.h>

/* ERROR_SUCCESS with *type, *data (allocated) and *size; ERROR_FILE_NOT_FOUND
 * when there is no such value; ERROR_INVALID_DATA when it holds more than
 * FW_REG_VALUE_MAX_BYTES (*size says how much); another Win32 error. */
unsigned long fw_reg_read(HKEY key, const wchar_t *name, DWORD *type, uint8_t **data, size_t *size);
/* The same, with what went wrong said in *error (allocated) naming key and
 * value: cannot be read, more than FW_REG_VALUE_MAX_BYTES, or not of type
 * want ("must be REG_DWORD, but is REG_BINARY"). ERROR_FILE_NOT_FOUND (no
 * message) when absent. */
unsigned long fw_reg_read_typed(HKEY key, const char *key_text, const wchar_t *name, DWORD want, uint8_t **data,
                                size_t *size, char **error);
/* A REG_SZ value as UTF-8: ERROR_FILE_NOT_FOUND when absent, else
 * ERROR_SUCCESS, or ERROR_INVALID_DATA with *error naming key and value
 * ("KEY, value NAME: is not terminated by a NUL"). */
unsigned long fw_reg_read_sz(HKEY key, const char *key_text, const wchar_t *name, char **out, char **error);
/* "REG_SZ", "REG_DWORD", ... for messages. */
const char *fw_reg_type_name(DWORD type);

#endif
