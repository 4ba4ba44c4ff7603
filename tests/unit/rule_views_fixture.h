/* A catalog's rules as fw_rule_views, built the way the host module builds
 * them (service/host/why_rules.c): the first of its two profiles applied
 * with the settings given, the second not applied; each rule bound to the
 * host's settings and to the catalog's defaults. Shared by the tests of
 * why's near misses and of watch's drop matching. */
#ifndef FW_RULE_VIEWS_FIXTURE_H
#define FW_RULE_VIEWS_FIXTURE_H

#include "binding.h"
#include "catalog.h"
#include "near_miss.h"

#include <stdlib.h>
#include <string.h>

#define FIXTURE_VIEWS_MAX 8

typedef struct {
    fw_binding host[2], defaults[2];
    fw_rule_view views[FIXTURE_VIEWS_MAX];
    char *programs[FIXTURE_VIEWS_MAX]; /* as the host module expands them (here there is nothing to expand) */
    size_t count;
} host_fixture;

static inline void host_init_catalog(host_fixture *h, const fw_catalog *catalog, fw_setting *settings, size_t n)
{
    memset(h, 0, sizeof *h);
    for (size_t p = 0; p < 2; p++) {
        const fw_profile *profile = &catalog->profiles[p];
        fw_binding_init(&h->host[p], catalog, profile, p == 0 ? settings : NULL, p == 0 ? n : 0);
        fw_binding_init(&h->defaults[p], catalog, profile, NULL, 0);
        for (size_t r = 0; r < profile->rule_count && h->count < FIXTURE_VIEWS_MAX; r++, h->count++) {
            h->programs[h->count] = fw_binding_program(&h->host[p], &profile->rules[r]);
            h->views[h->count] = (fw_rule_view){.profile = profile,
                                                .rule = &profile->rules[r],
                                                .binding = &h->host[p],
                                                .defaults = &h->defaults[p],
                                                .applied = p == 0,
                                                .program = h->programs[h->count]};
        }
    }
}

static inline void host_free(host_fixture *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->programs[i]);
    for (size_t p = 0; p < 2; p++) {
        fw_binding_free(&h->host[p]);
        fw_binding_free(&h->defaults[p]);
    }
}

#endif
