/* Crash consistency of the services-file replacement: a child process
 * replaces the file and is killed at a random moment of its write, over and
 * over. Whatever the moment, the file must be exactly the old version or
 * exactly the new one: never missing, never torn. Natively the child is
 * forked and SIGKILLed; under Wine it is this executable started again with
 * --child and ended with TerminateProcess, so the MoveFileExW path is the
 * one tested. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif

#include "test_support.h"

#include "fw_alloc.h"
#include "services_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#define TRIALS 1000
#define CONTROL_TRIALS 200
#define PATH "svc-crash-test.txt"
#define OLD_SIZE (48 * 1024)
#define NEW_SIZE (64 * 1024)

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

/* The child's side: say "ready" on stdout, then replace the file. */
static int child_main(const char *kind)
{
    writer_fn writer = strcmp(kind, "in-place") == 0 ? write_in_place : fw_svc_write_atomic;
    char *new_v = make_version('n', NEW_SIZE);
    char *error = NULL;
#ifdef _WIN32
    DWORD done = 0;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "R", 1, &done, NULL);
#else
    if (write(STDOUT_FILENO, "R", 1) != 1)
        return 2;
#endif
    return writer(PATH, new_v, NEW_SIZE, &error) ? 0 : 1;
}

static double now_us(void)
{
#ifdef _WIN32
    LARGE_INTEGER t, f;
    QueryPerformanceCounter(&t);
    QueryPerformanceFrequency(&f);
    return (double)t.QuadPart * 1e6 / (double)f.QuadPart;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
#endif
}

/* Spins rather than sleeps: the delays are shorter than a scheduler tick. */
static void wait_until(double t)
{
    while (now_us() < t)
        ;
}

/* Starts a child that replaces PATH; once it is ready, kills it after
 * delay_us (never if negative). Returns whether it was killed before it
 * finished; *write_us is how long it ran after "ready". */
static bool run_child(const char *kind, double delay_us, double *write_us)
{
    bool killed = false;
    double ready = 0;
#ifdef _WIN32
    static wchar_t self[MAX_PATH];
    if (!self[0])
        GetModuleFileNameW(NULL, self, MAX_PATH);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd, wr;
    assert_true(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES, .hStdOutput = wr,
                       .hStdInput = GetStdHandle(STD_INPUT_HANDLE), .hStdError = GetStdHandle(STD_ERROR_HANDLE)};
    PROCESS_INFORMATION pi;
    wchar_t cmd[MAX_PATH + 64];
    _snwprintf(cmd, MAX_PATH + 64, L"\"%ls\" --child %hs", self, kind);
    /* Wine, after a thousand children, now and then fails a process start
     * for a moment: retry, since only what happens after "ready" counts. */
    BOOL started = FALSE;
    DWORD start_error = 0;
    for (int attempt = 0; attempt < 5 && !started; attempt++) {
        started = CreateProcessW(self, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
        if (!started) {
            start_error = GetLastError();
            Sleep(50);
        }
    }
    if (!started)
        fail_msg("CreateProcessW failed 5 times, last error %lu", (unsigned long)start_error);
    CloseHandle(wr);
    char byte;
    DWORD got = 0;
    assert_true(ReadFile(rd, &byte, 1, &got, NULL) && got == 1);
    ready = now_us();
    if (delay_us >= 0) {
        wait_until(ready + delay_us);
        TerminateProcess(pi.hProcess, 137);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    killed = code == 137;
    if (!killed)
        assert_int_equal(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
#else
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        _exit(child_main(kind));
    }
    close(fds[1]);
    char byte;
    assert_int_equal(read(fds[0], &byte, 1), 1);
    ready = now_us();
    if (delay_us >= 0) {
        wait_until(ready + delay_us);
        kill(pid, SIGKILL);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(fds[0]);
    killed = WIFSIGNALED(status);
    if (!killed)
        assert_int_equal(WEXITSTATUS(status), 0);
#endif
    *write_us = now_us() - ready;
    return killed;
}

/* A killed writer leaves its PATH.fwsvc-new.PID behind, never PATH. */
static size_t remove_leftovers(void)
{
    size_t n = 0;
#ifdef _WIN32
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(PATH ".fwsvc-new.*", &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do
            n += DeleteFileA(fd.cFileName) != 0;
        while (FindNextFileA(h, &fd));
        FindClose(h);
    }
#else
    FILE *p = popen("ls " PATH ".fwsvc-new.* 2>/dev/null", "r");
    char name[256];
    while (p && fgets(name, sizeof name, p)) {
        name[strcspn(name, "\n")] = '\0';
        n += remove(name) == 0;
    }
    if (p)
        pclose(p);
#endif
    return n;
}

typedef struct {
    size_t olds, news, torn, killed, leftovers;
    double write_us, span_us;
} trial_counts;

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void run_trials(const char *kind, int trials, trial_counts *c)
{
    char *old_v = make_version('o', OLD_SIZE), *new_v = make_version('n', NEW_SIZE);
    /* How long a whole write takes here, to spread the kills over it: the
     * median, as one stalled run would stretch a mean and let most kills
     * land after the writer has finished. */
    double times[11];
    for (int i = 0; i < 11; i++) {
        put(old_v, OLD_SIZE);
        run_child(kind, -1, &times[i]);
    }
    qsort(times, 11, sizeof times[0], compare_doubles);
    *c = (trial_counts){.write_us = times[5], .span_us = times[5] * 1.3};

    srand((unsigned)time(NULL));
    for (int trial = 0; trial < trials; trial++) {
        put(old_v, OLD_SIZE);
        double t;
        c->killed += run_child(kind, c->span_us * rand() / RAND_MAX, &t);
        size_t size = 0;
        char *error = NULL;
        char *got = fw_svc_read(PATH, &size, &error);
        if (got && size == OLD_SIZE && memcmp(got, old_v, size) == 0)
            c->olds++;
        else if (got && size == NEW_SIZE && memcmp(got, new_v, size) == 0)
            c->news++;
        else
            c->torn++;
        free(got);
        free(error);
        c->leftovers += remove_leftovers();
    }
    remove(PATH);
    free(old_v);
    free(new_v);
}

static void test_killed_writer_leaves_old_or_new(void **state)
{
    (void)state;
    trial_counts c;
    run_trials("atomic", TRIALS, &c);
    printf("crash trials (%s): %d; one write takes %.0f us, kills spread over %.0f us\n",
#ifdef _WIN32
           "Wine, MoveFileExW",
#else
           "native, rename",
#endif
           TRIALS, c.write_us, c.span_us);
    printf("crash trials: killed before finishing %zu, temporary files left by a kill %zu\n", c.killed,
           c.leftovers);
    printf("crash trials: file was the old version %zu, the new version %zu, anything else %zu\n", c.olds,
           c.news, c.torn);
    fflush(stdout);
    assert_int_equal(c.torn, 0);
    assert_int_equal(c.olds + c.news, TRIALS);
    assert_true(c.killed > 0); /* the test must have hit the writer mid-way */
}

static void test_harness_catches_an_in_place_writer(void **state)
{
    (void)state;
    trial_counts c;
    run_trials("in-place", CONTROL_TRIALS, &c);
    printf("control (in-place writer): %d trials, killed %zu, torn files %zu\n", CONTROL_TRIALS, c.killed,
           c.torn);
    fflush(stdout); /* before cmocka's own lines */
    assert_true(c.torn > 0);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return child_main(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_writer_leaves_old_or_new),
        cmocka_unit_test(test_harness_catches_an_in_place_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
