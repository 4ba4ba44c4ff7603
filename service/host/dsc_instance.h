/* An instance of fwsvc's DSC v3 resource (Fwsvc/BackupFirewall): the host
 * configuration's profiles with their settings, the service's interval and
 * _exist, as a fleet engine passes it (one JSON object) and as fwsvc
 * reports it (JSON Lines). Parsing is strict, because the input comes from
 * outside: unknown properties, wrong types and contradictions are errors
 * that name the property. Portable. docs/dsc.md. */
#ifndef FW_DSC_INSTANCE_H
#define FW_DSC_INSTANCE_H

#include "applied.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FW_DSC_RESOURCE_TYPE "Fwsvc/BackupFirewall"

typedef struct {
    bool has_profiles;     /* "profiles" given: exactly these are applied */
    fw_applied profiles;   /* names as given; the caller resolves aliases */
    bool has_interval;     /* "intervalSeconds" given */
    unsigned long interval_seconds;
    bool exist;            /* "_exist"; true when absent */
} fw_dsc_instance;

/* Parses one JSON object (length bytes; empty or only white space is the
 * empty instance {}). On failure returns false and sets *error
 * (allocated), e.g. "profiles[1].settings.dcom_ports: must be a string". */
bool fw_dsc_instance_parse(const char *text, size_t length, fw_dsc_instance *out, char **error);
void fw_dsc_instance_free(fw_dsc_instance *d);

/* Same profiles with the same settings, in any order. */
bool fw_dsc_applied_equal(const fw_applied *a, const fw_applied *b);

/* The properties a set changes or a test finds out of the desired state,
 * each named once, in the order they were added. */
typedef struct {
    const char *names[4];
    size_t count;
} fw_dsc_diff;

void fw_dsc_diff_add(fw_dsc_diff *d, const char *name);

/* One JSON line: the actual state (profiles with their recorded settings,
 * intervalSeconds, _exist: a profile is applied, state: status's word),
 * and _inDesiredState when in_desired is 0 or 1 (a test's answer). */
void fw_dsc_print_state(FILE *out, const fw_applied *profiles, unsigned long interval_seconds, const char *state,
                        int in_desired);
/* One JSON line: the diff's property names, an array. */
void fw_dsc_print_diff(FILE *out, const fw_dsc_diff *d);

#endif
