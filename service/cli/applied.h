/* The record of applied profiles, in HKLM\SOFTWARE\fwsvc\AppliedProfiles:
 * one REG_MULTI_SZ value per profile, holding its --set NAME=VALUE
 * settings. HKLM\SOFTWARE is writable by administrators only, like the
 * firewall itself. Every command reads it back. Windows only. */
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

/* On failure returns a Win32 error and sets *error (allocated). */
unsigned long fw_applied_load(fw_applied *a, char **error);
unsigned long fw_applied_save(const fw_applied *a, char **error);
/* Adds or replaces a profile's entry (settings are copied). */
void fw_applied_set(fw_applied *a, const char *profile, const fw_setting *settings, size_t count);
bool fw_applied_remove(fw_applied *a, const char *profile);
const fw_applied_profile *fw_applied_find(const fw_applied *a, const char *profile);
void fw_applied_free(fw_applied *a);

/* HKLM\SOFTWARE\fwsvc, value SublayerWeight (DWORD); the default when unset. */
unsigned short fw_config_sublayer_weight(void);

#endif
