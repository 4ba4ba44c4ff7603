/* SHA-256 (FIPS 180-4), for the integrity figures a fleet compares across
 * hosts: each catalog file as loaded, and fwsvc.exe (docs/release.md).
 * Portable; tests/unit/test_sha256.c checks it against FIPS 180-4's
 * examples. */
#ifndef FW_SHA256_H
#define FW_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes so far */
    uint8_t block[64];
    size_t used;
} fw_sha256;

void fw_sha256_init(fw_sha256 *h);
void fw_sha256_update(fw_sha256 *h, const void *data, size_t size);
void fw_sha256_final(fw_sha256 *h, uint8_t digest[32]);
/* The digest of data as 64 lowercase hex digits and a NUL. */
void fw_sha256_hex(const void *data, size_t size, char out[65]);
void fw_sha256_to_hex(const uint8_t digest[32], char out[65]);

#endif
