/* Names of the errors WFP calls return, for messages that carry the
 * function, the object and the WFP error name. Portable. */
#ifndef FW_WFP_ERRORS_H
#define FW_WFP_ERRORS_H

#include <stdint.h>

/* "FWP_E_TIMEOUT", "ERROR_ACCESS_DENIED", ... or NULL if unknown. */
const char *fw_wfp_error_name(uint32_t code);
/* One sentence for the operator, or NULL. */
const char *fw_wfp_error_hint(uint32_t code);

#endif
