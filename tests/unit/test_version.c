/* Product versions and the ranges rules carry (catalog/loader/version.c). */
#include "test_support.h"

#include "version.h"

static fw_version v(const char *text)
{
    fw_version out;
    assert_true(fw_version_parse(text, &out));
    return out;
}

static bool in(const char *version, const char *range)
{
    fw_version_range r;
    char error[160];
    assert_true(fw_version_range_parse(range, &r, error, sizeof error));
    fw_version x = v(version);
    return fw_version_in_range(&x, &r);
}

static void versions_compare_part_by_part_missing_parts_are_zero(void **state)
{
    (void)state;
    fw_version a = v("12.3"), b = v("12.3.0.0"), c = v("12.3.2.4165"), d = v("13");
    assert_int_equal(fw_version_compare(&a, &b), 0);
    assert_true(fw_version_compare(&a, &c) < 0);
    assert_true(fw_version_compare(&d, &c) > 0);
    fw_version x = v("12.10");
    fw_version y = v("12.9");
    assert_true(fw_version_compare(&x, &y) > 0); /* numbers, not text */
    fw_version bad;
    assert_false(fw_version_parse("", &bad));
    assert_false(fw_version_parse("13.", &bad));
    assert_false(fw_version_parse("1.2.3.4.5", &bad));
    assert_false(fw_version_parse("v13", &bad));
    assert_false(fw_version_parse("13 R2", &bad));
    assert_false(fw_version_parse("123456789012", &bad));
}

static void ranges_hold_every_comparison(void **state)
{
    (void)state;
    assert_true(in("13", ">=13"));
    assert_true(in("13.0.2.29", ">=13"));
    assert_false(in("12.3.2.4165", ">=13"));
    assert_true(in("12.3.2.4165", "<13"));
    assert_false(in("13", "<13"));
    assert_true(in("12.3.2.4165", ">=12.3.2.4165"));
    assert_false(in("12.3", ">=12.3.2.4165")); /* 12.3 is 12.3.0.0: state the build to be exact */
    assert_true(in("12.5", ">=12 <13"));
    assert_false(in("13.1", ">=12, <13"));
    assert_true(in("12", "=12"));
    assert_true(in("12.1", ">12"));
    assert_true(in("12", "<=12"));
}

static void a_bad_range_says_what_it_wants(void **state)
{
    (void)state;
    fw_version_range r;
    char error[160];
    assert_false(fw_version_range_parse("13 or later", &r, error, sizeof error));
    assert_non_null(strstr(error, "starts with >="));
    assert_false(fw_version_range_parse(">=1.x", &r, error, sizeof error));
    assert_false(fw_version_range_parse(">=1 <2 <3", &r, error, sizeof error));
    assert_non_null(strstr(error, "at most two"));
    assert_false(fw_version_range_parse("", &r, error, sizeof error));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions_compare_part_by_part_missing_parts_are_zero),
        cmocka_unit_test(ranges_hold_every_comparison),
        cmocka_unit_test(a_bad_range_says_what_it_wants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
