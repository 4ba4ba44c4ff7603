/* How apply merges a profile's settings: the recorded values are kept,
 * --set replaces one, --unset returns one to the catalog's default. Each
 * difference is a note, and a note says when the opening it controls gets
 * wider (a range that grows, a port that moves, a peer no prefix held
 * before, an install folder that moves), so that a re-apply never widens
 * anything silently. Portable. */
#ifndef FW_SETTINGS_MERGE_H
#define FW_SETTINGS_MERGE_H

#include "binding.h"
#include "catalog.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    FW_MERGE_KEPT,  /* recorded, not given again: kept */
    FW_MERGE_SET,   /* --set: a new value (before: the recorded one, or the default) */
    FW_MERGE_UNSET, /* --unset: back to the default */
} fw_merge_kind;

typedef struct {
    fw_merge_kind kind;
    char *name;
    char *before, *after; /* effective values: what the filters use */
    bool widens;          /* after opens ports that before did not */
} fw_merge_note;

typedef struct fw_merge_ {
    fw_setting *settings; /* the profile's settings to record */
    size_t count, cap;
    fw_merge_note *notes;
    size_t note_count, note_cap;
} fw_merge;

/* vars: the profile's catalog file's variables. first: the profile is not
 * applied yet (nothing it opens is open: no note widens). set: --set values
 * for this profile's variables; unset: --unset names for them. */
void fw_settings_merge(const fw_variable *vars, size_t var_count, bool first, const fw_setting *recorded,
                       size_t recorded_count, const fw_setting *set, size_t set_count, const char *const *unset,
                       size_t unset_count, fw_merge *out);
void fw_merge_free(fw_merge *m);

#endif
