#include "var_values.h"

#include "fw_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fw_address_list_parse(const char *text, bool *any, fw_address **list, size_t *count, char *error,
                           size_t error_size)
{
    *any = false;
    *list = NULL;
    *count = 0;
    if (strcmp(text, "any") == 0) {
        *any = true;
        return true;
    }
    size_t cap = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ", ");
        if (!n)
            break;
        char *item = fw_xstrndup(p, n);
        fw_address a;
        fw_address_status st = fw_address_parse(item, &a);
        bool name = st == FW_ADDR_SYNTAX && strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.") > 0 &&
                    !strchr(item, ':');
        if (st != FW_ADDR_OK && name) {
            snprintf(error, error_size,
                     "'%s': a host name; fwsvc takes IP addresses and prefixes only (a filter holds addresses, and a "
                     "name resolved once would go stale when DNS changes)",
                     item);
            free(item);
            free(*list);
            *list = NULL;
            *count = 0;
            return false;
        }
        if (st != FW_ADDR_OK) {
            snprintf(error, error_size, "'%s': %s", item, fw_address_status_text(st));
            free(item);
            free(*list);
            *list = NULL;
            *count = 0;
            return false;
        }
        free(item);
        FW_PUSH(*list, *count, cap, a);
        p += n;
    }
    if (!*count) {
        snprintf(error, error_size, "no address: give IP addresses or prefixes (10.0.0.5, 10.1.0.0/16, fd00::/16), not host names, or 'any'");
        return false;
    }
    return true;
}

bool fw_folder_path_valid(const char *p)
{
    size_t len = strlen(p);
    if (!len || p[len - 1] == '\\')
        return false;
    if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' && p[2] == '\\') {
        p += 3;
    } else if (p[0] == '%') {
        const char *end = strchr(p + 1, '%');
        if (!end || end == p + 1 || (end[1] != '\\' && end[1] != '\0'))
            return false;
        p = end[1] ? end + 2 : end + 1;
    } else {
        return false;
    }
    if (strstr(p, "..") || strchr(p, '/') || strchr(p, '"') || strchr(p, '%'))
        return false;
    for (; *p; p++)
        if ((unsigned char)*p < 0x20)
            return false;
    return true;
}
