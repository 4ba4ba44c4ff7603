/* fwsvc why: is a connection allowed on this host, and which filter
 * decides? The CLI parses the flow, wfp/why_read.c reads the engine (read
 * only), wfp/arbitrate.c decides, this file prints. docs/why.md. Windows
 * only (cmd_enforce_stub.c natively). */
#include "cli.h"
#include "host_error.h"

#include "address.h"
#include "arbitrate.h"
#include "desired.h"
#include "fw_alloc.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "fw_win32_text.h"
#include "host_config.h"
#include "why_read.h"
#include "why_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Near misses shown per blocked flow: the closest ones matter. */
#define NEAR_MISSES_SHOWN 10

/* One flow with what it owns, and the words that describe it. */
typedef struct {
    fw_flow flow;
    uint8_t *app_id;
    char *program;     /* as given */
    char *origin;      /* --profile: the planned filter it comes from */
    char remote_text[64], local_text[64];
} why_flow;

static void why_flow_free(why_flow *w)
{
    free(w->app_id);
    free(w->program);
    free(w->origin);
}

static int bad_input(const char *fmt, const char *value)
{
    fw_error(fmt, value);
    fputs("Try 'fwsvc why --help'.\n", stderr);
    return FW_EXIT_INVALID;
}

/* ADDR into the flow: a single address; its family sets the flow's. */
static int take_address(const char *text, bool *has, uint8_t bytes[16], char out[64], why_flow *w, const char *opt)
{
    fw_address a;
    if (!text || strcmp(text, "-") == 0)
        return FW_EXIT_OK;
    if (fw_address_parse(text, &a) != FW_ADDR_OK || a.prefix != (a.family == FW_AF_V4 ? 32 : 128)) {
        fw_error("%s '%s' is not one IPv4 or IPv6 address\n", opt, text);
        return FW_EXIT_INVALID;
    }
    bool v6 = a.family == FW_AF_V6;
    if ((w->flow.has_remote_addr || w->flow.has_local_addr) && w->flow.v6 != v6) {
        fw_error("--remote-addr and --local-addr must both be IPv4 or both IPv6\n");
        return FW_EXIT_INVALID;
    }
    w->flow.v6 = v6;
    memcpy(bytes, a.bytes, 16);
    *has = true;
    snprintf(out, 64, "%s", text);
    return FW_EXIT_OK;
}

/* The program's app id as WFP holds it: FwpmGetAppIdFromFileName0 for an
 * existing file, else the NT path fwsvc's own program rules would use. */
static int take_program(const char *path, why_flow *w)
{
    if (!path || strcmp(path, "-") == 0)
        return FW_EXIT_OK;
    fw_app_id a;
    if (!fw_app_id_resolve(path, &a)) {
        fw_error("--program '%s': its app id cannot be computed (error %lu)\n", path, a.error);
        fw_app_id_free(&a);
        return FW_EXIT_INVALID;
    }
    if (a.blob) {
        w->app_id = fw_xcalloc(a.blob->size + 1, 1);
        memcpy(w->app_id, a.blob->data, a.blob->size);
        w->flow.app_id_size = a.blob->size;
    } else {
        wchar_t *wide = fw_utf8_to_wide(a.text);
        size_t bytes = (wcslen(wide) + 1) * sizeof(wchar_t);
        w->app_id = fw_xcalloc(bytes, 1);
        memcpy(w->app_id, wide, bytes);
        w->flow.app_id_size = bytes;
        free(wide);
    }
    w->flow.app_id = w->app_id;
    w->program = fw_xstrdup(a.expanded ? a.expanded : path); /* %SystemRoot% and the like expanded */
    fw_app_id_free(&a);
    return FW_EXIT_OK;
}

static int parse_flow(const char *dir, const char *proto, const char *port, const char *remote, const char *local,
                      const char *program, why_flow *w)
{
    memset(w, 0, sizeof *w);
    if (!dir)
        return bad_input("%s", "a flow needs --dir in|out (inbound to this host, or outbound)\n");
    if (strcmp(dir, "in") && strcmp(dir, "out"))
        return bad_input("--dir must be in or out, got '%s'\n", dir);
    w->flow.inbound = strcmp(dir, "in") == 0;
    if (!proto)
        return bad_input("%s", "a flow needs --proto tcp|udp\n");
    if ((fw_str_ieq(proto, "tcp") ? (w->flow.protocol = 6) : fw_str_ieq(proto, "udp") ? (w->flow.protocol = 17) : 0) == 0)
        return bad_input("--proto must be tcp or udp, got '%s'\n", proto);
    if (!port)
        return bad_input("%s", "a flow needs --port N (the local port for in, the remote port for out)\n");
    char *end = NULL;
    unsigned long n = strtoul(port, &end, 10);
    if (!*port || *end || n == 0 || n > 65535)
        return bad_input("--port must be a port number (1-65535), got '%s'\n", port);
    if (w->flow.inbound)
        w->flow.has_local_port = true, w->flow.local_port = (uint16_t)n;
    else
        w->flow.has_remote_port = true, w->flow.remote_port = (uint16_t)n;
    int rc = take_address(remote, &w->flow.has_remote_addr, w->flow.remote_addr, w->remote_text, w, "--remote-addr");
    if (rc == FW_EXIT_OK)
        rc = take_address(local, &w->flow.has_local_addr, w->flow.local_addr, w->local_text, w, "--local-addr");
    if (rc == FW_EXIT_OK)
        rc = take_program(program, w);
    return rc;
}

static const char *action_name(fw_eval_action a)
{
    return a == FW_EA_PERMIT ? "PERMIT" : a == FW_EA_BLOCK ? "BLOCK" : "CALLOUT";
}

static void describe_flow(const why_flow *w, char *out, size_t size)
{
    const fw_flow *f = &w->flow;
    snprintf(out, size, "%s %s %s port %u%s%s%s%s%s%s", f->inbound ? "inbound" : "outbound",
             f->protocol == 6 ? "TCP" : "UDP", f->inbound ? "to local" : "to remote",
             f->inbound ? f->local_port : f->remote_port, f->has_remote_addr ? (f->inbound ? " from " : " at ") : "",
             f->has_remote_addr ? w->remote_text : "", f->has_local_addr ? ", local address " : "",
             f->has_local_addr ? w->local_text : "", w->program ? ", program " : "", w->program ? w->program : "");
}

/* ---- JSON ---- */

static void json_filter(fw_json *j, const fw_why_snapshot *s, long i)
{
    if (i < 0) {
        fw_json_null(j);
        return;
    }
    const fw_eval_filter *f = &s->filters[i];
    const fw_eval_sublayer *sl = f->sublayer < s->sublayer_count ? &s->sublayers[f->sublayer] : NULL;
    fw_json_object_begin(j);
    fw_json_member_string(j, "key", f->key);
    fw_json_member_string(j, "name", f->name);
    fw_json_member_string(j, "provider", f->provider[0] ? f->provider : NULL);
    fw_json_member_string(j, "provider_name", f->provider[0] ? f->provider_name : NULL);
    fw_json_member_string(j, "sublayer", sl ? sl->key : NULL);
    fw_json_member_string(j, "sublayer_name", sl ? sl->name : NULL);
    fw_json_key(j, "sublayer_weight");
    fw_json_uint(j, sl ? sl->weight : 0);
    fw_json_member_string(j, "layer", fw_ale_layer_name(f->layer));
    fw_json_key(j, "weight");
    fw_json_uint(j, f->weight);
    fw_json_member_string(j, "action", action_name(f->action));
    fw_json_key(j, "hard");
    fw_json_bool(j, f->hard);
    fw_json_member_string(j, "identity", f->identity);
    fw_json_key(j, "drifted");
    fw_json_bool(j, f->drifted);
    fw_json_object_end(j);
}

/* A blocked flow's near misses (near_miss.h). */
static void json_near_misses(fw_json *j, const fw_near_misses *m)
{
    fw_json_key(j, "near_misses");
    fw_json_array_begin(j);
    for (size_t i = 0; i < m->count; i++) {
        const fw_near_miss *n = &m->items[i];
        fw_json_object_begin(j);
        fw_json_member_string(j, "rule", n->rule);
        fw_json_key(j, "applied");
        fw_json_bool(j, n->applied);
        fw_json_key(j, "unmatched");
        fw_json_array_begin(j);
        for (unsigned r = 0; r < FW_NM_REASON_COUNT; r++)
            if (n->unmatched & (1u << r))
                fw_json_string(j, fw_nm_reason_name((fw_nm_reason)(1u << r)));
        fw_json_array_end(j);
        fw_json_member_string(j, "fix", n->fix);
        fw_json_member_string(j, "text", n->text);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_key(j, "near_misses_omitted");
    fw_json_uint(j, m->omitted);
}

/* One flow's verdict; alone (top) it is the whole document. */
static void json_result(fw_json *j, const fw_why_snapshot *s, const why_flow *w, const fw_verdict *v,
                        const fw_near_misses *m, bool top)
{
    char text[512];
    describe_flow(w, text, sizeof text);
    fw_json_object_begin(j);
    if (top) {
        fw_json_member_string(j, "command", "why");
        fw_json_key(j, "filters_read");
        fw_json_uint(j, s->filters_read);
    }
    fw_json_key(j, "flow");
    fw_json_object_begin(j);
    fw_json_member_string(j, "dir", w->flow.inbound ? "in" : "out");
    fw_json_member_string(j, "proto", w->flow.protocol == 6 ? "tcp" : "udp");
    fw_json_key(j, "port");
    fw_json_uint(j, w->flow.inbound ? w->flow.local_port : w->flow.remote_port);
    fw_json_member_string(j, "remote_addr", w->flow.has_remote_addr ? w->remote_text : NULL);
    fw_json_member_string(j, "local_addr", w->flow.has_local_addr ? w->local_text : NULL);
    fw_json_member_string(j, "program", w->program);
    fw_json_member_string(j, "text", text);
    if (w->origin)
        fw_json_member_string(j, "origin", w->origin);
    fw_json_object_end(j);
    fw_json_member_string(j, "verdict", v->permit ? "PERMIT" : "BLOCK");
    fw_json_key(j, "decided_by");
    json_filter(j, s, v->decided_by);
    fw_json_key(j, "trace");
    fw_json_array_begin(j);
    for (size_t i = 0; i < v->step_count; i++) {
        const fw_eval_step *st = &v->steps[i];
        const fw_eval_sublayer *sl = &s->sublayers[st->sublayer];
        fw_json_object_begin(j);
        fw_json_member_string(j, "layer", fw_ale_layer_name(st->layer));
        fw_json_member_string(j, "sublayer", sl->key);
        fw_json_member_string(j, "sublayer_name", sl->name);
        fw_json_key(j, "sublayer_weight");
        fw_json_uint(j, sl->weight);
        fw_json_key(j, "filter");
        json_filter(j, s, st->filter);
        fw_json_member_string(j, "outcome", fw_step_outcome_name(st->outcome));
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_key(j, "unevaluated");
    fw_json_array_begin(j);
    for (size_t i = 0; i < v->unevaluated_count; i++) {
        const fw_unevaluated *u = &v->unevaluated[i];
        fw_json_object_begin(j);
        fw_json_key(j, "filter");
        json_filter(j, s, u->filter);
        fw_json_member_string(j, "condition", u->field_name);
        fw_json_key(j, "verdict_depends_on_it");
        fw_json_bool(j, u->depends);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    json_near_misses(j, m);
    fw_json_object_end(j);
}

/* ---- text ---- */

/* A filter by name: fwsvc's by the rule it enforces, others by their
 * display name, provider and sublayer. */
static void filter_words(const fw_why_snapshot *s, const fw_eval_filter *f, char *out, size_t size)
{
    const fw_eval_sublayer *sl = f->sublayer < s->sublayer_count ? &s->sublayers[f->sublayer] : NULL;
    if (f->ours)
        snprintf(out, size, "fwsvc's filter %s%s", f->identity ? f->identity : f->name, f->drifted ? " (DRIFTED)" : "");
    else
        snprintf(out, size, "\"%s\" of %s, in %s", f->name, f->provider[0] ? f->provider_name : "no provider",
                 sl ? (sl->name[0] ? sl->name : sl->key) : "an unknown sublayer");
}

static void print_filter_detail(const fw_why_snapshot *s, long i)
{
    const fw_eval_filter *f = &s->filters[i];
    const fw_eval_sublayer *sl = f->sublayer < s->sublayer_count ? &s->sublayers[f->sublayer] : NULL;
    printf("  filter    \"%s\" %s (id %llu, %s)\n", f->name, f->key, (unsigned long long)f->id,
           fw_ale_layer_short_name(f->layer));
    printf("  provider  %s%s%s\n", f->provider[0] ? f->provider_name : "(none)", f->provider[0] ? " " : "",
           f->provider);
    if (sl)
        printf("  sublayer  %s %s, weight 0x%04X\n", sl->name, sl->key, sl->weight);
    printf("  action    %s, %s, weight 0x%016llX\n", action_name(f->action),
           f->action != FW_EA_PERMIT ? "final" : f->hard ? "hard (FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)" : "soft",
           (unsigned long long)f->weight);
}

static void print_near_misses(const fw_near_misses *m, size_t shown, const char *indent)
{
    for (size_t i = 0; i < m->count && i < shown; i++) {
        printf("%s%s\n", indent, m->items[i].text);
        if (m->items[i].fix)
            printf("%s  fix: %s\n", indent, m->items[i].fix);
    }
    size_t more = m->omitted + (m->count > shown ? m->count - shown : 0);
    if (more)
        printf("%s(and %zu more further off)\n", indent, more);
}

static void print_result(const fw_why_snapshot *s, const why_flow *w, const fw_verdict *v, const fw_near_misses *m,
                         bool verbose)
{
    char text[512], words[640];
    describe_flow(w, text, sizeof text);
    printf("%s  %s\n", v->permit ? "PERMIT" : "BLOCK", text);
    if (v->decided_by >= 0) {
        filter_words(s, &s->filters[v->decided_by], words, sizeof words);
        printf("  decided by %s, at %s\n", words, fw_ale_layer_short_name(s->filters[v->decided_by].layer));
        if (s->filters[v->decided_by].drifted)
            printf("  DRIFTED: WFP holds something other than fwsvc's plan under this filter's key: the verdict is not "
                   "what the catalog says ('fwsvc status' shows the drift, 'fwsvc apply' repairs it)\n");
        if (verbose)
            print_filter_detail(s, v->decided_by);
    } else {
        printf("  no filter matched: the layers let it pass\n");
    }
    if (!v->permit) {
        if (m->count) {
            printf("\nRules of fwsvc's catalog that would carry it, and what each lacks here:\n");
            print_near_misses(m, m->count, "  ");
        } else {
            printf("\nNo rule of fwsvc's catalog opens this port for this protocol and direction.\n");
        }
    }
    fw_ale_layer last = FW_ALE_LAYER_COUNT;
    for (size_t i = 0; i < v->step_count; i++) {
        const fw_eval_step *st = &v->steps[i];
        const fw_eval_sublayer *sl = &s->sublayers[st->sublayer];
        if (st->layer != last) {
            printf("\nTrace at %s, sublayers from the heaviest:\n", fw_ale_layer_name(st->layer));
            last = st->layer;
        }
        char what[700] = "-";
        if (st->filter >= 0) {
            const fw_eval_filter *f = &s->filters[st->filter];
            if (f->ours)
                snprintf(what, sizeof what, "%s%s %s%s", action_name(f->action),
                         f->action == FW_EA_PERMIT ? (f->hard ? " hard" : " soft") : "",
                         f->identity ? f->identity : f->name, f->drifted ? " (DRIFTED)" : "");
            else
                snprintf(what, sizeof what, "%s%s \"%s\"", action_name(f->action),
                         f->action == FW_EA_PERMIT ? (f->hard ? " hard" : " soft") : "", f->name);
        }
        if (verbose)
            printf("  0x%04X  %-32.32s  %-11s  %s\n", sl->weight, sl->name[0] ? sl->name : sl->key,
                   fw_step_outcome_name(st->outcome), what);
        else
            printf("  %-32.32s  %-11s  %s\n", sl->name[0] ? sl->name : sl->key, fw_step_outcome_name(st->outcome),
                   what);
    }
    if (v->unevaluated_count) {
        printf("\nNot evaluated (fwsvc cannot know these; treated as not matching):\n");
        for (size_t i = 0; i < v->unevaluated_count; i++) {
            const fw_unevaluated *u = &v->unevaluated[i];
            const fw_eval_filter *f = &s->filters[u->filter];
            printf("  %s \"%s\"%s%s, %s: %s\n", action_name(f->action), f->name, verbose ? " " : "", verbose ? f->key : "",
                   u->field_name, u->depends ? "the verdict DEPENDS on it" : "the verdict does not depend on it");
        }
    }
}

/* ---- the three forms ---- */

/* One flow: only what can match it (why_read.h); many: everything, once. */
static int read_engine(fw_why_snapshot *s, const fw_flow *one)
{
    char message[1024] = "";
    if (fw_why_read_flow(s, one, message, sizeof message) == ERROR_SUCCESS)
        return FW_EXIT_OK;
    fw_error("%s; nothing was read, nothing was changed\n", message);
    fw_why_snapshot_free(s);
    return FW_EXIT_FAILURE;
}

typedef struct {
    why_flow *items;
    size_t count, cap;
} flow_list;

static void flows_free(flow_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        why_flow_free(&l->items[i]);
    free(l->items);
}

/* --flows FILE: DIR PROTO PORT [ADDR [PROGRAM]], tab-separated. */
static int flows_from_file(const char *path, flow_list *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fw_error("--flows: cannot open '%s'\n", path);
        return FW_EXIT_INVALID;
    }
    char line[4096];
    int rc = FW_EXIT_OK;
    for (unsigned number = 1; rc == FW_EXIT_OK && fgets(line, sizeof line, f); number++) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *field[5] = {0};
        size_t n = 0;
        for (char *p = line; p && n < 5;) {
            field[n++] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        why_flow w;
        rc = parse_flow(field[0], field[1], field[2], field[3], NULL, field[4], &w);
        if (rc != FW_EXIT_OK)
            fw_error("--flows: %s, line %u\n", path, number);
        else
            FW_PUSH(out->items, out->count, out->cap, w);
    }
    fclose(f);
    return rc;
}

/* The flows an applied profile documents: per planned filter, each port
 * (both ends of a range), from the first address of its scope or a
 * documentation address (RFC 5737 / RFC 3849) when it has none, with its
 * program. */
static void flows_of_filter(const fw_planned_filter *pf, flow_list *out)
{
    bool inbound = pf->layer == FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4 || pf->layer == FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6;
    bool v6 = fw_layer_family(pf->layer) == FW_AF_V6;
    uint8_t protocol = 0;
    const fw_address *peer = NULL;
    for (size_t c = 0; c < pf->condition_count; c++) {
        if (pf->conditions[c].field == FW_FIELD_IP_PROTOCOL)
            protocol = pf->conditions[c].value.protocol;
        if (pf->conditions[c].field == FW_FIELD_IP_REMOTE_ADDRESS && !peer)
            peer = &pf->conditions[c].value.address;
    }
    char *identity = fw_filter_identity(pf);
    for (size_t c = 0; c < pf->condition_count; c++) {
        const fw_condition *cond = &pf->conditions[c];
        if (cond->field != (inbound ? FW_FIELD_IP_LOCAL_PORT : FW_FIELD_IP_REMOTE_PORT))
            continue;
        uint16_t ends[2] = {cond->value.ports.lo, cond->value.ports.hi};
        for (int e = 0; e < (ends[0] == ends[1] ? 1 : 2); e++) {
            char port[8], addr[64];
            snprintf(port, sizeof port, "%u", ends[e]);
            if (peer) {
                fw_address host = *peer;
                host.prefix = v6 ? 128 : 32;
                const uint8_t *b = host.bytes;
                if (v6)
                    snprintf(addr, sizeof addr, "%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1], b[2] << 8 | b[3],
                             b[4] << 8 | b[5], b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
                             b[12] << 8 | b[13], b[14] << 8 | b[15]);
                else
                    snprintf(addr, sizeof addr, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
            } else {
                snprintf(addr, sizeof addr, "%s", v6 ? "2001:db8::10" : "203.0.113.10");
            }
            why_flow w;
            if (parse_flow(inbound ? "in" : "out", protocol == 6 ? "tcp" : "udp", port, addr, NULL, pf->program,
                           &w) == FW_EXIT_OK) {
                w.origin = fw_xstrdup(identity);
                FW_PUSH(out->items, out->count, out->cap, w);
            }
        }
    }
    free(identity);
}

static int flows_of_profile(const char *name, flow_list *out)
{
    fw_host_config c;
    char *error = NULL;
    if (fw_host_config_load(&c, &error)) {
        fw_error("%s\n", error);
        free(error);
        return FW_EXIT_FAILURE;
    }
    int rc = FW_EXIT_OK;
    const fw_applied_profile *p = fw_applied_find(&c.profiles, name);
    if (!p) {
        fw_error("profile '%s' is not applied on this host ('fwsvc config' lists those that are)\n", name);
        rc = FW_EXIT_INVALID;
    }
    fw_desired d = {0};
    if (rc == FW_EXIT_OK) {
        fw_applied one = {0};
        fw_applied_set(&one, p->profile, p->settings, p->count);
        rc = fw_desired_build(&d, c.catalog_dir, c.site_catalog_dir, &one, FW_CONFIG_KEY_TEXT "\\AppliedProfiles");
        fw_applied_free(&one);
    }
    for (size_t i = 0; rc == FW_EXIT_OK && i < d.plan.count; i++)
        flows_of_filter(&d.plan.filters[i], out);
    fw_desired_free(&d);
    fw_host_config_free(&c);
    return rc;
}

int fw_cmd_why(const fw_cli_args *args)
{
    bool one = args->dir || args->proto || args->port || args->remote_addr || args->local_addr || args->program;
    int forms = (one ? 1 : 0) + (args->profile_count ? 1 : 0) + (args->flows ? 1 : 0);
    if (forms != 1)
        return bad_input("%s", "why needs one of: a flow (--dir, --proto, --port, ...), --profile NAME or --flows FILE\n");
    flow_list flows = {0};
    int rc = FW_EXIT_OK;
    if (one) {
        why_flow w;
        rc = parse_flow(args->dir, args->proto, args->port, args->remote_addr, args->local_addr, args->program, &w);
        if (rc == FW_EXIT_OK)
            FW_PUSH(flows.items, flows.count, flows.cap, w);
    } else if (args->flows) {
        rc = flows_from_file(args->flows, &flows);
    } else {
        rc = flows_of_profile(args->profiles[0], &flows);
    }
    fw_why_snapshot s = {0};
    if (rc == FW_EXIT_OK)
        rc = read_engine(&s, one ? &flows.items[0].flow : NULL);
    if (rc != FW_EXIT_OK) {
        flows_free(&flows);
        return rc;
    }
    /* The host's side: the catalog's rules as applied here, and which of
     * fwsvc's filters drifted. WFP's verdict stands without it. */
    fw_why_rules rules;
    fw_why_rules_build(&rules, &s);
    if (rules.problem)
        fprintf(stderr, "fwsvc: warning: near misses and drift are not told: %s\n", rules.problem);
    size_t blocked = 0;
    fw_json j;
    if (args->json) {
        fw_json_init(&j, stdout);
        if (!one) {
            fw_json_object_begin(&j);
            fw_json_member_string(&j, "command", "why");
            if (args->profile_count)
                fw_json_member_string(&j, "profile", args->profiles[0]);
            fw_json_key(&j, "results");
            fw_json_array_begin(&j);
        }
    } else if (args->profile_count) {
        printf("Profile %s: %zu documented flow(s), each evaluated against every filter WFP holds.\n\n",
               args->profiles[0], flows.count);
    }
    for (size_t i = 0; i < flows.count; i++) {
        const why_flow *w = &flows.items[i];
        fw_verdict v;
        fw_arbitrate(&w->flow, s.sublayers, s.sublayer_count, s.filters, s.filter_count, &v);
        blocked += !v.permit;
        fw_near_misses m = {0};
        if (!v.permit) {
            fw_nm_query q = {&w->flow, w->program, w->flow.has_remote_addr ? w->remote_text : NULL, false};
            fw_near_misses_find(&q, rules.views, rules.view_count, NEAR_MISSES_SHOWN, &m);
        }
        if (args->json) {
            json_result(&j, &s, w, &v, &m, one);
        } else if (one || args->flows) {
            if (i)
                printf("\n----\n\n");
            print_result(&s, w, &v, &m, args->verbose);
        } else if (!v.permit) {
            char text[512], words[640];
            describe_flow(w, text, sizeof text);
            filter_words(&s, &s.filters[v.decided_by], words, sizeof words);
            printf("BLOCK  %s\n       (%s) by %s\n", text, w->origin, words);
            print_near_misses(&m, 1, "       "); /* the closest; the rest with --json or one flow */
        }
        fw_near_misses_free(&m);
        fw_verdict_free(&v);
    }
    if (one && args->verbose && !args->json)
        printf("\nRead %zu filter(s) from WFP: at the layers this flow crosses, those whose conditions can match it; "
               "fwsvc's own at every layer.\n", s.filters_read);
    if (args->json) {
        if (!one) {
            fw_json_array_end(&j);
            fw_json_key(&j, "checked");
            fw_json_uint(&j, flows.count);
            fw_json_key(&j, "blocked");
            fw_json_uint(&j, blocked);
            fw_json_object_end(&j);
        }
        fw_json_finish(&j);
    } else if (args->profile_count) {
        printf("%s%zu of %zu flow(s) blocked.\n", blocked ? "\n" : "", blocked, flows.count);
    }
    fw_why_rules_free(&rules);
    fw_why_snapshot_free(&s);
    flows_free(&flows);
    return blocked ? FW_EXIT_DRIFT : FW_EXIT_OK;
}
