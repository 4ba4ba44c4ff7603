#include "applied.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

static void free_profile(fw_applied_profile *p)
{
    free(p->profile);
    fw_settings_free(p->settings, p->count);
}

static fw_applied_profile *find(const fw_applied *a, const char *profile)
{
    for (size_t i = 0; i < a->count; i++)
        if (fw_str_ieq(a->items[i].profile, profile))
            return &a->items[i];
    return NULL;
}

void fw_applied_set(fw_applied *a, const char *profile, const fw_setting *settings, size_t count)
{
    fw_applied_profile p = {.profile = fw_xstrdup(profile),
                            .settings = fw_xcalloc(count ? count : 1, sizeof *p.settings),
                            .count = count};
    for (size_t i = 0; i < count; i++) {
        p.settings[i].name = fw_xstrdup(settings[i].name);
        p.settings[i].value = fw_xstrdup(settings[i].value);
    }
    fw_applied_profile *was = find(a, profile);
    if (was) {
        p.detected = was->detected;
        free_profile(was);
        *was = p;
    } else {
        FW_PUSH(a->items, a->count, a->cap, p);
    }
}

void fw_applied_mark_detected(fw_applied *a, const char *profile, bool detected)
{
    fw_applied_profile *p = find(a, profile);
    if (p)
        p->detected = detected;
}

bool fw_applied_remove(fw_applied *a, const char *profile)
{
    for (size_t i = 0; i < a->count; i++) {
        if (fw_str_ieq(a->items[i].profile, profile)) {
            free_profile(&a->items[i]);
            memmove(&a->items[i], &a->items[i + 1], (a->count - i - 1) * sizeof *a->items);
            a->count--;
            return true;
        }
    }
    return false;
}

const fw_applied_profile *fw_applied_find(const fw_applied *a, const char *profile)
{
    return find(a, profile);
}

void fw_applied_free(fw_applied *a)
{
    for (size_t i = 0; i < a->count; i++)
        free_profile(&a->items[i]);
    free(a->items);
    *a = (fw_applied){0};
}
