#include "fw_table.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

void fw_table_init(fw_table *t, size_t columns, const char *const *header)
{
    *t = (fw_table){.columns = columns};
    fw_table_add(t, header);
}

void fw_table_add(fw_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = fw_xrealloc(t->cells, t->cap * t->columns * sizeof *t->cells);
    }
    for (size_t c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = fw_xstrdup(cells[c] ? cells[c] : "-");
    t->rows++;
}

/* Display width: count UTF-8 lead bytes, not continuation bytes. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

void fw_table_print(const fw_table *t, FILE *out)
{
    size_t *widths = fw_xcalloc(t->columns, sizeof *widths);
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = width(t->cells[r * t->columns + c]);
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            fputs(cell, out);
            if (c + 1 < t->columns)
                fprintf(out, "%*s", (int)(widths[c] - width(cell) + 2), "");
        }
        fputc('\n', out);
    }
    free(widths);
}

void fw_table_free(fw_table *t)
{
    for (size_t i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    *t = (fw_table){0};
}
