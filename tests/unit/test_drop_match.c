/* What `watch` makes of a dropped flow (wfp/drop_match.c) and how often it
 * reports one (wfp/drop_throttle.c): the rule of an applied profile, the
 * reason fwsvc's permit did not carry it, the fix; a drop on a product's
 * port that no rule's direction or protocol has; the rest. */
#include "test_support.h"

#include "rule_views_fixture.h"

#include "drop.h"

#include <stdlib.h>

static const char *const yaml =
    "product: X\n"
    "variables:\n"
    "  servers: {type: addresses, description: d}\n"
    "profiles:\n"
    "  - name: server\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: index-in, direction: in, protocol: tcp, ports: [2500], remote_addresses: [\"${servers}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: mount-in, direction: in, protocol: tcp, ports: [6160], remote_addresses: [10.1.0.0/16],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: agent-in, direction: in, protocol: tcp, ports: [6180], program: 'C:\\App\\agent.exe',"
    " description: d, source: {document: d.txt, section: s}}\n"
    "  - name: agent\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: control-in, direction: in, protocol: tcp, ports: [6170], remote_addresses: [10.0.0.0/8],"
    " description: d, source: {document: d.txt, section: s}}\n" FIXTURE_SOURCES;

static fw_catalog catalog;

static int load(void **state)
{
    (void)state;
    return load_clean_yaml(&catalog, yaml);
}

static int unload(void **state)
{
    (void)state;
    fw_catalog_free(&catalog);
    return 0;
}

/* The server profile applied with the settings given; the agent not. */
static void host_init(host_fixture *h, fw_setting *settings, size_t n)
{
    host_init_catalog(h, &catalog, settings, n);
}

static fw_drop drop_of(bool inbound, uint8_t protocol, uint16_t port, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    fw_drop x = {0};
    x.flow = (fw_flow){.inbound = inbound, .protocol = protocol, .has_remote_addr = true};
    if (inbound)
        x.flow.has_local_port = true, x.flow.local_port = port, x.flow.has_remote_port = true,
        x.flow.remote_port = 50000;
    else
        x.flow.has_remote_port = true, x.flow.remote_port = port;
    uint8_t addr[4] = {a, b, c, d};
    memcpy(x.flow.remote_addr, addr, 4);
    snprintf(x.remote_text, sizeof x.remote_text, "%u.%u.%u.%u", a, b, c, d);
    return x;
}

static void match(host_fixture *h, const fw_drop *d, const char *only, const fw_eval_filter *dropper,
                  fw_drop_match *m)
{
    fw_nm_query q = {&d->flow, NULL, d->remote_text, true};
    fw_drop_match_find(&q, h->views, h->count, only, dropper, m);
}

static void a_drop_waiting_for_peers_names_the_variable_and_the_fix(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    fw_drop d = drop_of(true, 6, 2500, 10, 0, 0, 5);
    fw_drop_match m;
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_RULE);
    assert_string_equal(m.profile, "server");
    assert_string_equal(m.rule, "index-in");
    assert_string_equal(m.reason, "waits for servers");
    assert_true(m.unmatched & FW_NM_PENDING);
    assert_string_equal(m.fix, "fwsvc apply --profile server --set servers=10.0.0.5");
    fw_drop_match_free(&m);
    host_free(&h);
}

static void a_peer_outside_the_scope_is_told_with_the_widening_fix(void **state)
{
    (void)state;
    fw_setting s[] = {{"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 1);
    fw_drop d = drop_of(true, 6, 2500, 192, 0, 2, 9);
    fw_drop_match m;
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_RULE);
    assert_string_equal(m.rule, "index-in");
    assert_string_equal(m.reason, "outside scope");
    assert_string_equal(m.fix, "fwsvc apply --profile server --set servers=10.0.0.0/24,192.0.2.9");
    assert_non_null(strstr(m.text, "this flow comes from 192.0.2.9"));
    fw_drop_match_free(&m);
    /* A fixed scope: no setting widens it, so no fix is offered. */
    d = drop_of(true, 6, 6160, 192, 0, 2, 9);
    match(&h, &d, NULL, NULL, &m);
    assert_string_equal(m.rule, "mount-in");
    assert_string_equal(m.reason, "outside scope");
    assert_null(m.fix);
    fw_drop_match_free(&m);
    host_free(&h);
}

static void another_direction_or_protocol_is_an_unexpected_flow_on_a_product_port(void **state)
{
    (void)state;
    fw_setting s[] = {{"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 1);
    fw_drop d = drop_of(true, 17, 2500, 10, 0, 0, 5); /* UDP where the product documents TCP */
    fw_drop_match m;
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_PRODUCT_PORT);
    assert_string_equal(m.profile, "server");
    assert_null(m.rule);
    assert_string_equal(m.reason, "unexpected flow on a product port");
    assert_true(m.unmatched & FW_NM_PROTOCOL);
    assert_null(m.fix);
    fw_drop_match_free(&m);
    d = drop_of(false, 6, 2500, 10, 0, 0, 5); /* outbound to the port the product listens on */
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_PRODUCT_PORT);
    assert_true(m.unmatched & FW_NM_DIRECTION);
    fw_drop_match_free(&m);
    host_free(&h);
}

static void a_rule_of_a_profile_not_applied_and_an_unknown_port(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    fw_drop d = drop_of(true, 6, 6170, 10, 2, 3, 4);
    fw_drop_match m;
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_NOT_APPLIED);
    assert_string_equal(m.profile, "agent");
    assert_string_equal(m.rule, "control-in");
    assert_string_equal(m.reason, "not applied");
    assert_string_equal(m.fix, "fwsvc apply --profile agent");
    fw_drop_match_free(&m);
    d = drop_of(true, 6, 3389, 10, 2, 3, 4);
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_OTHER);
    assert_null(m.profile);
    assert_null(m.fix);
    fw_drop_match_free(&m);
    /* --profile: another profile's rule is not this profile's business. */
    d = drop_of(true, 6, 2500, 10, 0, 0, 5);
    match(&h, &d, "agent", NULL, &m);
    assert_int_equal(m.kind, FW_DROP_OTHER);
    fw_drop_match_free(&m);
    host_free(&h);
}

static void a_matching_permit_overridden_names_the_filter_above_it(void **state)
{
    (void)state;
    fw_setting s[] = {{"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 1);
    fw_drop d = drop_of(true, 6, 2500, 10, 0, 0, 5);
    fw_eval_filter edr = {.name = "EDR isolation", .provider = "{0f0e1d2c-3b4a-5968-7786-95a4b3c2d1e0}",
                          .provider_name = "Contoso EDR", .action = FW_EA_BLOCK, .layer = FW_ALE_RECV_ACCEPT_V4};
    fw_drop_match m;
    match(&h, &d, NULL, &edr, &m);
    assert_int_equal(m.kind, FW_DROP_RULE);
    assert_int_equal(m.unmatched, 0);
    assert_non_null(strstr(m.reason, "overridden by a block in a heavier sublayer"));
    assert_non_null(strstr(m.reason, "\"EDR isolation\" of Contoso EDR"));
    assert_null(m.fix);
    fw_drop_match_free(&m);
    /* The same block at the listen layer: weights do not enter into it. */
    edr.layer = FW_ALE_LISTEN_V4;
    match(&h, &d, NULL, &edr, &m);
    assert_null(strstr(m.reason, "heavier sublayer"));
    assert_non_null(strstr(m.reason, "the program may not listen: a block at the listen layer (\"EDR isolation\" of "
                                     "Contoso EDR)"));
    fw_drop_match_free(&m);
    edr.layer = FW_ALE_LAYER_COUNT; /* a packet or stream layer */
    match(&h, &d, NULL, &edr, &m);
    assert_non_null(strstr(m.reason, "dropped at another layer, not by weight"));
    fw_drop_match_free(&m);
    match(&h, &d, NULL, NULL, &m);
    assert_non_null(strstr(m.reason, "cannot read"));
    fw_drop_match_free(&m);
    host_free(&h);
}

static void a_drop_without_a_program_on_a_program_rule_says_wfp_named_none(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    fw_drop d = drop_of(true, 6, 6180, 10, 0, 0, 5);
    fw_drop_match m;
    match(&h, &d, NULL, NULL, &m);
    assert_int_equal(m.kind, FW_DROP_RULE);
    assert_string_equal(m.rule, "agent-in");
    assert_string_equal(m.reason, "other program");
    assert_non_null(strstr(m.text, "WFP reported no program for this flow"));
    assert_null(strstr(m.text, "--program")); /* why's advice, not watch's */
    assert_null(m.fix);
    fw_drop_match_free(&m);
    host_free(&h);
}

#define MINUTE 600000000ull /* in 100 ns */

static void one_report_per_flow_per_period(void **state)
{
    (void)state;
    fw_drop_throttle *t = fw_drop_throttle_new(10 * MINUTE);
    fw_drop d = drop_of(true, 6, 2500, 10, 0, 0, 5);
    uint64_t now = 1000 * MINUTE;
    assert_true(fw_drop_throttle_admit(t, &d, "server/index-in", now));
    d.flow.remote_port = 50001; /* the next attempt: another source port, the same flow */
    assert_false(fw_drop_throttle_admit(t, &d, "server/index-in", now + MINUTE));
    assert_false(fw_drop_throttle_admit(t, &d, "server/index-in", now + 9 * MINUTE));
    fw_drop other = drop_of(true, 6, 2500, 10, 0, 0, 6); /* another peer: another flow */
    assert_true(fw_drop_throttle_admit(t, &other, "server/index-in", now + MINUTE));
    assert_true(fw_drop_throttle_admit(t, &d, "server/index-in", now + 10 * MINUTE));
    assert_false(fw_drop_throttle_admit(t, &d, "server/index-in", now + 11 * MINUTE));
    fw_drop_throttle_free(t);
}

static void a_storm_of_distinct_flows_stays_bounded_and_recent_ones_stay_quiet(void **state)
{
    (void)state;
    fw_drop_throttle *t = fw_drop_throttle_new(10 * MINUTE);
    uint64_t now = 1000 * MINUTE;
    size_t admitted = 0;
    for (unsigned i = 0; i < 3 * FW_DROP_THROTTLE_MAX; i++) {
        fw_drop d = drop_of(true, 6, 2500, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
        admitted += fw_drop_throttle_admit(t, &d, "r", now);
    }
    assert_int_equal(admitted, 3 * FW_DROP_THROTTLE_MAX); /* each distinct flow once */
    fw_drop last = drop_of(true, 6, 2500, 10, (uint8_t)((3 * FW_DROP_THROTTLE_MAX - 1) >> 16),
                           (uint8_t)((3 * FW_DROP_THROTTLE_MAX - 1) >> 8), (uint8_t)(3 * FW_DROP_THROTTLE_MAX - 1));
    assert_false(fw_drop_throttle_admit(t, &last, "r", now + MINUTE)); /* the newest are remembered */
    fw_drop_throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_drop_waiting_for_peers_names_the_variable_and_the_fix),
        cmocka_unit_test(a_peer_outside_the_scope_is_told_with_the_widening_fix),
        cmocka_unit_test(another_direction_or_protocol_is_an_unexpected_flow_on_a_product_port),
        cmocka_unit_test(a_rule_of_a_profile_not_applied_and_an_unknown_port),
        cmocka_unit_test(a_matching_permit_overridden_names_the_filter_above_it),
        cmocka_unit_test(a_drop_without_a_program_on_a_program_rule_says_wfp_named_none),
        cmocka_unit_test(one_report_per_flow_per_period),
        cmocka_unit_test(a_storm_of_distinct_flows_stays_bounded_and_recent_ones_stay_quiet),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
