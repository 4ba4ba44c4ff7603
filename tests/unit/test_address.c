#include "test_support.h"

#include "address.h"

static void parses_ipv4_hosts_and_prefixes(void **state)
{
    (void)state;
    fw_address a;
    assert_int_equal(fw_address_parse("127.0.0.1", &a), FW_ADDR_OK);
    assert_int_equal(a.family, FW_AF_V4);
    assert_int_equal(a.prefix, 32);
    assert_memory_equal(a.bytes, ((uint8_t[]){127, 0, 0, 1}), 4);
    assert_int_equal(fw_address_parse("10.0.0.0/8", &a), FW_ADDR_OK);
    assert_int_equal(a.prefix, 8);
    assert_int_equal(fw_address_parse("0.0.0.0/0", &a), FW_ADDR_OK);
    assert_int_equal(a.prefix, 0);
}

static void rejects_bad_ipv4(void **state)
{
    (void)state;
    static const char *const bad[] = {"10.0.0", "10.0.0.0.1", "256.1.1.1", "1.2.3.04", "1..2.3",
                                      "a.b.c.d", "1.2.3.4 ", ""};
    fw_address a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fw_address_parse(bad[i], &a), FW_ADDR_SYNTAX);
    assert_int_equal(fw_address_parse("10.0.0.0/33", &a), FW_ADDR_BAD_PREFIX);
    assert_int_equal(fw_address_parse("10.0.0.0/", &a), FW_ADDR_BAD_PREFIX);
    assert_int_equal(fw_address_parse("10.0.0.0/x", &a), FW_ADDR_BAD_PREFIX);
    assert_int_equal(fw_address_parse("10.1.0.0/8", &a), FW_ADDR_HOST_BITS);
}

static void parses_ipv6_forms(void **state)
{
    (void)state;
    fw_address a;
    assert_int_equal(fw_address_parse("::1", &a), FW_ADDR_OK);
    assert_int_equal(a.family, FW_AF_V6);
    assert_int_equal(a.prefix, 128);
    assert_int_equal(a.bytes[15], 1);
    for (int i = 0; i < 15; i++)
        assert_int_equal(a.bytes[i], 0);

    assert_int_equal(fw_address_parse("fe80::/10", &a), FW_ADDR_OK);
    assert_int_equal(a.bytes[0], 0xfe);
    assert_int_equal(a.bytes[1], 0x80);
    assert_int_equal(a.prefix, 10);

    assert_int_equal(fw_address_parse("2001:db8:0:0:0:0:0:1", &a), FW_ADDR_OK);
    fw_address b;
    assert_int_equal(fw_address_parse("2001:DB8::1", &b), FW_ADDR_OK);
    assert_memory_equal(a.bytes, b.bytes, 16);

    assert_int_equal(fw_address_parse("::ffff:192.0.2.1", &a), FW_ADDR_OK);
    assert_int_equal(a.bytes[10], 0xff);
    assert_int_equal(a.bytes[12], 192);
    assert_int_equal(a.bytes[15], 1);
    assert_int_equal(fw_address_parse("::", &a), FW_ADDR_OK);
    assert_int_equal(fw_address_parse("1::", &a), FW_ADDR_OK);
    assert_int_equal(a.bytes[1], 1);
}

static void rejects_bad_ipv6(void **state)
{
    (void)state;
    static const char *const bad[] = {":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1",
                                      "1:", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "1:2:3:4:5:6:7::8:9"};
    fw_address a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fw_address_parse(bad[i], &a), FW_ADDR_SYNTAX);
    assert_int_equal(fw_address_parse("::/129", &a), FW_ADDR_BAD_PREFIX);
    assert_int_equal(fw_address_parse("fe80::1/10", &a), FW_ADDR_HOST_BITS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_ipv4_hosts_and_prefixes),
        cmocka_unit_test(rejects_bad_ipv4),
        cmocka_unit_test(parses_ipv6_forms),
        cmocka_unit_test(rejects_bad_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
