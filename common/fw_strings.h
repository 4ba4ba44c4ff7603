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

/* A growable string buffer. */
typedef struct {
    char *data;
    size_t len, cap;
} fw_buf;

void fw_buf_append(fw_buf *b, const char *s);
void fw_buf_appendn(fw_buf *b, const char *s, size_t n);
void fw_buf_printf(fw_buf *b, const char *fmt, ...)
    FW_PRINTF(2, 3);
/* Returns the string (never NULL) and leaves the buffer empty. */
char *fw_buf_take(fw_buf *b);
void fw_buf_free(fw_buf *b);

#endif
