#include "wfp_objects.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <stdlib.h>
#include <string.h>

const GUID FW_PROVIDER_KEY = {0x6482c740, 0xe714, 0x4384, {0xa3, 0x34, 0x8d, 0x81, 0xe8, 0xa7, 0x5e, 0xea}};
const GUID FW_SUBLAYER_KEY = {0xdc05f04f, 0x4b86, 0x4074, {0x94, 0x37, 0xb6, 0x56, 0x7a, 0xb8, 0x10, 0x75}};

/* Marks our provider as ours, beyond its key. */
static UINT8 provider_signature[] = "fwsvc provider v1";

void fw_wfp_provider(FWPM_PROVIDER0 *p)
{
    memset(p, 0, sizeof *p);
    p->providerKey = FW_PROVIDER_KEY;
    p->displayData.name = L"fwsvc";
    p->displayData.description = L"Vendor-documented firewall openings for backup servers";
    p->flags = FWPM_PROVIDER_FLAG_PERSISTENT;
    p->providerData.size = sizeof provider_signature;
    p->providerData.data = provider_signature;
    /* BFE adds our persistent filters at boot only while this service is
     * auto-start (Object Management). */
    p->serviceName = FW_SERVICE_NAME;
}

BOOL fw_wfp_provider_is_ours(const FWPM_PROVIDER0 *p)
{
    return p->providerData.size == sizeof provider_signature && p->providerData.data &&
           memcmp(p->providerData.data, provider_signature, sizeof provider_signature) == 0;
}

void fw_wfp_sublayer(FWPM_SUBLAYER0 *s, UINT16 weight)
{
    memset(s, 0, sizeof *s);
    s->subLayerKey = FW_SUBLAYER_KEY;
    s->displayData.name = L"fwsvc permits";
    s->displayData.description = L"Hard permits for vendor-documented backup traffic";
    s->flags = FWPM_SUBLAYER_FLAG_PERSISTENT;
    s->providerKey = (GUID *)&FW_PROVIDER_KEY;
    s->weight = weight;
}

GUID fw_wfp_guid(const fw_key *k)
{
    const uint8_t *b = k->bytes;
    GUID g;
    g.Data1 = (DWORD)b[0] << 24 | (DWORD)b[1] << 16 | (DWORD)b[2] << 8 | b[3];
    g.Data2 = (WORD)(b[4] << 8 | b[5]);
    g.Data3 = (WORD)(b[6] << 8 | b[7]);
    memcpy(g.Data4, b + 8, 8);
    return g;
}

fw_key fw_wfp_key(const GUID *g)
{
    fw_key k;
    uint8_t *b = k.bytes;
    b[0] = (uint8_t)(g->Data1 >> 24);
    b[1] = (uint8_t)(g->Data1 >> 16);
    b[2] = (uint8_t)(g->Data1 >> 8);
    b[3] = (uint8_t)g->Data1;
    b[4] = (uint8_t)(g->Data2 >> 8);
    b[5] = (uint8_t)g->Data2;
    b[6] = (uint8_t)(g->Data3 >> 8);
    b[7] = (uint8_t)g->Data3;
    memcpy(b + 8, g->Data4, 8);
    return k;
}

const GUID *fw_wfp_layer_guid(fw_layer layer)
{
    switch (layer) {
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V4:
        return &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
    case FW_LAYER_ALE_AUTH_RECV_ACCEPT_V6:
        return &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6;
    case FW_LAYER_ALE_AUTH_CONNECT_V4:
        return &FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    case FW_LAYER_ALE_AUTH_CONNECT_V6:
        return &FWPM_LAYER_ALE_AUTH_CONNECT_V6;
    }
    return NULL;
}

static const GUID *field_guid(fw_field field)
{
    switch (field) {
    case FW_FIELD_IP_PROTOCOL:
        return &FWPM_CONDITION_IP_PROTOCOL;
    case FW_FIELD_IP_LOCAL_PORT:
        return &FWPM_CONDITION_IP_LOCAL_PORT;
    case FW_FIELD_IP_REMOTE_PORT:
        return &FWPM_CONDITION_IP_REMOTE_PORT;
    case FW_FIELD_IP_REMOTE_ADDRESS:
        return &FWPM_CONDITION_IP_REMOTE_ADDRESS;
    case FW_FIELD_ALE_APP_ID:
        return &FWPM_CONDITION_ALE_APP_ID;
    }
    return NULL;
}

/* WFP holds IPv4 addresses and masks as host-order UINT32s. */
static UINT32 v4_host_order(const uint8_t b[4])
{
    return (UINT32)b[0] << 24 | (UINT32)b[1] << 16 | (UINT32)b[2] << 8 | b[3];
}

static void set_address(fw_wfp_filter *w, size_t i, FWP_CONDITION_VALUE0 *v, const fw_address *a)
{
    if (a->family == FW_AF_V4) {
        if (a->prefix == 32) {
            v->type = FWP_UINT32;
            v->uint32 = v4_host_order(a->bytes);
        } else {
            v->type = FWP_V4_ADDR_MASK;
            w->v4[i].addr = v4_host_order(a->bytes);
            w->v4[i].mask = a->prefix ? ~(UINT32)0 << (32 - a->prefix) : 0;
            v->v4AddrMask = &w->v4[i];
        }
    } else if (a->prefix == 128) {
        v->type = FWP_BYTE_ARRAY16_TYPE;
        memcpy(w->v6_hosts[i].byteArray16, a->bytes, 16);
        v->byteArray16 = &w->v6_hosts[i];
    } else {
        v->type = FWP_V6_ADDR_MASK;
        memcpy(w->v6[i].addr, a->bytes, 16);
        w->v6[i].prefixLength = a->prefix;
        v->v6AddrMask = &w->v6[i];
    }
}

fw_wfp_filter *fw_wfp_filter_build(const fw_planned_filter *pf, const fw_key *key,
                                   const FWP_BYTE_BLOB *app_id)
{
    size_t n = pf->condition_count;
    fw_wfp_filter *w = fw_xcalloc(1, sizeof *w);
    w->conditions = fw_xcalloc(n ? n : 1, sizeof *w->conditions);
    w->ranges = fw_xcalloc(n ? n : 1, sizeof *w->ranges);
    w->v4 = fw_xcalloc(n ? n : 1, sizeof *w->v4);
    w->v6 = fw_xcalloc(n ? n : 1, sizeof *w->v6);
    w->v6_hosts = fw_xcalloc(n ? n : 1, sizeof *w->v6_hosts);
    w->identity = fw_filter_identity(pf);

    char *name = fw_xasprintf("fwsvc %s", w->identity);
    w->name = fw_utf8_to_wide(name);
    free(name);
    w->description = fw_utf8_to_wide(pf->rule->description);

    FWPM_FILTER0 *f = &w->filter;
    f->filterKey = fw_wfp_guid(key);
    f->displayData.name = w->name;
    f->displayData.description = w->description;
    /* Persistent hard permits: they survive reboots, and Windows Firewall's
     * blocks in lower sublayers cannot override them (docs/wfp.md). */
    f->flags = FWPM_FILTER_FLAG_PERSISTENT | FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT;
    f->providerKey = (GUID *)&FW_PROVIDER_KEY;
    /* The identity travels with the filter, so status can name it. */
    f->providerData.size = (UINT32)strlen(w->identity) + 1;
    f->providerData.data = (UINT8 *)w->identity;
    f->layerKey = *fw_wfp_layer_guid(pf->layer);
    f->subLayerKey = FW_SUBLAYER_KEY;
    f->weight.type = FWP_EMPTY; /* all our filters permit: order within our sublayer is moot */
    f->action.type = FWP_ACTION_PERMIT;
    f->numFilterConditions = (UINT32)n;
    f->filterCondition = w->conditions;

    for (size_t i = 0; i < n; i++) {
        const fw_condition *c = &pf->conditions[i];
        FWPM_FILTER_CONDITION0 *wc = &w->conditions[i];
        wc->fieldKey = *field_guid(c->field);
        wc->matchType = c->match == FW_MATCH_RANGE ? FWP_MATCH_RANGE : FWP_MATCH_EQUAL;
        FWP_CONDITION_VALUE0 *v = &wc->conditionValue;
        switch (c->field) {
        case FW_FIELD_IP_PROTOCOL:
            v->type = FWP_UINT8;
            v->uint8 = c->value.protocol;
            break;
        case FW_FIELD_IP_LOCAL_PORT:
        case FW_FIELD_IP_REMOTE_PORT:
            if (c->match == FW_MATCH_RANGE) {
                w->ranges[i].valueLow.type = FWP_UINT16;
                w->ranges[i].valueLow.uint16 = c->value.ports.lo;
                w->ranges[i].valueHigh.type = FWP_UINT16;
                w->ranges[i].valueHigh.uint16 = c->value.ports.hi;
                v->type = FWP_RANGE_TYPE;
                v->rangeValue = &w->ranges[i];
            } else {
                v->type = FWP_UINT16;
                v->uint16 = c->value.ports.lo;
            }
            break;
        case FW_FIELD_IP_REMOTE_ADDRESS:
            set_address(w, i, v, &c->value.address);
            break;
        case FW_FIELD_ALE_APP_ID:
            v->type = FWP_BYTE_BLOB_TYPE;
            v->byteBlob = (FWP_BYTE_BLOB *)app_id;
            break;
        }
    }
    return w;
}

void fw_wfp_filter_free(fw_wfp_filter *w)
{
    if (!w)
        return;
    free(w->conditions);
    free(w->ranges);
    free(w->v4);
    free(w->v6);
    free(w->v6_hosts);
    free(w->name);
    free(w->description);
    free(w->identity);
    free(w);
}

char *fw_wfp_filter_identity(const FWPM_FILTER0 *f)
{
    const FWP_BYTE_BLOB *d = &f->providerData;
    /* One NUL, at the end: text, and nothing after it. */
    if (d->size > 1 && d->data && d->data[d->size - 1] == 0 && memchr(d->data, 0, d->size) == d->data + d->size - 1)
        return fw_xstrdup((const char *)d->data);
    return NULL;
}
