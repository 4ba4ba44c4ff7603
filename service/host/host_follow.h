/* Detection applied to the host configuration: the host's catalog (as
 * enforced: administrators' files only), this computer's products, and
 * detect_follow.h's decisions, for apply --detect and the service alike.
 * Windows only. */
#ifndef FW_HOST_FOLLOW_H
#define FW_HOST_FOLLOW_H

#include "detect_follow.h"
#include "host_config.h"

/* Fills *d and *f (both to be freed) and changes c->profiles as f says.
 * Returns false, with the catalog's errors in *diags and nothing changed,
 * when the catalog cannot be read. */
bool fw_host_follow(fw_host_config *c, unsigned flags, fw_detection *d, fw_follow *f, fw_diags *diags);

#endif
