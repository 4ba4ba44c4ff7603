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
    fw_port_range *values; /* port variables: one per variable of the profile's file */
    const char **texts;    /* every variable's value as text; NULL: an addresses variable not set */
    bool *overridden;
    /* addresses variables: "any", or the parsed list */
    bool *any;
    fw_address **addresses;
    size_t *address_counts;
    /* The host's product version (the file's version variable), if set. */
    bool version_known;
    fw_version version;
} fw_binding;

/* Binds the profile's variables; settings it has no variable for are left to
 * fw_settings_check. Values must already be valid (checked there). */
void fw_binding_init(fw_binding *b, const fw_catalog *catalog, const fw_profile *profile,
                     const fw_setting *settings, size_t count);
fw_port_range fw_binding_resolve(const fw_binding *b, const fw_port_ref *ref);
/* A rule's remote scope. Returns false if it is an addresses variable with no
 * value yet (the rule waits for it); otherwise *any (no address condition)
 * or *list and *count. */
bool fw_binding_remote(const fw_binding *b, const fw_rule *r, bool *any, const fw_address **list, size_t *count);
/* The rule's program with its install-folder variable expanded (allocated),
 * or NULL for a rule of every program. */
char *fw_binding_program(const fw_binding *b, const fw_rule *r);
/* Whether the rule is for this host's product version: true for a rule of
 * every version, and for every rule while the version is not set (the
 * union of versions). */
bool fw_binding_has_rule(const fw_binding *b, const fw_rule *r);
/* A program rule whose path starts with a path variable, with folder in its
 * place: "FOLDER\RAWS\beremote.exe". NULL for any other rule. */
char *fw_rule_program_in(const fw_rule *r, const char *folder);
void fw_binding_free(fw_binding *b);

#endif
