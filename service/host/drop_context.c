#include "drop_context.h"

#include "app_id.h"
#include "filter_key.h"
#include "reconcile.h"
#include "wfp_objects.h"
#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fw_why_snapshot *sort_snapshot;

static int by_filter_id(const void *a, const void *b)
{
    uint64_t x = sort_snapshot->filters[*(const size_t *)a].id, y = sort_snapshot->filters[*(const size_t *)b].id;
    return x < y ? -1 : x > y;
}

/* The app id of each rule's program, computed once: a drop names its
 * program by app id, the catalog by path. */
static void map_programs(fw_drop_context *c)
{
    for (size_t i = 0; i < c->rules.view_count; i++) {
        const char *path = c->rules.views[i].program;
        bool known = !path;
        for (size_t k = 0; !known && k < c->program_count; k++)
            known = fw_str_ieq(c->programs[k].path, path);
        if (known)
            continue;
        fw_app_id a;
        if (fw_app_id_resolve(path, &a) && a.text) {
            fw_program_id p = {fw_xstrdup(a.text), fw_xstrdup(path)};
            FW_PUSH(c->programs, c->program_count, c->program_cap, p);
        }
        fw_app_id_free(&a);
    }
}

DWORD fw_drop_context_load(fw_drop_context *c, char *message, size_t size)
{
    memset(c, 0, sizeof *c);
    DWORD e = fw_why_read_ours(&c->snapshot, message, size);
    if (!e && (e = fw_wfp_open(&c->engine, message, size)) != 0)
        fw_why_snapshot_free(&c->snapshot);
    if (e)
        return e;
    fw_why_rules_build(&c->rules, &c->snapshot);
    c->by_id = fw_xcalloc(c->snapshot.filter_count + 1, sizeof *c->by_id);
    for (size_t i = 0; i < c->snapshot.filter_count; i++)
        c->by_id[i] = i;
    sort_snapshot = &c->snapshot; /* qsort has no context argument; loads are not concurrent */
    qsort(c->by_id, c->snapshot.filter_count, sizeof *c->by_id, by_filter_id);
    sort_snapshot = NULL;
    map_programs(c);
    return ERROR_SUCCESS;
}

static void dropper_free(fw_dropper *d)
{
    free(d->name);
    free(d->provider_name);
    free(d->sublayer_name);
    free(d);
}

void fw_drop_context_free(fw_drop_context *c)
{
    for (size_t i = 0; i < c->dropper_count; i++)
        dropper_free(c->droppers[i]);
    free(c->droppers);
    if (c->engine)
        FwpmEngineClose0(c->engine);
    for (size_t i = 0; i < c->program_count; i++) {
        free(c->programs[i].nt);
        free(c->programs[i].path);
    }
    free(c->programs);
    free(c->by_id);
    fw_why_rules_free(&c->rules);
    fw_why_snapshot_free(&c->snapshot);
    memset(c, 0, sizeof *c);
}

static const fw_eval_filter *filter_by_id(const fw_drop_context *c, uint64_t id)
{
    size_t lo = 0, hi = c->snapshot.filter_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t at = c->snapshot.filters[c->by_id[mid]].id;
        if (at == id)
            return &c->snapshot.filters[c->by_id[mid]];
        if (at < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* An app id's NT path ("\device\harddiskvolume1\...") as a drive
 * path, by the device each drive letter names (QueryDosDeviceW); NULL when
 * no drive maps it. */
static char *drive_path(const wchar_t *nt)
{
    wchar_t drive[3] = L"A:", device[MAX_PATH];
    DWORD drives = GetLogicalDrives();
    for (int i = 0; i < 26; i++) {
        drive[0] = (wchar_t)(L'A' + i);
        if (!(drives & (1u << i)) || !QueryDosDeviceW(drive, device, MAX_PATH))
            continue;
        size_t n = wcslen(device);
        if (n && _wcsnicmp(nt, device, n) == 0 && nt[n] == L'\\') {
            char *rest = fw_wide_to_utf8(nt + n);
            char *path = fw_xasprintf("%c:%s", 'A' + i, rest);
            free(rest);
            return path;
        }
    }
    return NULL;
}

/* The program a drop names: the rule's path for its app id, else its drive
 * path, else the app id as WFP gave it. */
#define DROPPERS_MAX 1024 /* distinct filters remembered; beyond, looked up again */

/* Another provider's filter by the id a drop names: FwpmFilterGetById0,
 * with its provider's and sublayer's names; once per filter. NULL when WFP
 * has no such filter (gone since the drop). */
static const fw_dropper *dropper_by_id(fw_drop_context *c, uint64_t id)
{
    for (size_t i = 0; i < c->dropper_count; i++)
        if (c->droppers[i]->filter.id == id)
            return c->droppers[i];
    FWPM_FILTER0 *f = NULL;
    if (!c->engine || FwpmFilterGetById0(c->engine, id, &f) != ERROR_SUCCESS)
        return NULL;
    fw_dropper *d = fw_xcalloc(1, sizeof *d);
    d->filter.id = id;
    d->filter.key[0] = 0;
    fw_key k = fw_wfp_key(&f->filterKey);
    fw_key_format(&k, d->filter.key);
    d->name = fw_wide_to_utf8(f->displayData.name ? f->displayData.name : L"");
    d->filter.name = d->name;
    d->filter.provider_name = "";
    if (f->providerKey) {
        fw_key pk = fw_wfp_key(f->providerKey);
        fw_key_format(&pk, d->filter.provider);
        FWPM_PROVIDER0 *p = NULL;
        if (FwpmProviderGetByKey0(c->engine, f->providerKey, &p) == ERROR_SUCCESS) {
            d->provider_name = fw_wide_to_utf8(p->displayData.name ? p->displayData.name : L"");
            d->filter.provider_name = d->provider_name;
            FwpmFreeMemory0((void **)&p);
        }
    }
    FWPM_SUBLAYER0 *sl = NULL;
    if (FwpmSubLayerGetByKey0(c->engine, &f->subLayerKey, &sl) == ERROR_SUCCESS) {
        d->sublayer_name = fw_wide_to_utf8(sl->displayData.name ? sl->displayData.name : L"");
        FwpmFreeMemory0((void **)&sl);
    }
    d->filter.action = f->action.type == FWP_ACTION_PERMIT ? FW_EA_PERMIT
                       : f->action.type == FWP_ACTION_BLOCK ? FW_EA_BLOCK
                                                            : FW_EA_CALLOUT;
    d->filter.ours = f->providerKey && IsEqualGUID(f->providerKey, &FW_PROVIDER_KEY);
    d->filter.layer = fw_why_layer_of(&f->layerKey); /* where it dropped: drop_match words it */
    FwpmFreeMemory0((void **)&f);
    if (c->dropper_count == DROPPERS_MAX) {
        for (size_t i = 0; i < c->dropper_count; i++)
            dropper_free(c->droppers[i]);
        c->dropper_count = 0;
    }
    FW_PUSH(c->droppers, c->dropper_count, c->dropper_cap, d);
    return d;
}

static char *program_of(const fw_drop_context *c, const fw_drop *d)
{
    if (!d->app_id)
        return NULL;
    char *nt = fw_wide_to_utf8((const wchar_t *)d->app_id);
    for (size_t i = 0; nt && i < c->program_count; i++)
        if (fw_str_ieq(c->programs[i].nt, nt)) {
            free(nt);
            return fw_xstrdup(c->programs[i].path);
        }
    char *path = drive_path((const wchar_t *)d->app_id);
    if (path) {
        free(nt);
        return path;
    }
    return nt;
}

void fw_drop_explain(fw_drop_context *c, const fw_drop *d, const char *only_profile, fw_drop_report *out)
{
    memset(out, 0, sizeof *out);
    out->program = program_of(c, d);
    out->filter_id = d->filter_id;
    out->dropper = filter_by_id(c, d->filter_id); /* fwsvc's own, read at the start */
    if (out->dropper && out->dropper->sublayer < c->snapshot.sublayer_count) {
        const fw_eval_sublayer *sl = &c->snapshot.sublayers[out->dropper->sublayer];
        out->sublayer_name = sl->name && sl->name[0] ? sl->name : sl->key;
    } else if (!out->dropper) {
        const fw_dropper *other = dropper_by_id(c, d->filter_id);
        out->dropper = other ? &other->filter : NULL;
        out->sublayer_name = other ? other->sublayer_name : NULL;
    }
    fw_nm_query q = {&d->flow, out->program, d->flow.has_remote_addr ? d->remote_text : NULL, true};
    fw_drop_match_find(&q, c->rules.views, c->rules.view_count, only_profile, out->dropper, &out->match);
}

void fw_drop_report_free(fw_drop_report *r)
{
    fw_drop_match_free(&r->match);
    free(r->program);
    memset(r, 0, sizeof *r);
}

void fw_filetime_text(uint64_t t, char out[32])
{
    FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
    SYSTEMTIME st;
    if (!FileTimeToSystemTime(&ft, &st)) {
        snprintf(out, 32, "?");
        return;
    }
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute,
             st.wSecond);
}

void fw_drop_flow_text(const fw_drop *d, const char *program, fw_buf *out)
{
    const fw_flow *f = &d->flow;
    const char *proto = f->protocol == 6 ? "TCP" : f->protocol == 17 ? "UDP" : NULL;
    char proto_text[16];
    if (!proto)
        snprintf(proto_text, sizeof proto_text, "protocol %u", f->protocol), proto = proto_text;
    const char *peer = f->has_remote_addr ? d->remote_text : "?";
    if (f->inbound && f->has_remote_port)
        fw_buf_printf(out, "inbound %s from %s:%u to local port %u", proto, peer, f->remote_port, f->local_port);
    else if (f->inbound)
        fw_buf_printf(out, "inbound %s from %s to local port %u", proto, peer, f->local_port);
    else
        fw_buf_printf(out, "outbound %s to %s:%u", proto, peer, f->remote_port);
    if (program)
        fw_buf_printf(out, ", program %s", program);
}

void fw_drop_report_line(const fw_drop *d, const fw_drop_report *r, fw_buf *out)
{
    fw_drop_flow_text(d, r->program, out);
    const fw_drop_match *m = &r->match;
    if (m->rule)
        fw_buf_printf(out, ": %s/%s, %s", m->profile, m->rule, m->reason);
    else if (m->profile)
        fw_buf_printf(out, ": %s, %s", m->profile, m->reason);
    else
        fw_buf_printf(out, ": %s", m->reason);
    if (r->dropper)
        fw_buf_printf(out, "; dropped by \"%s\" of %s", r->dropper->name,
                      r->dropper->provider[0] ? r->dropper->provider_name : "no provider");
    else
        fw_buf_printf(out, "; dropped by filter %llu", (unsigned long long)r->filter_id);
    if (m->fix)
        fw_buf_printf(out, "; fix: %s", m->fix);
}
