/* Exposure: how many local ports a plan opens inbound to every program from
 * every address, per protocol. fwsvc's permits are hard, so this is what
 * nothing else on the host can close; docs/security.md keeps it small.
 * Counted from the planned filters themselves. Portable. */
#ifndef FW_EXPOSURE_H
#define FW_EXPOSURE_H

#include "plan.h"

#include <stddef.h>

typedef struct {
    size_t tcp, udp;
} fw_exposure;

/* Of one profile's filters (profile NULL: of all of them). */
fw_exposure fw_plan_exposure(const fw_plan *plan, const fw_profile *profile);

#endif
