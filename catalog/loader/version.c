#include "version.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PART_MAX 99999999u

/* Parses a version at *p, up to the first character that cannot continue
 * it; returns false if there is none there. */
static bool take_version(const char **p, fw_version *out)
{
    memset(out, 0, sizeof *out);
    const char *s = *p;
    for (size_t i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)*s))
            return false;
        uint32_t n = 0;
        for (; isdigit((unsigned char)*s); s++) {
            if (n > PART_MAX / 10)
                return false;
            n = n * 10 + (uint32_t)(*s - '0');
        }
        out->part[i] = n;
        if (*s != '.' || !isdigit((unsigned char)s[1]))
            break;
        if (i == 3)
            return false; /* a fifth part */
        s++;
    }
    *p = s;
    return true;
}

bool fw_version_parse(const char *text, fw_version *out)
{
    const char *p = text;
    return take_version(&p, out) && *p == '\0';
}

int fw_version_compare(const fw_version *a, const fw_version *b)
{
    for (size_t i = 0; i < 4; i++)
        if (a->part[i] != b->part[i])
            return a->part[i] < b->part[i] ? -1 : 1;
    return 0;
}

bool fw_version_range_parse(const char *text, fw_version_range *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        fw_version_op op;
        if (strncmp(p, ">=", 2) == 0)
            op = FW_VCMP_GE, p += 2;
        else if (strncmp(p, "<=", 2) == 0)
            op = FW_VCMP_LE, p += 2;
        else if (*p == '>')
            op = FW_VCMP_GT, p++;
        else if (*p == '<')
            op = FW_VCMP_LT, p++;
        else if (*p == '=')
            op = FW_VCMP_EQ, p++;
        else {
            snprintf(error, error_size, "'%s': each part starts with >=, >, <=, < or =, then a version", text);
            return false;
        }
        fw_version v;
        if (!take_version(&p, &v) || (*p && *p != ' ' && *p != ',')) {
            snprintf(error, error_size, "'%s': a version is one to four numbers joined by dots (13, 12.3.2.4165)",
                     text);
            return false;
        }
        if (out->count == 2) {
            snprintf(error, error_size, "'%s': at most two comparisons (>=12 <13)", text);
            return false;
        }
        out->op[out->count] = op;
        out->bound[out->count++] = v;
    }
    if (!out->count) {
        snprintf(error, error_size, "an empty version range: write >=13, <13 or >=12 <13");
        return false;
    }
    return true;
}

bool fw_version_in_range(const fw_version *v, const fw_version_range *r)
{
    for (size_t i = 0; i < r->count; i++) {
        int c = fw_version_compare(v, &r->bound[i]);
        bool holds = r->op[i] == FW_VCMP_GE   ? c >= 0
                     : r->op[i] == FW_VCMP_GT ? c > 0
                     : r->op[i] == FW_VCMP_LE ? c <= 0
                     : r->op[i] == FW_VCMP_LT ? c < 0
                                              : c == 0;
        if (!holds)
            return false;
    }
    return true;
}
