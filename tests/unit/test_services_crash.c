/* Crash consistency of the services-file replacement: a child process
 * replaces the file and is killed (SIGKILL) at a random moment, over and
 * over. Whatever the moment, the file must be exactly the old version or
 * exactly the new one: never missing, never torn. POSIX only (fork). */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include "fw_alloc.h"
#include "services_io.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRIALS 1000
#define PATH "svc-crash-test.txt"

static char *make_version(char fill, size_t size)
{
    char *s = fw_xmalloc(size);
    for (size_t i = 0; i < size; i++)
        s[i] = (i % 64 == 63) ? '\n' : fill;
    return s;
}

static void put(const char *data, size_t size)
{
    FILE *f = fopen(PATH, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

typedef bool (*writer_fn)(const char *path, const char *data, size_t size, char **error);

/* The control: rewriting in place, as a text editor might. The harness
 * must catch it tearing the file, or it proves nothing about the real one. */
static bool write_in_place(const char *path, const char *data, size_t size, char **error)
{
    (void)error;
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < size; i += 512) {
        fwrite(data + i, 1, size - i < 512 ? size - i : 512, f);
        fflush(f);
    }
    return f && fclose(f) == 0;
}

/* Runs one replacement in a child; kills it after delay_us unless < 0.
 * Returns true if the child was killed before it finished. */
static bool replace_in_child(writer_fn writer, const char *data, size_t size, double delay_us)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *error = NULL;
        _exit(writer(PATH, data, size, &error) ? 0 : 1);
    }
    if (delay_us >= 0) {
        struct timespec d = {(time_t)(delay_us / 1e6), (long)((long long)delay_us % 1000000) * 1000};
        nanosleep(&d, NULL);
        kill(pid, SIGKILL);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status))
        assert_int_equal(WEXITSTATUS(status), 0);
    return WIFSIGNALED(status);
}

static void remove_leftovers(size_t *count)
{
    /* A killed writer leaves its PATH.fwsvc-new.PID behind, never PATH. */
    FILE *p = popen("ls svc-crash-test.txt.fwsvc-new.* 2>/dev/null", "r");
    char name[256];
    while (p && fgets(name, sizeof name, p)) {
        name[strcspn(name, "\n")] = '\0';
        remove(name);
        ++*count;
    }
    if (p)
        pclose(p);
}

typedef struct {
    size_t olds, news, torn, killed, leftovers;
    double one_us, span_us;
} trial_counts;

static void run_trials(writer_fn writer, int trials, trial_counts *c)
{
    const size_t old_size = 48 * 1024, new_size = 64 * 1024;
    char *old_v = make_version('o', old_size), *new_v = make_version('n', new_size);

    /* How long a whole replacement takes here, to spread the kills over it. */
    double total = 0;
    for (int i = 0; i < 10; i++) {
        put(old_v, old_size);
        double t0 = now_us();
        replace_in_child(writer, new_v, new_size, -1);
        total += now_us() - t0;
    }
    *c = (trial_counts){.one_us = total / 10, .span_us = total / 10 * 1.3};

    srand((unsigned)time(NULL));
    for (int trial = 0; trial < trials; trial++) {
        put(old_v, old_size);
        c->killed += replace_in_child(writer, new_v, new_size, c->span_us * rand() / RAND_MAX);
        size_t size = 0;
        char *error = NULL;
        char *got = fw_svc_read(PATH, &size, &error);
        if (got && size == old_size && memcmp(got, old_v, size) == 0)
            c->olds++;
        else if (got && size == new_size && memcmp(got, new_v, size) == 0)
            c->news++;
        else
            c->torn++;
        free(got);
        free(error);
        remove_leftovers(&c->leftovers);
    }
    remove(PATH);
    free(old_v);
    free(new_v);
}

static void test_killed_writer_leaves_old_or_new(void **state)
{
    (void)state;
    trial_counts c;
    run_trials(fw_svc_write_atomic, TRIALS, &c);
    print_message("crash trials: %d (one replacement takes %.0f us; kills spread over %.0f us)\n", TRIALS,
                  c.one_us, c.span_us);
    print_message("crash trials: killed before finishing %zu, temporary files left by a kill %zu\n", c.killed,
                  c.leftovers);
    print_message("crash trials: file was the old version %zu, the new version %zu, anything else %zu\n", c.olds,
                  c.news, c.torn);
    assert_int_equal(c.torn, 0);
    assert_int_equal(c.olds + c.news, TRIALS);
    assert_true(c.killed > 0); /* the test must have hit the writer mid-way */
}

static void test_harness_catches_an_in_place_writer(void **state)
{
    (void)state;
    trial_counts c;
    run_trials(write_in_place, 200, &c);
    print_message("control (in-place writer): 200 trials, killed %zu, torn files %zu\n", c.killed, c.torn);
    assert_true(c.torn > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_writer_leaves_old_or_new),
        cmocka_unit_test(test_harness_catches_an_in_place_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
