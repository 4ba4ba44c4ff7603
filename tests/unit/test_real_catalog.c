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
        "veeam-enterprise-manager", "veeam-proxy", "veeam-gateway", "veeam-mount-server",
        "veeam-hyperv-host", "veeam-offhost-proxy", "veeam-guest-proxy", "veeam-vm-guest",
        "veeam-wan-accelerator", "veeam-tape-server",
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
                                       "004_fae5cf0c1135f2ec.txt", "005_veeam_vbr_used_ports.md"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if (strcmp(name, docs[i]) == 0)
            return true;
    return false;
}

static void every_rule_cites_one_of_the_vendor_documents(void **state)
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

static fw_exposure exposure_of(const char *const *profiles, size_t count, const fw_setting *s, size_t nset,
                               fw_plan *plan)
{
    for (size_t i = 0; i < count; i++) {
        const fw_profile *p = fw_catalog_find(&catalog, profiles[i]);
        fw_binding b;
        fw_binding_init(&b, &catalog, p, s, nset);
        fw_plan_add_profile(plan, p, &b);
        fw_binding_free(&b);
    }
    return fw_plan_exposure(plan, NULL);
}

static size_t total(fw_exposure e)
{
    return e.tcp + e.udp + e.program_tcp + e.program_udp + e.out_tcp + e.out_udp;
}

/* A proxy that is also a repository applies both profiles (vendor 005:
 * "make sure all required ports for each role are opened"): the Data Mover
 * and deployment openings they share are one filter each, and the host is
 * exposed exactly as the union of the two. */
static void roles_sharing_a_host_share_their_filters(void **state)
{
    (void)state;
    const fw_setting s[] = {{"veeam_servers", "10.0.0.0/24"}, {"backup_server", "10.0.0.5"}};
    const char *const proxy[] = {"veeam-proxy"}, *const repo[] = {"veeam-repository"},
                      *const both[] = {"veeam-proxy", "veeam-repository"};
    fw_plan a = {0}, b = {0}, ab = {0};
    fw_exposure ea = exposure_of(proxy, 1, s, 2, &a), eb = exposure_of(repo, 1, s, 2, &b),
                eab = exposure_of(both, 2, s, 2, &ab);
    /* Shared: deploy-smb-in, installer-in, data-mover-in, transmission-in and
     * data-mover-out, on both address families where they have addresses. */
    assert_true(ab.shared_count >= 5);
    assert_int_equal(ab.count + ab.shared_count, a.count + b.count);
    for (size_t i = 0; i < ab.count; i++)
        for (size_t k = i + 1; k < ab.count; k++)
            if (ab.filters[i].layer == ab.filters[k].layer &&
                ab.filters[i].condition_count == ab.filters[k].condition_count) {
                bool same = true;
                for (size_t c = 0; same && c < ab.filters[i].condition_count; c++) {
                    char *x = fw_condition_value_text(&ab.filters[i].conditions[c]);
                    char *y = fw_condition_value_text(&ab.filters[k].conditions[c]);
                    same = ab.filters[i].conditions[c].field == ab.filters[k].conditions[c].field &&
                           strcmp(x, y) == 0;
                    free(x);
                    free(y);
                }
                if (same)
                    fail_msg("filters %s/%s and %s/%s are the same", ab.filters[i].profile->name,
                             ab.filters[i].rule->id, ab.filters[k].profile->name, ab.filters[k].rule->id);
            }
    /* The union: every column at least each role's, and no more than their sum. */
    assert_true(eab.tcp >= ea.tcp && eab.tcp >= eb.tcp && eab.tcp <= ea.tcp + eb.tcp);
    assert_true(eab.program_tcp >= ea.program_tcp && eab.program_tcp >= eb.program_tcp);
    assert_true(total(eab) <= total(ea) + total(eb));
    /* The shared openings appear once: the proxy's Data Mover port is the repository's. */
    const fw_shared *sh = NULL;
    for (size_t i = 0; i < ab.shared_count && !sh; i++)
        if (strcmp(ab.shared[i].rule->id, "data-mover-in") == 0)
            sh = &ab.shared[i];
    assert_non_null(sh);
    assert_string_equal(sh->profile->name, "veeam-repository");
    assert_string_equal(ab.filters[sh->kept].profile->name, "veeam-proxy");
    fw_plan_free(&a);
    fw_plan_free(&b);
    fw_plan_free(&ab);
}

/* Versions (issue 19): only what the documents say is bound to a version. */
static void version_bound_rules_are_the_documented_ones(void **state)
{
    (void)state;
    size_t bound = 0;
    for (size_t p = 0; p < catalog.profile_count; p++)
        for (size_t r = 0; r < catalog.profiles[p].rule_count; r++)
            bound += catalog.profiles[p].rules[r].has_versions;
    assert_int_equal(bound, 2);
    assert_string_equal(rule_of("veeam-backup-server", "enterprise-manager-v12-in")->versions_text, "<13");
    assert_string_equal(rule_of("veeam-backup-server", "console-update-in")->versions_text, ">=12.3.2.4165");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_documented_windows_role_has_a_profile),
        cmocka_unit_test(roles_sharing_a_host_share_their_filters),
        cmocka_unit_test(version_bound_rules_are_the_documented_ones),
        cmocka_unit_test(every_rule_cites_one_of_the_vendor_documents),
        cmocka_unit_test(vendor_named_programs_have_program_rules),
        cmocka_unit_test(ndmp_service_and_rule_share_the_variable),
        cmocka_unit_test(plans_keep_same_field_conditions_adjacent),
        cmocka_unit_test(every_profile_holds_to_the_guard_at_defaults),
        cmocka_unit_test(every_outbound_rule_names_its_program_or_its_peers),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
