#include "exposure.h"

#include "fw_alloc.h"

#include <stdlib.h>

static bool unscoped_inbound(const fw_planned_filter *f, uint8_t *protocol)
{
    if (f->layer != FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4 && f->layer != FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6)
        return false;
    *protocol = 0;
    for (size_t i = 0; i < f->condition_count; i++) {
        fw_field field = f->conditions[i].field;
        if (field == FW_FIELD_ALE_APP_ID || field == FW_FIELD_IP_REMOTE_ADDRESS)
            return false;
        if (field == FW_FIELD_IP_PROTOCOL)
            *protocol = f->conditions[i].value.protocol;
    }
    return *protocol == 6 || *protocol == 17; /* 'any' rules always name a program (the loader) */
}

fw_exposure fw_plan_exposure(const fw_plan *plan, const fw_profile *profile)
{
    /* One bit per port and protocol: a port opened twice counts once. */
    unsigned char *open[2] = {fw_xcalloc(65536 / 8, 1), fw_xcalloc(65536 / 8, 1)};
    fw_exposure e = {0, 0};
    for (size_t i = 0; i < plan->count; i++) {
        const fw_planned_filter *f = &plan->filters[i];
        uint8_t protocol;
        if ((profile && f->profile != profile) || !unscoped_inbound(f, &protocol))
            continue;
        unsigned char *bits = open[protocol == 17];
        size_t *count = protocol == 17 ? &e.udp : &e.tcp;
        for (size_t c = 0; c < f->condition_count; c++) {
            if (f->conditions[c].field != FW_FIELD_IP_LOCAL_PORT)
                continue;
            for (unsigned p = f->conditions[c].value.ports.lo; p <= f->conditions[c].value.ports.hi; p++) {
                if (!(bits[p / 8] & (1u << (p % 8)))) {
                    bits[p / 8] |= (unsigned char)(1u << (p % 8));
                    (*count)++;
                }
            }
        }
    }
    free(open[0]);
    free(open[1]);
    return e;
}
