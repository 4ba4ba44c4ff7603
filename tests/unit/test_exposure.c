/* The exposure figure (wfp/exposure.c): its three columns, and a scope
 * that counts as any address counting as none. */
#include "test_support.h"

#include "exposure.h"
#include "plan.h"

static const char *const yaml =
    "product: X\n"
    "variables:\n"
    "  net: {type: addresses, default: 10.0.0.0/8, description: d}\n"
    "profiles:\n"
    "  - name: p\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: web-in, direction: in, protocol: tcp, ports: [80], description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: wide-scope-in, direction: in, protocol: tcp, ports: [81], remote_addresses: [0.0.0.0/0, \"::/0\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: scoped-in, direction: in, protocol: tcp, ports: [82], remote_addresses: [\"${net}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: app, direction: in, protocol: any, program: 'C:\\App\\app.exe', description: d,"
    " source: {document: d.txt, section: s}}\n"
    "      - {id: smb-out, direction: out, protocol: tcp, ports: [139, 445], description: d,"
    " source: {document: d.txt, section: s}}\n"
    "      - {id: dns-out, direction: out, protocol: udp, ports: [53], remote_addresses: [\"${net}\"], description: d,"
    " source: {document: d.txt, section: s}}\n"
    "      - {id: app-out, direction: out, protocol: udp, ports: [5000-5999], program: 'C:\\App\\app.exe',"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

static void three_columns(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, yaml);
    fw_diags_print(&d, stderr);
    assert_int_equal(d.errors, 0);
    fw_binding b;
    fw_binding_init(&b, &c, &c.profiles[0], NULL, 0);
    fw_plan plan = {0};
    fw_plan_add_profile(&plan, &c.profiles[0], &b);
    fw_exposure e = fw_plan_exposure(&plan, &c.profiles[0]);
    assert_int_equal(e.tcp, 2); /* 80, and 81: 0.0.0.0/0 and ::/0 are no scope */
    assert_int_equal(e.udp, 0);
    assert_int_equal(e.program_tcp, 65535); /* a program rule without ports: every port */
    assert_int_equal(e.program_udp, 65535);
    assert_int_equal(e.out_tcp, 2); /* 139, 445 */
    assert_int_equal(e.out_udp, 0); /* 53 is scoped; 5000-5999 is a program's */
    /* Scoped to 0.0.0.0/0 the scoped rule counts too. */
    fw_binding_free(&b);
    fw_plan_free(&plan);
    fw_setting wide[] = {{"net", "0.0.0.0/0"}};
    fw_binding_init(&b, &c, &c.profiles[0], wide, 1);
    fw_plan_add_profile(&plan, &c.profiles[0], &b);
    e = fw_plan_exposure(&plan, NULL);
    assert_int_equal(e.tcp, 3);
    assert_int_equal(e.out_udp, 1);
    fw_plan_free(&plan);
    fw_binding_free(&b);
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
