/* Product versions: "13", "12.3", "12.3.2.4165" (one to four numbers), and
 * the ranges a rule carries (versions: ">=13", "<13", ">=12.3.2.4165",
 * ">=12 <13"). A version is compared as written, missing parts being 0:
 * "12.3" is 12.3.0.0, so a host that states its build is the exact one.
 * Portable. */
#ifndef FW_VERSION_H
#define FW_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t part[4];
} fw_version;

typedef enum { FW_VCMP_GE, FW_VCMP_GT, FW_VCMP_LE, FW_VCMP_LT, FW_VCMP_EQ } fw_version_op;

/* Up to two comparisons, all of which must hold. */
typedef struct {
    size_t count;
    fw_version_op op[2];
    fw_version bound[2];
} fw_version_range;

bool fw_version_parse(const char *text, fw_version *out);
int fw_version_compare(const fw_version *a, const fw_version *b);
/* On failure, a message in error. */
bool fw_version_range_parse(const char *text, fw_version_range *out, char *error, size_t error_size);
bool fw_version_in_range(const fw_version *v, const fw_version_range *r);

#endif
