/* Small string helpers used across the portable core. */
#ifndef FW_STRINGS_H
#define FW_STRINGS_H

#include "fw_compiler.h"

#include <stdbool.h>
#include <stddef.h>

/* ASCII case-insensitive equality: profile names and Windows paths. */
bool fw_str_ieq(const char *a, const char *b);
/* The candidate closest to word by edit distance (case-insensitive), if it
 * is close enough to be a likely typo; NULL otherwise. For "did you mean". */
const char *fw_closest(const char *word, const char *const *candidates, size_t count);
bool fw_str_ends_with_i(const char *s, const char *suffix);
/* The same for the first n characters (a shorter string differs). */
bool fw_strn_ieq(const char *a, const char *b, size_t n);
/* Whether text (NULL: no) holds word, case aside. */
bool fw_str_contains_i(const char *text, const char *word);

/* Splits text at any of the separators into trimmed, non-empty items
 * ("dpm; veeam-agent," gives two): the form an installer's property takes
 * (msiexec PROFILES=..., SETTINGS=...). Returns the count; *out is NULL for
 * none. Free with fw_split_list_free. */
size_t fw_split_list(const char *text, const char *separators, char ***out);
void fw_split_list_free(char **items, size_t count);

/* The value of a hexadecimal digit, or -1. */
int fw_hex_digit(char c);

/* A growable string buffer. */
typedef struct {
    char *data;
    size_t len, cap;
} fw_buf;

void fw_buf_append(fw_buf *b, const char *s);
void fw_buf_appendn(fw_buf *b, const char *s, size_t n);
void fw_buf_printf(fw_buf *b, const char *fmt, ...)
    FW_PRINTF(2, 3);
/* Appends a Unicode code point (at most U+10FFFF, not a surrogate) as UTF-8. */
void fw_buf_append_utf8(fw_buf *b, unsigned code_point);
/* Returns the string (never NULL) and leaves the buffer empty. */
char *fw_buf_take(fw_buf *b);
void fw_buf_free(fw_buf *b);

#endif
