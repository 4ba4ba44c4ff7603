/* The reconcile diff: in sync means nothing to do; each kind of drift gives
 * exactly the writes that repair it. */
#include "test_support.h"

#include "reconcile_diff.h"
#include "wfp_errors.h"

static fw_key key(uint8_t n)
{
    fw_key k = {{0}};
    k.bytes[15] = n;
    return k;
}

static void in_sync_means_zero_writes(void **state)
{
    (void)state;
    fw_wanted_filter w[] = {{key(1), "p/a/x", 0}, {key(2), "p/b/x", 0}};
    fw_existing_filter e[] = {{key(2), "p/b/x", false, 0, 0, false}, {key(1), "p/a/x", false, 0, 0, false}};
    fw_diff d;
    fw_diff_compute(&d, w, 2, e, 2);
    assert_int_equal(d.count, 0);
    assert_int_equal(d.unchanged, 2);
    assert_int_equal(fw_diff_writes(&d), 0);
    fw_diff_free(&d);
}

/* Same key, other content: someone deleted fwsvc's filter and added another
 * under its key. That is drift (replace it), not "in sync". */
static void a_filter_rewritten_under_our_key_is_changed(void **state)
{
    (void)state;
    fw_wanted_filter w[] = {{key(1), "p/a/x", 0x1111}, {key(2), "p/b/x", 0x2222}, {key(3), "p/c/x", 0}};
    fw_existing_filter e[] = {{key(1), "p/a/x", false, 0x1111, 0, false},   /* as wanted */
                              {key(2), "p/b/x", false, 0x9999, 0, false},   /* rewritten */
                              {key(3), "p/c/x", false, 0x3333, 0, false}};  /* content not known: key decides */
    fw_diff d;
    fw_diff_compute(&d, w, 3, e, 3);
    assert_int_equal(d.unchanged, 2);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].kind, FW_DIFF_CHANGED);
    assert_true(d.items[0].rewritten);
    assert_int_equal(d.items[0].wanted, 1);
    assert_int_equal(d.items[0].existing, 1);
    assert_int_equal(fw_diff_writes(&d), 2); /* delete it, add ours */
    fw_diff_free(&d);
}

static void each_drift_has_its_repair(void **state)
{
    (void)state;
    fw_wanted_filter w[] = {{key(1), "p/a/x", 0}, {key(2), "p/b/x", 0}, {key(3), "p/c/x", 0}, {key(4), "p/d/x", 0}};
    fw_existing_filter e[] = {
        {key(1), "p/a/x", false, 0, 0, false},  /* in sync */
        {key(9), "p/b/x", false, 0, 0, false},  /* b changed: old content under another key */
        {key(4), "p/d/x", true, 0, 0, false},   /* d disabled by BFE */
        {key(7), "q/z/x", false, 0, 0, false},  /* a profile no longer applied */
    };
    fw_diff d;
    fw_diff_compute(&d, w, 4, e, 4);
    assert_int_equal(d.unchanged, 1);
    assert_int_equal(d.count, 4);
    assert_int_equal(d.items[0].kind, FW_DIFF_CHANGED);
    assert_string_equal(d.items[0].identity, "p/b/x");
    assert_int_equal(d.items[0].existing, 1);
    assert_int_equal(d.items[1].kind, FW_DIFF_MISSING);
    assert_string_equal(d.items[1].identity, "p/c/x");
    assert_int_equal(d.items[2].kind, FW_DIFF_EXTRA);
    assert_string_equal(d.items[2].identity, "q/z/x");
    assert_int_equal(d.items[3].kind, FW_DIFF_DISABLED);
    /* changed: delete + add; missing: add; extra: delete; disabled: delete + add */
    assert_int_equal(fw_diff_writes(&d), 6);
    fw_diff_free(&d);
}

static void one_deleted_filter_is_one_add(void **state)
{
    (void)state;
    fw_wanted_filter w[] = {{key(1), "p/a/x", 0}, {key(2), "p/b/x", 0}};
    fw_existing_filter e[] = {{key(1), "p/a/x", false, 0, 0, false}};
    fw_diff d;
    fw_diff_compute(&d, w, 2, e, 1);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].kind, FW_DIFF_MISSING);
    assert_int_equal(d.items[0].wanted, 1);
    assert_int_equal(fw_diff_writes(&d), 1);
    fw_diff_free(&d);
}

static void foreign_looking_filters_without_identity_are_extra(void **state)
{
    (void)state;
    fw_wanted_filter w[] = {{key(1), "p/a/x", 0}};
    fw_existing_filter e[] = {{key(5), NULL, false, 0, 0, false}};
    fw_diff d;
    fw_diff_compute(&d, w, 1, e, 1);
    assert_int_equal(d.count, 2);
    assert_int_equal(d.items[0].kind, FW_DIFF_MISSING);
    assert_int_equal(d.items[1].kind, FW_DIFF_EXTRA);
    fw_diff_free(&d);
}

static void wfp_errors_have_names_and_hints(void **state)
{
    (void)state;
    assert_string_equal(fw_wfp_error_name(0x80320012), "FWP_E_TIMEOUT");
    assert_string_equal(fw_wfp_error_name(5), "ERROR_ACCESS_DENIED");
    assert_non_null(strstr(fw_wfp_error_hint(5), "elevated"));
    assert_non_null(strstr(fw_wfp_error_hint(1753), "Base Filtering Engine"));
    assert_null(fw_wfp_error_name(0x12345678));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_sync_means_zero_writes),
        cmocka_unit_test(a_filter_rewritten_under_our_key_is_changed),
        cmocka_unit_test(each_drift_has_its_repair),
        cmocka_unit_test(one_deleted_filter_is_one_add),
        cmocka_unit_test(foreign_looking_filters_without_identity_are_extra),
        cmocka_unit_test(wfp_errors_have_names_and_hints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
