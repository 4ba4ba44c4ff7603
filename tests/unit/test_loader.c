/* The loader on inline catalogs: what a valid file becomes, and the
 * positions and completeness of its errors. The malformed corpus covers each
 * kind of error one by one. */
#include "test_support.h"

#include <stdlib.h>

static const char *const valid =
    "product: Backup Exec\n"
    "variables:\n"
    "  ndmp_port: {type: port, default: 6101, description: NDMP control port}\n"
    "  dynamic: {type: port_range, default: 1025-65535, description: dynamic ports}\n"
    "profiles:\n"
    "  - name: agent\n"
    "    aliases: [raws, be-agent]\n"
    "    role: Remote Agent\n"
    "    rules:\n"
    "      - id: ndmp-in\n"
    "        direction: in\n"
    "        protocol: tcp\n"
    "        ports: [\"${ndmp_port}\", 235, 2500-2550, \"6160\"]\n"
    "        description: NDMP\n"
    "        source: {document: 000_efea23077a65e9c2.txt, section: About}\n"
    "      - id: agent-program\n"
    "        direction: out\n"
    "        protocol: any\n"
    "        program: '%ProgramFiles%\\Symantec\\Backup Exec\\RAWS\\beremote.exe'\n"
    "        remote_addresses: [10.0.0.0/8, \"fd00::/8\"]\n"
    "        description: agent program\n"
    "        source: {document: 000_efea23077a65e9c2.txt, section: About}\n"
    "    services:\n"
    "      - {name: ndmp, port: \"${ndmp_port}\", protocol: tcp, comment: NDMP}\n"
    "sources:\n"
    "  000_efea23077a65e9c2.txt: {title: About using Backup Exec with firewalls, product_version: \"16\"}\n";

static void loads_a_valid_catalog(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, valid);
    /* 'dynamic' is unused: one warning, no error. */
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.count, 1);
    assert_true(has_diag(&d, "variable 'dynamic' is not used"));

    assert_int_equal(c.file_count, 1);
    assert_string_equal(c.files[0]->product, "Backup Exec");
    assert_int_equal(c.files[0]->variable_count, 2);
    assert_int_equal(c.profile_count, 1);
    const fw_profile *p = &c.profiles[0];
    assert_string_equal(p->name, "agent");
    assert_int_equal(p->alias_count, 2);
    assert_int_equal(p->rule_count, 2);

    const fw_rule *r = &p->rules[0];
    assert_string_equal(r->id, "ndmp-in");
    assert_int_equal(r->direction, FW_DIR_IN);
    assert_int_equal(r->protocol, FW_PROTO_TCP);
    assert_int_equal(r->port_count, 4);
    assert_int_equal(r->ports[0].variable, 0);
    assert_int_equal(r->ports[1].variable, -1);
    assert_int_equal(r->ports[1].literal.lo, 235);
    assert_int_equal(r->ports[2].literal.lo, 2500);
    assert_int_equal(r->ports[2].literal.hi, 2550);
    assert_int_equal(r->ports[3].literal.lo, 6160);
    assert_int_equal(r->ports[1].pos.line, 13);
    assert_string_equal(r->source_document, "000_efea23077a65e9c2.txt");
    assert_string_equal(fw_rule_source(&c, p, r)->title, "About using Backup Exec with firewalls");
    char *versions = fw_profile_versions(&c, p);
    assert_string_equal(versions, "16");
    free(versions);
    assert_null(r->program);

    const fw_rule *prog = &p->rules[1];
    assert_int_equal(prog->protocol, FW_PROTO_ANY);
    assert_int_equal(prog->port_count, 0);
    assert_string_equal(prog->program, "%ProgramFiles%\\Symantec\\Backup Exec\\RAWS\\beremote.exe");
    assert_int_equal(prog->remote_count, 2);
    assert_int_equal(prog->remote[1].family, FW_AF_V6);

    assert_int_equal(p->service_count, 1);
    assert_int_equal(p->services[0].port.variable, 0);
    assert_true(fw_profile_uses_variable(p, 0));
    assert_false(fw_profile_uses_variable(p, 1));

    assert_ptr_equal(fw_catalog_find(&c, "RAWS"), p);
    assert_ptr_equal(fw_catalog_find(&c, "agent"), p);
    assert_null(fw_catalog_find(&c, "media"));
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

/* Every error of a file is reported, each at its own line and column. */
static void reports_every_error_with_its_position(void **state)
{
    (void)state;
    static const char *const text = "product: X\n"
                                    "profiles:\n"
                                    "  - name: p\n"
                                    "    role: r\n"
                                    "    colour: blue\n"
                                    "    rules:\n"
                                    "      - id: a\n"
                                    "        direction: in\n"
                                    "        protocol: tcp\n"
                                    "        ports: [70000]\n"
                                    "        description: d\n"
                                    "        source: {document: d.txt, section: s}\n"
                                    "      - id: a\n"
                                    "        direction: up\n"
                                    "        protocol: tcp\n"
                                    "        ports: [5-1]\n"
                                    "        description: d\n"
                                    "        source: {document: d.txt, section: s}\n" FIXTURE_SOURCES;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, text);
    assert_int_equal(d.errors, 5);
    struct {
        unsigned line, column;
        const char *text;
    } expected[] = {
        {5, 5, "unknown key 'colour'"},
        {10, 17, "'70000': port outside 1-65535"},
        {14, 20, "direction must be 'in' or 'out', got 'up'"},
        {16, 17, "'5-1': reversed port range"},
        {13, 9, "duplicate rule id 'a'"},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        bool found = false;
        for (size_t k = 0; k < d.count; k++)
            found |= d.items[k].line == expected[i].line &&
                     d.items[k].column == expected[i].column &&
                     strstr(d.items[k].message, expected[i].text) != NULL &&
                     strcmp(d.items[k].file, "test.yaml") == 0;
        if (!found)
            fail_msg("missing %u:%u %s", expected[i].line, expected[i].column, expected[i].text);
    }
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

static void quoted_numbers_are_strings_plain_ones_are_not(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    /* role: "7" is a string; role: 7 is an integer, a wrong type. */
    load_yaml(&c, &d,
              "product: X\nprofiles:\n  - name: p\n    role: 7\n    rules:\n"
              "      - {id: a, direction: in, protocol: tcp, ports: [1], description: \"7\","
              " source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES);
    assert_int_equal(d.errors, 1);
    assert_true(has_diag(&d, "role must be a string, got the integer 7"));
    assert_int_equal(d.items[0].line, 4);
    assert_int_equal(d.items[0].column, 11);
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

static void a_syntax_error_names_its_position(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, "product: X\nprofiles: [a, b\n");
    assert_int_equal(d.errors, 1);
    assert_true(has_diag(&d, "YAML syntax error"));
    assert_int_equal(d.items[0].line, 3);
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

static void names_are_unique_across_files(void **state)
{
    (void)state;
    static const char *const a = "product: A\nprofiles:\n  - name: dpm\n    aliases: [server]\n"
                                 "    role: r\n    rules:\n"
                                 "      - {id: a, direction: in, protocol: tcp, ports: [1],"
                                 " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;
    static const char *const b = "product: B\nprofiles:\n  - name: other\n    aliases: [DPM]\n"
                                 "    role: r\n    rules:\n"
                                 "      - {id: a, direction: in, protocol: tcp, ports: [1],"
                                 " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;
    fw_catalog c = {0};
    fw_diags d = {0};
    fw_catalog_load_text(&c, "a.yaml", a, strlen(a), &d);
    fw_catalog_load_text(&c, "b.yaml", b, strlen(b), &d);
    assert_int_equal(d.errors, 1); /* 'DPM' is not an identifier: not a cross-file error yet */
    fw_diags_free(&d);
    fw_catalog_free(&c);

    static const char *const b2 = "product: B\nprofiles:\n  - name: other\n    aliases: [server]\n"
                                  "    role: r\n    rules:\n"
                                  "      - {id: a, direction: in, protocol: tcp, ports: [1],"
                                  " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;
    fw_catalog_load_text(&c, "a.yaml", a, strlen(a), &d);
    fw_catalog_load_text(&c, "b.yaml", b2, strlen(b2), &d);
    assert_int_equal(d.errors, 0);
    fw_catalog_check_names(&c, &d);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].file, "b.yaml");
    assert_int_equal(d.items[0].line, 4);
    assert_true(has_diag(&d, "alias 'server' is already an alias of profile 'dpm' (a.yaml:4:"));
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_valid_catalog),
        cmocka_unit_test(reports_every_error_with_its_position),
        cmocka_unit_test(quoted_numbers_are_strings_plain_ones_are_not),
        cmocka_unit_test(a_syntax_error_names_its_position),
        cmocka_unit_test(names_are_unique_across_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
