#include "fw_json.h"

void fw_json_init(fw_json *j, FILE *out)
{
    *j = (fw_json){.out = out};
}

void fw_json_init_compact(fw_json *j, FILE *out)
{
    *j = (fw_json){.out = out, .compact = true};
}

static void indent(fw_json *j)
{
    if (j->compact)
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Separator and indentation before a value or a key. */
static void before_item(fw_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    if (j->has_items[j->depth])
        fputc(',', j->out);
    j->has_items[j->depth] = true;
    indent(j);
}

static void open(fw_json *j, char c)
{
    before_item(j);
    fputc(c, j->out);
    if (j->depth + 1 < FW_JSON_MAX_DEPTH)
        j->depth++;
    j->has_items[j->depth] = false;
}

static void close(fw_json *j, char c)
{
    bool had = j->has_items[j->depth];
    j->depth--;
    if (had)
        indent(j);
    fputc(c, j->out);
}

void fw_json_object_begin(fw_json *j) { open(j, '{'); }
void fw_json_object_end(fw_json *j) { close(j, '}'); }
void fw_json_array_begin(fw_json *j) { open(j, '['); }
void fw_json_array_end(fw_json *j) { close(j, ']'); }

static void write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void fw_json_key(fw_json *j, const char *key)
{
    before_item(j);
    write_escaped(j->out, key);
    fputs(": ", j->out);
    j->after_key = true;
}

void fw_json_string(fw_json *j, const char *s)
{
    if (!s) {
        fw_json_null(j);
        return;
    }
    before_item(j);
    write_escaped(j->out, s);
}

void fw_json_uint(fw_json *j, unsigned long long v)
{
    before_item(j);
    fprintf(j->out, "%llu", v);
}

void fw_json_bool(fw_json *j, bool v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->out);
}

void fw_json_null(fw_json *j)
{
    before_item(j);
    fputs("null", j->out);
}

static unsigned long documents_finished;

void fw_json_finish(fw_json *j)
{
    fputc('\n', j->out);
    documents_finished++;
}

void fw_json_note_document(void)
{
    documents_finished++;
}

unsigned long fw_json_documents_finished(void)
{
    return documents_finished;
}

void fw_json_member_string(fw_json *j, const char *key, const char *value)
{
    fw_json_key(j, key);
    fw_json_string(j, value);
}
