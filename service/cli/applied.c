#include "applied.h"

#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "wfp_objects.h"

#include <stdlib.h>
#include <string.h>

#define FW_KEY L"SOFTWARE\\fwsvc"
#define FW_APPLIED_KEY L"SOFTWARE\\fwsvc\\AppliedProfiles"

void fw_applied_set(fw_applied *a, const char *profile, const fw_setting *settings, size_t count)
{
    fw_applied_remove(a, profile);
    fw_applied_profile p = {.profile = fw_xstrdup(profile),
                            .settings = fw_xcalloc(count ? count : 1, sizeof *p.settings),
                            .count = count};
    for (size_t i = 0; i < count; i++) {
        p.settings[i].name = fw_xstrdup(settings[i].name);
        p.settings[i].value = fw_xstrdup(settings[i].value);
    }
    FW_PUSH(a->items, a->count, a->cap, p);
}

static void free_profile(fw_applied_profile *p)
{
    free(p->profile);
    fw_settings_free(p->settings, p->count);
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
    for (size_t i = 0; i < a->count; i++)
        if (fw_str_ieq(a->items[i].profile, profile))
            return &a->items[i];
    return NULL;
}

void fw_applied_free(fw_applied *a)
{
    for (size_t i = 0; i < a->count; i++)
        free_profile(&a->items[i]);
    free(a->items);
    *a = (fw_applied){0};
}

static char *error_text(const char *what, LSTATUS e)
{
    return fw_win32_error_text(what, (unsigned long)e);
}

unsigned long fw_applied_load(fw_applied *a, char **error)
{
    *a = (fw_applied){0};
    HKEY key;
    LSTATUS e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, FW_APPLIED_KEY, 0, KEY_READ, &key);
    if (e == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS; /* nothing applied yet */
    if (e) {
        *error = error_text("cannot read HKLM\\" "SOFTWARE\\fwsvc\\AppliedProfiles", e);
        return (unsigned long)e;
    }
    for (DWORD i = 0;; i++) {
        wchar_t name[256];
        DWORD name_len = 256, type = 0, size = 0;
        e = RegEnumValueW(key, i, name, &name_len, NULL, &type, NULL, &size);
        if (e == ERROR_NO_MORE_ITEMS) {
            e = ERROR_SUCCESS;
            break;
        }
        if (e || type != REG_MULTI_SZ)
            continue;
        wchar_t *data = fw_xcalloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
        name_len = 256;
        e = RegEnumValueW(key, i, name, &name_len, NULL, &type, (BYTE *)data, &size);
        if (e) {
            free(data);
            break;
        }
        fw_setting *settings = NULL;
        size_t count = 0, cap = 0;
        for (wchar_t *s = data; *s; s += wcslen(s) + 1) {
            char *text = fw_wide_to_utf8(s);
            fw_diags d = {0};
            fw_setting setting;
            if (fw_setting_parse(text, &setting, &d))
                FW_PUSH(settings, count, cap, setting);
            fw_diags_free(&d);
            free(text);
        }
        char *profile = fw_wide_to_utf8(name);
        fw_applied_set(a, profile, settings, count);
        free(profile);
        fw_settings_free(settings, count);
        free(data);
    }
    RegCloseKey(key);
    if (e) {
        *error = error_text("cannot read HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles", e);
        fw_applied_free(a);
    }
    return (unsigned long)e;
}

unsigned long fw_applied_save(const fw_applied *a, char **error)
{
    HKEY key;
    LSTATUS e = RegDeleteTreeW(HKEY_LOCAL_MACHINE, FW_APPLIED_KEY);
    if (e && e != ERROR_FILE_NOT_FOUND) {
        *error = error_text("cannot rewrite HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles", e);
        return (unsigned long)e;
    }
    e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, FW_APPLIED_KEY, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (e) {
        *error = error_text("cannot create HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles", e);
        return (unsigned long)e;
    }
    for (size_t i = 0; i < a->count && !e; i++) {
        fw_buf b = {0};
        for (size_t s = 0; s < a->items[i].count; s++) {
            fw_buf_printf(&b, "%s=%s", a->items[i].settings[s].name, a->items[i].settings[s].value);
            fw_buf_appendn(&b, "", 1); /* keep the NUL: REG_MULTI_SZ */
        }
        fw_buf_appendn(&b, "", 1);
        /* Convert the NUL-separated UTF-8 list piece by piece. */
        size_t total = 0;
        wchar_t *multi = fw_xcalloc(b.len * 2 + 4, sizeof(wchar_t));
        for (const char *p = b.data; *p; p += strlen(p) + 1) {
            wchar_t *w = fw_utf8_to_wide(p);
            wcscpy(multi + total, w);
            total += wcslen(w) + 1;
            free(w);
        }
        multi[total++] = 0;
        if (total == 1)
            multi[total++] = 0; /* an empty REG_MULTI_SZ is two NULs */
        wchar_t *name = fw_utf8_to_wide(a->items[i].profile);
        e = RegSetValueExW(key, name, 0, REG_MULTI_SZ, (const BYTE *)multi, (DWORD)(total * sizeof(wchar_t)));
        free(name);
        free(multi);
        fw_buf_free(&b);
    }
    RegCloseKey(key);
    if (e)
        *error = error_text("cannot write HKLM\\SOFTWARE\\fwsvc\\AppliedProfiles", e);
    return (unsigned long)e;
}

unsigned short fw_config_sublayer_weight(void)
{
    DWORD value = 0, size = sizeof value;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, FW_KEY, L"SublayerWeight", RRF_RT_REG_DWORD, NULL, &value, &size) ==
            ERROR_SUCCESS &&
        value > 0 && value <= 0xFFFF)
        return (unsigned short)value;
    return FW_DEFAULT_SUBLAYER_WEIGHT;
}
