/* Aligned text tables for human output: columns padded to their widest
 * cell, the last column left unpadded. */
#ifndef FW_TABLE_H
#define FW_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    size_t columns;
    char **cells; /* rows * columns, row-major; row 0 is the header */
    size_t rows, cap;
} fw_table;

void fw_table_init(fw_table *t, size_t columns, const char *const *header);
/* Adds a row of `columns` cells; NULL cells print as "-". Cells are copied. */
void fw_table_add(fw_table *t, const char *const *cells);
void fw_table_print(const fw_table *t, FILE *out);
void fw_table_free(fw_table *t);

#endif
