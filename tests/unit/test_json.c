#include "test_support.h"

#include "fw_json.h"

#include <stdio.h>
#include <stdlib.h>

/* Writes through the JSON writer into a temporary file and reads it back. */
static char *render_as(void (*write)(fw_json *), bool compact)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fw_json j;
    if (compact)
        fw_json_init_compact(&j, f);
    else
        fw_json_init(&j, f);
    write(&j);
    long size = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)size + 1);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    return text;
}

static char *render(void (*write)(fw_json *))
{
    return render_as(write, false);
}

static void write_escapes(fw_json *j)
{
    fw_json_object_begin(j);
    fw_json_member_string(j, "path", "C:\\Program Files\\a \"b\"\n\x01");
    fw_json_key(j, "empty");
    fw_json_array_begin(j);
    fw_json_array_end(j);
    fw_json_key(j, "n");
    fw_json_uint(j, 65535);
    fw_json_member_string(j, "none", NULL);
    fw_json_object_end(j);
    fw_json_finish(j);
}

static void escapes_strings_and_nests(void **state)
{
    (void)state;
    char *text = render(write_escapes);
    assert_string_equal(text, "{\n"
                              "  \"path\": \"C:\\\\Program Files\\\\a \\\"b\\\"\\n\\u0001\",\n"
                              "  \"empty\": [],\n"
                              "  \"n\": 65535,\n"
                              "  \"none\": null\n"
                              "}\n");
    free(text);
}

static void write_array_of_objects(fw_json *j)
{
    fw_json_array_begin(j);
    for (int i = 0; i < 2; i++) {
        fw_json_object_begin(j);
        fw_json_key(j, "b");
        fw_json_bool(j, i == 1);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_finish(j);
}

static void separates_items_with_commas(void **state)
{
    (void)state;
    char *text = render(write_array_of_objects);
    assert_string_equal(text, "[\n  {\n    \"b\": false\n  },\n  {\n    \"b\": true\n  }\n]\n");
    free(text);
}

/* JSON Lines (watch --json): each document whole on one line. */
static void compact_documents_are_one_line_each(void **state)
{
    (void)state;
    char *text = render_as(write_array_of_objects, true);
    assert_string_equal(text, "[{\"b\": false},{\"b\": true}]\n");
    free(text);
    text = render_as(write_escapes, true);
    assert_string_equal(text, "{\"path\": \"C:\\\\Program Files\\\\a \\\"b\\\"\\n\\u0001\",\"empty\": [],\"n\": 65535,\"none\": null}\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_strings_and_nests),
        cmocka_unit_test(separates_items_with_commas),
        cmocka_unit_test(compact_documents_are_one_line_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
