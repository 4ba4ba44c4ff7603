/* Allocation helpers: fwsvc is a short-lived CLI or a service whose state is
 * small, so running out of memory is treated as fatal rather than threaded
 * through every caller. */
#ifndef FW_ALLOC_H
#define FW_ALLOC_H

#include "fw_compiler.h"

#include <stdarg.h>
#include <stddef.h>

void *fw_xmalloc(size_t size);
void *fw_xcalloc(size_t count, size_t size);
void *fw_xrealloc(void *ptr, size_t size);
char *fw_xstrdup(const char *s);
char *fw_xstrndup(const char *s, size_t n);
char *fw_xasprintf(const char *fmt, ...)
    FW_PRINTF(1, 2);
char *fw_xvasprintf(const char *fmt, va_list ap);

/* Appends one element to a growable array (arr, n, cap). */
#define FW_PUSH(arr, n, cap, value)                                          \
    do {                                                                     \
        if ((n) == (cap)) {                                                  \
            (cap) = (cap) ? (cap) * 2 : 8;                                   \
            (arr) = fw_xrealloc((arr), (cap) * sizeof *(arr));               \
        }                                                                    \
        (arr)[(n)++] = (value);                                              \
    } while (0)

#endif
