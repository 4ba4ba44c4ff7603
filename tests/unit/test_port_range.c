#include "test_support.h"

#include "port_range.h"

static void parses_single_ports_and_ranges(void **state)
{
    (void)state;
    fw_port_range r;
    assert_int_equal(fw_port_range_parse("135", &r), FW_PORT_OK);
    assert_int_equal(r.lo, 135);
    assert_int_equal(r.hi, 135);
    assert_int_equal(fw_port_range_parse("2500-3300", &r), FW_PORT_OK);
    assert_int_equal(r.lo, 2500);
    assert_int_equal(r.hi, 3300);
    assert_int_equal(fw_port_range_parse("1", &r), FW_PORT_OK);
    assert_int_equal(fw_port_range_parse("65535", &r), FW_PORT_OK);
    assert_int_equal(r.lo, 65535);
    assert_int_equal(fw_port_range_parse("7-7", &r), FW_PORT_OK);
}

static void rejects_out_of_range_ports(void **state)
{
    (void)state;
    fw_port_range r;
    assert_int_equal(fw_port_range_parse("0", &r), FW_PORT_OUT_OF_RANGE);
    assert_int_equal(fw_port_range_parse("65536", &r), FW_PORT_OUT_OF_RANGE);
    assert_int_equal(fw_port_range_parse("0-10", &r), FW_PORT_OUT_OF_RANGE);
    assert_int_equal(fw_port_range_parse("10-65536", &r), FW_PORT_OUT_OF_RANGE);
    /* More than five digits is a syntax error, not a wrap-around. */
    assert_int_equal(fw_port_range_parse("4294967297", &r), FW_PORT_SYNTAX);
}

static void rejects_reversed_ranges(void **state)
{
    (void)state;
    fw_port_range r;
    assert_int_equal(fw_port_range_parse("3300-2500", &r), FW_PORT_REVERSED);
    assert_int_equal(fw_port_range_parse("2-1", &r), FW_PORT_REVERSED);
}

static void rejects_malformed_text(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "-", "1-", "-1", "1--2", "a", "1a", "1 - 2", " 1",
                                      "1,2", "+5", "1-2-3", "0x10"};
    fw_port_range r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fw_port_range_parse(bad[i], &r), FW_PORT_SYNTAX);
}

static void formats_and_overlaps(void **state)
{
    (void)state;
    char buf[16];
    fw_port_range_format((fw_port_range){135, 135}, buf, sizeof buf);
    assert_string_equal(buf, "135");
    fw_port_range_format((fw_port_range){49152, 65535}, buf, sizeof buf);
    assert_string_equal(buf, "49152-65535");
    assert_true(fw_port_ranges_overlap((fw_port_range){1, 10}, (fw_port_range){10, 20}));
    assert_true(fw_port_ranges_overlap((fw_port_range){5, 5}, (fw_port_range){1, 10}));
    assert_false(fw_port_ranges_overlap((fw_port_range){1, 9}, (fw_port_range){10, 20}));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_single_ports_and_ranges),
        cmocka_unit_test(rejects_out_of_range_ports),
        cmocka_unit_test(rejects_reversed_ranges),
        cmocka_unit_test(rejects_malformed_text),
        cmocka_unit_test(formats_and_overlaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
