/* Registry string data read with explicit bounds (common/fw_utf16.c): the
 * shapes a registry editor can give a value, each refused with a reason,
 * none read past. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fw_utf16.h"

#include <stdlib.h>
#include <string.h>

/* UTF-16LE of an ASCII string with embedded NULs given as '|'. */
static size_t encode(const char *s, uint8_t *out)
{
    size_t n = 0;
    for (; *s; s++) {
        out[n++] = (uint8_t)(*s == '|' ? 0 : *s);
        out[n++] = 0;
    }
    return n;
}

static void expect_sz(const char *text, size_t trim, const char *want, const char *why)
{
    uint8_t data[256];
    size_t n = encode(text, data) - trim;
    char *out = NULL, error[160];
    bool ok = fw_reg_sz_parse(data, n, &out, error, sizeof error);
    if (want) {
        if (!ok)
            fail_msg("'%s': refused: %s", text, error);
        assert_string_equal(out, want);
    } else if (ok || !strstr(error, why)) {
        fail_msg("'%s': %s", text, ok ? "accepted" : error);
    }
    free(out);
}

static void a_string_value(void **state)
{
    (void)state;
    expect_sz("C:\\dir|", 0, "C:\\dir", NULL);
    expect_sz("C:\\dir||", 0, "C:\\dir", NULL);             /* extra NULs are fine */
    expect_sz("C:\\dir", 0, NULL, "not terminated");        /* no terminator */
    expect_sz("C:\\dir|", 1, NULL, "odd length");           /* half a character */
    expect_sz("C:|junk|", 0, NULL, "text after");           /* something after the end */
    uint8_t lone[] = {0x00, 0xd8, 0x00, 0x00};               /* an unpaired high surrogate */
    char *out = NULL, error[160];
    assert_false(fw_reg_sz_parse(lone, sizeof lone, &out, error, sizeof error));
    assert_non_null(strstr(error, "surrogate"));
    /* 64 KiB: more than fwsvc reads, refused before any of it is looked at. */
    uint8_t *big = calloc(65536, 1);
    assert_false(fw_reg_sz_parse(big, 65536, &out, error, sizeof error));
    assert_non_null(strstr(error, "more than the"));
    free(big);
}

static void a_multi_string_value(void **state)
{
    (void)state;
    uint8_t data[256];
    char **items = NULL, error[160];
    size_t count = 0;
    size_t n = encode("a=1|b=2||", data);
    assert_true(fw_reg_multi_sz_parse(data, n, &items, &count, error, sizeof error));
    assert_int_equal(count, 2);
    assert_string_equal(items[1], "b=2");
    fw_reg_multi_sz_free(items, count);
    n = encode("|", data); /* a lone NUL: an empty list */
    assert_true(fw_reg_multi_sz_parse(data, n, &items, &count, error, sizeof error));
    assert_int_equal(count, 0);
    n = encode("a=1|b=2|", data); /* the final empty string is missing */
    assert_false(fw_reg_multi_sz_parse(data, n, &items, &count, error, sizeof error));
    assert_non_null(strstr(error, "not terminated"));
    assert_null(items);
    n = encode("a=1|b=2", data); /* no terminator at all */
    assert_false(fw_reg_multi_sz_parse(data, n, &items, &count, error, sizeof error));
    n = encode("a=1||", data);
    assert_false(fw_reg_multi_sz_parse(data, n - 1, &items, &count, error, sizeof error));
    assert_non_null(strstr(error, "odd length"));
    assert_false(fw_reg_multi_sz_parse(data, 0, &items, &count, error, sizeof error));
    n = encode("a=1||junk|", data);
    assert_false(fw_reg_multi_sz_parse(data, n, &items, &count, error, sizeof error));
    assert_non_null(strstr(error, "text after"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_string_value),
        cmocka_unit_test(a_multi_string_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
