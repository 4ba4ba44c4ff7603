/* Keeping the applied profiles in step with what detection finds: the one
 * place that decides it, for 'fwsvc apply --detect' and for the service
 * with AutoDetect alike (docs/detection.md).
 *
 * - A detected role whose profile is not applied is added, with the
 *   settings detection implies, and marked as added by detection.
 * - A profile detection added gets the host's values again when they move
 *   (an upgrade, an install folder moved); its other settings (peers the
 *   administrator named) are kept.
 * - With FW_FOLLOW_REMOVE, a profile detection added whose product is no
 *   longer detected is removed. A profile applied by hand never is: it is
 *   reported as missing its product instead.
 * - With FW_FOLLOW_EXPLICIT (an administrator's apply --detect), profiles
 *   applied by hand take the detected values too.
 * Every detected value is checked against the profile's catalog as a
 * --set value is; one that does not fit is reported and left out. A
 * profile the catalog does not have is reported and not added. Portable. */
#ifndef FW_DETECT_FOLLOW_H
#define FW_DETECT_FOLLOW_H

#include "applied.h"
#include "catalog.h"
#include "detect.h"
#include "fw_diag.h"
#include "settings_merge.h"

enum {
    FW_FOLLOW_REMOVE = 1u << 0,
    FW_FOLLOW_EXPLICIT = 1u << 1,
};

typedef struct {
    char *profile;
    bool added;     /* else: its settings changed */
    fw_merge merge; /* notes: what changed, and whether it widens */
    const fw_detected *detected;
} fw_follow_change;

typedef struct {
    fw_follow_change *changes;
    size_t count, cap;
    char **removed; /* profiles detection added whose product is gone */
    size_t removed_count, removed_cap;
    /* Profiles applied by hand whose role detection knows and did not find:
     * "dpm (DPM server: no service MSDPM)". */
    char **missing;
    size_t missing_count, missing_cap;
    fw_diags diags; /* detected values left out, profiles the catalog lacks */
} fw_follow;

void fw_detect_follow(fw_applied *profiles, const fw_catalog *catalog, const fw_detection *detection,
                      unsigned flags, fw_follow *out);
bool fw_follow_changed(const fw_follow *f);
void fw_follow_free(fw_follow *f);

#endif
