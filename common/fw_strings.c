#include "fw_strings.h"

#include <ctype.h>

#include "fw_alloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

bool fw_str_ieq(const char *a, const char *b)
{
    while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

bool fw_str_ends_with_i(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && fw_str_ieq(s + n - m, suffix);
}

bool fw_strn_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

bool fw_str_contains_i(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; p && *p; p++)
        if (fw_strn_ieq(p, word, n))
            return true;
    return false;
}

static void reserve(fw_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = fw_xrealloc(b->data, cap);
    b->cap = cap;
}

void fw_buf_appendn(fw_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void fw_buf_append(fw_buf *b, const char *s)
{
    fw_buf_appendn(b, s, strlen(s));
}

void fw_buf_printf(fw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = fw_xvasprintf(fmt, ap);
    va_end(ap);
    fw_buf_append(b, s);
    free(s);
}

char *fw_buf_take(fw_buf *b)
{
    char *s = b->data ? b->data : fw_xstrdup("");
    *b = (fw_buf){0};
    return s;
}

void fw_buf_free(fw_buf *b)
{
    free(b->data);
    *b = (fw_buf){0};
}

/* Levenshtein distance, case-insensitive; long words are not compared. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t above = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diagonal + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[m];
}

const char *fw_closest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_distance = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_distance)
            best = candidates[i], best_distance = d;
    }
    size_t allowed = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2; /* a typo, not another word */
    return best_distance <= allowed ? best : NULL;
}

size_t fw_split_list(const char *text, const char *separators, char ***out)
{
    char **items = NULL;
    size_t count = 0, cap = 0;
    const char *p = text ? text : "";
    while (*p) {
        size_t n = strcspn(p, separators);
        size_t start = 0, end = n;
        while (start < end && isspace((unsigned char)p[start]))
            start++;
        while (end > start && isspace((unsigned char)p[end - 1]))
            end--;
        if (end > start) {
            char *item = fw_xcalloc(end - start + 1, 1);
            memcpy(item, p + start, end - start);
            FW_PUSH(items, count, cap, item);
        }
        p += n;
        if (*p)
            p++;
    }
    *out = items;
    return count;
}

void fw_split_list_free(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

int fw_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void fw_buf_append_utf8(fw_buf *b, unsigned cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6), s[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12), s[1] = (char)(0x80 | (cp >> 6 & 0x3F)), s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | cp >> 18), s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        s[2] = (char)(0x80 | (cp >> 6 & 0x3F)), s[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    fw_buf_appendn(b, s, n);
}
