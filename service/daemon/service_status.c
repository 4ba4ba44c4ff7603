#include <winsock2.h> /* before windows.h */
#include "service_status.h"

#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_win32_text.h"
#include "service_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void now(char out[32])
{
    SYSTEMTIME t;
    GetSystemTime(&t);
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
}

static void save(const fw_service_status *s)
{
    char *path = fw_service_data_path("status.json");
    char *tmp = fw_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (f) {
        fw_json j;
        fw_json_init(&j, f);
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "started", s->started);
        fw_json_key(&j, "last_reconcile");
        fw_json_object_begin(&j);
        fw_json_member_string(&j, "time", s->last_time);
        fw_json_member_string(&j, "trigger", s->last_trigger);
        fw_json_member_string(&j, "result", s->last_result);
        fw_json_key(&j, "writes");
        fw_json_uint(&j, s->last_writes);
        fw_json_object_end(&j);
        fw_json_key(&j, "drift_repairs");
        fw_json_uint(&j, s->drift_repairs);
        fw_json_key(&j, "pending");
        fw_json_uint(&j, s->pending);
        fw_json_key(&j, "last_error");
        if (s->last_error)
            fw_json_string(&j, s->last_error);
        else
            fw_json_null(&j);
        fw_json_object_end(&j);
        fw_json_finish(&j);
        fclose(f);
        wchar_t *wt = fw_utf8_to_wide(tmp), *wp = fw_utf8_to_wide(path);
        MoveFileExW(wt, wp, MOVEFILE_REPLACE_EXISTING);
        free(wt);
        free(wp);
    }
    free(tmp);
    free(path);
}

void fw_service_status_init(fw_service_status *s)
{
    memset(s, 0, sizeof *s);
    now(s->started);
    snprintf(s->last_result, sizeof s->last_result, "none");
    save(s);
}

void fw_service_status_reconciled(fw_service_status *s, const char *trigger, size_t writes, size_t pending)
{
    now(s->last_time);
    snprintf(s->last_trigger, sizeof s->last_trigger, "%s", trigger);
    snprintf(s->last_result, sizeof s->last_result, "ok");
    s->last_writes = writes;
    s->pending = pending;
    save(s);
}

void fw_service_status_error(fw_service_status *s, const char *error)
{
    now(s->last_time);
    snprintf(s->last_result, sizeof s->last_result, "error");
    free(s->last_error);
    s->last_error = fw_xstrdup(error);
    save(s);
}

void fw_service_status_free(fw_service_status *s)
{
    free(s->last_error);
    free(s->last_pending_text);
    memset(s, 0, sizeof *s);
}
