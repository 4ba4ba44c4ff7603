/* The DSC resource's instance: what a fleet engine may pass (and what it
 * may not), comparing two configurations, and the JSON lines printed. */
#include "test_support.h"

#include "dsc_instance.h"

#include <stdlib.h>

static bool parse(const char *text, fw_dsc_instance *d, char **error)
{
    return fw_dsc_instance_parse(text, strlen(text), d, error);
}

/* Parses text, which must fail, and checks the message names where. */
static void refused(const char *text, const char *where)
{
    fw_dsc_instance d;
    char *error = NULL;
    assert_false(parse(text, &d, &error));
    assert_non_null(error);
    if (!strstr(error, where))
        fail_msg("'%s' does not name '%s'", error, where);
    free(error);
    assert_int_equal(d.profiles.count, 0); /* nothing half-parsed is left */
}

static void a_full_instance_parses(void **state)
{
    (void)state;
    fw_dsc_instance d;
    char *error = NULL;
    assert_true(parse("{\"profiles\":[{\"name\":\"dpm\",\"settings\":{\"dcom_ports\":\"5000-5100\"}},"
                      "{\"name\":\"backup-exec-server\",\"settings\":{\"ndmp_port\":10000}},{\"name\":\"dpm-agent\"}],"
                      "\"intervalSeconds\":120,\"_exist\":true}",
                      &d, &error));
    assert_null(error);
    assert_true(d.has_profiles && d.has_interval && d.exist);
    assert_int_equal(d.interval_seconds, 120);
    assert_int_equal(d.profiles.count, 3);
    assert_string_equal(d.profiles.items[0].profile, "dpm");
    assert_int_equal(d.profiles.items[0].count, 1);
    assert_string_equal(d.profiles.items[0].settings[0].name, "dcom_ports");
    assert_string_equal(d.profiles.items[0].settings[0].value, "5000-5100");
    /* YAML's unquoted port number arrives as a JSON number. */
    assert_string_equal(d.profiles.items[1].settings[0].value, "10000");
    assert_int_equal(d.profiles.items[2].count, 0);
    fw_dsc_instance_free(&d);
}

static void absent_properties_are_not_managed(void **state)
{
    (void)state;
    fw_dsc_instance d;
    char *error = NULL;
    assert_true(parse("  \n", &d, &error)); /* get and export are called without input */
    assert_false(d.has_profiles || d.has_interval);
    assert_true(d.exist);
    fw_dsc_instance_free(&d);
    assert_true(parse("{\"intervalSeconds\":600}", &d, &error));
    assert_false(d.has_profiles);
    assert_true(d.has_interval);
    fw_dsc_instance_free(&d);
    /* An empty list is a list: no profile is applied. */
    assert_true(parse("{\"profiles\":[]}", &d, &error));
    assert_true(d.has_profiles);
    assert_int_equal(d.profiles.count, 0);
    fw_dsc_instance_free(&d);
    /* What get and test print can come back: the read-only ones mean nothing. */
    assert_true(parse("{\"_exist\":false,\"state\":\"drift\",\"_inDesiredState\":false}", &d, &error));
    assert_false(d.exist);
    fw_dsc_instance_free(&d);
}

static void bad_input_is_refused_with_its_place(void **state)
{
    (void)state;
    refused("[1]", "one JSON object");
    refused("{\"profiles\":", "not JSON");
    refused("{\"profile\":[]}", "unknown property 'profile'");
    refused("{\"profiles\":{\"dpm\":{}}}", "profiles: must be an array");
    refused("{\"profiles\":[\"dpm\"]}", "profiles[0]: must be an object");
    refused("{\"profiles\":[{\"settings\":{}}]}", "profiles[0].name");
    refused("{\"profiles\":[{\"name\":\"\"}]}", "profiles[0].name");
    refused("{\"profiles\":[{\"name\":\"dpm\"},{\"name\":\"DPM\"}]}", "'DPM' is named twice");
    refused("{\"profiles\":[{\"name\":\"dpm\",\"port\":1}]}", "unknown property 'port'");
    refused("{\"profiles\":[{\"name\":\"dpm\",\"settings\":[]}]}", "profiles[0].settings: must be an object");
    refused("{\"profiles\":[{\"name\":\"dpm\",\"settings\":{\"dcom_ports\":true}}]}",
            "profiles[0].settings.dcom_ports: must be a string");
    refused("{\"profiles\":[{\"name\":\"dpm\",\"settings\":{\"dcom_ports\":-1}}]}", "settings.dcom_ports");
    refused("{\"profiles\":[{\"name\":\"dpm\",\"settings\":{\"dcom_ports\":1.5}}]}", "settings.dcom_ports");
    refused("{\"intervalSeconds\":9}", "intervalSeconds: must be a whole number");
    refused("{\"intervalSeconds\":86401}", "intervalSeconds");
    refused("{\"intervalSeconds\":\"300\"}", "intervalSeconds");
    refused("{\"intervalSeconds\":300.5}", "intervalSeconds");
    refused("{\"_exist\":\"no\"}", "_exist: must be true or false");
    refused("{\"_exist\":false,\"profiles\":[{\"name\":\"dpm\"}]}", "_exist is false");
}

static void configurations_compare_as_sets(void **state)
{
    (void)state;
    fw_applied a = {0}, b = {0};
    fw_setting s1[] = {{"dcom_ports", "5000-5100"}, {"dpm_servers", "10.0.0.0/24"}};
    fw_setting s2[] = {{"dpm_servers", "10.0.0.0/24"}, {"dcom_ports", "5000-5100"}};
    fw_applied_set(&a, "dpm", s1, 2);
    fw_applied_set(&a, "dpm-agent", NULL, 0);
    fw_applied_set(&b, "dpm-agent", NULL, 0);
    fw_applied_set(&b, "DPM", s2, 2);
    assert_true(fw_dsc_applied_equal(&a, &b)); /* order and a profile name's case do not matter */
    fw_setting other[] = {{"dpm_servers", "10.0.0.0/24"}, {"dcom_ports", "5000-5200"}};
    fw_applied_set(&b, "dpm", other, 2);
    assert_false(fw_dsc_applied_equal(&a, &b)); /* a value */
    fw_applied_set(&b, "dpm", s2, 1);
    assert_false(fw_dsc_applied_equal(&a, &b)); /* a setting fewer */
    fw_applied_set(&b, "dpm", s2, 2);
    assert_true(fw_dsc_applied_equal(&a, &b));
    fw_applied_remove(&b, "dpm-agent");
    assert_false(fw_dsc_applied_equal(&a, &b)); /* a profile fewer */
    assert_false(fw_dsc_applied_equal(&b, &a));
    fw_applied_free(&a);
    fw_applied_free(&b);
}

static char *printed(void (*print)(FILE *, const void *), const void *arg)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    print(f, arg);
    long n = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static const fw_applied *g_profiles;
static void print_state_tested(FILE *f, const void *arg)
{
    fw_dsc_print_state(f, g_profiles, 300, "in_sync", *(const int *)arg);
}
static void print_diff(FILE *f, const void *arg)
{
    fw_dsc_print_diff(f, arg);
}

static void state_and_diff_are_json_lines(void **state)
{
    (void)state;
    fw_applied a = {0};
    fw_setting s[] = {{"dcom_ports", "5000-5100"}};
    fw_applied_set(&a, "dpm", s, 1);
    g_profiles = &a;
    int none = -1, no = 0;
    char *text = printed(print_state_tested, &none);
    assert_string_equal(text, "{\"profiles\": [{\"name\": \"dpm\",\"settings\": {\"dcom_ports\": \"5000-5100\"}}],"
                              "\"intervalSeconds\": 300,\"_exist\": true,\"state\": \"in_sync\"}\n");
    free(text);
    text = printed(print_state_tested, &no);
    assert_non_null(strstr(text, ",\"_inDesiredState\": false}\n"));
    free(text);
    fw_applied_free(&a);
    g_profiles = &a; /* nothing applied: _exist is false */
    text = printed(print_state_tested, &none);
    assert_string_equal(text, "{\"profiles\": [],\"intervalSeconds\": 300,\"_exist\": false,\"state\": \"in_sync\"}\n");
    free(text);

    fw_dsc_diff d = {0};
    text = printed(print_diff, &d);
    assert_string_equal(text, "[]\n");
    free(text);
    fw_dsc_diff_add(&d, "profiles");
    fw_dsc_diff_add(&d, "intervalSeconds");
    fw_dsc_diff_add(&d, "profiles"); /* once */
    text = printed(print_diff, &d);
    assert_string_equal(text, "[\"profiles\",\"intervalSeconds\"]\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_instance_parses),
        cmocka_unit_test(absent_properties_are_not_managed),
        cmocka_unit_test(bad_input_is_refused_with_its_place),
        cmocka_unit_test(configurations_compare_as_sets),
        cmocka_unit_test(state_and_diff_are_json_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
