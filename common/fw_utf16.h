/* Registry string data as raw bytes (little-endian UTF-16), read with
 * explicit bounds: a value may be written by anyone with a registry editor,
 * with an odd length, no terminator or unpaired surrogates, and must then
 * be refused with a clear reason, never read past. Portable, so that every
 * malformed shape is unit-tested natively. */
#ifndef FW_UTF16_H
#define FW_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most registry data fwsvc reads from one value. */
#define FW_REG_VALUE_MAX_BYTES 32768u

/* REG_SZ: one NUL-terminated string (only NULs may follow it). On success
 * *out is UTF-8 (allocated); on failure error says why ("is not terminated
 * by a NUL", ...), phrased to follow "KEY, value NAME: ". */
bool fw_reg_sz_parse(const uint8_t *data, size_t size, char **out, char *error, size_t error_size);
/* REG_MULTI_SZ: NUL-terminated strings ended by an empty one (a lone NUL
 * is an empty list). *items (allocated, UTF-8) and *count. */
bool fw_reg_multi_sz_parse(const uint8_t *data, size_t size, char ***items, size_t *count, char *error,
                           size_t error_size);
void fw_reg_multi_sz_free(char **items, size_t count);

#endif
