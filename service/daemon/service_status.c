#include <winsock2.h> /* before windows.h */
#include "service_status.h"

#include "data_folder.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_json_read.h"
#include "fw_win32_text.h"

#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The loop and the drop watch update the record from two threads. */
static SRWLOCK record_lock = SRWLOCK_INIT;

static void now(char out[32])
{
    SYSTEMTIME t;
    GetSystemTime(&t);
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
}

/* The record's members, written by save() and read back by
 * fw_service_status_read(); docs/service.md and
 * docs/schemas/service-status.schema.json describe them. */
static void write_record(fw_json *j, const fw_service_status *s)
{
    fw_json_object_begin(j);
    fw_json_member_string(j, "started", s->started);
    fw_json_key(j, "last_reconcile");
    fw_json_object_begin(j);
    fw_json_member_string(j, "time", s->last_time);
    fw_json_member_string(j, "trigger", s->last_trigger);
    fw_json_member_string(j, "result", s->last_result);
    fw_json_key(j, "writes");
    fw_json_uint(j, s->last_writes);
    fw_json_object_end(j);
    fw_json_key(j, "last_write");
    if (s->write_time[0]) {
        fw_json_object_begin(j);
        fw_json_member_string(j, "time", s->write_time);
        fw_json_member_string(j, "trigger", s->write_trigger);
        fw_json_key(j, "writes");
        fw_json_uint(j, s->write_count);
        fw_json_object_end(j);
    } else {
        fw_json_null(j);
    }
    fw_json_key(j, "writes_since_start");
    fw_json_uint(j, s->writes_since_start);
    fw_json_key(j, "drift_repairs");
    fw_json_uint(j, s->drift_repairs);
    fw_json_key(j, "pending");
    fw_json_uint(j, s->pending);
    fw_json_key(j, "last_error");
    fw_json_string(j, s->last_error); /* NULL: null */
    fw_json_key(j, "diagnostics");
    fw_json_array_begin(j);
    for (size_t i = 0; i < s->diagnostic_count; i++)
        fw_json_string(j, s->diagnostics[i]);
    fw_json_array_end(j);
    const fw_status_drops *d = &s->drops;
    fw_json_key(j, "drops");
    fw_json_object_begin(j);
    fw_json_member_string(j, "watch", d->watch);
    fw_json_key(j, "seen");
    fw_json_uint(j, d->seen);
    fw_json_key(j, "reported");
    fw_json_uint(j, d->reported);
    fw_json_key(j, "lost");
    fw_json_uint(j, d->lost);
    fw_json_key(j, "by_rule");
    fw_json_array_begin(j);
    for (size_t i = 0; i < d->rule_count; i++) {
        fw_json_object_begin(j);
        fw_json_member_string(j, "rule", d->rules[i].rule);
        fw_json_key(j, "count");
        fw_json_uint(j, d->rules[i].count);
        fw_json_member_string(j, "last", d->rules[i].last);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_object_end(j);
    fw_json_object_end(j);
}

/* Written new and moved over the old record, only into a folder that
 * passes the data folder's check. The caller holds record_lock. */
static void save(const fw_service_status *s)
{
    char *problem = fw_data_folder_check(true);
    if (problem) {
        free(problem); /* the log says it, once */
        return;
    }
    HANDLE h = fw_data_create("status.json.tmp");
    if (h == INVALID_HANDLE_VALUE)
        return;
    int fd = _open_osfhandle((intptr_t)h, 0);
    FILE *f = fd >= 0 ? _fdopen(fd, "wb") : NULL;
    if (!f) {
        CloseHandle(h);
        return;
    }
    fw_json j;
    fw_json_init(&j, f);
    write_record(&j, s);
    fputc('\n', f);
    fclose(f);
    char *tmp = fw_data_path("status.json.tmp"), *path = fw_data_path("status.json");
    wchar_t *wt = fw_utf8_to_wide(tmp), *wp = fw_utf8_to_wide(path);
    MoveFileExW(wt, wp, MOVEFILE_REPLACE_EXISTING);
    free(wt);
    free(wp);
    free(tmp);
    free(path);
}

void fw_service_status_init(fw_service_status *s)
{
    memset(s, 0, sizeof *s);
    now(s->started);
    snprintf(s->last_result, sizeof s->last_result, "none");
    snprintf(s->drops.watch, sizeof s->drops.watch, "off");
    AcquireSRWLockExclusive(&record_lock);
    save(s);
    ReleaseSRWLockExclusive(&record_lock);
}

static void clear_error(fw_service_status *s)
{
    free(s->last_error);
    s->last_error = NULL;
    for (size_t i = 0; i < s->diagnostic_count; i++)
        free(s->diagnostics[i]);
    free(s->diagnostics);
    s->diagnostics = NULL;
    s->diagnostic_count = 0;
}

void fw_service_status_reconciled(fw_service_status *s, const char *trigger, size_t writes, size_t pending)
{
    AcquireSRWLockExclusive(&record_lock);
    now(s->last_time);
    snprintf(s->last_trigger, sizeof s->last_trigger, "%s", trigger);
    snprintf(s->last_result, sizeof s->last_result, "ok");
    s->last_writes = writes;
    if (writes) {
        snprintf(s->write_time, sizeof s->write_time, "%s", s->last_time);
        snprintf(s->write_trigger, sizeof s->write_trigger, "%s", trigger);
        s->write_count = writes;
        s->writes_since_start += writes;
    }
    s->pending = pending;
    clear_error(s);
    save(s);
    ReleaseSRWLockExclusive(&record_lock);
}

void fw_service_status_error(fw_service_status *s, const char *trigger, const char *error,
                             const char *const *diagnostics, size_t diagnostic_count)
{
    AcquireSRWLockExclusive(&record_lock);
    now(s->last_time);
    snprintf(s->last_trigger, sizeof s->last_trigger, "%s", trigger);
    snprintf(s->last_result, sizeof s->last_result, "error");
    s->last_writes = 0;
    clear_error(s);
    s->last_error = fw_xstrdup(error);
    if (diagnostic_count > FW_STATUS_MAX_DIAGNOSTICS)
        diagnostic_count = FW_STATUS_MAX_DIAGNOSTICS;
    s->diagnostics = fw_xcalloc(diagnostic_count ? diagnostic_count : 1, sizeof *s->diagnostics);
    for (size_t i = 0; i < diagnostic_count; i++)
        s->diagnostics[i] = fw_xstrdup(diagnostics[i]);
    s->diagnostic_count = diagnostic_count;
    save(s);
    ReleaseSRWLockExclusive(&record_lock);
}

void fw_service_status_drift_repaired(fw_service_status *s)
{
    AcquireSRWLockExclusive(&record_lock);
    s->drift_repairs++;
    ReleaseSRWLockExclusive(&record_lock); /* saved with the reconcile that repaired */
}

void fw_service_status_drops(fw_service_status *s, const char *watch)
{
    AcquireSRWLockExclusive(&record_lock);
    if (strcmp(s->drops.watch, watch) != 0) {
        snprintf(s->drops.watch, sizeof s->drops.watch, "%s", watch);
        save(s);
    }
    ReleaseSRWLockExclusive(&record_lock);
}

/* The rule's count, the newest first: beyond FW_STATUS_MAX_DROP_RULES the
 * rule seen longest ago goes. */
void fw_service_status_drop_seen(fw_service_status *s, const char *rule, bool reported, size_t lost)
{
    AcquireSRWLockExclusive(&record_lock);
    fw_status_drops *d = &s->drops;
    d->seen++;
    d->reported += reported;
    d->lost = lost;
    fw_status_drop_rule r = {.count = 0};
    size_t i = 0;
    while (i < d->rule_count && strcmp(d->rules[i].rule, rule) != 0)
        i++;
    if (i < d->rule_count) {
        r = d->rules[i];
    } else {
        snprintf(r.rule, sizeof r.rule, "%s", rule);
        if (d->rule_count < FW_STATUS_MAX_DROP_RULES)
            d->rule_count++;
        i = d->rule_count - 1; /* a new slot, or the oldest rule's */
    }
    memmove(&d->rules[1], &d->rules[0], i * sizeof d->rules[0]);
    r.count++;
    now(r.last);
    d->rules[0] = r;
    ReleaseSRWLockExclusive(&record_lock);
}

void fw_service_status_save(fw_service_status *s)
{
    AcquireSRWLockExclusive(&record_lock);
    save(s);
    ReleaseSRWLockExclusive(&record_lock);
}

void fw_service_status_free(fw_service_status *s)
{
    clear_error(s);
    free(s->last_pending_text);
    free(s->last_refused_text);
    free(s->last_widened_text);
    memset(s, 0, sizeof *s);
}

/* ---- reading it back: validated, never shown raw ---- */

static bool text_member(const fw_jv *o, const char *key, char *out, size_t size, bool nullable)
{
    const fw_jv *m = fw_jv_get(o, key);
    if (m && m->type == FW_JV_NULL && nullable) {
        out[0] = 0;
        return true;
    }
    if (!m || m->type != FW_JV_STRING || strlen(m->string) >= size)
        return false;
    snprintf(out, size, "%s", m->string);
    return true;
}

static bool count_member(const fw_jv *o, const char *key, size_t *out)
{
    const fw_jv *m = fw_jv_get(o, key);
    if (!m || m->type != FW_JV_NUMBER || !m->integer)
        return false;
    *out = (size_t)m->u;
    return true;
}

static bool has_exactly(const fw_jv *o, const char *const *members, size_t count)
{
    if (!o || o->type != FW_JV_OBJECT || o->count != count)
        return false;
    for (size_t i = 0; i < count; i++)
        if (!fw_jv_get(o, members[i]))
            return false;
    return true;
}

static bool diagnostics_member(const fw_jv *v, fw_service_status *s)
{
    const fw_jv *a = fw_jv_get(v, "diagnostics");
    if (!a || a->type != FW_JV_ARRAY || a->count > FW_STATUS_MAX_DIAGNOSTICS)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (a->items[i].type != FW_JV_STRING || strlen(a->items[i].string) > 2048)
            return false;
    s->diagnostics = fw_xcalloc(a->count ? a->count : 1, sizeof *s->diagnostics);
    for (size_t i = 0; i < a->count; i++)
        s->diagnostics[s->diagnostic_count++] = fw_xstrdup(a->items[i].string);
    return true;
}

static bool drops_member(const fw_jv *o, fw_status_drops *d)
{
    static const char *const members[] = {"watch", "seen", "reported", "lost", "by_rule"};
    static const char *const rule_members[] = {"rule", "count", "last"};
    if (!has_exactly(o, members, sizeof members / sizeof members[0]) ||
        !text_member(o, "watch", d->watch, sizeof d->watch, false) || !count_member(o, "seen", &d->seen) ||
        !count_member(o, "reported", &d->reported) || !count_member(o, "lost", &d->lost))
        return false;
    if (strcmp(d->watch, "on") && strcmp(d->watch, "off") && strcmp(d->watch, "not collected") &&
        strcmp(d->watch, "unavailable"))
        return false;
    const fw_jv *a = fw_jv_get(o, "by_rule");
    if (a->type != FW_JV_ARRAY || a->count > FW_STATUS_MAX_DROP_RULES)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        fw_status_drop_rule *r = &d->rules[i];
        if (!has_exactly(&a->items[i], rule_members, 3) ||
            !text_member(&a->items[i], "rule", r->rule, sizeof r->rule, false) ||
            !count_member(&a->items[i], "count", &r->count) ||
            !text_member(&a->items[i], "last", r->last, sizeof r->last, false))
            return false;
    }
    d->rule_count = a->count;
    return true;
}

/* The shape write_record gives it, and nothing else. */
static bool from_json(const fw_jv *v, fw_service_status *s)
{
    static const char *const members[] = {"started", "last_reconcile", "last_write", "writes_since_start",
                                          "drift_repairs", "pending", "last_error", "diagnostics", "drops"};
    static const char *const last_members[] = {"time", "trigger", "result", "writes"};
    static const char *const write_members[] = {"time", "trigger", "writes"};
    /* A record of a service from before the drop watch has no drops: it
     * is read (and says so) rather than refused, until the new service
     * writes its own. */
    size_t member_count = sizeof members / sizeof members[0];
    bool has_drops = fw_jv_get(v, "drops") != NULL;
    if (!has_exactly(v, members, has_drops ? member_count : member_count - 1))
        return false;
    const fw_jv *last = fw_jv_get(v, "last_reconcile");
    if (!has_exactly(last, last_members, sizeof last_members / sizeof last_members[0]))
        return false;
    const fw_jv *write = fw_jv_get(v, "last_write");
    if (write->type != FW_JV_NULL &&
        (!has_exactly(write, write_members, sizeof write_members / sizeof write_members[0]) ||
         !text_member(write, "time", s->write_time, sizeof s->write_time, false) || !s->write_time[0] ||
         !text_member(write, "trigger", s->write_trigger, sizeof s->write_trigger, false) ||
         !count_member(write, "writes", &s->write_count)))
        return false;
    char error[1024];
    const fw_jv *e = fw_jv_get(v, "last_error");
    if (!text_member(v, "started", s->started, sizeof s->started, false) ||
        !text_member(last, "time", s->last_time, sizeof s->last_time, false) ||
        !text_member(last, "trigger", s->last_trigger, sizeof s->last_trigger, false) ||
        !text_member(last, "result", s->last_result, sizeof s->last_result, false) ||
        !count_member(last, "writes", &s->last_writes) ||
        !count_member(v, "writes_since_start", &s->writes_since_start) ||
        !count_member(v, "drift_repairs", &s->drift_repairs) || !count_member(v, "pending", &s->pending) ||
        !text_member(v, "last_error", error, sizeof error, true))
        return false;
    if (strcmp(s->last_result, "ok") && strcmp(s->last_result, "error") && strcmp(s->last_result, "none"))
        return false;
    if (!diagnostics_member(v, s) || (has_drops && !drops_member(fw_jv_get(v, "drops"), &s->drops)))
        return false;
    if (!has_drops)
        snprintf(s->drops.watch, sizeof s->drops.watch, "not recorded");
    s->last_error = e->type == FW_JV_STRING ? fw_xstrdup(error) : NULL;
    return true;
}

fw_status_read fw_service_status_read(fw_service_status *s, char **why)
{
    memset(s, 0, sizeof *s);
    *why = NULL;
    size_t size = 0;
    bool missing = false;
    char *error = NULL;
    char *text = fw_data_read("status.json", FW_STATUS_MAX_BYTES, &size, &missing, &error);
    if (!text) {
        if (missing) {
            free(error);
            return FW_STATUS_NONE;
        }
        *why = error;
        return FW_STATUS_UNTRUSTED;
    }
    char parse_error[128];
    fw_jv *v = fw_json_parse(text, size, parse_error, sizeof parse_error);
    fw_status_read r = FW_STATUS_OK;
    if (!v) {
        *why = fw_xasprintf("status.json is not JSON (%s): not what the service writes", parse_error);
        r = FW_STATUS_UNTRUSTED;
    } else if (!from_json(v, s)) {
        *why = fw_xstrdup("status.json does not have the shape the service writes");
        r = FW_STATUS_UNTRUSTED;
        fw_service_status_free(s);
    }
    fw_jv_free(v);
    free(text);
    return r;
}

void fw_service_status_write_json(fw_json *j, const fw_service_status *s)
{
    write_record(j, s);
}
