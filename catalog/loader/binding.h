/* Binding a profile's variables to values: the documented defaults, overridden
 * by the administrator's --set name=value. */
#ifndef FW_BINDING_H
#define FW_BINDING_H

#include "catalog.h"
#include "fw_diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *name;
    char *value;
} fw_setting;

/* Splits "name=value". Reports a usage error and returns false otherwise. */
bool fw_setting_parse(const char *arg, fw_setting *out, fw_diags *diags);
void fw_settings_free(fw_setting *settings, size_t count);

/* Every setting must name a variable of at least one of the profiles, have a
 * value of that variable's type, and appear once. */
bool fw_settings_check(const fw_catalog *catalog, const fw_profile *const *profiles,
                       size_t profile_count, const fw_setting *settings, size_t count,
                       fw_diags *diags);

typedef struct {
    const fw_catalog_file *file;
    fw_port_range *values; /* one per variable of the profile's file */
    bool *overridden;
} fw_binding;

/* Binds the profile's variables; settings it has no variable for are left to
 * fw_settings_check. Values must already be valid (checked there). */
void fw_binding_init(fw_binding *b, const fw_catalog *catalog, const fw_profile *profile,
                     const fw_setting *settings, size_t count);
fw_port_range fw_binding_resolve(const fw_binding *b, const fw_port_ref *ref);
void fw_binding_free(fw_binding *b);

#endif
