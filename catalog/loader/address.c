#include "address.h"

#include "fw_strings.h"

#include <string.h>

static bool parse_v4(const char *s, const char *end, uint8_t out[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0;
        int digits = 0;
        if (i > 0) {
            if (s >= end || *s != '.')
                return false;
            s++;
        }
        while (s < end && *s >= '0' && *s <= '9') {
            /* Leading zeros are refused: some stacks read them as octal. */
            if (digits == 1 && v == 0)
                return false;
            v = v * 10 + (unsigned)(*s - '0');
            if (++digits > 3 || v > 255)
                return false;
            s++;
        }
        if (digits == 0)
            return false;
        out[i] = (uint8_t)v;
    }
    return s == end;
}

/* RFC 4291 text form: up to 8 hex groups, one "::", optional dotted IPv4 tail. */
static bool parse_v6(const char *s, const char *end, uint8_t out[16])
{
    uint16_t groups[8] = {0};
    int n = 0, gap = -1;

    if (s < end && *s == ':') {
        if (end - s < 2 || s[1] != ':')
            return false;
        gap = 0;
        s += 2;
    }
    while (s < end) {
        const char *start = s;
        unsigned v = 0;
        int digits = 0;
        while (s < end && fw_hex_digit(*s) >= 0 && digits < 5) {
            v = v * 16 + (unsigned)fw_hex_digit(*s);
            digits++;
            s++;
        }
        if (s < end && *s == '.') {
            /* Embedded IPv4 takes the last two groups. */
            uint8_t v4[4];
            if (n > 6 || !parse_v4(start, end, v4))
                return false;
            groups[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
            s = end;
            break;
        }
        if (digits == 0 || digits > 4 || n == 8)
            return false;
        groups[n++] = (uint16_t)v;
        if (s == end)
            break;
        if (*s != ':')
            return false;
        s++;
        if (s < end && *s == ':') {
            if (gap >= 0)
                return false;
            gap = n;
            s++;
        } else if (s == end) {
            return false; /* trailing single colon */
        }
    }
    if (gap >= 0) {
        if (n == 8)
            return false;
        int tail = n - gap;
        memmove(&groups[8 - tail], &groups[gap], (size_t)tail * sizeof groups[0]);
        memset(&groups[gap], 0, (size_t)(8 - tail - gap) * sizeof groups[0]);
    } else if (n != 8) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        out[2 * i] = (uint8_t)(groups[i] >> 8);
        out[2 * i + 1] = (uint8_t)(groups[i] & 0xff);
    }
    return true;
}

fw_address_status fw_address_parse(const char *text, fw_address *out)
{
    fw_address a;
    memset(&a, 0, sizeof a);
    const char *slash = strchr(text, '/');
    const char *end = slash ? slash : text + strlen(text);

    if (memchr(text, ':', (size_t)(end - text))) {
        a.family = FW_AF_V6;
        if (!parse_v6(text, end, a.bytes))
            return FW_ADDR_SYNTAX;
    } else {
        a.family = FW_AF_V4;
        if (!parse_v4(text, end, a.bytes))
            return FW_ADDR_SYNTAX;
    }
    unsigned max = a.family == FW_AF_V4 ? 32 : 128;
    unsigned prefix = max;
    if (slash) {
        const char *p = slash + 1;
        prefix = 0;
        if (*p == '\0')
            return FW_ADDR_BAD_PREFIX;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || prefix > max)
                return FW_ADDR_BAD_PREFIX;
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > max)
            return FW_ADDR_BAD_PREFIX;
    }
    for (unsigned bit = prefix; bit < max; bit++) {
        if (a.bytes[bit / 8] & (0x80u >> (bit % 8)))
            return FW_ADDR_HOST_BITS;
    }
    a.prefix = (uint8_t)prefix;
    *out = a;
    return FW_ADDR_OK;
}

const char *fw_address_status_text(fw_address_status status)
{
    switch (status) {
    case FW_ADDR_OK:
        return "valid";
    case FW_ADDR_SYNTAX:
        return "not an IPv4 or IPv6 address";
    case FW_ADDR_BAD_PREFIX:
        return "prefix length out of range (0-32 for IPv4, 0-128 for IPv6)";
    case FW_ADDR_HOST_BITS:
        return "address has bits set beyond its prefix length";
    }
    return "invalid";
}

bool fw_address_within(const fw_address *a, const fw_address *b)
{
    if (a->family != b->family || a->prefix < b->prefix)
        return false;
    for (unsigned bit = 0; bit < b->prefix; bit++)
        if ((a->bytes[bit / 8] ^ b->bytes[bit / 8]) & (0x80u >> (bit % 8)))
            return false;
    return true;
}
