#include "port_range.h"

#include <stdio.h>

/* Parses 1-5 decimal digits; the caller checks the value's range. */
static const char *parse_number(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
        if (++digits > 5)
            return NULL;
        v = v * 10 + (unsigned long)(*s - '0');
        s++;
    }
    if (digits == 0)
        return NULL;
    *out = v;
    return s;
}

fw_port_status fw_port_range_parse(const char *text, fw_port_range *out)
{
    unsigned long lo, hi;
    const char *p = parse_number(text, &lo);
    if (!p)
        return FW_PORT_SYNTAX;
    hi = lo;
    if (*p == '-') {
        p = parse_number(p + 1, &hi);
        if (!p)
            return FW_PORT_SYNTAX;
    }
    if (*p != '\0')
        return FW_PORT_SYNTAX;
    if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535)
        return FW_PORT_OUT_OF_RANGE;
    if (lo > hi)
        return FW_PORT_REVERSED;
    out->lo = (uint16_t)lo;
    out->hi = (uint16_t)hi;
    return FW_PORT_OK;
}

const char *fw_port_status_text(fw_port_status status)
{
    switch (status) {
    case FW_PORT_OK:
        return "valid";
    case FW_PORT_SYNTAX:
        return "not a port or port range (expected N or N-M)";
    case FW_PORT_OUT_OF_RANGE:
        return "port outside 1-65535";
    case FW_PORT_REVERSED:
        return "reversed port range (low end above high end)";
    }
    return "invalid";
}

void fw_port_range_format(fw_port_range r, char *buf, size_t size)
{
    if (r.lo == r.hi)
        snprintf(buf, size, "%u", (unsigned)r.lo);
    else
        snprintf(buf, size, "%u-%u", (unsigned)r.lo, (unsigned)r.hi);
}

bool fw_port_ranges_overlap(fw_port_range a, fw_port_range b)
{
    return a.lo <= b.hi && b.lo <= a.hi;
}

bool fw_port_range_is_sensitive(fw_port_range r)
{
    /* RPC, NetBIOS, SMB, SQL Server, RDP, WinRM, NDMP, ONC RPC and NFS. */
    static const uint16_t windows_ports[] = {111, 135, 137, 138, 139, 445, 1433, 1434, 2049, 3389, 5985, 5986, 10000};
    if ((unsigned)r.hi - r.lo + 1 >= FW_BROAD_RANGE)
        return true;
    for (size_t i = 0; i < sizeof windows_ports / sizeof windows_ports[0]; i++)
        if (windows_ports[i] >= r.lo && windows_ports[i] <= r.hi)
            return true;
    return false;
}
