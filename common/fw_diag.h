/* Diagnostics: every problem found in a catalog or on the command line,
 * collected so that all of them are reported, not just the first. A catalog
 * diagnostic carries file:line:column; a command-line one has no file. */
#ifndef FW_DIAG_H
#define FW_DIAG_H

#include "fw_compiler.h"

#include <stdio.h>
#include <stddef.h>

typedef enum { FW_SEV_ERROR, FW_SEV_WARNING } fw_severity;

typedef struct {
    fw_severity severity;
    char *file;       /* NULL for diagnostics that are not about a file */
    unsigned line;    /* 1-based; 0 when unknown */
    unsigned column;  /* 1-based; 0 when unknown */
    char *message;
} fw_diag;

/* Kept diagnostics; more are counted in dropped (errors counts all). */
#define FW_DIAG_MAX 200

typedef struct {
    fw_diag *items;
    size_t count, cap;
    size_t errors;
    size_t dropped;
} fw_diags;

void fw_diag_add(fw_diags *d, fw_severity sev, const char *file, unsigned line,
                 unsigned column, const char *fmt, ...)
    FW_PRINTF(6, 7);

/* "file:line:col: error: message", or "fwsvc: error: message" without file. */
char *fw_diag_format(const fw_diag *diag);
void fw_diags_print(const fw_diags *d, FILE *out);
void fw_diags_free(fw_diags *d);

#endif
