/* Catalogs built to cost time: anchors and aliases that expand, deep
 * nesting, and lists long enough to make quadratic checks slow. Each must
 * be refused, with a position, within a second (the sanitizers' build is
 * given ten: it runs everything several times slower). */
#include "test_support.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <time.h>

#if defined(__SANITIZE_ADDRESS__)
#define BUDGET_SECONDS 10.0
#else
#define BUDGET_SECONDS 1.0
#endif

#define MIB (1024u * 1024u)

/* Processor time: what a hostile catalog costs the service. */
static double now(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

/* Loads text as one catalog file; returns the seconds it took. */
static double refused(const char *what, const char *text, const char *needle)
{
    fw_catalog c = {0};
    fw_diags d = {0};
    double t0 = now();
    load_yaml(&c, &d, text);
    double took = now() - t0;
    printf("%s: %zu bytes refused in %.3f s (%zu error(s))\n", what, strlen(text), took, d.errors);
    if (!d.errors)
        fail_msg("%s: accepted", what);
    if (!has_diag(&d, needle))
        fail_msg("%s: no diagnostic says '%s' (first: %s)", what, needle, d.count ? d.items[0].message : "none");
    if (took > BUDGET_SECONDS)
        fail_msg("%s: %.3f s, more than %.0f s", what, took, BUDGET_SECONDS);
    fw_diags_free(&d);
    fw_catalog_free(&c);
    return took;
}

static const char *const head = "product: X\nprofiles:\n  - name: p\n    role: r\n    rules:\n";
static const char *const rule = "      - {id: r%zu, direction: in, protocol: tcp, ports: [%zu], description: d,"
                                " source: {document: d.txt, section: s}}\n";

/* The billion laughs: each level an alias list of the one before. */
static void anchors_and_aliases(void **state)
{
    (void)state;
    fw_buf b = {0};
    fw_buf_printf(&b, "product: X\nlol0: &l0 [\"lol\", \"lol\"]\n");
    for (int i = 1; i < 40; i++)
        fw_buf_printf(&b, "lol%d: &l%d [*l%d, *l%d, *l%d, *l%d]\n", i, i, i - 1, i - 1, i - 1, i - 1);
    fw_buf_printf(&b, "profiles: *l39\n");
    char *text = fw_buf_take(&b);
    refused("billion laughs", text, "anchor '&l0': a catalog file may use no YAML anchors or aliases");
    free(text);
    /* One anchored rule repeated by alias over a megabyte: 300,000 rules for
     * the duplicate-id check, if aliases were accepted. */
    fw_buf_printf(&b, "product: X\nprofiles:\n  - name: p\n    role: r\n    rules: [&r {id: r, direction: in,"
                      " protocol: tcp, ports: [6101], description: d, source: {document: d.txt, section: s}}");
    while (b.len < MIB - 16)
        fw_buf_printf(&b, ", *r");
    fw_buf_printf(&b, "]\n");
    text = fw_buf_take(&b);
    refused("1 MiB of one aliased rule", text, "anchor '&r'");
    free(text);
    /* A merge key is an alias too, and the position is the alias's. */
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, "product: X\nbase: &b {direction: in}\nprofiles:\n  - <<: *b\n");
    assert_true(has_diag(&d, "alias '*b'"));
    bool found = false;
    for (size_t i = 0; i < d.count; i++)
        found |= d.items[i].line == 4 && d.items[i].column == 9 && strstr(d.items[i].message, "alias");
    assert_true(found);
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

static void deep_nesting(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *text = fw_xmalloc(2 * depth + 64);
    size_t n = (size_t)sprintf(text, "product: X\nprofiles: ");
    memset(text + n, '[', depth);
    memset(text + n + depth, ']', depth);
    text[n + 2 * depth] = 0;
    refused("100,000 nested sequences", text, "nested more than 16 levels deep");
    free(text);
}

/* About 1 MiB of rules with one id: each duplicate compared with every
 * earlier rule would be billions of comparisons. */
static void a_megabyte_of_rules(void **state)
{
    (void)state;
    fw_buf b = {0};
    fw_buf_printf(&b, "%s", head);
    for (size_t i = 0; b.len < MIB - 200; i++)
        fw_buf_printf(&b, rule, (size_t)0, 1000 + i % 50000);
    char *text = fw_buf_take(&b);
    refused("1 MiB of rules", text, "more than the 512 a catalog may have");
    free(text);
}

/* About 1 MiB of aliases and of profiles: names are checked across the
 * whole catalog. */
static void a_megabyte_of_names(void **state)
{
    (void)state;
    fw_buf b = {0};
    fw_buf_printf(&b, "product: X\nprofiles:\n  - name: p\n    role: r\n    aliases: [");
    for (size_t i = 0; b.len < MIB - 200; i++)
        fw_buf_printf(&b, "%sa%zu", i ? ", " : "", i);
    fw_buf_printf(&b, "]\n    rules:\n");
    fw_buf_printf(&b, rule, (size_t)1, (size_t)6101);
    char *text = fw_buf_take(&b);
    refused("1 MiB of aliases", text, "more than the 16 a catalog may have");
    free(text);
    fw_buf_printf(&b, "product: X\nprofiles:\n");
    for (size_t i = 0; b.len < MIB - 300; i++) {
        fw_buf_printf(&b, "  - {name: p, role: r, rules: [");
        fw_buf_printf(&b, "{id: r, direction: in, protocol: tcp, ports: [6101], description: d,"
                          " source: {document: d.txt, section: s}}]}\n");
    }
    text = fw_buf_take(&b);
    refused("1 MiB of profiles", text, "more than the 256 a catalog may have");
    free(text);
}

/* A mapping of 100,000 unknown keys: every one is an error, but only the
 * first few hundred are kept. */
static void a_flood_of_errors(void **state)
{
    (void)state;
    fw_buf b = {0};
    fw_buf_printf(&b, "%s      - {id: r, direction: in, protocol: tcp, ports: [6101], description: d, "
                      "source: {document: d.txt, section: s}",
                  head);
    for (size_t i = 0; i < 60000; i++)
        fw_buf_printf(&b, ", k%zu: 1", i);
    fw_buf_printf(&b, "}\n" FIXTURE_SOURCES);
    char *text = fw_buf_take(&b);
    fw_catalog c = {0};
    fw_diags d = {0};
    double t0 = now();
    load_yaml(&c, &d, text);
    double took = now() - t0;
    printf("60,000 unknown keys: %zu errors, %zu kept, in %.3f s\n", d.errors, d.count, took);
    assert_int_equal(d.errors, 60000);
    assert_int_equal(d.count, FW_DIAG_MAX);
    assert_int_equal(d.dropped, 60000 - FW_DIAG_MAX);
    assert_true(took < BUDGET_SECONDS);
    fw_diags_free(&d);
    fw_catalog_free(&c);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anchors_and_aliases),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(a_megabyte_of_rules),
        cmocka_unit_test(a_megabyte_of_names),
        cmocka_unit_test(a_flood_of_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
