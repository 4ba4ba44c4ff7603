/* Merging a profile's settings on apply: recorded values stay, --set and
 * --unset change one each, and every change that opens more ports says so. */
#include "test_support.h"

#include "settings_merge.h"
#include "port_range.h"

#include <string.h>

static char texts[8][16];
static int text_count;

static fw_variable var(const char *name, fw_var_type type, uint16_t lo, uint16_t hi)
{
    char *text = texts[text_count++ % 8];
    fw_port_range_format((fw_port_range){lo, hi}, text, 16);
    return (fw_variable){.name = (char *)name, .type = type, .default_value = {lo, hi}, .default_text = text};
}

static fw_variable peers(const char *name, const char *default_text)
{
    return (fw_variable){.name = (char *)name, .type = FW_VAR_ADDRESSES, .default_text = (char *)default_text};
}

static const fw_merge_note *note_of(const fw_merge *m, const char *name)
{
    for (size_t i = 0; i < m->note_count; i++)
        if (strcmp(m->notes[i].name, name) == 0)
            return &m->notes[i];
    return NULL;
}

static const char *value_of(const fw_merge *m, const char *name)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->settings[i].name, name) == 0)
            return m->settings[i].value;
    return NULL;
}

static void a_plain_reapply_keeps_what_was_recorded(void **state)
{
    (void)state;
    fw_variable vars[] = {var("dcom_ports", FW_VAR_PORT_RANGE, 1024, 65535), var("ndmp_port", FW_VAR_PORT, 10000, 10000)};
    fw_setting recorded[] = {{"dcom_ports", "5000-5100"}};
    fw_merge m;
    fw_settings_merge(vars, 2, false, recorded, 1, NULL, 0, NULL, 0, &m);
    assert_int_equal(m.count, 1);
    assert_string_equal(value_of(&m, "dcom_ports"), "5000-5100");
    const fw_merge_note *n = note_of(&m, "dcom_ports");
    assert_non_null(n);
    assert_int_equal(n->kind, FW_MERGE_KEPT);
    assert_false(n->widens);
    assert_null(note_of(&m, "ndmp_port")); /* at its default, untouched: nothing to say */
    fw_merge_free(&m);
}

static void set_and_unset_say_when_they_widen(void **state)
{
    (void)state;
    fw_variable vars[] = {var("dcom_ports", FW_VAR_PORT_RANGE, 1024, 65535), var("ndmp_port", FW_VAR_PORT, 10000, 10000),
                          var("data_ports", FW_VAR_PORT_RANGE, 2500, 3300)};
    fw_setting recorded[] = {{"dcom_ports", "5000-5100"}, {"ndmp_port", "10001"}, {"data_ports", "2600-2700"}};
    fw_setting set[] = {{"data_ports", "2650-2660"}, {"ndmp_port", "10002"}};
    const char *unset[] = {"dcom_ports"};
    fw_merge m;
    fw_settings_merge(vars, 3, false, recorded, 3, set, 2, unset, 1, &m);
    assert_int_equal(m.count, 2);
    assert_null(value_of(&m, "dcom_ports")); /* back to the default: not recorded */
    assert_string_equal(value_of(&m, "ndmp_port"), "10002");
    assert_string_equal(value_of(&m, "data_ports"), "2650-2660");
    const fw_merge_note *dcom = note_of(&m, "dcom_ports"), *ndmp = note_of(&m, "ndmp_port"),
                        *data = note_of(&m, "data_ports");
    assert_int_equal(dcom->kind, FW_MERGE_UNSET);
    assert_string_equal(dcom->before, "5000-5100");
    assert_string_equal(dcom->after, "1024-65535");
    assert_true(dcom->widens); /* back to 1024-65535: wider */
    assert_int_equal(ndmp->kind, FW_MERGE_SET);
    assert_true(ndmp->widens); /* a moved port opens one that was closed */
    assert_int_equal(data->kind, FW_MERGE_SET);
    assert_false(data->widens); /* narrower */
    fw_merge_free(&m);
}

static void setting_the_same_value_again_is_no_change(void **state)
{
    (void)state;
    fw_variable vars[] = {var("ndmp_port", FW_VAR_PORT, 10000, 10000)};
    fw_setting set[] = {{"ndmp_port", "10000"}};
    fw_merge m;
    fw_settings_merge(vars, 1, false, NULL, 0, set, 1, NULL, 0, &m);
    assert_int_equal(m.count, 1);
    assert_int_equal(m.note_count, 0);
    fw_merge_free(&m);
}

/* Peers: naming a new one, or 'any', widens; dropping one, or unsetting a
 * variable with no default (its rules wait), does not. */
static void address_changes_widen_only_when_they_admit_more_peers(void **state)
{
    (void)state;
    fw_variable vars[] = {peers("dpm_server", NULL)};
    fw_setting recorded[] = {{"dpm_server", "10.0.0.5, 10.0.0.6"}};
    struct {
        const char *after;
        bool widens;
    } cases[] = {{"10.0.0.5", false}, {"10.0.0.5, 10.0.0.7", true}, {"any", true}, {"10.0.0.6,10.0.0.5", false},
                 {"0.0.0.0/0", true}, {"10.0.0.0/24", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_setting set[] = {{"dpm_server", (char *)cases[i].after}};
        fw_merge m;
        fw_settings_merge(vars, 1, false, recorded, 1, set, 1, NULL, 0, &m);
        const fw_merge_note *n = note_of(&m, "dpm_server");
        assert_non_null(n);
        if (n->widens != cases[i].widens)
            fail_msg("%s -> %s: widens %d", n->before, n->after, n->widens);
        fw_merge_free(&m);
    }
    const char *unset[] = {"dpm_server"};
    fw_merge m;
    fw_settings_merge(vars, 1, false, recorded, 1, NULL, 0, unset, 1, &m);
    assert_string_equal(note_of(&m, "dpm_server")->after, "(not set)");
    assert_false(note_of(&m, "dpm_server")->widens);
    fw_merge_free(&m);
}

/* Narrowing within a prefix admits no one new; a folder that moves points
 * a program's permit elsewhere; a first apply opened nothing before. */
static void prefixes_folders_and_first_applies(void **state)
{
    (void)state;
    fw_variable vars[] = {peers("dpm_server", NULL)};
    fw_setting recorded[] = {{"dpm_server", "10.0.0.0/16"}};
    fw_setting narrower[] = {{"dpm_server", "10.0.1.0/24, 10.0.2.5"}};
    fw_merge m;
    fw_settings_merge(vars, 1, false, recorded, 1, narrower, 1, NULL, 0, &m);
    assert_false(note_of(&m, "dpm_server")->widens);
    fw_merge_free(&m);
    fw_variable path = var("be_install", FW_VAR_PATH, 0, 0);
    path.default_text = (char *)"%ProgramFiles%\\Symantec\\Backup Exec";
    fw_setting moved[] = {{"be_install", "D:\\Veritas\\Backup Exec"}};
    fw_settings_merge(&path, 1, false, NULL, 0, moved, 1, NULL, 0, &m);
    assert_true(note_of(&m, "be_install")->widens);
    fw_merge_free(&m);
    fw_variable port[] = {var("ndmp_port", FW_VAR_PORT, 10000, 10000)};
    fw_setting other[] = {{"ndmp_port", "10001"}};
    fw_settings_merge(port, 1, true, NULL, 0, other, 1, NULL, 0, &m);
    assert_int_equal(m.note_count, 1);
    assert_false(m.notes[0].widens);
    fw_merge_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_plain_reapply_keeps_what_was_recorded),
        cmocka_unit_test(set_and_unset_say_when_they_widen),
        cmocka_unit_test(setting_the_same_value_again_is_no_change),
        cmocka_unit_test(address_changes_widen_only_when_they_admit_more_peers),
        cmocka_unit_test(prefixes_folders_and_first_applies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
