/* Prints how fast the core explains dropped flows natively (drop.h): the
 * whole catalog's rules as views, veeam-backup-server applied with
 * veeam_servers=10.0.0.0/24, DROPS (100,000) inbound TCP 2500 drops from 256
 * peers outside that scope, each matched to its rule with the reason and
 * the fix, and throttled per flow. A printed figure, not a timed test.
 * Usage: bench_drops CATALOG_DIR */
#include "binding.h"
#include "catalog_load.h"
#include "drop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DROPS 100000

static double now_ms(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CATALOG_DIR\n", argv[0]);
        return 2;
    }
    fw_catalog c = {0};
    fw_diags d = {0};
    if (!fw_catalog_load_dir(&c, argv[1], &d)) {
        fw_diags_print(&d, stderr);
        return 1;
    }
    fw_setting s[] = {{"veeam_servers", "10.0.0.0/24"}};
    fw_binding *host = calloc(c.profile_count, sizeof *host), *defaults = calloc(c.profile_count, sizeof *defaults);
    size_t rules = 0;
    for (size_t p = 0; p < c.profile_count; p++)
        rules += c.profiles[p].rule_count;
    fw_rule_view *views = calloc(rules, sizeof *views);
    char **programs = calloc(rules, sizeof *programs);
    size_t n = 0;
    for (size_t p = 0; p < c.profile_count; p++) {
        bool applied = strcmp(c.profiles[p].name, "veeam-backup-server") == 0;
        fw_binding_init(&host[p], &c, &c.profiles[p], applied ? s : NULL, applied ? 1 : 0);
        fw_binding_init(&defaults[p], &c, &c.profiles[p], NULL, 0);
        for (size_t r = 0; r < c.profiles[p].rule_count; r++, n++) {
            programs[n] = fw_binding_program(&host[p], &c.profiles[p].rules[r]);
            views[n] = (fw_rule_view){.profile = &c.profiles[p], .rule = &c.profiles[p].rules[r],
                                      .binding = &host[p], .defaults = &defaults[p], .applied = applied,
                                      .program = programs[n]};
        }
    }
    fw_drop_throttle *t = fw_drop_throttle_new(6000000000ull);
    size_t on_rule = 0, admitted = 0;
    double t0 = now_ms();
    for (unsigned i = 0; i < DROPS; i++) {
        fw_drop x = {0};
        x.flow = (fw_flow){.inbound = true, .protocol = 6, .has_local_port = true, .local_port = 2500,
                           .has_remote_port = true, .remote_port = (uint16_t)(1024 + i % 60000),
                           .has_remote_addr = true};
        uint8_t peer[4] = {192, 0, 2, (uint8_t)(i % 256)};
        memcpy(x.flow.remote_addr, peer, 4);
        snprintf(x.remote_text, sizeof x.remote_text, "192.0.2.%u", i % 256);
        fw_nm_query q = {&x.flow, NULL, x.remote_text, true};
        fw_drop_match m;
        fw_drop_match_find(&q, views, n, NULL, NULL, &m);
        on_rule += m.kind == FW_DROP_RULE;
        admitted += fw_drop_throttle_admit(t, &x, m.rule, 1000000000ull + i);
        fw_drop_match_free(&m);
    }
    double ms = now_ms() - t0;
    printf("drops: %d drops explained against %zu rules in %.0f ms natively: %.0f drops/s (%zu on a rule, %zu "
           "reported once per flow)\n",
           DROPS, n, ms, DROPS * 1000.0 / ms, on_rule, admitted);
    fw_drop_throttle_free(t);
    for (size_t i = 0; i < n; i++)
        free(programs[i]);
    for (size_t p = 0; p < c.profile_count; p++) {
        fw_binding_free(&host[p]);
        fw_binding_free(&defaults[p]);
    }
    free(programs);
    free(views);
    free(host);
    free(defaults);
    fw_catalog_free(&c);
    return 0;
}
