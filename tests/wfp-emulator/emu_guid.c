#include "emu.h"

#include <stdio.h>
#include <string.h>

void emu_guid_format(const GUID *g, char out[39])
{
    snprintf(out, 39, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             (unsigned long)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
             g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Accepts "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" with or without braces. */
bool emu_guid_parse(const char *t, GUID *g)
{
    char digits[32];
    size_t n = 0;
    if (*t == '{')
        t++;
    for (int i = 0; *t && *t != '}'; t++, i++) {
        if (*t == '-') {
            if (i != 8 && i != 13 && i != 18 && i != 23)
                return false;
            continue;
        }
        if (hex(*t) < 0 || n == 32)
            return false;
        digits[n++] = *t;
    }
    if (n != 32)
        return false;
    BYTE b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (BYTE)(hex(digits[2 * i]) << 4 | hex(digits[2 * i + 1]));
    g->Data1 = (DWORD)b[0] << 24 | (DWORD)b[1] << 16 | (DWORD)b[2] << 8 | b[3];
    g->Data2 = (WORD)(b[4] << 8 | b[5]);
    g->Data3 = (WORD)(b[6] << 8 | b[7]);
    memcpy(g->Data4, b + 8, 8);
    return true;
}

bool emu_guid_is_null(const GUID *g)
{
    static const GUID zero;
    return memcmp(g, &zero, sizeof zero) == 0;
}

UINT64 emu_guid_hash(const GUID *g)
{
    UINT64 a, b;
    memcpy(&a, g, 8);
    memcpy(&b, (const BYTE *)g + 8, 8);
    UINT64 h = a * 0x9E3779B97F4A7C15ull ^ b;
    return h ^ (h >> 29);
}
