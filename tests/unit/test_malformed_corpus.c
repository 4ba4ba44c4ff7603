/* Runs every case of tests/malformed (see its README.md): each catalog must
 * produce exactly the diagnostics its expect file lists. */
#include "catalog_load.h"
#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_strings.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    char *name;        /* shown by cmocka */
    char *catalog;     /* a .yaml file, or a folder */
    char *expect_path;
    bool is_folder;
} corpus_case;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *back = strrchr(path, '\\');
    if (back && (!slash || back > slash))
        slash = back;
    return slash ? slash + 1 : path;
}

/* "file:line:col: severity: message" with the file's base name only. */
static char *diag_key(const fw_diag *d, const char **message)
{
    *message = d->message;
    const char *sev = d->severity == FW_SEV_ERROR ? "error" : "warning";
    if (d->line == 0)
        return fw_xasprintf("%s: %s: ", base_name(d->file), sev);
    return fw_xasprintf("%s:%u:%u: %s: ", base_name(d->file), d->line, d->column, sev);
}

static void load_case(const corpus_case *c, fw_catalog *catalog, fw_diags *diags)
{
    if (c->is_folder) {
        fw_catalog_load_dir(catalog, c->catalog, diags);
        return;
    }
    size_t size = 0;
    char *error = NULL;
    char *text = fw_read_file(c->catalog, FW_CATALOG_MAX_FILE_BYTES, &size, &error);
    assert_non_null(text);
    fw_catalog_load_text(catalog, base_name(c->catalog), text, size, diags);
    fw_catalog_check_names(catalog, diags);
    free(text);
}

static void run_case(void **state)
{
    const corpus_case *c = *state;
    fw_catalog catalog = {0};
    fw_diags diags = {0};
    load_case(c, &catalog, &diags);

    size_t size = 0;
    char *error = NULL;
    char *expect = fw_read_file(c->expect_path, 1u << 20, &size, &error);
    assert_non_null(expect);

    bool *matched = fw_xcalloc(diags.count, sizeof *matched);
    size_t expected = 0, failures = 0;
    for (char *line = strtok(expect, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        expected++;
        bool found = false;
        for (size_t i = 0; i < diags.count && !found; i++) {
            const char *message;
            char *key = diag_key(&diags.items[i], &message);
            size_t key_len = strlen(key);
            if (!matched[i] && strncmp(line, key, key_len) == 0 &&
                strstr(message, line + key_len)) {
                matched[i] = found = true;
            }
            free(key);
        }
        if (!found) {
            print_error("%s: expected diagnostic not produced: %s\n", c->name, line);
            failures++;
        }
    }
    for (size_t i = 0; i < diags.count; i++) {
        if (!matched[i]) {
            char *text = fw_diag_format(&diags.items[i]);
            print_error("%s: unexpected diagnostic: %s\n", c->name, text);
            free(text);
            failures++;
        }
    }
    free(matched);
    free(expect);
    assert_true(expected > 0);
    assert_int_equal(failures, 0);
    fw_diags_free(&diags);
    fw_catalog_free(&catalog);
}

int main(void)
{
    char *dir = fw_path_join(FW_TEST_SOURCE_DIR, "tests/malformed");
    char **files = NULL, **folders = NULL;
    size_t file_count = 0, folder_count = 0;
    char *error = NULL;
    if (!fw_list_files(dir, ".yaml", &files, &file_count, &error) ||
        !fw_list_dirs(dir, &folders, &folder_count, &error)) {
        fprintf(stderr, "cannot list %s: %s\n", dir, error);
        return 1;
    }
    size_t n = file_count + folder_count;
    corpus_case *cases = fw_xcalloc(n, sizeof *cases);
    struct CMUnitTest *tests = fw_xcalloc(n, sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        corpus_case *c = &cases[i];
        if (i < file_count) {
            const char *f = files[i];
            c->name = fw_xstrndup(f, strlen(f) - strlen(".yaml"));
            c->catalog = fw_path_join(dir, f);
            char *expect_name = fw_xasprintf("%s.expect", c->name);
            c->expect_path = fw_path_join(dir, expect_name);
            free(expect_name);
        } else {
            c->name = fw_xstrdup(folders[i - file_count]);
            c->catalog = fw_path_join(dir, c->name);
            c->expect_path = fw_path_join(c->catalog, "expect");
            c->is_folder = true;
        }
        tests[i] = (struct CMUnitTest){c->name, run_case, NULL, NULL, c};
    }
    printf("malformed-catalog corpus: %zu cases in %s\n", n, dir);
    int failed = n ? _cmocka_run_group_tests("malformed_corpus", tests, n, NULL, NULL) : 1;
    for (size_t i = 0; i < n; i++) {
        free(cases[i].name);
        free(cases[i].catalog);
        free(cases[i].expect_path);
    }
    free(cases);
    free(tests);
    fw_free_names(files, file_count);
    fw_free_names(folders, folder_count);
    free(dir);
    return failed;
}
