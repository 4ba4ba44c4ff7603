#include "services_file.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t start, len, term; /* content [start, start + len), then term bytes of line break */
} line;

typedef struct {
    line *items;
    size_t count, cap;
    size_t crlf, lf; /* how the file ends its lines */
} lines;

static void split(const char *data, size_t size, lines *out)
{
    *out = (lines){0};
    size_t start = 0;
    while (start < size) {
        const char *nl = memchr(data + start, '\n', size - start);
        line l = {start, 0, 0};
        if (nl) {
            size_t end = (size_t)(nl - data);
            bool cr = end > start && data[end - 1] == '\r';
            l.len = end - start - cr;
            l.term = 1 + cr;
            cr ? out->crlf++ : out->lf++;
        } else {
            l.len = size - start;
        }
        FW_PUSH(out->items, out->count, out->cap, l);
        start += l.len + l.term;
    }
}

/* Resolvers split entries on any white space; a lone CR (say, a last
 * line ending in CR without LF) is white space too, not part of a word. */
static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool fw_svc_parse_entry(const char *s, size_t len, fw_svc_entry *e)
{
    size_t i = 0;
    while (i < len && blank(s[i]))
        i++;
    if (i == len || s[i] == '#')
        return false;
    e->name_off = i;
    while (i < len && !blank(s[i]) && s[i] != '#')
        i++;
    e->name_len = i - e->name_off;
    if (i == len || !blank(s[i]))
        return false;
    while (i < len && blank(s[i]))
        i++;
    e->port_off = i;
    unsigned long port = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - e->port_off < 5)
        port = port * 10 + (unsigned long)(s[i++] - '0');
    e->port_len = i - e->port_off;
    if (e->port_len == 0 || i == len || s[i] != '/' || port == 0 || port > 65535)
        return false;
    e->proto_off = ++i;
    while (i < len && !blank(s[i]) && s[i] != '#')
        i++;
    e->proto_len = i - e->proto_off;
    e->port = (unsigned)port;
    return e->proto_len > 0;
}

static bool word_ieq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = word[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

static bool entry_is(const char *data, const line *l, const char *name, const char *protocol, fw_svc_entry *e)
{
    const char *s = data + l->start;
    return fw_svc_parse_entry(s, l->len, e) && word_ieq(s + e->name_off, e->name_len, name) &&
           word_ieq(s + e->proto_off, e->proto_len, protocol);
}

static void warn(fw_svc_edit *out, char *message)
{
    FW_PUSH(out->warnings, out->warning_count, out->warning_cap, message);
}

unsigned fw_svc_lookup(const char *data, size_t size, const char *name, const char *protocol)
{
    lines ls;
    split(data, size, &ls);
    unsigned port = 0;
    fw_svc_entry e;
    for (size_t i = 0; i < ls.count && !port; i++)
        if (entry_is(data, &ls.items[i], name, protocol, &e))
            port = e.port;
    free(ls.items);
    return port;
}

void fw_svc_ensure(const char *data, size_t size, const char *name, unsigned port, const char *protocol,
                   const char *comment, fw_svc_edit *out)
{
    *out = (fw_svc_edit){.action = FW_SVC_UNCHANGED};
    lines ls;
    split(data, size, &ls);
    size_t found = (size_t)-1;
    fw_svc_entry e, first = {0};
    for (size_t i = 0; i < ls.count; i++) {
        const char *s = data + ls.items[i].start;
        if (!fw_svc_parse_entry(s, ls.items[i].len, &e))
            continue;
        bool same_name = word_ieq(s + e.name_off, e.name_len, name);
        bool same_proto = word_ieq(s + e.proto_off, e.proto_len, protocol);
        if (same_name && same_proto) {
            if (found == (size_t)-1) {
                found = i;
                first = e;
            } else {
                warn(out, fw_xasprintf("line %zu: another '%s' %u/%s entry; the first one (line %zu) "
                                       "is the one that counts",
                                       i + 1, name, e.port, protocol, found + 1));
            }
        } else if (same_proto && e.port == port) {
            warn(out, fw_xasprintf("line %zu: port %u/%s is also claimed by '%.*s'", i + 1, port, protocol,
                                   (int)e.name_len, s + e.name_off));
        }
    }
    fw_buf b = {0};
    if (found != (size_t)-1) {
        if (first.port == port)
            goto done; /* already right: not one byte changes */
        const line *l = &ls.items[found];
        const char *s = data + l->start;
        out->action = FW_SVC_CHANGED;
        out->old_port = first.port;
        /* Only the port's digits change; the rest of the line stays. */
        char digits[8];
        snprintf(digits, sizeof digits, "%u", port);
        fw_buf_appendn(&b, data, l->start + first.port_off);
        fw_buf_append(&b, digits);
        fw_buf_appendn(&b, s + first.port_off + first.port_len, size - (l->start + first.port_off + first.port_len));
        out->record.original = fw_xstrndup(s, l->len);
        out->record.written = fw_xasprintf("%.*s%s%.*s", (int)first.port_off, s, digits,
                                           (int)(l->len - first.port_off - first.port_len),
                                           s + first.port_off + first.port_len);
    } else {
        out->action = FW_SVC_ADDED;
        const char *eol = ls.crlf > ls.lf ? "\r\n" : "\n";
        out->record.written = comment ? fw_xasprintf("%s    %u/%s        #%s", name, port, protocol, comment)
                                      : fw_xasprintf("%s    %u/%s", name, port, protocol);
        fw_buf_appendn(&b, data, size);
        if (ls.count && ls.items[ls.count - 1].term == 0) {
            fw_buf_append(&b, eol); /* the last line had no line break */
            out->record.added_break = true;
        }
        fw_buf_append(&b, out->record.written);
        fw_buf_append(&b, eol);
    }
    out->record.action = out->action;
    out->size = b.len;
    out->content = fw_buf_take(&b);
done:
    fw_buf_free(&b);
    free(ls.items);
}

fw_svc_restore_status fw_svc_restore(const char *data, size_t size, const char *name, const char *protocol,
                                     const fw_svc_record *record, char **content, size_t *content_size)
{
    lines ls;
    split(data, size, &ls);
    fw_svc_restore_status status = FW_SVC_GONE;
    fw_svc_entry e;
    size_t i = 0;
    while (i < ls.count && !entry_is(data, &ls.items[i], name, protocol, &e))
        i++;
    if (i < ls.count) {
        const line *l = &ls.items[i];
        if (l->len != strlen(record->written) || memcmp(data + l->start, record->written, l->len) != 0) {
            status = FW_SVC_NOT_OURS;
        } else {
            fw_buf b = {0};
            if (record->action == FW_SVC_CHANGED) {
                fw_buf_appendn(&b, data, l->start);
                fw_buf_append(&b, record->original);
                fw_buf_appendn(&b, data + l->start + l->len, size - l->start - l->len);
            } else {
                size_t cut = l->start;
                /* Our line was last and followed a line break fwsvc added:
                 * the same break that ends our line. Measured on our line,
                 * not the one before, which a lone CR may have made look
                 * like CRLF. */
                if (record->added_break && i + 1 == ls.count && i > 0) {
                    size_t before = ls.items[i - 1].term, ours = l->term ? l->term : before;
                    cut -= ours < before ? ours : before;
                }
                fw_buf_appendn(&b, data, cut);
                fw_buf_appendn(&b, data + l->start + l->len + l->term, size - l->start - l->len - l->term);
            }
            *content_size = b.len;
            *content = fw_buf_take(&b);
            status = FW_SVC_RESTORED;
        }
    }
    free(ls.items);
    return status;
}

void fw_svc_record_free(fw_svc_record *r)
{
    free(r->original);
    free(r->written);
    *r = (fw_svc_record){0};
}

void fw_svc_edit_free(fw_svc_edit *e)
{
    free(e->content);
    fw_svc_record_free(&e->record);
    for (size_t i = 0; i < e->warning_count; i++)
        free(e->warnings[i]);
    free(e->warnings);
    *e = (fw_svc_edit){0};
}
