/* The breadth guard (catalog/loader/guard.c) on bound values: what counts
 * as any address, which ports are too much for everyone, and that a value
 * from anywhere (not only the catalog's default) is held to it. */
#include "test_support.h"

#include "guard.h"

#include <stdlib.h>

static const char *const yaml =
    "product: X\n"
    "variables:\n"
    "  peers: {type: addresses, description: d}\n"
    "  sql: {type: port, default: 1433, description: d}\n"
    "  agent: {type: port, default: 6101, description: d}\n"
    "  range: {type: port_range, default: 2500-2550, description: d}\n"
    "  home: {type: path, default: 'C:\\App', description: d}\n"
    "profiles:\n"
    "  - name: p\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: sql-in, direction: in, protocol: tcp, ports: [\"${sql}\"], remote_addresses: [\"${peers}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: agent-in, direction: in, protocol: tcp, ports: [\"${agent}\", \"${range}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: app-in, direction: in, protocol: tcp, ports: [\"${range}\"], program: '${home}\\app.exe',"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

static fw_catalog catalog;

static int load(void **state)
{
    (void)state;
    return load_clean_yaml(&catalog, yaml);
}

static int unload(void **state)
{
    (void)state;
    fw_catalog_free(&catalog);
    return 0;
}

/* Checks one set of settings; returns the diagnostics (caller frees). */
static bool guarded(const char *name, const char *value, fw_diags *d)
{
    fw_setting s[] = {{(char *)name, (char *)value}};
    fw_binding b;
    fw_binding_init(&b, &catalog, &catalog.profiles[0], s, name ? 1 : 0);
    bool ok = fw_guard_check(&catalog.profiles[0], &b, d);
    fw_binding_free(&b);
    return ok;
}

static void what_counts_as_any_address(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool any;
    } cases[] = {{"0.0.0.0/0", true}, {"10.0.0.0/7", true}, {"10.0.0.0/8", false}, {"10.0.0.5", false},
                 {"::/0", true},      {"fd00::/15", true},  {"fd00::/16", false}, {"2001:db8::1", false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_address a;
        assert_int_equal(fw_address_parse(cases[i].text, &a), FW_ADDR_OK);
        if (fw_addresses_count_as_any(&a, 1) != cases[i].any)
            fail_msg("%s: counts as any is %d", cases[i].text, !cases[i].any);
    }
    /* One broad entry makes the whole list any. */
    fw_address two[2];
    fw_address_parse("10.0.0.5", &two[0]);
    fw_address_parse("0.0.0.0/0", &two[1]);
    assert_true(fw_addresses_count_as_any(two, 2));
}

static void which_ports_are_sensitive(void **state)
{
    (void)state;
    static const uint16_t sensitive[] = {111, 135, 137, 138, 139, 445, 1433, 1434, 2049, 3389, 5985, 5986, 10000};
    for (size_t i = 0; i < sizeof sensitive / sizeof sensitive[0]; i++)
        if (!fw_port_range_is_sensitive((fw_port_range){sensitive[i], sensitive[i]}))
            fail_msg("%u is not sensitive", sensitive[i]);
    assert_false(fw_port_range_is_sensitive((fw_port_range){6160, 6160}));
    assert_false(fw_port_range_is_sensitive((fw_port_range){2500, 2598})); /* 99 ports */
    assert_true(fw_port_range_is_sensitive((fw_port_range){2500, 2599}));  /* 100 */
    assert_true(fw_port_range_is_sensitive((fw_port_range){440, 450}));    /* holds 445 */
}

static void peers_that_count_as_any_are_refused_where_they_guard(void **state)
{
    (void)state;
    fw_diags d = {0};
    assert_true(guarded(NULL, NULL, &d)); /* peers unset: sql-in waits, nothing opens */
    assert_true(guarded("peers", "10.0.0.5, fd00::/16", &d));
    assert_int_equal(d.count, 0);
    static const char *const anyish[] = {"any", "0.0.0.0/0", "::/0", "10.0.0.5, 0.0.0.0/1"};
    for (size_t i = 0; i < sizeof anyish / sizeof anyish[0]; i++) {
        d = (fw_diags){0};
        assert_false(guarded("peers", anyish[i], &d));
        char want[64];
        snprintf(want, sizeof want, "peers=%s: rule p/sql-in would open 1433", anyish[i]);
        if (!has_diag(&d, want))
            fail_msg("%s: no '%s'", anyish[i], want);
        assert_null(d.items[0].file); /* a setting's fault, not the catalog's */
        fw_diags_free(&d);
    }
}

static void a_setting_may_not_open_too_much_to_everyone(void **state)
{
    (void)state;
    fw_diags d = {0};
    assert_false(guarded("range", "1-65535", &d)); /* agent-in, unscoped, no program */
    assert_true(has_diag(&d, "range=1-65535: rule p/agent-in would open 1-65535 to every program from any address"));
    fw_diags_free(&d);
    d = (fw_diags){0};
    assert_false(guarded("agent", "3389", &d)); /* moved onto RDP */
    assert_true(has_diag(&d, "agent=3389: rule p/agent-in would move onto port 3389"));
    fw_diags_free(&d);
    d = (fw_diags){0};
    assert_false(guarded("sql", "445", &d)); /* scoped or not: another service's port */
    assert_true(has_diag(&d, "sql=445: rule p/sql-in would move onto port 445"));
    fw_diags_free(&d);
    d = (fw_diags){0};
    assert_true(guarded("agent", "6102", &d));
    assert_true(guarded("sql", "1433", &d)); /* its own default */
    assert_int_equal(d.count, 0);
}

static void a_program_rule_may_open_a_wide_range(void **state)
{
    (void)state;
    fw_setting s[] = {{"range", "1025-65535"}};
    fw_binding b;
    fw_binding_init(&b, &catalog, &catalog.profiles[0], s, 1);
    fw_diags d = {0};
    fw_guard_check(&catalog.profiles[0], &b, &d);
    /* agent-in (no program) is refused; app-in (bound to app.exe) is not. */
    assert_true(has_diag(&d, "p/agent-in"));
    assert_false(has_diag(&d, "p/app-in"));
    fw_diags_free(&d);
    fw_binding_free(&b);
}

/* At the catalog's defaults the loader reports the catalog itself, at the
 * port that breaks the guard. */
static void the_catalog_is_held_to_it_with_positions(void **state)
{
    (void)state;
    static const char *const bad =
        "product: X\n"
        "variables:\n"
        "  open: {type: addresses, default: 0.0.0.0/0, description: d}\n"
        "profiles:\n"
        "  - name: q\n"
        "    role: r\n"
        "    rules:\n"
        "      - id: smb-in\n"
        "        direction: in\n"
        "        protocol: tcp\n"
        "        ports: [139, 445]\n"
        "        remote_addresses: [\"${open}\"]\n"
        "        description: d\n"
        "        source: {document: d.txt, section: s}\n" FIXTURE_SOURCES;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, bad);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].file, "test.yaml");
    assert_int_equal(d.items[0].line, 11);
    assert_int_equal(d.items[0].column, 17);
    assert_true(has_diag(&d, "rule 'smb-in' opens 139 to every program from any address"));
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(what_counts_as_any_address),
        cmocka_unit_test(which_ports_are_sensitive),
        cmocka_unit_test(peers_that_count_as_any_are_refused_where_they_guard),
        cmocka_unit_test(a_setting_may_not_open_too_much_to_everyone),
        cmocka_unit_test(a_program_rule_may_open_a_wide_range),
        cmocka_unit_test(the_catalog_is_held_to_it_with_positions),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
