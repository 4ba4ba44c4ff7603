#include "dsc_instance.h"

#include "fw_alloc.h"
#include "fw_compiler.h"
#include "fw_json.h"
#include "fw_json_read.h"
#include "fw_strings.h"
#include "host_config.h" /* the interval's bounds (portable constants) */

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char **error, const char *fmt, ...) FW_PRINTF(2, 3);
static bool fail(char **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *error = fw_xvasprintf(fmt, ap);
    va_end(ap);
    return false;
}

static bool blank(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (!isspace((unsigned char)text[i]))
            return false;
    return true;
}

/* A setting's value: a string, or a whole number a YAML document wrote
 * without quotes (ndmp_port: 10000). */
static bool setting_value(const fw_jv *v, char **out)
{
    if (v->type == FW_JV_STRING) {
        *out = fw_xstrdup(v->string);
        return true;
    }
    if (v->type == FW_JV_NUMBER && v->integer && v->number >= 0 && v->number <= 4294967295.0) {
        *out = fw_xasprintf("%llu", v->u);
        return true;
    }
    return false;
}

static bool parse_settings(const fw_jv *v, const char *where, fw_setting **settings, size_t *count, char **error)
{
    if (v->type != FW_JV_OBJECT)
        return fail(error, "%s.settings: must be an object of NAME: VALUE, not %s", where, fw_jv_type_name(v->type));
    *settings = fw_xcalloc(v->count ? v->count : 1, sizeof **settings);
    for (size_t i = 0; i < v->count; i++) {
        char *value = NULL;
        if (!v->keys[i][0] || !setting_value(&v->items[i], &value))
            return fail(error, "%s.settings.%s: must be a string (a setting's value, as 'fwsvc show' lists), not %s",
                        where, v->keys[i], fw_jv_type_name(v->items[i].type));
        (*settings)[*count].name = fw_xstrdup(v->keys[i]);
        (*settings)[(*count)++].value = value;
    }
    return true;
}

static bool parse_profile(const fw_jv *v, size_t index, fw_applied *out, char **error)
{
    char where[32];
    snprintf(where, sizeof where, "profiles[%zu]", index);
    if (v->type != FW_JV_OBJECT)
        return fail(error, "%s: must be an object {\"name\": ..., \"settings\": {...}}, not %s", where,
                    fw_jv_type_name(v->type));
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], "name") != 0 && strcmp(v->keys[i], "settings") != 0)
            return fail(error, "%s: unknown property '%s' (a profile has name and settings)", where, v->keys[i]);
    const fw_jv *name = fw_jv_get(v, "name");
    if (!name || name->type != FW_JV_STRING || !name->string[0])
        return fail(error, "%s.name: %s", where, "must be a profile's name (see 'fwsvc list')");
    if (fw_applied_find(out, name->string))
        return fail(error, "%s.name: '%s' is named twice", where, name->string);
    const fw_jv *settings = fw_jv_get(v, "settings");
    fw_setting *list = NULL;
    size_t count = 0;
    bool ok = !settings || parse_settings(settings, where, &list, &count, error);
    if (ok)
        fw_applied_set(out, name->string, list, count);
    fw_settings_free(list, count);
    return ok;
}

static bool parse_members(const fw_jv *root, fw_dsc_instance *out, char **error)
{
    for (size_t i = 0; i < root->count; i++) {
        const char *key = root->keys[i];
        const fw_jv *v = &root->items[i];
        if (strcmp(key, "profiles") == 0) {
            if (v->type != FW_JV_ARRAY)
                return fail(error, "profiles: must be an array of profiles, not %s", fw_jv_type_name(v->type));
            out->has_profiles = true;
            for (size_t p = 0; p < v->count; p++)
                if (!parse_profile(&v->items[p], p, &out->profiles, error))
                    return false;
        } else if (strcmp(key, "intervalSeconds") == 0) {
            if (v->type != FW_JV_NUMBER || !v->integer || v->number < FW_MIN_INTERVAL_SECONDS ||
                v->number > FW_MAX_INTERVAL_SECONDS)
                return fail(error, "intervalSeconds: must be a whole number of seconds from %lu to %lu",
                            FW_MIN_INTERVAL_SECONDS, FW_MAX_INTERVAL_SECONDS);
            out->has_interval = true;
            out->interval_seconds = (unsigned long)v->u;
        } else if (strcmp(key, "_exist") == 0) {
            if (v->type != FW_JV_BOOL)
                return fail(error, "_exist: must be true or false, not %s", fw_jv_type_name(v->type));
            out->exist = v->boolean;
        } else if (strcmp(key, "state") != 0 && strcmp(key, "_inDesiredState") != 0) {
            /* state and _inDesiredState are read-only: what get and test
             * print may come back as input, and means nothing there. */
            return fail(error, "unknown property '%s' (%s has profiles, intervalSeconds and _exist)", key,
                        FW_DSC_RESOURCE_TYPE);
        }
    }
    if (!out->exist && out->profiles.count)
        return fail(error, "_exist is false (no profile applied) but profiles names %s%s",
                    out->profiles.items[0].profile, out->profiles.count > 1 ? " and more" : "");
    return true;
}

bool fw_dsc_instance_parse(const char *text, size_t length, fw_dsc_instance *out, char **error)
{
    *out = (fw_dsc_instance){.exist = true};
    *error = NULL;
    if (blank(text, length))
        return true;
    char parse_error[256];
    fw_jv *root = fw_json_parse(text, length, parse_error, sizeof parse_error);
    bool ok;
    if (!root)
        ok = fail(error, "the input is not JSON: %s", parse_error);
    else if (root->type != FW_JV_OBJECT)
        ok = fail(error, "the input must be one JSON object (the resource's properties), not %s",
                  fw_jv_type_name(root->type));
    else
        ok = parse_members(root, out, error);
    fw_jv_free(root);
    if (!ok)
        fw_dsc_instance_free(out);
    return ok;
}

void fw_dsc_instance_free(fw_dsc_instance *d)
{
    fw_applied_free(&d->profiles);
    *d = (fw_dsc_instance){.exist = true};
}

static const char *setting_of(const fw_applied_profile *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->settings[i].name, name) == 0)
            return p->settings[i].value;
    return NULL;
}

static bool settings_equal(const fw_applied_profile *a, const fw_applied_profile *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const char *other = setting_of(b, a->settings[i].name);
        if (!other || strcmp(other, a->settings[i].value) != 0)
            return false;
    }
    return true;
}

bool fw_dsc_applied_equal(const fw_applied *a, const fw_applied *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const fw_applied_profile *other = fw_applied_find(b, a->items[i].profile);
        if (!other || !settings_equal(&a->items[i], other))
            return false;
    }
    return true;
}

void fw_dsc_diff_add(fw_dsc_diff *d, const char *name)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->names[i], name) == 0)
            return;
    if (d->count < sizeof d->names / sizeof d->names[0])
        d->names[d->count++] = name;
}

void fw_dsc_print_state(FILE *out, const fw_applied *profiles, unsigned long interval_seconds, const char *state,
                        int in_desired)
{
    fw_json j;
    fw_json_init_compact(&j, out);
    fw_json_object_begin(&j);
    fw_json_key(&j, "profiles");
    fw_json_array_begin(&j);
    for (size_t p = 0; p < profiles->count; p++) {
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "name", profiles->items[p].profile);
        fw_json_key(&j, "settings");
        fw_json_object_begin(&j);
        for (size_t s = 0; s < profiles->items[p].count; s++)
            fw_json_member_string(&j, profiles->items[p].settings[s].name, profiles->items[p].settings[s].value);
        fw_json_object_end(&j);
        fw_json_object_end(&j);
    }
    fw_json_array_end(&j);
    fw_json_key(&j, "intervalSeconds");
    fw_json_uint(&j, interval_seconds);
    fw_json_key(&j, "_exist");
    fw_json_bool(&j, profiles->count > 0);
    fw_json_member_string(&j, "state", state);
    if (in_desired >= 0) {
        fw_json_key(&j, "_inDesiredState");
        fw_json_bool(&j, in_desired == 1);
    }
    fw_json_object_end(&j);
    fw_json_finish(&j);
}

void fw_dsc_print_diff(FILE *out, const fw_dsc_diff *d)
{
    fw_json j;
    fw_json_init_compact(&j, out);
    fw_json_array_begin(&j);
    for (size_t i = 0; i < d->count; i++)
        fw_json_string(&j, d->names[i]);
    fw_json_array_end(&j);
    fw_json_finish(&j);
}
