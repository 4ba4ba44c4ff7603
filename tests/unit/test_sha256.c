/* SHA-256 against FIPS 180-4's examples (and the NIST CAVS long message of
 * a million 'a'), fed whole and in uneven pieces. */
#include "test_support.h"

#include "fw_sha256.h"

#include <stdlib.h>

static void hex_of(const char *text, size_t size, char out[65])
{
    fw_sha256_hex(text, size, out);
}

static void the_standard_examples(void **state)
{
    (void)state;
    char out[65];
    hex_of("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits: padding spills */
    hex_of(two_blocks, strlen(two_blocks), out);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void pieces_give_the_same_digest(void **state)
{
    (void)state;
    fw_sha256 h;
    uint8_t digest[32];
    char out[65];
    fw_sha256_init(&h);
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    for (size_t done = 0, step = 1; done < 1000000; done += step, step = step % 997 + 1)
        fw_sha256_update(&h, chunk, done + step <= 1000000 ? step : 1000000 - done);
    fw_sha256_final(&h, digest);
    fw_sha256_to_hex(digest, out);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_standard_examples),
        cmocka_unit_test(pieces_give_the_same_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
