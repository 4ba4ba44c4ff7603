/* fw_split_list: how the MSI's PROFILES and SETTINGS properties become
 * profile names and NAME=VALUE settings. */
#include "test_support.h"

#include "fw_strings.h"

#include <string.h>

static void expect_items(const char *text, const char *separators, const char *const *want, size_t want_count)
{
    char **items = NULL;
    size_t n = fw_split_list(text, separators, &items);
    assert_int_equal(n, want_count);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(items[i], want[i]);
    if (!n)
        assert_null(items);
    fw_split_list_free(items, n);
}

static void splits_at_every_separator_and_trims(void **state)
{
    (void)state;
    const char *want[] = {"dpm", "veeam-agent", "be-media-server"};
    expect_items("dpm, veeam-agent;be-media-server", ",;", want, 3);
    expect_items("  dpm ;\tveeam-agent ,be-media-server  ", ",;", want, 3);
}

static void empty_items_are_dropped(void **state)
{
    (void)state;
    const char *want[] = {"dpm"};
    expect_items(";;dpm;;", ";", want, 1);
    expect_items("", ";", NULL, 0);
    expect_items(" ; ,  ", ",;", NULL, 0);
    expect_items(NULL, ";", NULL, 0);
}

static void a_value_keeps_what_is_not_a_separator(void **state)
{
    (void)state;
    /* SETTINGS splits at ';' only: an address list keeps its commas. */
    const char *want[] = {"dpm_server=10.0.0.5,10.0.0.6", "ndmp_port=10001"};
    expect_items("dpm_server=10.0.0.5,10.0.0.6; ndmp_port=10001", ";", want, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_at_every_separator_and_trims),
        cmocka_unit_test(empty_items_are_dropped),
        cmocka_unit_test(a_value_keeps_what_is_not_a_separator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
