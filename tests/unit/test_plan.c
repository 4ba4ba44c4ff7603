/* The plan: one filter per (rule, layer), conditions as WFP needs them. */
#include "test_support.h"

#include "guard.h"

#include "plan.h"

#include <stdlib.h>
#include <string.h>

static const char *const catalog_yaml =
    "product: X\n"
    "variables:\n"
    "  dyn: {type: port_range, default: 49152-65535, description: d}\n"
    "profiles:\n"
    "  - name: p\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: in-ports, direction: in, protocol: tcp, ports: [5719, 135, \"${dyn}\", 5718],"
    " program: 'C:\\x\\b.exe', description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: out-udp, direction: out, protocol: udp, ports: [53],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: program, direction: in, protocol: any, program: 'C:\\x\\a.exe',"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: loopback-v4, direction: in, protocol: tcp, ports: [9395],"
    " remote_addresses: [127.0.0.1], description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: scoped, direction: out, protocol: tcp, ports: [80], program: 'C:\\x\\a.exe',"
    " remote_addresses: [10.0.0.0/8, \"fd00::/8\", 192.0.2.1],"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

typedef struct {
    fw_catalog catalog;
    fw_plan plan;
} fixture;

static fixture *build(const fw_setting *settings, size_t n)
{
    fixture *f = calloc(1, sizeof *f);
    fw_diags d = {0};
    load_yaml(&f->catalog, &d, catalog_yaml);
    assert_int_equal(d.errors, 0);
    fw_diags_free(&d);
    fw_binding b;
    fw_binding_init(&b, &f->catalog, &f->catalog.profiles[0], settings, n);
    fw_plan_add_profile(&f->plan, &f->catalog.profiles[0], &b);
    fw_binding_free(&b);
    return f;
}

static void destroy(fixture *f)
{
    fw_plan_free(&f->plan);
    fw_catalog_free(&f->catalog);
    free(f);
}

static const fw_planned_filter *find(const fw_plan *p, const char *rule, fw_layer layer)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->filters[i].rule->id, rule) == 0 && p->filters[i].layer == layer)
            return &p->filters[i];
    return NULL;
}

static void one_filter_per_rule_and_layer(void **state)
{
    (void)state;
    fixture *f = build(NULL, 0);
    /* 4 unscoped-or-dual rules x 2 layers + loopback-v4 on v4 only. */
    assert_int_equal(f->plan.count, 9);
    assert_non_null(find(&f->plan, "in-ports", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4));
    assert_non_null(find(&f->plan, "in-ports", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6));
    assert_null(find(&f->plan, "in-ports", FW_LAYER_ALE_AUTH_CONNECT_V4));
    assert_non_null(find(&f->plan, "out-udp", FW_LAYER_ALE_AUTH_CONNECT_V4));
    assert_non_null(find(&f->plan, "out-udp", FW_LAYER_ALE_AUTH_CONNECT_V6));
    assert_null(find(&f->plan, "out-udp", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6));
    assert_non_null(find(&f->plan, "loopback-v4", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4));
    assert_null(find(&f->plan, "loopback-v4", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6));
    destroy(f);
}

static void ports_are_sorted_adjacent_conditions_and_a_range_is_one(void **state)
{
    (void)state;
    fixture *f = build(NULL, 0);
    const fw_planned_filter *in = find(&f->plan, "in-ports", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
    assert_int_equal(in->condition_count, 6); /* protocol, 4 ports, program */
    assert_int_equal(in->conditions[0].field, FW_FIELD_IP_PROTOCOL);
    assert_int_equal(in->conditions[0].value.protocol, 6);
    const uint16_t lo[] = {135, 5718, 5719, 49152};
    for (size_t i = 0; i < 4; i++) {
        const fw_condition *c = &in->conditions[1 + i];
        assert_int_equal(c->field, FW_FIELD_IP_LOCAL_PORT);
        assert_int_equal(c->value.ports.lo, lo[i]);
    }
    /* 49152-65535 is one FWP_MATCH_RANGE condition, not 16,384 of anything. */
    assert_int_equal(in->conditions[4].match, FW_MATCH_RANGE);
    assert_int_equal(in->conditions[4].value.ports.hi, 65535);
    assert_int_equal(in->conditions[1].match, FW_MATCH_EQUAL);

    const fw_planned_filter *out = find(&f->plan, "out-udp", FW_LAYER_ALE_AUTH_CONNECT_V6);
    assert_int_equal(out->condition_count, 2);
    assert_int_equal(out->conditions[0].value.protocol, 17);
    assert_int_equal(out->conditions[1].field, FW_FIELD_IP_REMOTE_PORT);
    destroy(f);
}

static void a_program_rule_of_any_protocol_has_only_the_app_id(void **state)
{
    (void)state;
    fixture *f = build(NULL, 0);
    const fw_planned_filter *p = find(&f->plan, "program", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6);
    assert_int_equal(p->condition_count, 1);
    assert_int_equal(p->conditions[0].field, FW_FIELD_ALE_APP_ID);
    assert_string_equal(p->conditions[0].value.program, "C:\\x\\a.exe");
    destroy(f);
}

static void remote_scope_is_split_by_family(void **state)
{
    (void)state;
    fixture *f = build(NULL, 0);
    const fw_planned_filter *v4 = find(&f->plan, "scoped", FW_LAYER_ALE_AUTH_CONNECT_V4);
    const fw_planned_filter *v6 = find(&f->plan, "scoped", FW_LAYER_ALE_AUTH_CONNECT_V6);
    /* protocol, port, two v4 addresses, app id */
    assert_int_equal(v4->condition_count, 5);
    assert_int_equal(v4->conditions[2].field, FW_FIELD_IP_REMOTE_ADDRESS);
    assert_int_equal(v4->conditions[3].field, FW_FIELD_IP_REMOTE_ADDRESS);
    char *text = fw_condition_value_text(&v4->conditions[2]);
    assert_string_equal(text, "10.0.0.0/8");
    free(text);
    assert_int_equal(v6->condition_count, 4);
    text = fw_condition_value_text(&v6->conditions[2]);
    assert_string_equal(text, "fd00:0:0:0:0:0:0:0/8");
    free(text);
    assert_int_equal(v4->conditions[4].field, FW_FIELD_ALE_APP_ID);
    destroy(f);
}

static void a_set_variable_changes_the_conditions_and_overlaps_merge(void **state)
{
    (void)state;
    fw_setting s[] = {{"dyn", "5000-5718"}};
    fixture *f = build(s, 1);
    const fw_planned_filter *in = find(&f->plan, "in-ports", FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
    /* 135, 5000-5718 (5718 merges into the range it overlaps), 5719 (only
     * adjacent: kept as written). */
    assert_int_equal(in->condition_count, 5);
    assert_int_equal(in->conditions[2].value.ports.lo, 5000);
    assert_int_equal(in->conditions[2].value.ports.hi, 5718);
    assert_int_equal(in->conditions[2].match, FW_MATCH_RANGE);
    assert_int_equal(in->conditions[3].value.ports.lo, 5719);
    destroy(f);
}

static void names_are_the_wfp_constants(void **state)
{
    (void)state;
    assert_string_equal(fw_layer_name(FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4),
                        "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4");
    assert_string_equal(fw_layer_name(FW_LAYER_ALE_AUTH_CONNECT_V6),
                        "FWPM_LAYER_ALE_AUTH_CONNECT_V6");
    assert_string_equal(fw_field_name(FW_FIELD_IP_LOCAL_PORT), "FWPM_CONDITION_IP_LOCAL_PORT");
    assert_string_equal(fw_field_name(FW_FIELD_ALE_APP_ID), "FWPM_CONDITION_ALE_APP_ID");
    assert_string_equal(fw_match_name(FW_MATCH_RANGE), "FWP_MATCH_RANGE");
}

/* Address and path variables: a rule scoped to an addresses variable with
 * no value waits (no filter, named in the plan); set, its addresses become
 * conditions, split by family; 'any' gives none. A program path starting
 * with a folder variable follows --set. */
static const char *const scoped_yaml =
    "product: X\n"
    "variables:\n"
    "  peers: {type: addresses, description: d}\n"
    "  open_peers: {type: addresses, default: any, description: d}\n"
    "  home: {type: path, default: '%ProgramFiles%\\Vendor', description: d}\n"
    "profiles:\n"
    "  - name: p\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: rpc-in, direction: in, protocol: tcp, ports: [49152-65535], remote_addresses: [\"${peers}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: mgmt-in, direction: in, protocol: tcp, ports: [8080], remote_addresses: [\"${open_peers}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: app, direction: in, protocol: any, program: '${home}\\bin\\svc.exe',"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

static size_t filters_of(const fw_plan *plan, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->count; i++)
        n += strcmp(plan->filters[i].rule->id, rule) == 0;
    return n;
}

static void address_and_path_variables_scope_the_plan(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, scoped_yaml);
    if (d.errors)
        fw_diags_print(&d, stderr);
    assert_int_equal(d.errors, 0);
    fw_diags_free(&d);
    d = (fw_diags){0};
    const fw_profile *p = &c.profiles[0];

    fw_binding b;
    fw_binding_init(&b, &c, p, NULL, 0);
    fw_plan plan = {0};
    fw_plan_add_profile(&plan, p, &b);
    assert_int_equal(filters_of(&plan, "rpc-in"), 0);
    assert_int_equal(plan.waiting_count, 1);
    assert_string_equal(plan.waiting[0].variable, "peers");
    assert_int_equal(filters_of(&plan, "mgmt-in"), 2); /* any: both families, no address condition */
    for (size_t i = 0; i < plan.count; i++)
        if (strcmp(plan.filters[i].rule->id, "app") == 0)
            assert_string_equal(plan.filters[i].program, "%ProgramFiles%\\Vendor\\bin\\svc.exe");
    fw_plan_free(&plan);
    fw_binding_free(&b);

    fw_setting set[] = {{"peers", "10.0.0.5, fd00::/8"}, {"home", "D:\\Apps\\Vendor"}};
    assert_true(fw_settings_check(&c, &p, 1, set, 2, &d));
    fw_diags_free(&d);
    fw_binding_init(&b, &c, p, set, 2);
    fw_plan_add_profile(&plan, p, &b);
    assert_int_equal(plan.waiting_count, 0);
    assert_int_equal(filters_of(&plan, "rpc-in"), 2);
    for (size_t i = 0; i < plan.count; i++) {
        const fw_planned_filter *f = &plan.filters[i];
        if (strcmp(f->rule->id, "rpc-in") == 0) {
            const fw_condition *last = &f->conditions[f->condition_count - 1];
            assert_int_equal(last->field, FW_FIELD_IP_REMOTE_ADDRESS);
            assert_int_equal(last->value.address.family, fw_layer_family(f->layer));
        }
        if (strcmp(f->rule->id, "app") == 0)
            assert_string_equal(f->program, "D:\\Apps\\Vendor\\bin\\svc.exe");
    }
    fw_plan_free(&plan);
    fw_binding_free(&b);

    /* Refused: a bad address, a relative folder. 'any' is well formed; the
     * guard judges it: the wide rule it scopes is refused, and the list of
     * widened variables names it. */
    fw_setting bad_address[] = {{"peers", "10.0.0.300"}}, bad_path[] = {{"home", "Apps\\Vendor"}},
               anyone[] = {{"peers", "any"}};
    assert_false(fw_settings_check(&c, &p, 1, bad_address, 1, &d));
    fw_diags_free(&d);
    assert_false(fw_settings_check(&c, &p, 1, bad_path, 1, &d));
    fw_diags_free(&d);
    d = (fw_diags){0};
    assert_true(fw_settings_check(&c, &p, 1, anyone, 1, &d));
    assert_int_equal(d.errors, 0);
    fw_binding_init(&b, &c, p, anyone, 1);
    assert_false(fw_guard_check(p, &b, &d));
    assert_true(has_diag(&d, "peers=any: rule p/rpc-in would open 49152-65535"));
    fw_widened_list w = {0};
    fw_guard_widened(p, &b, &w);
    assert_int_equal(w.count, 2); /* and open_peers, whose default is any */
    assert_string_equal(w.items[0].variable, "peers");
    assert_string_equal(w.items[0].rules, "rpc-in");
    assert_string_equal(w.items[1].variable, "open_peers");
    fw_widened_list_free(&w);
    fw_binding_free(&b);
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

/* versions: a rule for some product versions is left out for another
 * version, and planned with the rest while the host's version is not set
 * (the union), which the plan says. */
static const char *const versioned_yaml =
    "product: X\n"
    "variables:\n"
    "  x_version: {type: version, description: the host's version}\n"
    "profiles:\n"
    "  - name: p\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: always-in, direction: in, protocol: tcp, ports: [9392], program: 'C:\\x\\a.exe',"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: v12-in, direction: in, protocol: tcp, ports: [9405], program: 'C:\\x\\a.exe', versions: \"<13\","
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: update-in, direction: in, protocol: tcp, ports: [9420], program: 'C:\\x\\a.exe',"
    " versions: \">=12.3.2.4165\", description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

static void rules_follow_the_hosts_version(void **state)
{
    (void)state;
    fw_catalog c = {0};
    fw_diags d = {0};
    load_yaml(&c, &d, versioned_yaml);
    assert_int_equal(d.errors, 0);
    const fw_profile *p = &c.profiles[0];
    struct {
        const char *version; /* NULL: not set */
        size_t always, v12, update;
        const char *says;
    } cases[] = {
        {NULL, 2, 2, 2, "x_version is not set: the rules of every version are planned, v12-in (<13), update-in (>=12.3.2.4165); --set x_version=VERSION plans only this host's"},
        {"12.3", 2, 2, 0, "x_version=12.3: left out as rules of other versions: update-in (>=12.3.2.4165)"},
        {"12.3.2.4165", 2, 2, 2, "x_version=12.3.2.4165: every version-bound rule of this profile applies to it"},
        {"13.0.2", 2, 0, 2, "x_version=13.0.2: left out as rules of other versions: v12-in (<13)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_setting s[] = {{"x_version", (char *)cases[i].version}};
        fw_binding b;
        fw_binding_init(&b, &c, p, s, cases[i].version ? 1 : 0);
        fw_plan plan = {0};
        fw_plan_add_profile(&plan, p, &b);
        assert_int_equal(filters_of(&plan, "always-in"), cases[i].always);
        assert_int_equal(filters_of(&plan, "v12-in"), cases[i].v12);
        assert_int_equal(filters_of(&plan, "update-in"), cases[i].update);
        char *text = fw_plan_versions_text(&plan, p, &b);
        assert_string_equal(text, cases[i].says);
        free(text);
        fw_plan_free(&plan);
        fw_binding_free(&b);
    }
    fw_diags_free(&d);
    fw_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_follow_the_hosts_version),
        cmocka_unit_test(one_filter_per_rule_and_layer),
        cmocka_unit_test(ports_are_sorted_adjacent_conditions_and_a_range_is_one),
        cmocka_unit_test(a_program_rule_of_any_protocol_has_only_the_app_id),
        cmocka_unit_test(remote_scope_is_split_by_family),
        cmocka_unit_test(a_set_variable_changes_the_conditions_and_overlaps_merge),
        cmocka_unit_test(names_are_the_wfp_constants),
        cmocka_unit_test(address_and_path_variables_scope_the_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
