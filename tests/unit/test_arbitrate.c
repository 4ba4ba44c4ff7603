/* The arbitration evaluator on filter sets built by hand from Microsoft's
 * pages: "Filter Arbitration" (sublayer order, Block overrides Permit,
 * soft and hard permits, the action right), "Filter Weight Assignment"
 * (weight order within a sublayer) and FWPM_FILTER0 (conditions: different
 * fields AND, same field OR; FWPM_FILTER_FLAG_DISABLED). */
#include "test_support.h"

#include "arbitrate.h"

#include <stdio.h>
#include <string.h>

enum { SL_HIGH, SL_MID, SL_LOW, SL_COUNT };
static fw_eval_sublayer sublayers[SL_COUNT];
static fw_eval_filter filters[16];
static fw_eval_condition conditions[16][4];
static size_t filter_count;

static int setup(void **state)
{
    (void)state;
    memset(sublayers, 0, sizeof sublayers);
    memset(filters, 0, sizeof filters);
    memset(conditions, 0, sizeof conditions);
    filter_count = 0;
    static const char *names[] = {"high", "mid", "low"};
    static const uint16_t weights[] = {0xFFF0, 0x8000, 0x0100};
    for (int i = 0; i < SL_COUNT; i++) {
        snprintf(sublayers[i].key, sizeof sublayers[i].key, "{0000000%d-0000-0000-0000-000000000000}", i);
        sublayers[i].key_bytes[0] = (uint8_t)i;
        sublayers[i].name = names[i];
        sublayers[i].weight = weights[i];
    }
    return 0;
}

/* A filter at recv-accept v4 matching local TCP port `port` (0: any). */
static size_t add(const char *name, size_t sublayer, uint64_t weight, fw_eval_action action, bool hard, uint16_t port)
{
    size_t i = filter_count++;
    fw_eval_filter *f = &filters[i];
    snprintf(f->key, sizeof f->key, "{%08zx-0000-0000-0000-000000000000}", i + 1);
    f->name = name;
    f->sublayer = sublayer;
    f->layer = FW_ALE_RECV_ACCEPT_V4;
    f->weight = weight;
    f->id = i + 1;
    f->action = action;
    f->hard = hard;
    f->conditions = conditions[i];
    if (port) {
        conditions[i][0] = (fw_eval_condition){.field = FW_EF_LOCAL_PORT, .match = FW_EM_EQUAL, .kind = FW_EV_UINT,
                                               .field_name = "FWPM_CONDITION_IP_LOCAL_PORT", .number = port};
        f->condition_count = 1;
    }
    return i;
}

static void add_condition(size_t filter, fw_eval_condition c)
{
    conditions[filter][filters[filter].condition_count++] = c;
}

static fw_flow inbound_udp(uint16_t port)
{
    fw_flow f = {.inbound = true, .protocol = 17, .has_local_port = true, .local_port = port,
                 .has_remote_addr = true, .remote_addr = {10, 0, 0, 5}};
    return f;
}

static void evaluate(const fw_flow *flow, fw_verdict *v)
{
    fw_arbitrate(flow, sublayers, SL_COUNT, filters, filter_count, v);
}

/* "Block overrides Permit": a soft permit in a higher sublayer loses to a
 * block in a lower one; the permit's step is reported as overridden. */
static void block_overrides_a_soft_permit(void **state)
{
    (void)state;
    size_t permit = add("soft permit", SL_HIGH, 10, FW_EA_PERMIT, false, 6160);
    size_t block = add("block all", SL_LOW, 1, FW_EA_BLOCK, false, 0);
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_false(v.permit);
    assert_int_equal(v.decided_by, block);
    assert_int_equal(v.step_count, 2);
    assert_int_equal(v.steps[0].filter, permit);
    assert_int_equal(v.steps[0].outcome, FW_STEP_OVERRIDDEN);
    assert_int_equal(v.steps[1].outcome, FW_STEP_DECIDES);
    fw_verdict_free(&v);
}

/* A hard permit (action right cleared) "can only be blocked in another
 * sublayer by a callout veto": the lower block has no effect. */
static void a_hard_permit_survives_a_lower_block(void **state)
{
    (void)state;
    size_t permit = add("hard permit", SL_HIGH, 10, FW_EA_PERMIT, true, 6160);
    add("block all", SL_LOW, 1, FW_EA_BLOCK, false, 0);
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.decided_by, permit);
    assert_int_equal(v.steps[1].outcome, FW_STEP_NO_EFFECT);
    fw_verdict_free(&v);
}

/* "Block is final": a block above a hard permit wins, and evaluation stops. */
static void a_block_above_a_hard_permit_is_final(void **state)
{
    (void)state;
    size_t block = add("block 6160", SL_HIGH, 10, FW_EA_BLOCK, false, 6160);
    add("hard permit", SL_MID, 10, FW_EA_PERMIT, true, 6160);
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_false(v.permit);
    assert_int_equal(v.decided_by, block);
    assert_int_equal(v.steps[1].outcome, FW_STEP_NOT_REACHED);
    fw_verdict_free(&v);
}

/* Within a sublayer the highest weight decides and the rest are skipped
 * ("Filter Arbitration"; "Filter Weight Assignment": the effective weight). */
static void the_heavier_filter_decides_its_sublayer(void **state)
{
    (void)state;
    add("block all", SL_MID, 5, FW_EA_BLOCK, false, 0);
    size_t permit = add("permit 6160", SL_MID, (uint64_t)15 << 60, FW_EA_PERMIT, false, 6160);
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.decided_by, permit);
    fw_verdict_free(&v);
    flow.local_port = 6161; /* the permit does not match: the block decides */
    evaluate(&flow, &v);
    assert_false(v.permit);
    fw_verdict_free(&v);
}

/* A soft permit, then a hard permit below, then a block: the hard permit
 * makes the verdict stick and becomes the deciding filter. */
static void a_lower_hard_permit_hardens_the_verdict(void **state)
{
    (void)state;
    size_t soft = add("soft permit", SL_HIGH, 1, FW_EA_PERMIT, false, 0);
    size_t hard = add("hard permit", SL_MID, 1, FW_EA_PERMIT, true, 0);
    add("block", SL_LOW, 1, FW_EA_BLOCK, false, 0);
    fw_flow flow = inbound_udp(80);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.decided_by, hard);
    assert_int_equal(v.steps[0].filter, soft);
    assert_int_equal(v.steps[0].outcome, FW_STEP_NO_EFFECT);
    assert_int_equal(v.steps[2].outcome, FW_STEP_NO_EFFECT);
    fw_verdict_free(&v);
}

static void no_match_permits_and_disabled_filters_do_not_count(void **state)
{
    (void)state;
    size_t block = add("block all (disabled)", SL_LOW, 1, FW_EA_BLOCK, false, 0);
    filters[block].disabled = true;
    fw_flow flow = inbound_udp(445);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.decided_by, -1);
    assert_int_equal(v.steps[0].outcome, FW_STEP_NO_MATCH);
    fw_verdict_free(&v);
}

/* FWPM_FILTER0: conditions on one field OR, on different fields AND; a
 * range, a v4 mask. */
static void conditions_and_across_fields_or_within_one(void **state)
{
    (void)state;
    size_t f = add("135 or 445 from 10/8", SL_MID, 1, FW_EA_BLOCK, false, 135);
    add_condition(f, (fw_eval_condition){.field = FW_EF_LOCAL_PORT, .match = FW_EM_RANGE, .kind = FW_EV_RANGE,
                                         .field_name = "FWPM_CONDITION_IP_LOCAL_PORT", .low = 440, .high = 450});
    add_condition(f, (fw_eval_condition){.field = FW_EF_REMOTE_ADDRESS, .match = FW_EM_EQUAL, .kind = FW_EV_V4_MASK,
                                         .field_name = "FWPM_CONDITION_IP_REMOTE_ADDRESS",
                                         .v4_addr = 0x0A000000, .v4_mask = 0xFF000000});
    fw_verdict v;
    fw_flow flow = inbound_udp(135);
    evaluate(&flow, &v);
    assert_false(v.permit);
    fw_verdict_free(&v);
    flow.local_port = 445;
    evaluate(&flow, &v);
    assert_false(v.permit);
    fw_verdict_free(&v);
    flow.local_port = 139;
    evaluate(&flow, &v);
    assert_true(v.permit);
    fw_verdict_free(&v);
    flow.local_port = 445;
    flow.remote_addr[0] = 192;
    evaluate(&flow, &v);
    assert_true(v.permit);
    fw_verdict_free(&v);
}

/* An app id compared as WFP compares it: case-insensitively for
 * FWP_MATCH_EQUAL_CASE_INSENSITIVE, byte for byte for FWP_MATCH_EQUAL. */
static void app_ids_compare_as_wfp_does(void **state)
{
    (void)state;
    static const uint8_t want[] = {'\\', 0, 'A', 0, '.', 0, 'E', 0, 'X', 0, 'E', 0, 0, 0};
    static const uint8_t have[] = {'\\', 0, 'a', 0, '.', 0, 'e', 0, 'x', 0, 'e', 0, 0, 0};
    size_t f = add("a.exe", SL_MID, 1, FW_EA_BLOCK, false, 0);
    add_condition(f, (fw_eval_condition){.field = FW_EF_APP_ID, .match = FW_EM_EQUAL_CASE_INSENSITIVE,
                                         .kind = FW_EV_BLOB, .field_name = "FWPM_CONDITION_ALE_APP_ID",
                                         .blob = want, .blob_size = sizeof want});
    fw_flow flow = inbound_udp(1);
    flow.app_id = have;
    flow.app_id_size = sizeof have;
    fw_verdict v;
    evaluate(&flow, &v);
    assert_false(v.permit);
    fw_verdict_free(&v);
    conditions[f][0].match = FW_EM_EQUAL;
    evaluate(&flow, &v);
    assert_true(v.permit);
    fw_verdict_free(&v);
    conditions[f][0].match = FW_EM_NOT_EQUAL; /* every program but A.EXE, byte for byte */
    evaluate(&flow, &v);
    assert_false(v.permit);
    fw_verdict_free(&v);
    flow.app_id = NULL; /* no program given: unknown, so not a match, and named */
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.unevaluated_count, 1);
    assert_string_equal(v.unevaluated[0].field_name, "FWPM_CONDITION_ALE_APP_ID");
    assert_true(v.unevaluated[0].depends);
    fw_verdict_free(&v);
}

/* A field the flow does not give is unknown: the verdict is computed as
 * if it did not match, and the filter is named, with whether it matters. */
static void an_unknown_condition_is_named_with_whether_it_matters(void **state)
{
    (void)state;
    size_t user = add("block for a user", SL_MID, 1, FW_EA_BLOCK, false, 6160);
    add_condition(user, (fw_eval_condition){.field = FW_EF_OTHER, .match = FW_EM_EQUAL, .kind = FW_EV_OTHER,
                                            .field_name = "FWPM_CONDITION_ALE_USER_ID"});
    size_t shadowed = add("block by interface, under a heavier permit", SL_LOW, 1, FW_EA_BLOCK, false, 6160);
    add_condition(shadowed, (fw_eval_condition){.field = FW_EF_OTHER, .match = FW_EM_EQUAL, .kind = FW_EV_UINT,
                                                .field_name = "FWPM_CONDITION_IP_LOCAL_INTERFACE"});
    add("hard permit 6160", SL_LOW, 2, FW_EA_PERMIT, true, 6160);
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.unevaluated_count, 2);
    assert_int_equal(v.unevaluated[0].filter, user);
    assert_string_equal(v.unevaluated[0].field_name, "FWPM_CONDITION_ALE_USER_ID");
    assert_true(v.unevaluated[0].depends); /* a block above the permit */
    assert_int_equal(v.unevaluated[1].filter, shadowed);
    assert_false(v.unevaluated[1].depends); /* the heavier permit decides its sublayer first */
    fw_verdict_free(&v);
}

/* What `why` reads for one flow is only what can match it (why_read.h):
 * the trace and the unevaluated list must not depend on the rest. A
 * sublayer whose filters all cannot match the flow is not in the trace;
 * unevaluated filters come in arbitration order, whatever order the
 * filters were given in. */
static void the_trace_and_the_unknowns_do_not_depend_on_filters_that_cannot_match(void **state)
{
    (void)state;
    /* Given lightest first: the order must come from arbitration. */
    size_t low_user = add("low: block for a user", SL_LOW, 9, FW_EA_BLOCK, false, 6160);
    add_condition(low_user, (fw_eval_condition){.field = FW_EF_OTHER, .match = FW_EM_EQUAL, .kind = FW_EV_OTHER,
                                                .field_name = "FWPM_CONDITION_ALE_USER_ID"});
    add("mid: permit 7000 only", SL_MID, 1, FW_EA_PERMIT, false, 7000); /* cannot match 6160 */
    size_t high_light = add("high: light block for a user", SL_HIGH, 1, FW_EA_BLOCK, false, 6160);
    add_condition(high_light, (fw_eval_condition){.field = FW_EF_OTHER, .match = FW_EM_EQUAL, .kind = FW_EV_OTHER,
                                                  .field_name = "FWPM_CONDITION_ALE_USER_ID"});
    size_t high_heavy = add("high: heavy block for a user", SL_HIGH, 5, FW_EA_BLOCK, false, 6160);
    add_condition(high_heavy, (fw_eval_condition){.field = FW_EF_OTHER, .match = FW_EM_EQUAL, .kind = FW_EV_OTHER,
                                                  .field_name = "FWPM_CONDITION_ALE_USER_ID"});
    fw_flow flow = inbound_udp(6160);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.step_count, 2); /* high and low; mid holds nothing that can match */
    assert_int_equal(v.steps[0].sublayer, SL_HIGH);
    assert_int_equal(v.steps[1].sublayer, SL_LOW);
    assert_int_equal(v.unevaluated_count, 3);
    assert_int_equal(v.unevaluated[0].filter, high_heavy);
    assert_int_equal(v.unevaluated[1].filter, high_light);
    assert_int_equal(v.unevaluated[2].filter, low_user);
    fw_verdict_free(&v);
}

/* A callout's decision is code: reported, and it matters when it is
 * reached before its sublayer is decided. */
static void a_reached_callout_is_reported(void **state)
{
    (void)state;
    size_t callout = add("inspection callout", SL_HIGH, 1, FW_EA_CALLOUT, false, 0);
    size_t permit = add("permit", SL_MID, 1, FW_EA_PERMIT, false, 0);
    fw_flow flow = inbound_udp(1);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_true(v.permit);
    assert_int_equal(v.decided_by, permit);
    assert_int_equal(v.unevaluated_count, 1);
    assert_int_equal(v.unevaluated[0].filter, callout);
    assert_string_equal(v.unevaluated[0].field_name, "callout");
    assert_true(v.unevaluated[0].depends);
    fw_verdict_free(&v);
}

/* Inbound TCP crosses the listen layer first; a block there decides. */
static void inbound_tcp_must_pass_the_listen_layer(void **state)
{
    (void)state;
    size_t listen_block = add("no listening on 6160", SL_LOW, 1, FW_EA_BLOCK, false, 6160);
    filters[listen_block].layer = FW_ALE_LISTEN_V4;
    add("permit 6160", SL_HIGH, 1, FW_EA_PERMIT, false, 6160);
    fw_flow flow = inbound_udp(6160);
    flow.protocol = 6;
    fw_verdict v;
    evaluate(&flow, &v);
    assert_false(v.permit);
    assert_int_equal(v.decided_by, listen_block);
    assert_int_equal(v.steps[0].layer, FW_ALE_LISTEN_V4);
    assert_int_equal(v.steps[1].outcome, FW_STEP_NOT_REACHED);
    fw_verdict_free(&v);
    flow.protocol = 17; /* UDP has no listen */
    evaluate(&flow, &v);
    assert_true(v.permit);
    fw_verdict_free(&v);
}

/* Sublayers of equal weight are ordered by key (the emulator's order;
 * Microsoft does not say), and the trace follows that order. */
static void equal_sublayer_weights_order_by_key(void **state)
{
    (void)state;
    sublayers[SL_LOW].weight = sublayers[SL_HIGH].weight;
    size_t a = add("block in high", SL_HIGH, 1, FW_EA_BLOCK, false, 0);
    add("permit in low", SL_LOW, 1, FW_EA_PERMIT, true, 0);
    fw_flow flow = inbound_udp(1);
    fw_verdict v;
    evaluate(&flow, &v);
    assert_int_equal(v.steps[0].sublayer, SL_HIGH); /* key byte 0 < 2 */
    assert_false(v.permit);
    assert_int_equal(v.decided_by, a);
    fw_verdict_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(block_overrides_a_soft_permit, setup),
        cmocka_unit_test_setup(a_hard_permit_survives_a_lower_block, setup),
        cmocka_unit_test_setup(a_block_above_a_hard_permit_is_final, setup),
        cmocka_unit_test_setup(the_heavier_filter_decides_its_sublayer, setup),
        cmocka_unit_test_setup(a_lower_hard_permit_hardens_the_verdict, setup),
        cmocka_unit_test_setup(no_match_permits_and_disabled_filters_do_not_count, setup),
        cmocka_unit_test_setup(conditions_and_across_fields_or_within_one, setup),
        cmocka_unit_test_setup(app_ids_compare_as_wfp_does, setup),
        cmocka_unit_test_setup(an_unknown_condition_is_named_with_whether_it_matters, setup),
        cmocka_unit_test_setup(a_reached_callout_is_reported, setup),
        cmocka_unit_test_setup(the_trace_and_the_unknowns_do_not_depend_on_filters_that_cannot_match, setup),
        cmocka_unit_test_setup(inbound_tcp_must_pass_the_listen_layer, setup),
        cmocka_unit_test_setup(equal_sublayer_weights_order_by_key, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
