/* Filter keys: stable for the same filter, different when anything the
 * filter matches changes. */
#include "test_support.h"

#include "filter_key.h"
#include "fw_alloc.h"

#include <stdlib.h>

static const char *const yaml =
    "product: X\n"
    "variables:\n"
    "  p: {type: port, default: 6101, description: d}\n"
    "profiles:\n"
    "  - name: a\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: r1, direction: in, protocol: tcp, ports: [\"${p}\", 235], description: d,"
    " source: {document: d.txt, section: s}}\n"
    "      - {id: prog, direction: in, protocol: any, program: 'C:\\x\\a.exe', description: d,"
    " source: {document: d.txt, section: s}}\n"
    "  - name: b\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: r1, direction: in, protocol: tcp, ports: [\"${p}\", 235], description: d,"
    " source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

typedef struct {
    fw_catalog catalog;
    fw_plan plan;
} planned;

static void plan_with(planned *p, const char *profile, const char *setting)
{
    fw_diags d = {0};
    *p = (planned){0};
    load_yaml(&p->catalog, &d, yaml);
    assert_int_equal(d.errors, 0);
    fw_diags_free(&d);
    fw_setting s = {"p", (char *)setting};
    fw_binding b;
    const fw_profile *prof = fw_catalog_find(&p->catalog, profile);
    fw_binding_init(&b, &p->catalog, prof, &s, setting ? 1 : 0);
    fw_plan_add_profile(&p->plan, prof, &b);
    fw_binding_free(&b);
}

static void done(planned *p)
{
    fw_plan_free(&p->plan);
    fw_catalog_free(&p->catalog);
}

static void the_same_filter_gets_the_same_key(void **state)
{
    (void)state;
    planned x, y;
    plan_with(&x, "a", NULL);
    plan_with(&y, "a", NULL);
    for (size_t i = 0; i < x.plan.count; i++) {
        fw_key kx = fw_filter_key(&x.plan.filters[i], NULL);
        fw_key ky = fw_filter_key(&y.plan.filters[i], NULL);
        assert_true(fw_key_equal(&kx, &ky));
        assert_int_equal(kx.bytes[6] >> 4, 8);        /* version 8 */
        assert_int_equal(kx.bytes[8] & 0xC0, 0x80);   /* RFC 4122 variant */
    }
    char text[39];
    fw_key k = fw_filter_key(&x.plan.filters[0], NULL);
    fw_key_format(&k, text);
    assert_int_equal(strlen(text), 38);
    assert_int_equal(text[0], '{');
    done(&x);
    done(&y);
}

static void every_filter_of_a_plan_has_its_own_key(void **state)
{
    (void)state;
    planned x;
    plan_with(&x, "a", NULL);
    assert_int_equal(x.plan.count, 4);
    for (size_t i = 0; i < x.plan.count; i++)
        for (size_t j = 0; j < i; j++) {
            fw_key a = fw_filter_key(&x.plan.filters[i], "p"), b = fw_filter_key(&x.plan.filters[j], "p");
            assert_false(fw_key_equal(&a, &b));
        }
    done(&x);
}

static void content_profile_and_app_id_change_the_key(void **state)
{
    (void)state;
    planned base, moved, other;
    plan_with(&base, "a", NULL);
    plan_with(&moved, "a", "10001");
    plan_with(&other, "b", NULL);
    fw_key k0 = fw_filter_key(&base.plan.filters[0], NULL);
    fw_key k1 = fw_filter_key(&moved.plan.filters[0], NULL);
    fw_key k2 = fw_filter_key(&other.plan.filters[0], NULL);
    assert_false(fw_key_equal(&k0, &k1)); /* a port changed */
    assert_false(fw_key_equal(&k0, &k2)); /* same rule, other profile */
    /* The program rule: the resolved app id is part of what it matches. */
    fw_key p1 = fw_filter_key(&base.plan.filters[2], "\\device\\harddiskvolume1\\x\\a.exe");
    fw_key p2 = fw_filter_key(&base.plan.filters[2], "\\device\\harddiskvolume2\\x\\a.exe");
    assert_false(fw_key_equal(&p1, &p2));
    char *id = fw_filter_identity(&base.plan.filters[0]);
    assert_string_equal(id, "a/r1/recv-accept-v4");
    free(id);
    done(&base);
    done(&moved);
    done(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_same_filter_gets_the_same_key),
        cmocka_unit_test(every_filter_of_a_plan_has_its_own_key),
        cmocka_unit_test(content_profile_and_app_id_change_the_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
