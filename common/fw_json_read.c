#include "fw_json_read.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text;
    size_t length, at;
    char *error;
    size_t error_size;
    bool failed;
} reader;

static bool fail(reader *r, const char *what)
{
    if (!r->failed)
        snprintf(r->error, r->error_size, "%s at byte %zu", what, r->at);
    r->failed = true;
    return false;
}

static void skip_space(reader *r)
{
    while (r->at < r->length &&
           (r->text[r->at] == ' ' || r->text[r->at] == '\t' || r->text[r->at] == '\n' || r->text[r->at] == '\r'))
        r->at++;
}

static bool literal(reader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->length - r->at < n || memcmp(r->text + r->at, word, n) != 0)
        return fail(r, "unexpected text");
    r->at += n;
    return true;
}

static bool read_hex4(reader *r, unsigned *out)
{
    if (r->length - r->at < 4)
        return fail(r, "a \\u escape needs four hex digits");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = fw_hex_digit(r->text[r->at + (size_t)i]);
        if (d < 0)
            return fail(r, "a \\u escape needs four hex digits");
        v = v << 4 | (unsigned)d;
    }
    r->at += 4;
    *out = v;
    return true;
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
    unsigned c = p[0];
    size_t n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static char *read_string(reader *r)
{
    fw_buf b = {0};
    r->at++; /* the opening quote */
    for (;;) {
        if (r->at >= r->length) {
            fail(r, "unterminated string");
            break;
        }
        unsigned char c = (unsigned char)r->text[r->at];
        if (c == '"') {
            r->at++;
            return fw_buf_take(&b);
        }
        if (c < 0x20) {
            fail(r, "a control character in a string");
            break;
        }
        if (c != '\\') {
            size_t n = utf8_sequence((const unsigned char *)r->text + r->at, r->length - r->at);
            if (!n) {
                fail(r, "a string that is not UTF-8");
                break;
            }
            fw_buf_appendn(&b, r->text + r->at, n);
            r->at += n;
            continue;
        }
        r->at++;
        if (r->at >= r->length) {
            fail(r, "unterminated string");
            break;
        }
        char e = r->text[r->at++];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            char ch = out[simple - "\"\\/bfnrt"];
            fw_buf_appendn(&b, &ch, 1);
            continue;
        }
        if (e != 'u') {
            fail(r, "an unknown escape in a string");
            break;
        }
        unsigned cp, low;
        if (!read_hex4(r, &cp))
            break;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (r->length - r->at < 2 || r->text[r->at] != '\\' || r->text[r->at + 1] != 'u') {
                fail(r, "a lone surrogate in a string");
                break;
            }
            r->at += 2;
            if (!read_hex4(r, &low))
                break;
            if (low < 0xDC00 || low > 0xDFFF) {
                fail(r, "a lone surrogate in a string");
                break;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(r, "a lone surrogate in a string");
            break;
        } else if (cp == 0) {
            fail(r, "a NUL character in a string");
            break;
        }
        fw_buf_append_utf8(&b, cp);
    }
    fw_buf_free(&b);
    return NULL;
}

static bool read_number(reader *r, fw_jv *v)
{
    size_t start = r->at;
    const char *t = r->text;
    bool plain = true;
    if (r->at < r->length && t[r->at] == '-')
        r->at++;
    if (r->at < r->length && t[r->at] == '0') {
        r->at++;
    } else if (r->at < r->length && t[r->at] >= '1' && t[r->at] <= '9') {
        while (r->at < r->length && t[r->at] >= '0' && t[r->at] <= '9')
            r->at++;
    } else {
        return fail(r, "a malformed number");
    }
    if (r->at < r->length && t[r->at] == '.') {
        plain = false;
        r->at++;
        if (r->at >= r->length || t[r->at] < '0' || t[r->at] > '9')
            return fail(r, "a malformed number");
        while (r->at < r->length && t[r->at] >= '0' && t[r->at] <= '9')
            r->at++;
    }
    if (r->at < r->length && (t[r->at] == 'e' || t[r->at] == 'E')) {
        plain = false;
        r->at++;
        if (r->at < r->length && (t[r->at] == '+' || t[r->at] == '-'))
            r->at++;
        if (r->at >= r->length || t[r->at] < '0' || t[r->at] > '9')
            return fail(r, "a malformed number");
        while (r->at < r->length && t[r->at] >= '0' && t[r->at] <= '9')
            r->at++;
    }
    char *copy = fw_xstrndup(t + start, r->at - start);
    v->type = FW_JV_NUMBER;
    v->number = strtod(copy, NULL);
    /* u holds a non-negative integer that fits 64 bits exactly. */
    errno = 0;
    v->integer = plain && copy[0] != '-';
    if (v->integer)
        v->u = strtoull(copy, NULL, 10);
    v->integer = v->integer && errno != ERANGE;
    free(copy);
    return true;
}

static bool read_value(reader *r, fw_jv *v, int depth);
static void free_members(fw_jv *v);

static bool read_array(reader *r, fw_jv *v, int depth)
{
    size_t cap = 0;
    v->type = FW_JV_ARRAY;
    r->at++;
    skip_space(r);
    if (r->at < r->length && r->text[r->at] == ']') {
        r->at++;
        return true;
    }
    for (;;) {
        fw_jv item = {0};
        if (!read_value(r, &item, depth + 1)) {
            free_members(&item);
            return false;
        }
        FW_PUSH(v->items, v->count, cap, item);
        skip_space(r);
        if (r->at < r->length && r->text[r->at] == ',') {
            r->at++;
            continue;
        }
        if (r->at < r->length && r->text[r->at] == ']') {
            r->at++;
            return true;
        }
        return fail(r, "expected ',' or ']' in an array");
    }
}

static bool read_object(reader *r, fw_jv *v, int depth)
{
    size_t cap = 0, key_cap = 0, key_count = 0;
    v->type = FW_JV_OBJECT;
    r->at++;
    skip_space(r);
    if (r->at < r->length && r->text[r->at] == '}') {
        r->at++;
        return true;
    }
    for (;;) {
        skip_space(r);
        if (r->at >= r->length || r->text[r->at] != '"')
            return fail(r, "expected a string key in an object");
        char *key = read_string(r);
        if (!key)
            return false;
        bool ok = true;
        for (size_t i = 0; i < key_count && ok; i++)
            ok = strcmp(v->keys[i], key) != 0 || fail(r, "a duplicate key in an object");
        skip_space(r);
        if (ok && (r->at >= r->length || r->text[r->at] != ':'))
            ok = fail(r, "expected ':' after a key");
        fw_jv item = {0};
        if (ok) {
            r->at++;
            ok = read_value(r, &item, depth + 1);
        }
        if (!ok) {
            free(key);
            free_members(&item);
            return false;
        }
        /* Keys and values are pushed together: count is both's length. */
        FW_PUSH(v->keys, key_count, key_cap, key);
        FW_PUSH(v->items, v->count, cap, item);
        skip_space(r);
        if (r->at < r->length && r->text[r->at] == ',') {
            r->at++;
            continue;
        }
        if (r->at < r->length && r->text[r->at] == '}') {
            r->at++;
            return true;
        }
        return fail(r, "expected ',' or '}' in an object");
    }
}

static bool read_value(reader *r, fw_jv *v, int depth)
{
    if (depth > FW_JSON_READ_MAX_DEPTH)
        return fail(r, "nesting deeper than allowed");
    skip_space(r);
    if (r->at >= r->length)
        return fail(r, "expected a value");
    switch (r->text[r->at]) {
    case '{':
        return read_object(r, v, depth);
    case '[':
        return read_array(r, v, depth);
    case '"':
        v->type = FW_JV_STRING;
        return (v->string = read_string(r)) != NULL;
    case 't':
        v->type = FW_JV_BOOL, v->boolean = true;
        return literal(r, "true");
    case 'f':
        v->type = FW_JV_BOOL;
        return literal(r, "false");
    case 'n':
        v->type = FW_JV_NULL;
        return literal(r, "null");
    default:
        return read_number(r, v);
    }
}

fw_jv *fw_json_parse(const char *text, size_t length, char *error, size_t error_size)
{
    reader r = {text, length, 0, error, error_size, false};
    fw_jv *v = fw_xcalloc(1, sizeof *v);
    if (error_size)
        error[0] = 0;
    if (read_value(&r, v, 0)) {
        skip_space(&r);
        if (r.at == r.length)
            return v;
        fail(&r, "text after the JSON value");
    }
    fw_jv_free(v);
    return NULL;
}

static void free_members(fw_jv *v)
{
    for (size_t i = 0; i < v->count; i++) {
        free_members(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof *v);
}

void fw_jv_free(fw_jv *v)
{
    if (!v)
        return;
    free_members(v);
    free(v);
}

const fw_jv *fw_jv_get(const fw_jv *v, const char *key)
{
    if (!v || v->type != FW_JV_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *fw_jv_string(const fw_jv *v, const char *key)
{
    const fw_jv *m = fw_jv_get(v, key);
    return m && m->type == FW_JV_STRING ? m->string : NULL;
}

const char *fw_jv_type_name(fw_jv_type t)
{
    switch (t) {
    case FW_JV_NULL:
        return "null";
    case FW_JV_BOOL:
        return "a boolean";
    case FW_JV_NUMBER:
        return "a number";
    case FW_JV_STRING:
        return "a string";
    case FW_JV_ARRAY:
        return "an array";
    case FW_JV_OBJECT:
        return "an object";
    }
    return "?";
}
