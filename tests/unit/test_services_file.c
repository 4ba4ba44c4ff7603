/* The services-file edit: a corpus of real-world-shaped files must round-
 * trip byte for byte through apply (ensure) and remove (restore), through
 * the real file I/O, natively and under Wine. */
#include "test_support.h"

#include "fw_alloc.h"
#include "services_io.h"
#include "services_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <windows.h>
#endif

#define CORPUS FW_TEST_SOURCE_DIR "/tests/services/corpus/"

static const fw_svc_want NDMP = {"ndmp", 10000, "tcp", "Network Data Management Protocol"};

static char *read_path(const char *path, size_t *size)
{
    char *error = NULL;
    char *data = fw_svc_read(path, size, &error);
    if (!data)
        fail_msg("%s", error);
    return data;
}

static void write_file(const char *path, const char *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

static void make_writable(const char *path)
{
#ifdef _WIN32
    SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL);
#else
    chmod(path, 0644);
#endif
}

static void cleanup_file(const char *path)
{
    make_writable(path);
    remove(path);
}

/* One apply and one remove through the file itself; returns the action. */
typedef struct {
    const char *file;
    fw_svc_action action; /* what apply must do */
    unsigned old_port;    /* CHANGED: the port it had */
    size_t warnings;
} corpus_case;

static const corpus_case CASES[] = {
    {"windows-stock-crlf.txt", FW_SVC_ADDED, 0, 0},
    {"linux-ndmp-present-lf.txt", FW_SVC_UNCHANGED, 0, 0},
    {"no-final-newline-lf.txt", FW_SVC_ADDED, 0, 0},
    {"no-final-newline-crlf.txt", FW_SVC_ADDED, 0, 0},
    {"ndmp-other-port-alias-comment-crlf.txt", FW_SVC_CHANGED, 9999, 0},
    {"duplicates-lf.txt", FW_SVC_CHANGED, 10001, 2},
    {"tabs-mixed-endings.txt", FW_SVC_ADDED, 0, 0},
    {"empty.txt", FW_SVC_ADDED, 0, 0},
    {"comments-utf8-lf.txt", FW_SVC_ADDED, 0, 0},
};

static size_t count_notes(const fw_svc_sync *s, fw_svc_note_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < s->note_count; i++)
        n += s->notes[i].kind == kind;
    return n;
}

static void round_trip(const corpus_case *c)
{
    char *src = fw_xasprintf("%s%s", CORPUS, c->file);
    char *work = fw_xasprintf("svc-test-%s", c->file);
    size_t original_size = 0, size = 0;
    char *original = read_path(src, &original_size);
    write_file(work, original, original_size);

    /* apply */
    fw_svc_records none = {0};
    fw_svc_sync s;
    fw_svc_sync_run(original, original_size, &NDMP, 1, &none, &s);
    assert_int_equal(count_notes(&s, FW_SVC_NOTE_WARNING), c->warnings);
    if (c->action == FW_SVC_UNCHANGED) {
        assert_null(s.content);
        assert_int_equal(s.drift, 0);
        assert_int_equal(s.records.count, 0);
    } else {
        assert_non_null(s.content);
        assert_int_equal(s.drift, 1);
        assert_int_equal(s.records.count, 1);
        assert_int_equal(s.records.items[0].record.action, c->action);
        char *error = NULL;
        assert_true(fw_svc_write_atomic(work, s.content, s.size, &error));
    }
    char *applied = read_path(work, &size);
    assert_int_equal(fw_svc_lookup(applied, size, "ndmp", "tcp"), 10000);
    if (c->action == FW_SVC_ADDED) {
        /* Everything before is kept; one line in the file's own ending. */
        bool crlf = strstr(original, "\r\n") != NULL && strstr(c->file, "crlf");
        const char *eol = crlf ? "\r\n" : "\n";
        bool had_break = original_size == 0 || original[original_size - 1] == '\n';
        char *expect = fw_xasprintf("%.*s%sndmp    10000/tcp        #Network Data Management Protocol%s",
                                    (int)original_size, original, had_break ? "" : eol, eol);
        assert_int_equal(size, strlen(expect));
        assert_memory_equal(applied, expect, size);
        free(expect);
    } else if (c->action == FW_SVC_CHANGED) {
        /* Only the port's digits differ. */
        char old_digits[8];
        snprintf(old_digits, sizeof old_digits, "%u", c->old_port);
        assert_int_equal(size, original_size - strlen(old_digits) + 5);
        const char *line = s.records.items[0].record.original;
        const char *digits = strstr(line, old_digits);
        assert_non_null(digits);
        char *expect_line = fw_xasprintf("%.*s10000%s", (int)(digits - line), line, digits + strlen(old_digits));
        assert_string_equal(s.records.items[0].record.written, expect_line);
        assert_non_null(strstr(applied, expect_line));
        free(expect_line);
    }

    /* a second apply changes nothing */
    fw_svc_sync again;
    fw_svc_sync_run(applied, size, &NDMP, 1, &s.records, &again);
    assert_null(again.content);
    assert_int_equal(again.drift, 0);
    assert_int_equal(again.records.count, s.records.count);

    /* remove restores every byte */
    fw_svc_sync undo;
    fw_svc_sync_run(applied, size, NULL, 0, &s.records, &undo);
    assert_int_equal(undo.records.count, 0);
    if (undo.content) {
        char *error = NULL;
        assert_true(fw_svc_write_atomic(work, undo.content, undo.size, &error));
    } else {
        assert_int_equal(c->action, FW_SVC_UNCHANGED);
    }
    char *restored = read_path(work, &size);
    assert_int_equal(size, original_size);
    assert_memory_equal(restored, original, size);

    fw_svc_sync_free(&undo);
    fw_svc_sync_free(&again);
    fw_svc_sync_free(&s);
    free(restored);
    free(applied);
    free(original);
    cleanup_file(work);
    free(work);
    free(src);
}

static void test_corpus_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        print_message("  corpus: %s\n", CASES[i].file);
        round_trip(&CASES[i]);
    }
}

static void test_changed_line_keeps_aliases_and_comment(void **state)
{
    (void)state;
    const char *text = "a 1/tcp\r\nndmp\t9999/tcp  ndmpd   #moved\r\nb 2/udp";
    fw_svc_edit e;
    fw_svc_ensure(text, strlen(text), "ndmp", 10000, "tcp", "x", &e);
    assert_int_equal(e.action, FW_SVC_CHANGED);
    assert_int_equal(e.old_port, 9999);
    assert_string_equal(e.content, "a 1/tcp\r\nndmp\t10000/tcp  ndmpd   #moved\r\nb 2/udp");
    assert_string_equal(e.record.original, "ndmp\t9999/tcp  ndmpd   #moved");
    fw_svc_edit_free(&e);
}

/* Found by the fuzzer: a last line ending in a lone CR is still an entry
 * (CR is white space), so it is changed, not shadowed by a new line. */
static void test_lone_cr_at_end_is_white_space(void **state)
{
    (void)state;
    const char *text = "# x\nndmp  7985/tcp\r";
    fw_svc_records none = {0};
    fw_svc_sync a, undo;
    fw_svc_sync_run(text, strlen(text), &NDMP, 1, &none, &a);
    assert_string_equal(a.content, "# x\nndmp  10000/tcp\r");
    assert_int_equal(fw_svc_lookup(a.content, a.size, "ndmp", "tcp"), 10000);
    fw_svc_sync_run(a.content, a.size, NULL, 0, &a.records, &undo);
    assert_string_equal(undo.content, text);
    fw_svc_sync_free(&undo);
    fw_svc_sync_free(&a);
}

static void test_warns_about_port_taken_and_duplicates(void **state)
{
    (void)state;
    const char *text = "webmin 10000/tcp\nndmp 10000/tcp\nndmp 10003/tcp\nfoo 10000/udp\n";
    fw_svc_edit e;
    fw_svc_ensure(text, strlen(text), "ndmp", 10000, "tcp", NULL, &e);
    assert_int_equal(e.action, FW_SVC_UNCHANGED);
    assert_null(e.content);
    assert_int_equal(e.warning_count, 2);
    assert_non_null(strstr(e.warnings[0], "claimed by 'webmin'"));
    assert_non_null(strstr(e.warnings[1], "line 3"));
    fw_svc_edit_free(&e);
}

static void test_parse_entry(void **state)
{
    (void)state;
    fw_svc_entry e;
    assert_true(fw_svc_parse_entry("ndmp 10000/tcp", 14, &e));
    assert_int_equal(e.port, 10000);
    assert_true(fw_svc_parse_entry("  x\t1/udp#c", 11, &e));
    assert_int_equal(e.port, 1);
    assert_int_equal(e.proto_len, 3);
    static const char *const not_entries[] = {"", "   ", "# ndmp 10000/tcp", "ndmp", "ndmp 10000",
                                              "ndmp 0/tcp", "ndmp 65536/tcp", "ndmp 123456/tcp", "ndmp x/tcp",
                                              "ndmp 10000/", "ndmp#c 1/tcp", "ndmp 10000 /tcp"};
    for (size_t i = 0; i < sizeof not_entries / sizeof *not_entries; i++)
        assert_false(fw_svc_parse_entry(not_entries[i], strlen(not_entries[i]), &e));
}

/* A later port change keeps the first original; remove restores it. */
static void test_first_original_survives_later_changes(void **state)
{
    (void)state;
    const char *text = "ndmp 9999/tcp # old\n";
    fw_svc_records none = {0};
    fw_svc_sync a, b, undo;
    fw_svc_sync_run(text, strlen(text), &NDMP, 1, &none, &a);
    fw_svc_want other = NDMP;
    other.port = 10001;
    fw_svc_sync_run(a.content, a.size, &other, 1, &a.records, &b);
    assert_string_equal(b.content, "ndmp 10001/tcp # old\n");
    assert_string_equal(b.records.items[0].record.original, "ndmp 9999/tcp # old");
    assert_string_equal(b.records.items[0].record.written, "ndmp 10001/tcp # old");
    fw_svc_sync_run(b.content, b.size, NULL, 0, &b.records, &undo);
    assert_string_equal(undo.content, text);
    fw_svc_sync_free(&undo);
    fw_svc_sync_free(&b);
    fw_svc_sync_free(&a);
}

/* Someone changed the line fwsvc wrote: remove says so and leaves it. */
static void test_remove_leaves_a_line_someone_changed(void **state)
{
    (void)state;
    const char *text = "a 1/tcp\n";
    fw_svc_records none = {0};
    fw_svc_sync a, undo, gone;
    fw_svc_sync_run(text, strlen(text), &NDMP, 1, &none, &a);
    const char *edited = "a 1/tcp\nndmp 10000/tcp # mine now\n";
    fw_svc_sync_run(edited, strlen(edited), NULL, 0, &a.records, &undo);
    assert_null(undo.content);
    assert_int_equal(undo.records.count, 0);
    assert_int_equal(count_notes(&undo, FW_SVC_NOTE_WARNING), 1);
    assert_non_null(strstr(undo.notes[0].text, "left as it is"));
    fw_svc_sync_run(text, strlen(text), NULL, 0, &a.records, &gone);
    assert_null(gone.content);
    assert_non_null(strstr(gone.notes[0].text, "no ndmp/tcp line any more"));
    fw_svc_sync_free(&gone);
    fw_svc_sync_free(&undo);
    fw_svc_sync_free(&a);
}

/* A deleted or changed line is drift; apply puts it back. */
static void test_drift_is_repaired(void **state)
{
    (void)state;
    const char *text = "a 1/tcp";
    fw_svc_records none = {0};
    fw_svc_sync a, deleted, changed;
    fw_svc_sync_run(text, strlen(text), &NDMP, 1, &none, &a);
    fw_svc_sync_run(text, strlen(text), &NDMP, 1, &a.records, &deleted);
    assert_int_equal(deleted.drift, 1);
    assert_string_equal(deleted.content, a.content);
    const char *moved = "a 1/tcp\nndmp    10002/tcp        #Network Data Management Protocol\n";
    fw_svc_sync_run(moved, strlen(moved), &NDMP, 1, &a.records, &changed);
    assert_int_equal(changed.drift, 1);
    assert_string_equal(changed.content, a.content);
    /* Still fwsvc's added line: remove deletes it and the break it added. */
    assert_int_equal(changed.records.items[0].record.action, FW_SVC_ADDED);
    fw_svc_sync undo;
    fw_svc_sync_run(changed.content, changed.size, NULL, 0, &changed.records, &undo);
    assert_string_equal(undo.content, text);
    fw_svc_sync_free(&undo);
    fw_svc_sync_free(&changed);
    fw_svc_sync_free(&deleted);
    fw_svc_sync_free(&a);
}

static void expect_refused(const char *path, const char *needle)
{
    size_t size = 0;
    char *error = NULL;
    assert_null(fw_svc_read(path, &size, &error));
    assert_non_null(error);
    assert_non_null(strstr(error, needle));
    free(error);
}

static void test_io_refuses_bad_files(void **state)
{
    (void)state;
    expect_refused("svc-test-missing.txt", "svc-test-missing.txt");
    char *big = fw_xmalloc(FW_SVC_MAX_BYTES + 2);
    memset(big, '#', FW_SVC_MAX_BYTES + 1);
    write_file("svc-test-big.txt", big, FW_SVC_MAX_BYTES + 1);
    expect_refused("svc-test-big.txt", "left untouched");
    free(big);
    cleanup_file("svc-test-big.txt");
    write_file("svc-test-binary.txt", "ndmp 1/tcp\n\0\x01", 13);
    expect_refused("svc-test-binary.txt", "not a text file");
    cleanup_file("svc-test-binary.txt");

    write_file("svc-test-ro.txt", "a 1/tcp\n", 8);
#ifdef _WIN32
    SetFileAttributesA("svc-test-ro.txt", FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN);
#else
    chmod("svc-test-ro.txt", 0444);
#endif
    char *error = NULL;
    assert_false(fw_svc_check_writable("svc-test-ro.txt", &error));
    assert_non_null(strstr(error, "read-only"));
    free(error);
    make_writable("svc-test-ro.txt");
    assert_true(fw_svc_check_writable("svc-test-ro.txt", &error));
    cleanup_file("svc-test-ro.txt");
}

/* The replacement keeps the original's attributes (mode natively). */
static void test_replace_keeps_attributes_and_backup_is_once(void **state)
{
    (void)state;
    const char *path = "svc-test-attrs.txt";
    write_file(path, "a 1/tcp\n", 8);
#ifdef _WIN32
    assert_true(SetFileAttributesA(path, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE));
#else
    chmod(path, 0640);
#endif
    char *error = NULL;
    assert_true(fw_svc_backup_once(path, &error));
    assert_true(fw_svc_write_atomic(path, "b 2/tcp\n", 8, &error));
    assert_true(fw_svc_backup_once(path, &error)); /* must not overwrite the first backup */
    size_t size = 0;
    char *data = read_path(path, &size);
    assert_memory_equal(data, "b 2/tcp\n", 8);
    free(data);
    data = read_path("svc-test-attrs.txt.fwsvc-backup", &size);
    assert_memory_equal(data, "a 1/tcp\n", 8);
    free(data);
#ifdef _WIN32
    DWORD attrs = GetFileAttributesA(path);
    assert_true(attrs & FILE_ATTRIBUTE_HIDDEN);
#else
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
#endif
    cleanup_file(path);
    cleanup_file("svc-test-attrs.txt.fwsvc-backup");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_round_trips),
        cmocka_unit_test(test_changed_line_keeps_aliases_and_comment),
        cmocka_unit_test(test_lone_cr_at_end_is_white_space),
        cmocka_unit_test(test_warns_about_port_taken_and_duplicates),
        cmocka_unit_test(test_parse_entry),
        cmocka_unit_test(test_first_original_survives_later_changes),
        cmocka_unit_test(test_remove_leaves_a_line_someone_changed),
        cmocka_unit_test(test_drift_is_repaired),
        cmocka_unit_test(test_io_refuses_bad_files),
        cmocka_unit_test(test_replace_keeps_attributes_and_backup_is_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
