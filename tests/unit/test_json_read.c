/* The strict JSON reader (common/fw_json_read.c): what it accepts, and each
 * thing it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fw_json_read.h"

#include <string.h>

static fw_jv *parse(const char *text)
{
    char error[128];
    return fw_json_parse(text, strlen(text), error, sizeof error);
}

static void refused(const char *text, const char *why)
{
    char error[128];
    fw_jv *v = fw_json_parse(text, strlen(text), error, sizeof error);
    if (v)
        fail_msg("accepted: %s", text);
    if (!strstr(error, why))
        fail_msg("%s: '%s' does not say '%s'", text, error, why);
}

static void a_document_becomes_a_tree(void **state)
{
    (void)state;
    fw_jv *v = parse(" {\"a\": [1, 2.5, -3, true, false, null], \"b\": {\"c\": \"d\\u00e9\\ud83d\\ude00\\n\"},"
                     " \"n\": 18446744073709551615} ");
    assert_non_null(v);
    assert_int_equal(v->type, FW_JV_OBJECT);
    const fw_jv *a = fw_jv_get(v, "a");
    assert_int_equal(a->count, 6);
    assert_true(a->items[0].integer && a->items[0].u == 1);
    assert_false(a->items[1].integer);
    assert_false(a->items[2].integer); /* negative: not a count */
    assert_true(a->items[3].boolean);
    assert_int_equal(a->items[5].type, FW_JV_NULL);
    assert_string_equal(fw_jv_string(fw_jv_get(v, "b"), "c"), "d\xc3\xa9\xf0\x9f\x98\x80\n");
    assert_true(fw_jv_get(v, "n")->integer && fw_jv_get(v, "n")->u == 18446744073709551615ull);
    assert_null(fw_jv_get(v, "missing"));
    fw_jv_free(v);
}

static void malformed_input_is_refused_with_a_reason(void **state)
{
    (void)state;
    refused("{\"a\": 1, \"a\": 2}", "duplicate key");
    refused("{\"a\": 1} x", "text after the JSON value");
    refused("{\"a\": \"\\u0000\"}", "NUL");
    refused("{\"a\": \"\\ud800\"}", "lone surrogate");
    refused("{\"a\": \"\xc0\xaf\"}", "not UTF-8");       /* an overlong '/' */
    refused("{\"a\": \"\xed\xa0\x80\"}", "not UTF-8");   /* an encoded surrogate */
    refused("{\"a\": \"tab\there\"}", "control character");
    refused("[01]", "expected ',' or ']'");
    refused("[1.]", "malformed number");
    refused("{\"a\" 1}", "expected ':'");
    refused("[1, 2", "expected ',' or ']'");
    refused("", "expected a value");
    refused("\"open", "unterminated string");
    fw_jv *big = parse("[18446744073709551616]"); /* one past 64 bits: a number, not a count */
    assert_non_null(big);
    assert_false(big->items[0].integer);
    fw_jv_free(big);
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = 0;
    refused(deep, "nesting deeper");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_document_becomes_a_tree),
        cmocka_unit_test(malformed_input_is_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
