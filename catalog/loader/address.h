/* A remote-address scope entry: an IPv4 or IPv6 address, optionally with a
 * prefix length ("10.0.0.0/8", "fe80::/10", "::1"). */
#ifndef FW_ADDRESS_H
#define FW_ADDRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { FW_AF_V4 = 4, FW_AF_V6 = 6 } fw_family;

typedef struct {
    fw_family family;
    uint8_t bytes[16];  /* network byte order; v4 uses the first 4 */
    uint8_t prefix;     /* 32 or 128 for a single host */
} fw_address;

typedef enum {
    FW_ADDR_OK,
    FW_ADDR_SYNTAX,
    FW_ADDR_BAD_PREFIX,  /* prefix not a number within 0-32 / 0-128 */
    FW_ADDR_HOST_BITS,   /* bits set beyond the prefix: ambiguous intent */
} fw_address_status;

fw_address_status fw_address_parse(const char *text, fw_address *out);
/* Whether a lies within b: the same family, a prefix at least as long, the
 * same leading bits (a host within a prefix, or a narrower prefix). */
bool fw_address_within(const fw_address *a, const fw_address *b);
const char *fw_address_status_text(fw_address_status status);

#endif
