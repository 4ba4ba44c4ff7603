/* Which backup products and roles this computer runs, where they are
 * installed and which version: read from the services the SCM starts,
 * the products' registry keys and their executables' version resources
 * (docs/detection.md). Detection only reads; what it finds is a
 * suggestion of profiles and settings that still passes every check an
 * administrator's own value passes (the catalog's types, the breadth
 * guard, the program-trust check). Portable: the host is read through a
 * probe (detect_probe_win32.c on Windows, tables in the tests). */
#ifndef FW_DETECT_H
#define FW_DETECT_H

#include "binding.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    void *ctx;
    /* The command line the SCM starts service name with (its
     * lpBinaryPathName, environment strings expanded); NULL when there is
     * no such service. */
    char *(*service_command)(void *ctx, const char *name);
    /* Whether HKLM\key exists (64-bit view); then *untrusted (allocated)
     * says who other than administrators can change it, or stays NULL. */
    bool (*key_exists)(void *ctx, const char *key, char **untrusted);
    /* HKLM\key's string value (REG_SZ, or REG_EXPAND_SZ expanded); NULL when
     * absent, with *wrong_type set when it exists but holds no string. */
    char *(*registry_string)(void *ctx, const char *key, const char *value, bool *wrong_type);
    /* Whether the file exists; then its version resource's file version
     * ("a.b.c.d") and product name, each NULL when it has none. */
    bool (*file_info)(void *ctx, const char *path, char **version, char **product_name);
} fw_detect_probe;

typedef enum { FW_EVIDENCE_SERVICE, FW_EVIDENCE_REGISTRY, FW_EVIDENCE_FILE } fw_evidence_kind;

/* One thing read from the host. service: name, image (its command line);
 * registry: key, value name (NULL: the key itself), data; file: path,
 * version, product name (either NULL when the resource lacks it). */
typedef struct {
    fw_evidence_kind kind;
    char *name;
    char *a, *b;
} fw_evidence;

typedef struct {
    fw_evidence *items;
    size_t count, cap;
} fw_evidence_list;

typedef struct fw_detect_role_ fw_detect_role;

typedef struct {
    const fw_detect_role *role;
    char *version;        /* the marker program's file version, or NULL */
    char *install_folder; /* or NULL: the service's image is not where the role's program lives */
    fw_setting *settings; /* the values detection implies for the profile's variables */
    size_t setting_count, setting_cap;
    fw_evidence_list evidence;
    char **problems; /* what was read but not taken, and why */
    size_t problem_count, problem_cap;
} fw_detected;

/* Evidence of a product that maps to no single profile: a role the host
 * does not record (the Veeam Data Mover serves proxies, repositories and
 * gateways alike), or a product fwsvc must not take for another
 * (Microsoft Azure Backup Server for DPM). */
typedef struct {
    const char *product;
    char *reason;
    const char **candidates;       /* profiles, NULL-terminated (may be empty); the array is owned */
    fw_setting *settings;          /* what those profiles would take */
    size_t setting_count, setting_cap;
    fw_evidence_list evidence;
} fw_ambiguous;

typedef struct fw_detection_ {
    fw_detected *detected;
    size_t count, cap;
    fw_ambiguous *ambiguous;
    size_t ambiguous_count, ambiguous_cap;
} fw_detection;

void fw_detect_run(const fw_detect_probe *probe, fw_detection *out);
void fw_detection_free(fw_detection *d);

/* The evidence in one line, for a log: "service MSDPM runs \"...\"; file
 * ... version 10.22.123.0; registry HKLM\...". Allocated. */
char *fw_evidence_text(const fw_evidence_list *l);

/* The detected role for profile, or NULL. */
const fw_detected *fw_detection_find(const fw_detection *d, const char *profile);

/* What the product and role of a profile are, when detection knows the
 * profile (NULL otherwise): "Backup Exec media server". */
const fw_detect_role *fw_detect_role_of(const char *profile);
const char *fw_detect_role_product(const fw_detect_role *r);
const char *fw_detect_role_name(const fw_detect_role *r);
const char *fw_detect_role_profile(const fw_detect_role *r);

/* The program a service's command line starts: the quoted path, or the
 * text up to the first ".exe" that ends a word; "\??\" dropped. NULL when
 * there is none. Allocated. */
char *fw_service_program(const char *command_line);

#endif
