#include "detect_follow.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

/* The detected values profile p's catalog accepts, each checked alone so
 * that one that does not fit leaves the others. */
static size_t fitting_settings(const fw_catalog *catalog, const fw_profile *p, const fw_detected *d,
                               fw_setting *out, fw_diags *diags)
{
    size_t n = 0;
    for (size_t i = 0; i < d->setting_count; i++) {
        fw_diags check = {0};
        if (fw_settings_check(catalog, &p, 1, &d->settings[i], 1, &check))
            out[n++] = d->settings[i];
        else
            fw_diag_add(diags, FW_SEV_WARNING, NULL, 0, 0, "detected %s=%s is not taken for profile %s: %s",
                        d->settings[i].name, d->settings[i].value, p->name,
                        check.count ? check.items[0].message : "it does not fit the catalog");
        fw_diags_free(&check);
    }
    return n;
}

static bool merge_changes(const fw_merge *m)
{
    for (size_t i = 0; i < m->note_count; i++)
        if (m->notes[i].kind != FW_MERGE_KEPT)
            return true;
    return false;
}

/* Adds p, or gives it the detected values; records the change. */
static void take(fw_applied *profiles, const fw_catalog *catalog, const fw_profile *p, const fw_detected *d,
                 fw_follow *out)
{
    const fw_catalog_file *file = catalog->files[p->file];
    fw_setting *set = fw_xcalloc(d->setting_count + 1, sizeof *set);
    size_t n = fitting_settings(catalog, p, d, set, &out->diags);
    const fw_applied_profile *was = fw_applied_find(profiles, p->name);
    fw_follow_change c = {.profile = fw_xstrdup(p->name), .added = was == NULL, .detected = d};
    fw_settings_merge(file->variables, file->variable_count, was == NULL, was ? was->settings : NULL,
                      was ? was->count : 0, set, n, NULL, 0, &c.merge);
    free(set);
    if (!c.added && !merge_changes(&c.merge)) {
        fw_merge_free(&c.merge);
        free(c.profile);
        return;
    }
    fw_applied_set(profiles, p->name, c.merge.settings, c.merge.count);
    if (c.added)
        fw_applied_mark_detected(profiles, p->name, true);
    FW_PUSH(out->changes, out->count, out->cap, c);
}

void fw_detect_follow(fw_applied *profiles, const fw_catalog *catalog, const fw_detection *detection,
                      unsigned flags, fw_follow *out)
{
    *out = (fw_follow){0};
    for (size_t i = 0; i < detection->count; i++) {
        const fw_detected *d = &detection->detected[i];
        const char *name = fw_detect_role_profile(d->role);
        const fw_profile *p = fw_catalog_find(catalog, name);
        if (!p) {
            fw_diag_add(&out->diags, FW_SEV_WARNING, NULL, 0, 0,
                        "%s %s is detected, but the catalog has no profile %s; nothing is applied for it",
                        fw_detect_role_product(d->role), fw_detect_role_name(d->role), name);
            continue;
        }
        const fw_applied_profile *was = fw_applied_find(profiles, p->name);
        if (was && !was->detected && !(flags & FW_FOLLOW_EXPLICIT))
            continue; /* applied by hand: its settings are the administrator's */
        take(profiles, catalog, p, d, out);
    }
    for (size_t i = 0; i < profiles->count;) {
        const fw_applied_profile *a = &profiles->items[i];
        const fw_detect_role *r = fw_detect_role_of(a->profile);
        if (!r || fw_detection_find(detection, a->profile)) {
            i++;
        } else if (a->detected && (flags & FW_FOLLOW_REMOVE)) {
            char *gone = fw_xstrdup(a->profile);
            FW_PUSH(out->removed, out->removed_count, out->removed_cap, gone);
            fw_applied_remove(profiles, gone);
        } else {
            char *text = fw_xasprintf("%s (%s %s)", a->profile, fw_detect_role_product(r), fw_detect_role_name(r));
            FW_PUSH(out->missing, out->missing_count, out->missing_cap, text);
            i++;
        }
    }
}

bool fw_follow_changed(const fw_follow *f)
{
    return f->count || f->removed_count;
}

void fw_follow_free(fw_follow *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->changes[i].profile);
        fw_merge_free(&f->changes[i].merge);
    }
    free(f->changes);
    for (size_t i = 0; i < f->removed_count; i++)
        free(f->removed[i]);
    free(f->removed);
    for (size_t i = 0; i < f->missing_count; i++)
        free(f->missing[i]);
    free(f->missing);
    fw_diags_free(&f->diags);
    *f = (fw_follow){0};
}
