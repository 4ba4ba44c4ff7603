/* why's near misses (wfp/near_miss.c): for a blocked flow, the catalog's
 * rules that would carry it, what each lacks on this host, and the command
 * that would change that. */
#include "test_support.h"

#include "rule_views_fixture.h"

#include "near_miss.h"

#include <stdlib.h>

static const char *const yaml =
    "product: X\n"
    "variables:\n"
    "  servers: {type: addresses, description: d}\n"
    "  ndmp: {type: port, default: 10000, description: d}\n"
    "  home: {type: path, default: 'C:\\Vendor\\App', description: d}\n"
    "profiles:\n"
    "  - name: server\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: index-in, direction: in, protocol: tcp, ports: [2500], remote_addresses: [\"${servers}\"],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: ndmp-in, direction: in, protocol: tcp, ports: [\"${ndmp}\"], program: '${home}\\agent.exe',"
    " description: d, source: {document: d.txt, section: s}}\n"
    "      - {id: fixed-in, direction: in, protocol: udp, ports: [2500], remote_addresses: [10.1.0.0/16],"
    " description: d, source: {document: d.txt, section: s}}\n"
    "  - name: agent\n"
    "    role: r\n"
    "    rules:\n"
    "      - {id: control-in, direction: in, protocol: tcp, ports: [6160], remote_addresses: [10.0.0.0/8],"
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

static fw_flow inbound_tcp(uint16_t port, const uint8_t addr[4])
{
    fw_flow f = {.inbound = true, .protocol = 6, .has_local_port = true, .local_port = port};
    if (addr) {
        f.has_remote_addr = true;
        memcpy(f.remote_addr, addr, 4);
    }
    return f;
}

static const fw_near_miss *find(const fw_near_misses *m, const char *rule)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->items[i].rule, rule) == 0)
            return &m->items[i];
    return NULL;
}

static void a_peer_outside_the_scope_names_the_setting_that_admits_it(void **state)
{
    (void)state;
    fw_setting s[] = {{"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 1);
    static const uint8_t peer[4] = {192, 0, 2, 9};
    fw_flow f = inbound_tcp(2500, peer);
    fw_nm_query q = {.flow = &f, .remote_text = "192.0.2.9"};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    const fw_near_miss *n = find(&m, "server/index-in");
    assert_non_null(n);
    assert_true(n->applied);
    assert_int_equal(n->unmatched, FW_NM_REMOTE_ADDRESS);
    assert_string_equal(n->text, "server/index-in opens inbound tcp 2500 from 10.0.0.0/24; this flow comes from 192.0.2.9");
    assert_string_equal(n->fix, "fwsvc apply --profile server --set servers=10.0.0.0/24,192.0.2.9");
    /* The UDP rule on the same port differs in protocol (and its fixed
     * scope): listed after, with no command. */
    const fw_near_miss *u = find(&m, "server/fixed-in");
    assert_non_null(u);
    assert_int_equal(u->unmatched, FW_NM_PROTOCOL | FW_NM_REMOTE_ADDRESS);
    assert_null(u->fix);
    assert_true(n < u);
    /* Rules of other ports are not near misses. */
    assert_null(find(&m, "agent/control-in"));
    fw_near_misses_free(&m);
    host_free(&h);
}

static void which_profile_opens_a_port_is_found_in_the_whole_catalog(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    static const uint8_t peer[4] = {10, 0, 0, 5};
    fw_flow f = inbound_tcp(6160, peer);
    fw_nm_query q = {.flow = &f, .remote_text = "10.0.0.5"};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    assert_int_equal(m.count, 1);
    assert_string_equal(m.items[0].rule, "agent/control-in");
    assert_false(m.items[0].applied);
    assert_int_equal(m.items[0].unmatched, 0);
    assert_string_equal(m.items[0].fix, "fwsvc apply --profile agent");
    assert_non_null(strstr(m.items[0].text, "profile agent is not applied on this host"));
    fw_near_misses_free(&m);
    host_free(&h);
}

static void an_unset_scope_waits_and_the_fix_names_the_peer(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    static const uint8_t peer[4] = {10, 0, 0, 7};
    fw_flow f = inbound_tcp(2500, peer);
    fw_nm_query q = {.flow = &f, .remote_text = "10.0.0.7"};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    const fw_near_miss *n = find(&m, "server/index-in");
    assert_non_null(n);
    assert_int_equal(n->unmatched, FW_NM_PENDING);
    assert_string_equal(n->fix, "fwsvc apply --profile server --set servers=10.0.0.7");
    fw_near_misses_free(&m);
    host_free(&h);
}

static void another_program_and_a_moved_port(void **state)
{
    (void)state;
    fw_setting s[] = {{"ndmp", "10001"}, {"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 2);
    fw_flow f = inbound_tcp(10000, NULL);
    /* The same program in another folder: the path variable moves the rule. */
    fw_nm_query q = {.flow = &f, .program = "D:\\Apps\\Vendor\\App\\agent.exe"};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    const fw_near_miss *n = find(&m, "server/ndmp-in");
    assert_non_null(n);
    assert_int_equal(n->unmatched, FW_NM_LOCAL_PORT | FW_NM_PROGRAM);
    assert_string_equal(n->fix, "fwsvc apply --profile server --set ndmp=10000 --set home=D:\\Apps\\Vendor\\App");
    fw_near_misses_free(&m);
    /* No program given: named, with no command (fwsvc cannot know it). */
    q.program = NULL;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    n = find(&m, "server/ndmp-in");
    assert_non_null(n);
    assert_true(n->unmatched & FW_NM_PROGRAM);
    assert_non_null(strstr(n->text, "this flow names no program"));
    assert_null(n->fix);
    fw_near_misses_free(&m);
    host_free(&h);
}

static void a_rule_whose_filter_drifted_or_is_disabled_says_so(void **state)
{
    (void)state;
    fw_setting s[] = {{"servers", "10.0.0.0/24"}};
    host_fixture h;
    host_init(&h, s, 1);
    h.views[0].drifted_layers = 1u << FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
    h.views[0].disabled_layers = 1u << FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6; /* another layer: not this flow's */
    static const uint8_t peer[4] = {10, 0, 0, 9};
    fw_flow f = inbound_tcp(2500, peer);
    fw_nm_query q = {.flow = &f, .remote_text = "10.0.0.9"};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 10, &m);
    assert_string_equal(m.items[0].rule, "server/index-in");
    assert_int_equal(m.items[0].unmatched, FW_NM_DRIFTED);
    assert_string_equal(m.items[0].fix, "fwsvc apply --profile server");
    assert_string_equal(fw_nm_reason_name(FW_NM_DRIFTED), "drifted");
    fw_near_misses_free(&m);
    host_free(&h);
}

static void the_list_is_capped_and_says_how_many_more(void **state)
{
    (void)state;
    host_fixture h;
    host_init(&h, NULL, 0);
    fw_flow f = inbound_tcp(2500, NULL);
    fw_nm_query q = {.flow = &f};
    fw_near_misses m;
    fw_near_misses_find(&q, h.views, h.count, 1, &m);
    assert_int_equal(m.count, 1);
    assert_int_equal(m.omitted, 1);
    fw_near_misses_free(&m);
    host_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_peer_outside_the_scope_names_the_setting_that_admits_it),
        cmocka_unit_test(which_profile_opens_a_port_is_found_in_the_whole_catalog),
        cmocka_unit_test(an_unset_scope_waits_and_the_fix_names_the_peer),
        cmocka_unit_test(another_program_and_a_moved_port),
        cmocka_unit_test(a_rule_whose_filter_drifted_or_is_disabled_says_so),
        cmocka_unit_test(the_list_is_capped_and_says_how_many_more),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
