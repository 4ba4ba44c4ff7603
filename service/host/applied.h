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
} fw_applied_profile;

typedef struct {
    fw_applied_profile *items;
    size_t count, cap;
} fw_applied;

/* Adds or replaces a profile's entry (settings are copied). */
void fw_applied_set(fw_applied *a, const char *profile, const fw_setting *settings, size_t count);
bool fw_applied_remove(fw_applied *a, const char *profile);
const fw_applied_profile *fw_applied_find(const fw_applied *a, const char *profile);
void fw_applied_free(fw_applied *a);

#endif
