/* The roles detection knows: which service marks each, where its program
 * lies below the install folder, and which of the profile's variables the
 * host's values fill. One row a role; docs/detection.md is this table in
 * prose, with the source of every identifier. Portable. */
#ifndef FW_DETECT_ROLES_H
#define FW_DETECT_ROLES_H

#include "detect.h"

/* Another service of the product whose image names another folder the
 * profile binds: VeeamTransportSvc's gives veeam_transport_install. */
typedef struct {
    const char *service;
    const char *image_tail; /* the program below that folder */
    const char *variable;
} fw_detect_component;

enum {
    /* DPM's key and services are written by Microsoft Azure Backup Server
     * too: evidence of it is not taken for DPM. */
    FW_ROLE_NOT_MABS = 1u << 0,
    /* The role cannot be told from the host: reported as ambiguous with
     * its candidates, never applied. */
    FW_ROLE_AMBIGUOUS = 1u << 1,
};

#define FW_DETECT_MAX 4

struct fw_detect_role_ {
    const char *product, *role, *profile;
    /* The marker: the role's service, or (service NULL) a registry key. */
    const char *service;
    const char *marker_key;
    const char *image_tail;      /* the marker's program below the install folder, or NULL: any */
    const char *folder_variable; /* set to the install folder, or NULL */
    const char *version_variable;
    const char *requires_services[FW_DETECT_MAX]; /* all present too (a plug-in's server) */
    const char *unless_services[FW_DETECT_MAX];   /* present: another role covers this one */
    const char *unless_keys[FW_DETECT_MAX];       /* the same, for a product known by its key */
    const char *also_services[FW_DETECT_MAX];     /* reported as evidence when present */
    fw_detect_component components[FW_DETECT_MAX];
    const char *product_keys[FW_DETECT_MAX];      /* reported as evidence when present */
    const char *folder_key, *folder_value;        /* the product's own record of its folder */
    const char *const *candidates;                /* FW_ROLE_AMBIGUOUS: the profiles it may be */
    unsigned flags;
};

const fw_detect_role *fw_detect_roles(size_t *count);

#endif
