/* Names of the errors WFP calls return, for messages that carry the
 * function, the object and the WFP error name. Portable. */
#ifndef FW_WFP_ERRORS_H
#define FW_WFP_ERRORS_H

#include <stddef.h>
#include <stdint.h>

/* "FWP_E_TIMEOUT", "ERROR_ACCESS_DENIED", ... or NULL if unknown. */
const char *fw_wfp_error_name(uint32_t code);
/* One sentence for the operator, or NULL. */
const char *fw_wfp_error_hint(uint32_t code);
/* "FwpmFilterAdd0(filter dpm/dcom-in/recv-accept-v4 {key}): FWP_E_... (0x...). hint"
 * into message; returns code. */
uint32_t fw_wfp_failure(char *message, size_t size, const char *function, const char *object, uint32_t code);

#endif
