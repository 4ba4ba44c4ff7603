#include "exposure.h"

#include "fw_alloc.h"
#include "guard.h"

#include <stdlib.h>

enum { IN_ANY, IN_PROGRAM, OUT_ANY, COLUMNS };

/* A filter's scope counts as any address when it has no address condition
 * or one that counts as any (guard.h). */
static bool any_address(const fw_planned_filter *f)
{
    bool scoped = false;
    for (size_t i = 0; i < f->condition_count; i++) {
        if (f->conditions[i].field != FW_FIELD_IP_REMOTE_ADDRESS)
            continue;
        if (fw_addresses_count_as_any(&f->conditions[i].value.address, 1))
            return true;
        scoped = true;
    }
    return !scoped;
}

static int column_of(const fw_planned_filter *f)
{
    bool inbound = f->layer == FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4 || f->layer == FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6;
    bool program = false;
    for (size_t i = 0; i < f->condition_count; i++)
        program |= f->conditions[i].field == FW_FIELD_ALE_APP_ID;
    if (!any_address(f))
        return -1;
    if (inbound)
        return program ? IN_PROGRAM : IN_ANY;
    return program ? -1 : OUT_ANY;
}

static void mark(unsigned char *bits, unsigned lo, unsigned hi, size_t *count)
{
    for (unsigned p = lo; p <= hi; p++) {
        if (!(bits[p / 8] & (1u << (p % 8)))) {
            bits[p / 8] |= (unsigned char)(1u << (p % 8));
            (*count)++;
        }
    }
}

fw_exposure fw_plan_exposure(const fw_plan *plan, const fw_profile *profile)
{
    /* One bit per port, per column and protocol: a port opened twice (v4
     * and v6, or by two rules) counts once. */
    unsigned char *bits[COLUMNS][2];
    for (int c = 0; c < COLUMNS; c++)
        for (int p = 0; p < 2; p++)
            bits[c][p] = fw_xcalloc(65536 / 8, 1);
    size_t counts[COLUMNS][2] = {{0}};
    for (size_t i = 0; i < plan->count; i++) {
        const fw_planned_filter *f = &plan->filters[i];
        int column = profile && f->profile != profile ? -1 : column_of(f);
        if (column < 0)
            continue;
        bool tcp = true, udp = true; /* no protocol condition: both */
        bool has_ports = false;
        fw_field port_field = column == OUT_ANY ? FW_FIELD_IP_REMOTE_PORT : FW_FIELD_IP_LOCAL_PORT;
        for (size_t c = 0; c < f->condition_count; c++) {
            if (f->conditions[c].field == FW_FIELD_IP_PROTOCOL) {
                tcp = f->conditions[c].value.protocol == FW_PROTO_TCP;
                udp = f->conditions[c].value.protocol == FW_PROTO_UDP;
            }
            has_ports |= f->conditions[c].field == port_field;
        }
        for (int p = 0; p < 2; p++) {
            if (!(p ? udp : tcp))
                continue;
            if (!has_ports)
                mark(bits[column][p], 1, 65535, &counts[column][p]);
            for (size_t c = 0; c < f->condition_count; c++)
                if (f->conditions[c].field == port_field)
                    mark(bits[column][p], f->conditions[c].value.ports.lo, f->conditions[c].value.ports.hi,
                         &counts[column][p]);
        }
    }
    for (int c = 0; c < COLUMNS; c++)
        for (int p = 0; p < 2; p++)
            free(bits[c][p]);
    return (fw_exposure){counts[IN_ANY][0],     counts[IN_ANY][1],  counts[IN_PROGRAM][0],
                         counts[IN_PROGRAM][1], counts[OUT_ANY][0], counts[OUT_ANY][1]};
}
