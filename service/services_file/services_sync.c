#include "services_sync.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

static void note(fw_svc_sync *s, fw_svc_note_kind kind, char *text)
{
    fw_svc_note n = {kind, text};
    FW_PUSH(s->notes, s->note_count, s->note_cap, n);
}

static char *dup_or_null(const char *s)
{
    return s ? fw_xstrdup(s) : NULL;
}

static void record_copy(fw_svc_record *to, const fw_svc_record *from)
{
    to->action = from->action;
    to->original = dup_or_null(from->original);
    to->written = dup_or_null(from->written);
    to->added_break = from->added_break;
}

static fw_svc_owned *find(const fw_svc_records *r, const char *name, const char *protocol)
{
    for (size_t i = 0; i < r->count; i++)
        if (fw_str_ieq(r->items[i].name, name) && fw_str_ieq(r->items[i].protocol, protocol))
            return &r->items[i];
    return NULL;
}

void fw_svc_records_put(fw_svc_records *r, const char *name, const char *protocol, const fw_svc_record *record)
{
    fw_svc_owned *o = find(r, name, protocol);
    if (o) {
        fw_svc_record_free(&o->record);
    } else {
        fw_svc_owned fresh = {fw_xstrdup(name), fw_xstrdup(protocol), {0}};
        FW_PUSH(r->items, r->count, r->cap, fresh);
        o = &r->items[r->count - 1];
    }
    record_copy(&o->record, record);
}

static void records_drop_at(fw_svc_records *r, size_t i)
{
    fw_svc_owned *o = &r->items[i];
    free(o->name);
    free(o->protocol);
    fw_svc_record_free(&o->record);
    memmove(o, o + 1, (r->count - i - 1) * sizeof *o);
    r->count--;
}

static void records_copy(fw_svc_records *to, const fw_svc_records *from)
{
    *to = (fw_svc_records){0};
    for (size_t i = 0; i < from->count; i++)
        fw_svc_records_put(to, from->items[i].name, from->items[i].protocol, &from->items[i].record);
}

void fw_svc_records_free(fw_svc_records *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free(r->items[i].name);
        free(r->items[i].protocol);
        fw_svc_record_free(&r->items[i].record);
    }
    free(r->items);
    *r = (fw_svc_records){0};
}

static bool wanted(const fw_svc_want *want, size_t count, const char *name, const char *protocol)
{
    for (size_t i = 0; i < count; i++)
        if (fw_str_ieq(want[i].name, name) && fw_str_ieq(want[i].protocol, protocol))
            return true;
    return false;
}

/* Replaces the working copy with a new version. */
static void take(char **data, size_t *size, char *content, size_t content_size)
{
    free(*data);
    *data = content;
    *size = content_size;
}

static void ensure_one(fw_svc_sync *s, char **data, size_t *size, const fw_svc_want *w)
{
    fw_svc_edit e;
    fw_svc_ensure(*data, *size, w->name, w->port, w->protocol, w->comment, &e);
    for (size_t k = 0; k < e.warning_count; k++) {
        note(s, FW_SVC_NOTE_WARNING, e.warnings[k]);
        e.warnings[k] = NULL;
    }
    if (e.action != FW_SVC_UNCHANGED) {
        s->drift++;
        note(s, FW_SVC_NOTE_CHANGE,
             e.action == FW_SVC_ADDED
                 ? fw_xasprintf("add the line '%s'", e.record.written)
                 : fw_xasprintf("change %s/%s from port %u to %u: '%s'", w->name, w->protocol, e.old_port, w->port,
                                e.record.written));
        /* The first record keeps what the line was before fwsvc ever
         * touched it; later edits only update what fwsvc wrote. */
        fw_svc_owned *o = find(&s->records, w->name, w->protocol);
        if (o) {
            free(o->record.written);
            o->record.written = fw_xstrdup(e.record.written);
        } else {
            fw_svc_records_put(&s->records, w->name, w->protocol, &e.record);
        }
        take(data, size, e.content, e.size);
        e.content = NULL;
    }
    fw_svc_edit_free(&e);
}

static void restore_one(fw_svc_sync *s, char **data, size_t *size, const fw_svc_owned *o)
{
    char *content = NULL;
    size_t content_size = 0;
    switch (fw_svc_restore(*data, *size, o->name, o->protocol, &o->record, &content, &content_size)) {
    case FW_SVC_RESTORED:
        note(s, FW_SVC_NOTE_CHANGE,
             o->record.action == FW_SVC_ADDED
                 ? fw_xasprintf("delete the line '%s' that fwsvc added", o->record.written)
                 : fw_xasprintf("restore the line as it was before fwsvc changed it: '%s'", o->record.original));
        take(data, size, content, content_size);
        break;
    case FW_SVC_NOT_OURS:
        note(s, FW_SVC_NOTE_WARNING,
             fw_xasprintf("the %s/%s line is no longer the one fwsvc wrote ('%s'): someone changed it since, "
                          "so it is left as it is",
                          o->name, o->protocol, o->record.written));
        break;
    case FW_SVC_GONE:
        note(s, FW_SVC_NOTE_WARNING,
             fw_xasprintf("there is no %s/%s line any more: nothing to restore", o->name, o->protocol));
        break;
    }
}

void fw_svc_sync_run(const char *data, size_t size, const fw_svc_want *want, size_t want_count,
                     const fw_svc_records *owned, fw_svc_sync *out)
{
    *out = (fw_svc_sync){0};
    records_copy(&out->records, owned);
    char *work = fw_xmalloc(size + 1); /* bytes, NULs included */
    if (size)
        memcpy(work, data, size);
    work[size] = '\0';
    size_t work_size = size;
    for (size_t i = 0; i < want_count; i++)
        ensure_one(out, &work, &work_size, &want[i]);
    /* Records of entries no profile wants any more are undone, then
     * forgotten: after a restore, or a line someone else now owns, fwsvc
     * has nothing left to undo. */
    for (size_t i = 0; i < out->records.count;) {
        const fw_svc_owned *o = &out->records.items[i];
        if (wanted(want, want_count, o->name, o->protocol)) {
            i++;
            continue;
        }
        restore_one(out, &work, &work_size, o);
        records_drop_at(&out->records, i);
    }
    if (work_size != size || memcmp(work, data, size) != 0) {
        out->content = work;
        out->size = work_size;
    } else {
        free(work);
    }
}

void fw_svc_sync_free(fw_svc_sync *s)
{
    free(s->content);
    fw_svc_records_free(&s->records);
    for (size_t i = 0; i < s->note_count; i++)
        free(s->notes[i].text);
    free(s->notes);
    *s = (fw_svc_sync){0};
}
