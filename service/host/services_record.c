#include "services_record.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"
#include "reg_value.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

static wchar_t *file_key(const char *path)
{
    char *name = fw_xasprintf("SOFTWARE\\fwsvc\\ServicesFile\\%s", path);
    for (char *c = name + strlen("SOFTWARE\\fwsvc\\ServicesFile\\"); *c; c++)
        *c = *c == '\\' ? '/' : (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
    wchar_t *w = fw_utf8_to_wide(name);
    free(name);
    return w;
}

/* A REG_SZ value as UTF-8, or NULL if it is missing or malformed (the
 * record is then incomplete and its line is left alone). */
static char *get_text(HKEY key, const wchar_t *value)
{
    char *text = NULL, *error = NULL;
    fw_reg_read_sz(key, "record", value, &text, &error);
    free(error);
    return text;
}

static LSTATUS set_text(HKEY key, const wchar_t *value, const char *text)
{
    wchar_t *w = fw_utf8_to_wide(text);
    LSTATUS e = RegSetValueExW(key, value, 0, REG_SZ, (const BYTE *)w, (DWORD)((wcslen(w) + 1) * sizeof(wchar_t)));
    free(w);
    return e;
}

static char *error_text(const char *what, const char *path, LSTATUS e)
{
    char *base = fw_xasprintf("cannot %s fwsvc's record of its services-file changes for %s", what, path);
    char *text = fw_win32_error_text(base, (unsigned long)e);
    free(base);
    return text;
}

unsigned long fw_services_record_load(const char *path, fw_svc_records *records, char **error)
{
    *records = (fw_svc_records){0};
    wchar_t *name = file_key(path);
    HKEY key;
    LSTATUS e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, name, 0, KEY_READ, &key);
    free(name);
    if (e == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS; /* fwsvc never changed this file */
    if (e) {
        *error = error_text("read", path, e);
        return (unsigned long)e;
    }
    for (DWORD i = 0;; i++) {
        wchar_t sub_name[256];
        DWORD sub_len = 256;
        e = RegEnumKeyExW(key, i, sub_name, &sub_len, NULL, NULL, NULL, NULL);
        if (e == ERROR_NO_MORE_ITEMS) {
            e = ERROR_SUCCESS;
            break;
        }
        if (e)
            break;
        HKEY sub;
        if (RegOpenKeyExW(key, sub_name, 0, KEY_READ, &sub) != ERROR_SUCCESS)
            continue;
        char *entry = get_text(sub, L"Name"), *protocol = get_text(sub, L"Protocol");
        char *action = get_text(sub, L"Action");
        fw_svc_record r = {.original = get_text(sub, L"Original"), .written = get_text(sub, L"Written")};
        DWORD added_break = 0, size = sizeof added_break;
        RegGetValueW(sub, NULL, L"AddedBreak", RRF_RT_REG_DWORD, NULL, &added_break, &size);
        r.added_break = added_break != 0;
        r.action = action && strcmp(action, "changed") == 0 ? FW_SVC_CHANGED : FW_SVC_ADDED;
        /* A record missing its essentials cannot be undone safely. */
        if (entry && protocol && action && r.written && (r.action == FW_SVC_ADDED || r.original))
            fw_svc_records_put(records, entry, protocol, &r);
        fw_svc_record_free(&r);
        free(action);
        free(protocol);
        free(entry);
        RegCloseKey(sub);
    }
    RegCloseKey(key);
    if (e) {
        *error = error_text("read", path, e);
        fw_svc_records_free(records);
    }
    return (unsigned long)e;
}

unsigned long fw_services_record_save(const char *path, const fw_svc_records *records, char **error)
{
    wchar_t *name = file_key(path);
    LSTATUS e = RegDeleteTreeW(HKEY_LOCAL_MACHINE, name);
    if (e == ERROR_FILE_NOT_FOUND)
        e = ERROR_SUCCESS;
    for (size_t i = 0; i < records->count && !e; i++) {
        const fw_svc_owned *o = &records->items[i];
        char *sub_name = fw_xasprintf("%s-%s", o->name, o->protocol);
        wchar_t *w_sub = fw_utf8_to_wide(sub_name);
        size_t len = wcslen(name) + wcslen(w_sub) + 2;
        wchar_t *full = fw_xcalloc(len, sizeof(wchar_t));
        _snwprintf(full, len, L"%ls\\%ls", name, w_sub);
        HKEY sub;
        e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, full, 0, NULL, 0, KEY_WRITE, NULL, &sub, NULL);
        if (!e) {
            DWORD added_break = o->record.added_break;
            e = set_text(sub, L"Name", o->name);
            if (!e)
                e = set_text(sub, L"Protocol", o->protocol);
            if (!e)
                e = set_text(sub, L"Action", o->record.action == FW_SVC_CHANGED ? "changed" : "added");
            if (!e && o->record.original)
                e = set_text(sub, L"Original", o->record.original);
            if (!e)
                e = set_text(sub, L"Written", o->record.written);
            if (!e)
                e = RegSetValueExW(sub, L"AddedBreak", 0, REG_DWORD, (const BYTE *)&added_break, sizeof added_break);
            RegCloseKey(sub);
        }
        free(full);
        free(w_sub);
        free(sub_name);
    }
    free(name);
    if (e)
        *error = error_text("write", path, e);
    return (unsigned long)e;
}
