/* The applied profiles and their settings: a list, kept in the host
 * configuration (host_config.h, docs/configuration.md). */
#ifndef FW_APPLIED_H
#define FW_APPLIED_H

#include "binding.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *profile;
    fw_setting *settings;
    size_t count;
    /* Added by detection (HKLM\SOFTWARE\fwsvc\DetectedProfiles): the
     * service removes it when its product is gone; one applied by hand
     * stays (detect_follow.h). */
    bool detected;
} fw_applied_profile;

typedef struct {
    fw_applied_profile *items;
    size_t count, cap;
} fw_applied;

/* Adds or replaces a profile's entry (settings are copied); a replaced
 * entry keeps its place and whether detection added it. */
void fw_applied_set(fw_applied *a, const char *profile, const fw_setting *settings, size_t count);
void fw_applied_mark_detected(fw_applied *a, const char *profile, bool detected);
bool fw_applied_remove(fw_applied *a, const char *profile);
const fw_applied_profile *fw_applied_find(const fw_applied *a, const char *profile);
void fw_applied_free(fw_applied *a);

#endif
