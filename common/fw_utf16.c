#include "fw_utf16.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned unit_at(const uint8_t *data, size_t i)
{
    return (unsigned)data[2 * i] | (unsigned)data[2 * i + 1] << 8;
}

/* UTF-16 units [from, to) to UTF-8; false on an unpaired surrogate. */
static bool to_utf8(const uint8_t *data, size_t from, size_t to, char **out)
{
    fw_buf b = {0};
    for (size_t i = from; i < to; i++) {
        unsigned cp = unit_at(data, i);
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fw_buf_free(&b);
            return false;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned low = i + 1 < to ? unit_at(data, i + 1) : 0;
            if (low < 0xDC00 || low > 0xDFFF) {
                fw_buf_free(&b);
                return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i++;
        }
        fw_buf_append_utf8(&b, cp);
    }
    *out = fw_buf_take(&b);
    return true;
}

static bool shape(size_t size, char *error, size_t error_size)
{
    if (size > FW_REG_VALUE_MAX_BYTES) {
        snprintf(error, error_size, "is %zu bytes, more than the %u fwsvc reads", size, FW_REG_VALUE_MAX_BYTES);
        return false;
    }
    if (size % 2) {
        snprintf(error, error_size, "has an odd length (%zu bytes): not UTF-16 text", size);
        return false;
    }
    return true;
}

static bool only_nuls_from(const uint8_t *data, size_t units, size_t from, char *error, size_t error_size)
{
    for (size_t i = from; i < units; i++) {
        if (unit_at(data, i)) {
            snprintf(error, error_size, "holds text after its terminating NUL");
            return false;
        }
    }
    return true;
}

bool fw_reg_sz_parse(const uint8_t *data, size_t size, char **out, char *error, size_t error_size)
{
    *out = NULL;
    if (!shape(size, error, error_size))
        return false;
    size_t units = size / 2, end = 0;
    while (end < units && unit_at(data, end))
        end++;
    if (end == units) {
        snprintf(error, error_size, "is not terminated by a NUL");
        return false;
    }
    if (!only_nuls_from(data, units, end + 1, error, error_size))
        return false;
    if (!to_utf8(data, 0, end, out)) {
        snprintf(error, error_size, "is not valid UTF-16 (an unpaired surrogate)");
        return false;
    }
    return true;
}

bool fw_reg_multi_sz_parse(const uint8_t *data, size_t size, char ***items, size_t *count, char *error,
                           size_t error_size)
{
    *items = NULL;
    *count = 0;
    if (!shape(size, error, error_size))
        return false;
    size_t units = size / 2, cap = 0, at = 0;
    if (units == 0) {
        snprintf(error, error_size, "is empty: a REG_MULTI_SZ ends with an empty string (two NULs)");
        return false;
    }
    for (;;) {
        size_t end = at;
        while (end < units && unit_at(data, end))
            end++;
        if (end == units) {
            snprintf(error, error_size, "is not terminated: a REG_MULTI_SZ ends with an empty string (two NULs)");
            break;
        }
        if (end == at) /* the empty string: the end of the list */
            return only_nuls_from(data, units, end + 1, error, error_size) ||
                   (fw_reg_multi_sz_free(*items, *count), *items = NULL, *count = 0, false);
        char *item;
        if (!to_utf8(data, at, end, &item)) {
            snprintf(error, error_size, "is not valid UTF-16 (an unpaired surrogate)");
            break;
        }
        FW_PUSH(*items, *count, cap, item);
        at = end + 1;
        if (at == units) /* the last string's NUL, with no empty string after it */ {
            snprintf(error, error_size, "is not terminated: a REG_MULTI_SZ ends with an empty string (two NULs)");
            break;
        }
    }
    fw_reg_multi_sz_free(*items, *count);
    *items = NULL;
    *count = 0;
    return false;
}

void fw_reg_multi_sz_free(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}
