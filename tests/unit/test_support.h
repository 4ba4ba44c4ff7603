/* Shared by the unit tests: cmocka's headers in the order it needs, and a
 * way to load a catalog from inline YAML text. */
#ifndef FW_TEST_SUPPORT_H
#define FW_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog_load.h"
#include "fw_diag.h"

#include <stdio.h>
#include <string.h>

/* The sources: entry a test catalog's rules cite (documents d.txt and
 * 000_x.txt); appended after its profiles, so that line numbers stay. */
#define FIXTURE_SOURCES "sources: {d.txt: {title: Test document}, 000_x.txt: {title: Test document}}\n"

/* Loads YAML text as the file "test.yaml". */
static inline void load_yaml(fw_catalog *c, fw_diags *d, const char *text)
{
    fw_catalog_load_text(c, "test.yaml", text, strlen(text), d);
    fw_catalog_check_names(c, d);
}

/* A group setup: loads YAML text that must be free of errors (0), or
 * prints what is wrong with it (-1). */
static inline int load_clean_yaml(fw_catalog *c, const char *text)
{
    fw_diags d = {0};
    load_yaml(c, &d, text);
    int rc = d.errors ? -1 : 0;
    fw_diags_print(&d, stderr);
    fw_diags_free(&d);
    return rc;
}

/* True if some diagnostic's message contains needle. */
static inline int has_diag(const fw_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle))
            return 1;
    return 0;
}

#endif
