#include "fw_diag.h"

#include "fw_alloc.h"

#include <stdarg.h>
#include <stdlib.h>

void fw_diag_add(fw_diags *d, fw_severity sev, const char *file, unsigned line,
                 unsigned column, const char *fmt, ...)
{
    if (sev == FW_SEV_ERROR)
        d->errors++;
    if (d->count >= FW_DIAG_MAX) {
        d->dropped++; /* counted, not kept: a hostile input cannot flood the report */
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fw_diag diag = {
        .severity = sev,
        .file = file ? fw_xstrdup(file) : NULL,
        .line = line,
        .column = column,
        .message = fw_xvasprintf(fmt, ap),
    };
    va_end(ap);
    FW_PUSH(d->items, d->count, d->cap, diag);
}

char *fw_diag_format(const fw_diag *diag)
{
    const char *sev = diag->severity == FW_SEV_ERROR ? "error" : "warning";
    if (!diag->file)
        return fw_xasprintf("fwsvc: %s: %s", sev, diag->message);
    if (diag->line == 0)
        return fw_xasprintf("%s: %s: %s", diag->file, sev, diag->message);
    return fw_xasprintf("%s:%u:%u: %s: %s", diag->file, diag->line, diag->column,
                        sev, diag->message);
}

void fw_diags_print(const fw_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        char *line = fw_diag_format(&d->items[i]);
        fprintf(out, "%s\n", line);
        free(line);
    }
    if (d->dropped)
        fprintf(out, "fwsvc: %zu more problem(s) not shown\n", d->dropped);
}

void fw_diags_free(fw_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    *d = (fw_diags){0};
}
