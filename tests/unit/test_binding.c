/* --set: parsing, checking against the profiles' variables, and binding. */
#include "test_support.h"

#include "binding.h"

#include <stdlib.h>

static const char *const catalog_text =
    "product: X\n"
    "variables:\n"
    "  ndmp_port: {type: port, default: 10000, description: d}\n"
    "  dynamic_ports: {type: port_range, default: 40000-50000, description: d}\n"
    "  only_b: {type: port, default: 7, description: d}\n"
    "profiles:\n"
    "  - name: a\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: x, direction: in, protocol: tcp, ports: [\"${ndmp_port}\", \"${dynamic_ports}\"],"
    " program: 'C:\\x\\a.exe', description: d, source: {document: d.txt, section: s}}\n"
    "  - name: b\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: x, direction: in, protocol: tcp, ports: [\"${only_b}\"],"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

typedef struct {
    fw_catalog catalog;
    fw_diags diags;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    load_yaml(&f->catalog, &f->diags, catalog_text);
    if (f->diags.errors) {
        fw_diags_print(&f->diags, stderr);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fw_diags_free(&f->diags);
    fw_catalog_free(&f->catalog);
    free(f);
    return 0;
}

static size_t check(fixture *f, const char *const *profile_names, size_t np,
                    const char *const *args, size_t n)
{
    const fw_profile *profiles[4];
    for (size_t i = 0; i < np; i++)
        profiles[i] = fw_catalog_find(&f->catalog, profile_names[i]);
    fw_setting settings[4];
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        assert_true(fw_setting_parse(args[i], &settings[count++], &f->diags));
    size_t before = f->diags.errors;
    fw_settings_check(&f->catalog, profiles, np, settings, count, &f->diags);
    for (size_t i = 0; i < count; i++) {
        free(settings[i].name);
        free(settings[i].value);
    }
    return f->diags.errors - before;
}

static void parses_name_equals_value(void **state)
{
    fixture *f = *state;
    fw_setting s;
    assert_true(fw_setting_parse("ndmp_port=10001", &s, &f->diags));
    assert_string_equal(s.name, "ndmp_port");
    assert_string_equal(s.value, "10001");
    free(s.name);
    free(s.value);
    assert_false(fw_setting_parse("ndmp_port", &s, &f->diags));
    assert_false(fw_setting_parse("=5", &s, &f->diags));
    assert_false(fw_setting_parse("ndmp_port=", &s, &f->diags));
    assert_int_equal(f->diags.errors, 3);
}

static void accepts_values_of_the_variables_type(void **state)
{
    const char *const a[] = {"a"};
    const char *const ok[] = {"ndmp_port=10001", "dynamic_ports=5000-5100"};
    assert_int_equal(check(*state, a, 1, ok, 2), 0);
    const char *const single[] = {"dynamic_ports=5000"};
    assert_int_equal(check(*state, a, 1, single, 1), 0);
}

static void rejects_a_variable_the_profile_does_not_have(void **state)
{
    fixture *f = *state;
    const char *const a[] = {"a"};
    const char *const other[] = {"only_b=8"};
    assert_int_equal(check(f, a, 1, other, 1), 1);
    assert_true(has_diag(&f->diags, "profile 'a' has no variable 'only_b' (its variables: "
                                    "ndmp_port, dynamic_ports)"));
    const char *const unknown[] = {"nope=1"};
    assert_int_equal(check(f, a, 1, unknown, 1), 1);
}

static void rejects_ill_typed_values(void **state)
{
    fixture *f = *state;
    const char *const a[] = {"a"};
    const char *const range_for_port[] = {"ndmp_port=1-2"};
    assert_int_equal(check(f, a, 1, range_for_port, 1), 1);
    assert_true(has_diag(&f->diags, "is a single port, not a range"));
    const char *const zero[] = {"ndmp_port=0"};
    assert_int_equal(check(f, a, 1, zero, 1), 1);
    const char *const reversed[] = {"dynamic_ports=9-1"};
    assert_int_equal(check(f, a, 1, reversed, 1), 1);
    const char *const word[] = {"ndmp_port=ndmp"};
    assert_int_equal(check(f, a, 1, word, 1), 1);
    const char *const twice[] = {"ndmp_port=1", "ndmp_port=2"};
    assert_int_equal(check(f, a, 1, twice, 2), 1);
}

static void with_several_profiles_a_setting_needs_one_owner(void **state)
{
    const char *const ab[] = {"a", "b"};
    const char *const args[] = {"only_b=8", "ndmp_port=10001"};
    assert_int_equal(check(*state, ab, 2, args, 2), 0);
}

static void binding_overrides_defaults(void **state)
{
    fixture *f = *state;
    const fw_profile *a = fw_catalog_find(&f->catalog, "a");
    fw_setting s[] = {{"ndmp_port", "10001"}};
    fw_binding b;
    fw_binding_init(&b, &f->catalog, a, s, 1);
    fw_port_range ndmp = fw_binding_resolve(&b, &a->rules[0].ports[0]);
    fw_port_range dyn = fw_binding_resolve(&b, &a->rules[0].ports[1]);
    assert_int_equal(ndmp.lo, 10001);
    assert_int_equal(ndmp.hi, 10001);
    assert_int_equal(dyn.lo, 40000);
    assert_int_equal(dyn.hi, 50000);
    assert_true(b.overridden[0]);
    assert_false(b.overridden[1]);
    fw_binding_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parses_name_equals_value, setup, teardown),
        cmocka_unit_test_setup_teardown(accepts_values_of_the_variables_type, setup, teardown),
        cmocka_unit_test_setup_teardown(rejects_a_variable_the_profile_does_not_have, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rejects_ill_typed_values, setup, teardown),
        cmocka_unit_test_setup_teardown(with_several_profiles_a_setting_needs_one_owner, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(binding_overrides_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
