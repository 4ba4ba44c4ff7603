/* The service's judgement of change notifications (wfp/filter_changes.c):
 * those the last reconcile already answered need no other reconcile. */
#include "test_support.h"

#include "filter_changes.h"

/* A reconcile read filters 10, 11, 12 and 13, deleted 12 (someone had
 * rewritten it) and added 20 (its replacement) and 21 (one that was
 * missing). */
static void read_filters(fw_known_filters *k)
{
    fw_existing_filter existing[] = {{.id = 13}, {.id = 10}, {.id = 12, .deleted = true}, {.id = 11}};
    uint64_t added[] = {21, 20};
    fw_known_filters_set(k, existing, 4, added, 2);
}

static bool is_new(const fw_known_filters *k, fw_filter_change_type type, uint64_t id)
{
    fw_filter_change c = {type, id};
    return fw_filter_change_is_new(k, &c);
}

static void before_any_reconcile_every_change_is_new(void **state)
{
    (void)state;
    fw_known_filters k = {0};
    assert_true(is_new(&k, FW_FILTER_DELETED, 5));
    assert_true(is_new(&k, FW_FILTER_ADDED, 5));
}

static void a_deletion_it_saw_is_answered_one_after_is_not(void **state)
{
    (void)state;
    fw_known_filters k = {0};
    read_filters(&k);
    /* 7 was gone before the read (the reconcile re-added what it was). */
    assert_false(is_new(&k, FW_FILTER_DELETED, 7));
    /* 12 the reconcile deleted itself. */
    assert_false(is_new(&k, FW_FILTER_DELETED, 12));
    /* 11 and 20 were there after its commit: deleted since. */
    assert_true(is_new(&k, FW_FILTER_DELETED, 11));
    assert_true(is_new(&k, FW_FILTER_DELETED, 20));
    fw_known_filters_clear(&k);
}

static void an_addition_it_saw_is_answered_one_after_is_not(void **state)
{
    (void)state;
    fw_known_filters k = {0};
    read_filters(&k);
    assert_false(is_new(&k, FW_FILTER_ADDED, 13)); /* read: extra ones were deleted, wanted ones kept */
    assert_false(is_new(&k, FW_FILTER_ADDED, 21)); /* its own */
    assert_true(is_new(&k, FW_FILTER_ADDED, 30));  /* never seen: added after its read */
    fw_known_filters_clear(&k);
    assert_true(is_new(&k, FW_FILTER_ADDED, 13)); /* forgotten: new again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(before_any_reconcile_every_change_is_new),
        cmocka_unit_test(a_deletion_it_saw_is_answered_one_after_is_not),
        cmocka_unit_test(an_addition_it_saw_is_answered_one_after_is_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
