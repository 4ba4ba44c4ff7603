/* Exposure: how many ports a plan's hard permits open to any address,
 * counted from the planned filters themselves, per protocol, in three
 * columns:
 *   - inbound, any program: local ports every program on the host may be
 *     reached on, from any address (what nothing else can close);
 *   - inbound, a named program: local ports open to one program from any
 *     address (a program rule without ports counts every port);
 *   - outbound, any program: remote ports every program may connect to,
 *     at any address (what defeats an egress policy).
 * A scope that counts as any address (guard.h: "any", 0.0.0.0/0, ::/0, a
 * prefix shorter than /8 or /16) is no scope. docs/security.md keeps the
 * figures small. Portable. */
#ifndef FW_EXPOSURE_H
#define FW_EXPOSURE_H

#include "plan.h"

#include <stddef.h>

typedef struct {
    size_t tcp, udp;                 /* inbound, any program, any address */
    size_t program_tcp, program_udp; /* inbound, a named program, any address */
    size_t out_tcp, out_udp;         /* outbound, any program, any address */
} fw_exposure;

/* Of one profile's filters (profile NULL: of all of them). */
fw_exposure fw_plan_exposure(const fw_plan *plan, const fw_profile *profile);

#endif
