/* Prints how long loading and planning the whole catalog takes natively.
 * A printed figure, not a timed test: machines here are noisy, so it reports
 * the median and the best of many runs. Usage: bench_catalog CATALOG_DIR */
#include "binding.h"
#include "catalog_load.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 200

static double now_ms(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CATALOG_DIR\n", argv[0]);
        return 2;
    }
    static double load_ms[RUNS], plan_ms[RUNS], total_ms[RUNS];
    size_t profiles = 0, filters = 0;
    for (int run = 0; run < RUNS; run++) {
        fw_catalog c = {0};
        fw_diags d = {0};
        double t0 = now_ms();
        if (!fw_catalog_load_dir(&c, argv[1], &d)) {
            fw_diags_print(&d, stderr);
            return 1;
        }
        double t1 = now_ms();
        fw_plan plan = {0};
        for (size_t i = 0; i < c.profile_count; i++) {
            fw_binding b;
            fw_binding_init(&b, &c, &c.profiles[i], NULL, 0);
            fw_plan_add_profile(&plan, &c.profiles[i], &b);
            fw_binding_free(&b);
        }
        double t2 = now_ms();
        load_ms[run] = t1 - t0;
        plan_ms[run] = t2 - t1;
        total_ms[run] = t2 - t0;
        profiles = c.profile_count;
        filters = plan.count;
        fw_plan_free(&plan);
        fw_catalog_free(&c);
        fw_diags_free(&d);
    }
    qsort(load_ms, RUNS, sizeof(double), compare_doubles);
    qsort(plan_ms, RUNS, sizeof(double), compare_doubles);
    qsort(total_ms, RUNS, sizeof(double), compare_doubles);
    printf("catalog: %zu profiles, %zu filters planned; %d runs\n", profiles, filters, RUNS);
    printf("load:        median %.3f ms, best %.3f ms\n", load_ms[RUNS / 2], load_ms[0]);
    printf("plan:        median %.3f ms, best %.3f ms\n", plan_ms[RUNS / 2], plan_ms[0]);
    printf("load + plan: median %.3f ms, best %.3f ms (goal: under 5 ms)\n", total_ms[RUNS / 2],
           total_ms[0]);
    return 0;
}
