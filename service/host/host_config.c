#include "host_config.h"

#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "fw_utf16.h"
#include "reg_value.h"
#include "wfp_objects.h"

#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_KEY L"SOFTWARE\\fwsvc"
#define POLICY_KEY L"SOFTWARE\\Policies\\fwsvc"
#define PROFILES_SUBKEY L"AppliedProfiles"

const char *fw_source_name(fw_source s)
{
    return s == FW_SOURCE_POLICY ? "policy" : s == FW_SOURCE_LOCAL ? "local" : "default";
}

static unsigned long bad(char **error, unsigned long code, const char *format, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof text, format, ap);
    va_end(ap);
    *error = fw_xstrdup(text);
    return code;
}

/* Opens key (NULL if it does not exist). */
static unsigned long open_key(const wchar_t *path, const char *text, HKEY *key, char **error)
{
    LSTATUS e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, key);
    if (e == ERROR_FILE_NOT_FOUND) {
        *key = NULL;
        return ERROR_SUCCESS;
    }
    if (e) {
        *error = fw_win32_error_text(text, (unsigned long)e);
        return (unsigned long)e;
    }
    return ERROR_SUCCESS;
}

/* A REG_SZ value naming a path: absent (*out NULL), or a non-empty string. */
static unsigned long read_path(HKEY key, const char *key_text, const wchar_t *name, char **out, char **error)
{
    unsigned long rc = fw_reg_read_sz(key, key_text, name, out, error);
    if (rc == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (!rc && !(*out)[0]) {
        char *value_name = fw_wide_to_utf8(name);
        rc = bad(error, ERROR_INVALID_DATA, "%s, value %s: is empty; delete it to use the default", key_text,
                 value_name);
        free(value_name);
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* A REG_DWORD within [lo, hi]: absent (*present false), or that number. */
static unsigned long read_number(HKEY key, const char *key_text, const wchar_t *name, unsigned long lo,
                                 unsigned long hi, unsigned long *out, bool *present, char **error)
{
    *present = false;
    uint8_t *data = NULL;
    size_t size = 0;
    unsigned long rc = fw_reg_read_typed(key, key_text, name, REG_DWORD, &data, &size, error);
    if (rc == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    char *value_name = fw_wide_to_utf8(name);
    DWORD value = 0;
    if (rc) {
        /* *error says it */
    } else if (size != sizeof value) {
        rc = bad(error, ERROR_INVALID_DATA, "%s, value %s: a REG_DWORD of %zu bytes instead of 4", key_text,
                 value_name, size);
    } else if (memcpy(&value, data, sizeof value), value < lo || value > hi) {
        rc = bad(error, ERROR_INVALID_DATA, "%s, value %s: %lu is out of range (%lu to %lu)", key_text, value_name,
                 (unsigned long)value, lo, hi);
    } else {
        *out = value, *present = true;
    }
    free(data);
    free(value_name);
    return rc;
}

/* One profile's settings: a REG_MULTI_SZ's NAME=VALUE lines, or a
 * REG_SZ's NAME=VALUE items separated by ';' (what a Group Policy list
 * element writes: installer/policy/fwsvc.admx), each checked for shape. */
static unsigned long parse_settings(const char *key_text, const char *profile, const uint8_t *data, size_t size,
                                    DWORD type, fw_applied *out, char **error)
{
    char **items = NULL;
    size_t item_count = 0;
    char reason[160];
    if (type == REG_SZ) {
        char *text = NULL;
        if (!fw_reg_sz_parse(data, size, &text, reason, sizeof reason))
            return bad(error, ERROR_INVALID_DATA, "%s, value %s: %s", key_text, profile, reason);
        item_count = fw_split_list(text, ";", &items);
        free(text);
    } else if (!fw_reg_multi_sz_parse(data, size, &items, &item_count, reason, sizeof reason)) {
        return bad(error, ERROR_INVALID_DATA, "%s, value %s: %s", key_text, profile, reason);
    }
    fw_setting *settings = fw_xcalloc(item_count + 1, sizeof *settings);
    size_t count = 0;
    unsigned long rc = ERROR_SUCCESS;
    for (size_t i = 0; i < item_count && !rc; i++) {
        fw_diags d = {0};
        if (fw_setting_parse(items[i], &settings[count], &d))
            count++;
        else
            rc = bad(error, ERROR_INVALID_DATA, "%s, value %s: '%s' is not NAME=VALUE", key_text, profile, items[i]);
        fw_diags_free(&d);
    }
    if (!rc)
        fw_applied_set(out, profile, settings, count);
    fw_settings_free(settings, count);
    fw_split_list_free(items, item_count); /* frees a multi-string's items the same way */
    return rc;
}

/* key\AppliedProfiles: one value per profile, its settings. */
static unsigned long read_profiles(const wchar_t *root, const char *root_text, fw_applied *out, bool *present,
                                   char **error)
{
    *out = (fw_applied){0};
    *present = false;
    wchar_t path[128];
    swprintf(path, 128, L"%ls\\%ls", root, PROFILES_SUBKEY);
    char key_text[160];
    snprintf(key_text, sizeof key_text, "%s\\AppliedProfiles", root_text);
    HKEY key;
    unsigned long rc = open_key(path, key_text, &key, error);
    if (rc || !key)
        return rc;
    *present = true;
    for (DWORD i = 0; !rc; i++) {
        wchar_t name[256];
        DWORD name_len = 256, type = 0, size = 0;
        LSTATUS e = RegEnumValueW(key, i, name, &name_len, NULL, &type, NULL, &size);
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e) {
            rc = bad(error, (unsigned long)e, "%s: a value cannot be read (error %ld; names are at most 255 characters)",
                     key_text, (long)e);
            break;
        }
        char *profile = fw_wide_to_utf8(name);
        uint8_t *data = NULL;
        size_t bytes = 0;
        unsigned long got = fw_reg_read(key, name, &type, &data, &bytes);
        if (got == ERROR_INVALID_DATA) {
            rc = bad(error, ERROR_INVALID_DATA, "%s, value %s: is %zu bytes, more than the %u fwsvc reads", key_text,
                     profile, bytes, FW_REG_VALUE_MAX_BYTES);
        } else if (got) {
            rc = bad(error, got, "%s, value %s: cannot be read (error %lu)", key_text, profile, got);
        } else if (!name[0] && type == REG_SZ && bytes <= sizeof(wchar_t) && (!bytes || !data[0])) {
            /* The key's empty default value ('reg add KEY' makes one): not a profile. */
        } else if (!name[0]) {
            rc = bad(error, ERROR_INVALID_DATA, "%s: the key's default value is set; each profile is a named value",
                     key_text);
        } else if (type != REG_MULTI_SZ && type != REG_SZ) {
            rc = bad(error, ERROR_INVALID_DATA,
                     "%s, value %s: must be REG_MULTI_SZ (NAME=VALUE lines) or REG_SZ (NAME=VALUE;...), but is %s",
                     key_text, profile, fw_reg_type_name(type));
        } else {
            rc = parse_settings(key_text, profile, data, bytes, type, out, error);
        }
        free(data);
        free(profile);
    }
    RegCloseKey(key);
    if (rc)
        fw_applied_free(out);
    return rc;
}

/* One layer of values (local or policy), read into c where present. */
static unsigned long read_layer(const wchar_t *root, const char *root_text, fw_source source, fw_host_config *c,
                                char **error)
{
    HKEY key;
    unsigned long rc = open_key(root, root_text, &key, error);
    if (rc || !key)
        return rc;
    char *path = NULL;
    unsigned long number = 0;
    bool present = false;
    if (!(rc = read_path(key, root_text, L"CatalogDir", &path, error)) && path) {
        free(c->catalog_dir);
        c->catalog_dir = path, c->catalog_dir_source = source;
    }
    if (!rc && !(rc = read_path(key, root_text, L"SiteCatalogDir", &path, error)) && path) {
        free(c->site_catalog_dir);
        c->site_catalog_dir = path, c->site_catalog_dir_source = source;
    }
    if (!rc && !(rc = read_path(key, root_text, L"ServicesFile", &path, error)) && path) {
        free(c->services_file);
        c->services_file = path, c->services_file_source = source;
    }
    if (!rc && !(rc = read_number(key, root_text, L"IntervalSeconds", FW_MIN_INTERVAL_SECONDS,
                                  FW_MAX_INTERVAL_SECONDS, &number, &present, error)) &&
        present)
        c->interval_seconds = number, c->interval_source = source;
    if (!rc && !(rc = read_number(key, root_text, L"SublayerWeight", 1, 0xFFFF, &number, &present, error)) &&
        present)
        c->sublayer_weight = (unsigned short)number, c->sublayer_weight_source = source;
    if (!rc && !(rc = read_number(key, root_text, L"AutoDetect", 0, 1, &number, &present, error)) && present)
        c->auto_detect = number == 1, c->auto_detect_source = source;
    if (!rc && !(rc = read_number(key, root_text, L"WatchDrops", 0, 1, &number, &present, error)) && present)
        c->watch_drops = number == 1, c->watch_drops_source = source;
    RegCloseKey(key);
    if (rc)
        return rc;
    fw_applied profiles;
    rc = read_profiles(root, root_text, &profiles, &present, error);
    if (!rc && present) {
        fw_applied_free(&c->profiles);
        c->profiles = profiles, c->profiles_source = source;
    }
    return rc;
}

/* DetectedProfiles: which local profiles detection added (a name no
 * longer applied means nothing). */
static unsigned long read_detected(fw_host_config *c, char **error)
{
    HKEY key;
    unsigned long rc = open_key(LOCAL_KEY, FW_CONFIG_KEY_TEXT, &key, error);
    if (rc || !key)
        return rc;
    uint8_t *data = NULL;
    size_t size = 0;
    rc = fw_reg_read_typed(key, FW_CONFIG_KEY_TEXT, L"DetectedProfiles", REG_MULTI_SZ, &data, &size, error);
    RegCloseKey(key);
    if (rc == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    char **items = NULL;
    size_t count = 0;
    char reason[160];
    if (!rc && !fw_reg_multi_sz_parse(data, size, &items, &count, reason, sizeof reason))
        rc = bad(error, ERROR_INVALID_DATA, "%s, value DetectedProfiles: %s", FW_CONFIG_KEY_TEXT, reason);
    for (size_t i = 0; !rc && i < count; i++)
        fw_applied_mark_detected(&c->profiles, items[i], true);
    fw_split_list_free(items, count);
    free(data);
    return rc;
}

unsigned long fw_host_config_load(fw_host_config *c, char **error)
{
    *c = (fw_host_config){.interval_seconds = FW_DEFAULT_INTERVAL_SECONDS,
                          .sublayer_weight = FW_DEFAULT_SUBLAYER_WEIGHT,
                          .watch_drops = true,
                          .profiles_source = FW_SOURCE_LOCAL};
    /* Local first, then policy over it. */
    unsigned long rc = read_layer(LOCAL_KEY, FW_CONFIG_KEY_TEXT, FW_SOURCE_LOCAL, c, error);
    if (!rc)
        rc = read_layer(POLICY_KEY, FW_POLICY_KEY_TEXT, FW_SOURCE_POLICY, c, error);
    if (!rc && c->profiles_source == FW_SOURCE_LOCAL)
        rc = read_detected(c, error);
    if (rc)
        fw_host_config_free(c);
    return rc;
}

static LSTATUS write_path(HKEY key, const wchar_t *name, const char *value, fw_source source)
{
    if (source == FW_SOURCE_POLICY)
        return ERROR_SUCCESS; /* not ours to write */
    if (!value) {
        LSTATUS e = RegDeleteValueW(key, name);
        return e == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : e;
    }
    wchar_t *w = fw_utf8_to_wide(value);
    LSTATUS e = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)w, (DWORD)((wcslen(w) + 1) * sizeof(wchar_t)));
    free(w);
    return e;
}

/* A REG_MULTI_SZ of items (an empty one is two NULs). */
static LSTATUS write_multi(HKEY key, const wchar_t *name, char *const *items, size_t count)
{
    size_t total = 0, cap = 2;
    wchar_t **parts = fw_xcalloc(count + 1, sizeof *parts);
    for (size_t i = 0; i < count; i++) {
        parts[i] = fw_utf8_to_wide(items[i]);
        cap += wcslen(parts[i]) + 1;
    }
    wchar_t *multi = fw_xcalloc(cap, sizeof(wchar_t));
    for (size_t i = 0; i < count; i++) {
        wcscpy(multi + total, parts[i]);
        total += wcslen(parts[i]) + 1;
        free(parts[i]);
    }
    free(parts);
    multi[total++] = 0;
    if (total == 1)
        multi[total++] = 0;
    LSTATUS e = RegSetValueExW(key, name, 0, REG_MULTI_SZ, (const BYTE *)multi, (DWORD)(total * sizeof(wchar_t)));
    free(multi);
    return e;
}

static LSTATUS write_detected(HKEY root, const fw_applied *a)
{
    char **names = fw_xcalloc(a->count + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < a->count; i++)
        if (a->items[i].detected)
            names[n++] = a->items[i].profile;
    LSTATUS e = n ? write_multi(root, L"DetectedProfiles", names, n) : RegDeleteValueW(root, L"DetectedProfiles");
    free(names);
    return e == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : e;
}

static LSTATUS write_profiles(HKEY root, const fw_applied *a)
{
    LSTATUS e = RegDeleteTreeW(root, PROFILES_SUBKEY);
    if (e && e != ERROR_FILE_NOT_FOUND)
        return e;
    HKEY key;
    e = RegCreateKeyExW(root, PROFILES_SUBKEY, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (e)
        return e;
    for (size_t i = 0; i < a->count && !e; i++) {
        /* One NAME=VALUE line a setting. */
        char **lines = fw_xcalloc(a->items[i].count + 1, sizeof *lines);
        for (size_t k = 0; k < a->items[i].count; k++)
            lines[k] = fw_xasprintf("%s=%s", a->items[i].settings[k].name, a->items[i].settings[k].value);
        wchar_t *name = fw_utf8_to_wide(a->items[i].profile);
        e = write_multi(key, name, lines, a->items[i].count);
        free(name);
        for (size_t k = 0; k < a->items[i].count; k++)
            free(lines[k]);
        free(lines);
    }
    RegCloseKey(key);
    return e;
}

unsigned long fw_host_config_save(const fw_host_config *c, unsigned what, char **error)
{
    HKEY key;
    LSTATUS e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LOCAL_KEY, 0, NULL, 0, KEY_READ | KEY_WRITE, NULL, &key, NULL);
    if (e) {
        *error = fw_win32_error_text("cannot open " FW_CONFIG_KEY_TEXT " for writing", (unsigned long)e);
        return (unsigned long)e;
    }
    if (what & FW_SAVE_PATHS) {
        e = write_path(key, L"CatalogDir", c->catalog_dir, c->catalog_dir_source);
        if (!e)
            e = write_path(key, L"SiteCatalogDir", c->site_catalog_dir, c->site_catalog_dir_source);
        if (!e)
            e = write_path(key, L"ServicesFile", c->services_file, c->services_file_source);
    }
    if (!e && (what & FW_SAVE_PATHS) && c->interval_source == FW_SOURCE_LOCAL) {
        DWORD v = (DWORD)c->interval_seconds;
        e = RegSetValueExW(key, L"IntervalSeconds", 0, REG_DWORD, (const BYTE *)&v, sizeof v);
    }
    if (!e && (what & FW_SAVE_PATHS) && c->auto_detect_source == FW_SOURCE_LOCAL) {
        DWORD v = c->auto_detect;
        e = RegSetValueExW(key, L"AutoDetect", 0, REG_DWORD, (const BYTE *)&v, sizeof v);
    }
    if (!e && (what & FW_SAVE_PROFILES) && c->profiles_source != FW_SOURCE_POLICY)
        e = write_profiles(key, &c->profiles);
    if (!e && (what & FW_SAVE_PROFILES) && c->profiles_source != FW_SOURCE_POLICY)
        e = write_detected(key, &c->profiles);
    RegCloseKey(key);
    if (e)
        *error = fw_win32_error_text("cannot write " FW_CONFIG_KEY_TEXT, (unsigned long)e);
    return (unsigned long)e;
}

unsigned long fw_host_config_set_interval(fw_host_config *c, unsigned long seconds, char **error)
{
    if (seconds < FW_MIN_INTERVAL_SECONDS || seconds > FW_MAX_INTERVAL_SECONDS)
        return bad(error, ERROR_INVALID_DATA, "interval %lu s is out of range (%lu to %lu seconds)", seconds,
                   FW_MIN_INTERVAL_SECONDS, FW_MAX_INTERVAL_SECONDS);
    if (c->interval_source == FW_SOURCE_POLICY)
        return bad(error, ERROR_INVALID_DATA, "the interval is set by Group Policy (%s, IntervalSeconds); change it there",
                   FW_POLICY_KEY_TEXT);
    c->interval_seconds = seconds;
    c->interval_source = FW_SOURCE_LOCAL;
    return ERROR_SUCCESS;
}

unsigned long fw_host_config_set_auto_detect(fw_host_config *c, bool on, char **error)
{
    if (c->auto_detect_source == FW_SOURCE_POLICY && c->auto_detect != on)
        return bad(error, ERROR_INVALID_DATA, "AutoDetect is set by Group Policy (%s) to %d; change it there",
                   FW_POLICY_KEY_TEXT, c->auto_detect);
    c->auto_detect = on;
    if (c->auto_detect_source != FW_SOURCE_POLICY)
        c->auto_detect_source = FW_SOURCE_LOCAL;
    return ERROR_SUCCESS;
}

unsigned long fw_host_config_forget(char **error)
{
    LSTATUS e = RegDeleteTreeW(HKEY_LOCAL_MACHINE, LOCAL_KEY);
    if (!e)
        e = RegDeleteKeyW(HKEY_LOCAL_MACHINE, LOCAL_KEY);
    if (e == ERROR_FILE_NOT_FOUND)
        e = ERROR_SUCCESS;
    if (e)
        *error = fw_win32_error_text("cannot delete " FW_CONFIG_KEY_TEXT, (unsigned long)e);
    return (unsigned long)e;
}

void fw_host_config_free(fw_host_config *c)
{
    fw_applied_free(&c->profiles);
    free(c->catalog_dir);
    free(c->site_catalog_dir);
    free(c->services_file);
    *c = (fw_host_config){0};
}
