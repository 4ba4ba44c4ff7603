#include "settings_merge.h"

#include "fw_alloc.h"
#include "port_range.h"
#include "var_values.h"

#include <stdlib.h>
#include <string.h>

static const fw_setting *find(const fw_setting *s, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, name) == 0)
            return &s[i];
    return NULL;
}

static bool listed(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

#define NOT_SET "(not set)"

static char *default_text(const fw_variable *v)
{
    return fw_xstrdup(v->default_text ? v->default_text : NOT_SET);
}

/* Does after open what before did not? Ports: a range that grows or a port
 * that moves. Addresses: 'any', or a peer that no prefix of before holds
 * (an unset variable opens nothing). An install folder that moves points a
 * program rule's permit at whatever sits at the new path: it widens too.
 * Unparsable values (refused before this runs) widen. */
static bool widens(fw_var_type type, const char *before, const char *after)
{
    if (type == FW_VAR_PATH)
        return strcmp(before, after) != 0;
    /* A version picks rules: naming one where none was narrows to its
     * rules; any other change may bring rules of another version. */
    if (type == FW_VAR_VERSION)
        return strcmp(before, NOT_SET) != 0 && strcmp(before, after) != 0;
    if (type == FW_VAR_ADDRESSES) {
        if (strcmp(after, NOT_SET) == 0)
            return false;
        if (strcmp(after, "any") == 0 || strcmp(before, NOT_SET) == 0)
            return strcmp(before, after) != 0;
        if (strcmp(before, "any") == 0)
            return false;
        bool any_b, any_a;
        fw_address *b = NULL, *a = NULL;
        size_t nb = 0, na = 0;
        char error[128];
        bool wider = !fw_address_list_parse(before, &any_b, &b, &nb, error, sizeof error) ||
                     !fw_address_list_parse(after, &any_a, &a, &na, error, sizeof error);
        for (size_t i = 0; !wider && i < na; i++) {
            bool held = false;
            for (size_t k = 0; k < nb && !held; k++)
                held = fw_address_within(&a[i], &b[k]);
            wider = !held;
        }
        free(b);
        free(a);
        return wider;
    }
    fw_port_range b, a;
    if (fw_port_range_parse(before, &b) != FW_PORT_OK || fw_port_range_parse(after, &a) != FW_PORT_OK)
        return true;
    return a.lo < b.lo || a.hi > b.hi;
}

static void note(fw_merge *m, fw_merge_kind kind, const fw_variable *var, char *before, char *after, bool first)
{
    /* A profile applied for the first time opened nothing before. */
    fw_merge_note n = {kind, fw_xstrdup(var->name), before, after,
                       !first && kind != FW_MERGE_KEPT && widens(var->type, before, after)};
    FW_PUSH(m->notes, m->note_count, m->note_cap, n);
}

static void keep(fw_merge *m, const char *name, const char *value)
{
    fw_setting s = {fw_xstrdup(name), fw_xstrdup(value)};
    FW_PUSH(m->settings, m->count, m->cap, s);
}

void fw_settings_merge(const fw_variable *vars, size_t var_count, bool first, const fw_setting *recorded,
                       size_t recorded_count, const fw_setting *set, size_t set_count, const char *const *unset,
                       size_t unset_count, fw_merge *out)
{
    *out = (fw_merge){0};
    for (size_t v = 0; v < var_count; v++) {
        const char *name = vars[v].name;
        const fw_setting *was = find(recorded, recorded_count, name), *now = find(set, set_count, name);
        char *before = was ? fw_xstrdup(was->value) : default_text(&vars[v]);
        if (now) {
            keep(out, name, now->value);
            if (strcmp(before, now->value) != 0) {
                note(out, FW_MERGE_SET, &vars[v], before, fw_xstrdup(now->value), first);
                continue;
            }
        } else if (listed(unset, unset_count, name)) {
            if (was) {
                note(out, FW_MERGE_UNSET, &vars[v], before, default_text(&vars[v]), first);
                continue;
            }
        } else if (was) {
            keep(out, name, was->value);
            note(out, FW_MERGE_KEPT, &vars[v], before, fw_xstrdup(was->value), first);
            continue;
        }
        free(before);
    }
}

void fw_merge_free(fw_merge *m)
{
    fw_settings_free(m->settings, m->count);
    for (size_t i = 0; i < m->note_count; i++) {
        free(m->notes[i].name);
        free(m->notes[i].before);
        free(m->notes[i].after);
    }
    free(m->notes);
    *m = (fw_merge){0};
}
