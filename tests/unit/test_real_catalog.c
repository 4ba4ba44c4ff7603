/* The shipped catalog (the YAML files in catalog/) itself: it loads without a problem,
 * has every host role the vendors document, cites its sources, and plans
 * into filters whose same-field conditions are adjacent. */
#include "test_support.h"

#include "fw_alloc.h"
#include "fw_fs.h"
#include "exposure.h"
#include "guard.h"
#include "plan.h"

#include <stdlib.h>

static fw_catalog catalog;

static int load(void **state)
{
    (void)state;
    fw_diags d = {0};
    char *dir = fw_path_join(FW_TEST_SOURCE_DIR, "catalog");
    bool ok = fw_catalog_load_dir(&catalog, dir, &d);
    fw_diags_print(&d, stderr);
    size_t count = d.count;
    fw_diags_free(&d);
    free(dir);
    return ok && count == 0 ? 0 : -1; /* no errors, no warnings */
}

static int unload(void **state)
{
    (void)state;
    fw_catalog_free(&catalog);
    return 0;
}

static void every_documented_windows_role_has_a_profile(void **state)
{
    (void)state;
    static const char *const roles[] = {
        "be-media-server", "be-remote-agent",
        "veeam-backup-server", "veeam-agent", "veeam-distribution-server", "veeam-repository",
        "veeam-enterprise-manager",
        "ahv-backup-server", "ahv-vpower-nfs", "ahv-guest-proxy", "ahv-log-shipping-server",
        "ahv-vm-guest", "ahv-sql-guest", "ahv-oracle-guest",
        "dpm", "dpm-agent", "dpm-sql"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!fw_catalog_find(&catalog, roles[i]))
            fail_msg("no profile '%s'", roles[i]);
    /* 'fwsvc apply --profile dpm' must mean the DPM server. */
    assert_string_equal(fw_catalog_find(&catalog, "dpm")->role, "DPM server");
}

static bool is_vendor_document(const char *name)
{
    static const char *const docs[] = {"000_efea23077a65e9c2.txt", "001_31e8d7bce34db34a.txt",
                                       "002_866ffdab140abbf4.txt", "003_6724a8e8bdccf209.txt",
                                       "004_fae5cf0c1135f2ec.txt"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if (strcmp(name, docs[i]) == 0)
            return true;
    return false;
}

static void every_rule_cites_one_of_the_five_documents(void **state)
{
    (void)state;
    size_t rules = 0;
    for (size_t p = 0; p < catalog.profile_count; p++)
        for (size_t r = 0; r < catalog.profiles[p].rule_count; r++, rules++) {
            const fw_rule *rule = &catalog.profiles[p].rules[r];
            if (!is_vendor_document(rule->source_document))
                fail_msg("%s/%s cites '%s'", catalog.profiles[p].name, rule->id,
                         rule->source_document);
            assert_true(strlen(rule->source_section) > 3);
        }
    assert_true(rules > 100);
}

static const fw_rule *rule_of(const char *profile, const char *id)
{
    const fw_profile *p = fw_catalog_find(&catalog, profile);
    for (size_t i = 0; p && i < p->rule_count; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return &p->rules[i];
    fail_msg("no rule %s/%s", profile, id);
    return NULL;
}

static void vendor_named_programs_have_program_rules(void **state)
{
    (void)state;
    assert_non_null(strstr(rule_of("dpm", "msdpm-program")->program, "\\msdpm.exe"));
    assert_non_null(strstr(rule_of("dpm", "dpmra-program")->program, "\\dpmra.exe"));
    assert_non_null(strstr(rule_of("dpm-agent", "dpmra-program")->program, "\\dpmra.exe"));
    assert_non_null(strstr(rule_of("dpm-sql", "sqlservr-program")->program, "\\sqlservr.exe"));
    assert_non_null(strstr(rule_of("be-remote-agent", "dynamic-in")->program, "\\beremote.exe"));
}

/* The ndmp services line and the NDMP rule share one variable, so a --set
 * changes both and they never disagree. */
static void ndmp_service_and_rule_share_the_variable(void **state)
{
    (void)state;
    const char *const profiles[] = {"be-media-server", "be-remote-agent"};
    for (size_t i = 0; i < 2; i++) {
        const fw_profile *p = fw_catalog_find(&catalog, profiles[i]);
        assert_int_equal(p->service_count, 1);
        assert_string_equal(p->services[0].name, "ndmp");
        assert_int_equal(p->services[0].protocol, FW_PROTO_TCP);
        const fw_rule *ndmp = rule_of(profiles[i], "ndmp-in");
        assert_int_equal(ndmp->ports[0].variable, p->services[0].port.variable);

        fw_setting s[] = {{"ndmp_port", "10001"}};
        fw_binding b;
        fw_binding_init(&b, &catalog, p, s, 1);
        assert_int_equal(fw_binding_resolve(&b, &p->services[0].port).lo, 10001);
        assert_int_equal(fw_binding_resolve(&b, &ndmp->ports[0]).lo, 10001);
        fw_binding_free(&b);
        fw_binding_init(&b, &catalog, p, NULL, 0);
        assert_int_equal(fw_binding_resolve(&b, &p->services[0].port).lo, 10000);
        fw_binding_free(&b);
    }
}

static void plans_keep_same_field_conditions_adjacent(void **state)
{
    (void)state;
    fw_plan plan = {0};
    for (size_t i = 0; i < catalog.profile_count; i++) {
        fw_binding b;
        fw_binding_init(&b, &catalog, &catalog.profiles[i], NULL, 0);
        fw_plan_add_profile(&plan, &catalog.profiles[i], &b);
        fw_binding_free(&b);
    }
    for (size_t i = 0; i < plan.count; i++) {
        const fw_planned_filter *f = &plan.filters[i];
        assert_true(f->condition_count > 0);
        for (size_t a = 0; a < f->condition_count; a++)
            for (size_t b = a + 2; b < f->condition_count; b++)
                if (f->conditions[a].field == f->conditions[b].field)
                    for (size_t m = a + 1; m < b; m++)
                        assert_int_equal(f->conditions[m].field, f->conditions[a].field);
        /* Never "allow everything": a port, a program or an address narrows it. */
        bool narrowed = false;
        for (size_t c = 0; c < f->condition_count; c++)
            narrowed |= f->conditions[c].field != FW_FIELD_IP_PROTOCOL;
        assert_true(narrowed);
    }
    fw_plan_free(&plan);
}

/* Least privilege (docs/security.md), at catalog defaults: the breadth
 * guard holds for every profile (the loader ran it; here it runs again on
 * the bound defaults), no outbound hard permit is open to every program at
 * every address, and each profile's inbound exposure stays within the
 * figure docs/security.md publishes. */
static void every_profile_holds_to_the_guard_at_defaults(void **state)
{
    (void)state;
    size_t worst_tcp = 0, worst_udp = 0;
    for (size_t i = 0; i < catalog.profile_count; i++) {
        const fw_profile *p = &catalog.profiles[i];
        fw_binding b;
        fw_binding_init(&b, &catalog, p, NULL, 0);
        fw_diags d = {0};
        if (!fw_guard_check(p, &b, &d))
            fail_msg("%s: %s", p->name, d.items[0].message);
        fw_diags_free(&d);
        fw_plan plan = {0};
        fw_plan_add_profile(&plan, p, &b);
        fw_exposure e = fw_plan_exposure(&plan, p);
        if (e.out_tcp || e.out_udp)
            fail_msg("%s: %lu TCP and %lu UDP remote ports open to every program at any address", p->name,
                     (unsigned long)e.out_tcp, (unsigned long)e.out_udp);
        worst_tcp = e.tcp > worst_tcp ? e.tcp : worst_tcp;
        worst_udp = e.udp > worst_udp ? e.udp : worst_udp;
        fw_plan_free(&plan);
        fw_binding_free(&b);
    }
    /* docs/security.md: "at most 15 TCP and 0 UDP ports" per profile. */
    assert_true(worst_tcp <= 15);
    assert_true(worst_udp == 0);
}

/* Every outbound rule names its program or a scope of peers: a hard
 * permit for every program to every address would defeat an egress policy
 * (SMB to the internet leaks NTLM hashes). */
static void every_outbound_rule_names_its_program_or_its_peers(void **state)
{
    (void)state;
    for (size_t i = 0; i < catalog.profile_count; i++)
        for (size_t r = 0; r < catalog.profiles[i].rule_count; r++) {
            const fw_rule *rule = &catalog.profiles[i].rules[r];
            if (rule->direction == FW_DIR_OUT && !rule->program && rule->remote_variable < 0 && !rule->remote_count)
                fail_msg("%s/%s: outbound, no program, no peers", catalog.profiles[i].name, rule->id);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_documented_windows_role_has_a_profile),
        cmocka_unit_test(every_rule_cites_one_of_the_five_documents),
        cmocka_unit_test(vendor_named_programs_have_program_rules),
        cmocka_unit_test(ndmp_service_and_rule_share_the_variable),
        cmocka_unit_test(plans_keep_same_field_conditions_adjacent),
        cmocka_unit_test(every_profile_holds_to_the_guard_at_defaults),
        cmocka_unit_test(every_outbound_rule_names_its_program_or_its_peers),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
