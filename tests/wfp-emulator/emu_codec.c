/* Encoding of FWPM_PROVIDER0 / FWPM_SUBLAYER0 / FWPM_FILTER0 into
 * self-contained byte blobs (what the state file stores), and decoding back
 * into a single allocation, the way fwpuclnt hands out memory that one
 * FwpmFreeMemory0 call releases. */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

/* ---- writing ---- */

typedef struct {
    BYTE *data;
    size_t len, cap;
    bool ok;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (!w->ok)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        while (cap < w->len + n)
            cap *= 2;
        BYTE *d = realloc(w->data, cap);
        if (!d) {
            w->ok = false;
            return;
        }
        w->data = d;
        w->cap = cap;
    }
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

static void put_u8(writer *w, UINT8 v) { put(w, &v, 1); }
static void put_u16(writer *w, UINT16 v) { put(w, &v, 2); }
static void put_u32(writer *w, UINT32 v) { put(w, &v, 4); }
static void put_u64(writer *w, UINT64 v) { put(w, &v, 8); }
static void put_guid(writer *w, const GUID *g) { put(w, g, sizeof *g); }

static void put_opt_guid(writer *w, const GUID *g)
{
    put_u8(w, g != NULL);
    if (g)
        put_guid(w, g);
}

static void put_wstr(writer *w, const wchar_t *s)
{
    if (!s) {
        put_u32(w, 0xFFFFFFFFu);
        return;
    }
    UINT32 n = (UINT32)wcslen(s);
    put_u32(w, n);
    put(w, s, n * sizeof(wchar_t));
}

static void put_blob(writer *w, const FWP_BYTE_BLOB *b)
{
    if (!b) {
        put_u32(w, 0xFFFFFFFFu);
        return;
    }
    put_u32(w, b->size);
    if (b->size && !b->data) {
        w->ok = false;
        return;
    }
    put(w, b->data, b->size);
}

/* The union payloads of FWP_VALUE0 and FWP_CONDITION_VALUE0 share layout
 * for every type both have, so one writer serves both. */
static void put_value_payload(writer *w, FWP_DATA_TYPE type, const void *u)
{
    const FWP_CONDITION_VALUE0 *v = (const FWP_CONDITION_VALUE0 *)((const BYTE *)u -
                                                                   offsetof(FWP_CONDITION_VALUE0, uint8));
    switch (type) {
    case FWP_EMPTY:
        return;
    case FWP_UINT8:
        put_u32(w, v->uint8);
        return;
    case FWP_UINT16:
        put_u32(w, v->uint16);
        return;
    case FWP_UINT32:
        put_u32(w, v->uint32);
        return;
    case FWP_INT8:
        put_u32(w, (UINT32)v->int8);
        return;
    case FWP_INT16:
        put_u32(w, (UINT32)v->int16);
        return;
    case FWP_INT32:
        put_u32(w, (UINT32)v->int32);
        return;
    case FWP_FLOAT:
        put(w, &v->float32, 4);
        return;
    case FWP_UINT64:
    case FWP_INT64:
    case FWP_DOUBLE:
        if (!v->uint64) {
            w->ok = false;
            return;
        }
        put(w, v->uint64, 8);
        return;
    case FWP_BYTE_ARRAY16_TYPE:
        if (!v->byteArray16) {
            w->ok = false;
            return;
        }
        put(w, v->byteArray16, 16);
        return;
    case FWP_BYTE_ARRAY6_TYPE:
        if (!v->byteArray6) {
            w->ok = false;
            return;
        }
        put(w, v->byteArray6, 6);
        return;
    case FWP_BYTE_BLOB_TYPE:
    case FWP_SECURITY_DESCRIPTOR_TYPE:
    case FWP_TOKEN_ACCESS_INFORMATION_TYPE:
        if (!v->byteBlob) {
            w->ok = false;
            return;
        }
        put_blob(w, v->byteBlob);
        return;
    case FWP_SID:
        if (!v->sid || !IsValidSid(v->sid)) {
            w->ok = false;
            return;
        }
        put_u32(w, GetLengthSid(v->sid));
        put(w, v->sid, GetLengthSid(v->sid));
        return;
    case FWP_UNICODE_STRING_TYPE:
        if (!v->unicodeString) {
            w->ok = false;
            return;
        }
        put_wstr(w, v->unicodeString);
        return;
    case FWP_V4_ADDR_MASK:
        if (!v->v4AddrMask) {
            w->ok = false;
            return;
        }
        put_u32(w, v->v4AddrMask->addr);
        put_u32(w, v->v4AddrMask->mask);
        return;
    case FWP_V6_ADDR_MASK:
        if (!v->v6AddrMask) {
            w->ok = false;
            return;
        }
        put(w, v->v6AddrMask->addr, 16);
        put_u8(w, v->v6AddrMask->prefixLength);
        return;
    case FWP_RANGE_TYPE:
        if (!v->rangeValue) {
            w->ok = false;
            return;
        }
        put_u32(w, v->rangeValue->valueLow.type);
        put_value_payload(w, v->rangeValue->valueLow.type, &v->rangeValue->valueLow.uint8);
        put_u32(w, v->rangeValue->valueHigh.type);
        put_value_payload(w, v->rangeValue->valueHigh.type, &v->rangeValue->valueHigh.uint8);
        return;
    default:
        w->ok = false; /* token information: not modelled */
        return;
    }
}

static bool finish(writer *w, BYTE **blob, UINT32 *len)
{
    if (!w->ok) {
        free(w->data);
        return false;
    }
    *blob = w->data;
    *len = (UINT32)w->len;
    return true;
}

bool emu_encode_provider(const FWPM_PROVIDER0 *p, BYTE **blob, UINT32 *len)
{
    writer w = {.ok = true};
    put_guid(&w, &p->providerKey);
    put_wstr(&w, p->displayData.name);
    put_wstr(&w, p->displayData.description);
    put_u32(&w, p->flags);
    put_blob(&w, &p->providerData);
    put_wstr(&w, p->serviceName);
    return finish(&w, blob, len);
}

bool emu_encode_sublayer(const FWPM_SUBLAYER0 *s, BYTE **blob, UINT32 *len)
{
    writer w = {.ok = true};
    put_guid(&w, &s->subLayerKey);
    put_wstr(&w, s->displayData.name);
    put_wstr(&w, s->displayData.description);
    put_u16(&w, s->flags);
    put_opt_guid(&w, s->providerKey);
    put_blob(&w, &s->providerData);
    put_u16(&w, s->weight);
    return finish(&w, blob, len);
}

bool emu_encode_filter(const FWPM_FILTER0 *f, BYTE **blob, UINT32 *len)
{
    writer w = {.ok = true};
    put_guid(&w, &f->filterKey);
    put_wstr(&w, f->displayData.name);
    put_wstr(&w, f->displayData.description);
    put_u32(&w, f->flags);
    put_opt_guid(&w, f->providerKey);
    put_blob(&w, &f->providerData);
    put_guid(&w, &f->layerKey);
    put_guid(&w, &f->subLayerKey);
    put_u32(&w, f->weight.type);
    put_value_payload(&w, f->weight.type, &f->weight.uint8);
    put_u32(&w, f->numFilterConditions);
    for (UINT32 i = 0; i < f->numFilterConditions; i++) {
        const FWPM_FILTER_CONDITION0 *c = &f->filterCondition[i];
        put_guid(&w, &c->fieldKey);
        put_u32(&w, c->matchType);
        put_u32(&w, c->conditionValue.type);
        put_value_payload(&w, c->conditionValue.type, &c->conditionValue.uint8);
    }
    put_u32(&w, f->action.type);
    put_guid(&w, &f->action.filterType);
    put(&w, &f->providerContextKey, sizeof f->providerContextKey);
    put_u64(&w, f->filterId);
    put_u64(&w, f->effectiveWeight.type == FWP_UINT64 && f->effectiveWeight.uint64
                    ? *f->effectiveWeight.uint64
                    : 0);
    return finish(&w, blob, len);
}

/* ---- reading into one block ---- */

typedef struct {
    const BYTE *p, *end;
    BYTE *mem, *mem_end; /* bump allocator for the decoded block */
    bool ok;
} reader;

static void get(reader *r, void *out, size_t n)
{
    if (!r->ok || (size_t)(r->end - r->p) < n) {
        r->ok = false;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

static UINT8 get_u8(reader *r) { UINT8 v; get(r, &v, 1); return v; }
static UINT16 get_u16(reader *r) { UINT16 v; get(r, &v, 2); return v; }
static UINT32 get_u32(reader *r) { UINT32 v; get(r, &v, 4); return v; }
static UINT64 get_u64(reader *r) { UINT64 v; get(r, &v, 8); return v; }

static void *alloc(reader *r, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!r->ok || (size_t)(r->mem_end - r->mem) < n) {
        r->ok = false;
        return NULL;
    }
    void *p = r->mem;
    memset(p, 0, n);
    r->mem += n;
    return p;
}

static GUID *get_opt_guid(reader *r)
{
    if (!get_u8(r))
        return NULL;
    GUID *g = alloc(r, sizeof *g);
    if (g)
        get(r, g, sizeof *g);
    return g;
}

static wchar_t *get_wstr(reader *r)
{
    UINT32 n = get_u32(r);
    if (n == 0xFFFFFFFFu || !r->ok)
        return NULL;
    wchar_t *s = alloc(r, ((size_t)n + 1) * sizeof(wchar_t));
    if (s)
        get(r, s, (size_t)n * sizeof(wchar_t));
    return s;
}

static void get_blob_into(reader *r, FWP_BYTE_BLOB *b)
{
    UINT32 n = get_u32(r);
    if (n == 0xFFFFFFFFu || !r->ok)
        return;
    b->size = n;
    b->data = n ? alloc(r, n) : NULL;
    if (b->data)
        get(r, b->data, n);
}

static void get_value_payload(reader *r, FWP_DATA_TYPE type, void *u)
{
    FWP_CONDITION_VALUE0 *v = (FWP_CONDITION_VALUE0 *)((BYTE *)u - offsetof(FWP_CONDITION_VALUE0, uint8));
    switch (type) {
    case FWP_EMPTY:
        return;
    case FWP_UINT8:
        v->uint8 = (UINT8)get_u32(r);
        return;
    case FWP_UINT16:
        v->uint16 = (UINT16)get_u32(r);
        return;
    case FWP_UINT32:
        v->uint32 = get_u32(r);
        return;
    case FWP_INT8:
        v->int8 = (INT8)get_u32(r);
        return;
    case FWP_INT16:
        v->int16 = (INT16)get_u32(r);
        return;
    case FWP_INT32:
        v->int32 = (INT32)get_u32(r);
        return;
    case FWP_FLOAT:
        get(r, &v->float32, 4);
        return;
    case FWP_UINT64:
    case FWP_INT64:
    case FWP_DOUBLE:
        v->uint64 = alloc(r, 8);
        if (v->uint64)
            get(r, v->uint64, 8);
        return;
    case FWP_BYTE_ARRAY16_TYPE:
        v->byteArray16 = alloc(r, 16);
        if (v->byteArray16)
            get(r, v->byteArray16, 16);
        return;
    case FWP_BYTE_ARRAY6_TYPE:
        v->byteArray6 = alloc(r, 6);
        if (v->byteArray6)
            get(r, v->byteArray6, 6);
        return;
    case FWP_BYTE_BLOB_TYPE:
    case FWP_SECURITY_DESCRIPTOR_TYPE:
    case FWP_TOKEN_ACCESS_INFORMATION_TYPE:
        v->byteBlob = alloc(r, sizeof(FWP_BYTE_BLOB));
        if (v->byteBlob)
            get_blob_into(r, v->byteBlob);
        return;
    case FWP_SID: {
        UINT32 n = get_u32(r);
        v->sid = alloc(r, n);
        if (v->sid)
            get(r, v->sid, n);
        return;
    }
    case FWP_UNICODE_STRING_TYPE:
        v->unicodeString = get_wstr(r);
        return;
    case FWP_V4_ADDR_MASK:
        v->v4AddrMask = alloc(r, sizeof *v->v4AddrMask);
        if (v->v4AddrMask) {
            v->v4AddrMask->addr = get_u32(r);
            v->v4AddrMask->mask = get_u32(r);
        }
        return;
    case FWP_V6_ADDR_MASK:
        v->v6AddrMask = alloc(r, sizeof *v->v6AddrMask);
        if (v->v6AddrMask) {
            get(r, v->v6AddrMask->addr, 16);
            v->v6AddrMask->prefixLength = get_u8(r);
        }
        return;
    case FWP_RANGE_TYPE:
        v->rangeValue = alloc(r, sizeof *v->rangeValue);
        if (v->rangeValue) {
            v->rangeValue->valueLow.type = get_u32(r);
            get_value_payload(r, v->rangeValue->valueLow.type, &v->rangeValue->valueLow.uint8);
            v->rangeValue->valueHigh.type = get_u32(r);
            get_value_payload(r, v->rangeValue->valueHigh.type, &v->rangeValue->valueHigh.uint8);
        }
        return;
    default:
        r->ok = false;
        return;
    }
}

size_t emu_decoded_bound(const emu_object *o)
{
    /* Every encoded byte decodes to at most a few bytes plus per-item
     * structure overhead; 4x the blob plus the largest struct is ample. */
    return sizeof(FWPM_FILTER0) + (size_t)o->blob_len * 4 + 256;
}

void *emu_decode_into(enum emu_kind kind, const emu_object *o, BYTE *mem, size_t cap)
{
    reader r = {.p = o->blob, .end = o->blob + o->blob_len, .mem = mem, .mem_end = mem + cap,
                .ok = true};
    void *result = NULL;
    if (kind == EMU_PROVIDER) {
        FWPM_PROVIDER0 *p = alloc(&r, sizeof *p);
        if (!p)
            return NULL;
        get(&r, &p->providerKey, sizeof(GUID));
        p->displayData.name = get_wstr(&r);
        p->displayData.description = get_wstr(&r);
        p->flags = get_u32(&r);
        if (o->suppressed) /* BFE held its objects back at start (FWPM_PROVIDER0) */
            p->flags |= FWPM_PROVIDER_FLAG_DISABLED;
        get_blob_into(&r, &p->providerData);
        p->serviceName = get_wstr(&r);
        result = p;
    } else if (kind == EMU_SUBLAYER) {
        FWPM_SUBLAYER0 *s = alloc(&r, sizeof *s);
        if (!s)
            return NULL;
        get(&r, &s->subLayerKey, sizeof(GUID));
        s->displayData.name = get_wstr(&r);
        s->displayData.description = get_wstr(&r);
        s->flags = get_u16(&r);
        s->providerKey = get_opt_guid(&r);
        get_blob_into(&r, &s->providerData);
        s->weight = get_u16(&r);
        result = s;
    } else {
        FWPM_FILTER0 *f = alloc(&r, sizeof *f);
        if (!f)
            return NULL;
        get(&r, &f->filterKey, sizeof(GUID));
        f->displayData.name = get_wstr(&r);
        f->displayData.description = get_wstr(&r);
        f->flags = get_u32(&r);
        f->providerKey = get_opt_guid(&r);
        get_blob_into(&r, &f->providerData);
        get(&r, &f->layerKey, sizeof(GUID));
        get(&r, &f->subLayerKey, sizeof(GUID));
        f->weight.type = get_u32(&r);
        get_value_payload(&r, f->weight.type, &f->weight.uint8);
        f->numFilterConditions = get_u32(&r);
        if (f->numFilterConditions > 4096)
            return NULL;
        if (f->numFilterConditions) {
            f->filterCondition = alloc(&r, f->numFilterConditions * sizeof *f->filterCondition);
            for (UINT32 i = 0; r.ok && i < f->numFilterConditions; i++) {
                FWPM_FILTER_CONDITION0 *c = &f->filterCondition[i];
                get(&r, &c->fieldKey, sizeof(GUID));
                c->matchType = get_u32(&r);
                c->conditionValue.type = get_u32(&r);
                get_value_payload(&r, c->conditionValue.type, &c->conditionValue.uint8);
            }
        }
        f->action.type = get_u32(&r);
        get(&r, &f->action.filterType, sizeof(GUID));
        get(&r, &f->providerContextKey, sizeof f->providerContextKey);
        get_u64(&r); /* the id as added: the stored id is authoritative */
        get_u64(&r);
        f->filterId = o->id;
        if (o->suppressed)
            f->flags |= FWPM_FILTER_FLAG_DISABLED;
        f->effectiveWeight.type = FWP_UINT64;
        f->effectiveWeight.uint64 = alloc(&r, sizeof(UINT64));
        if (f->effectiveWeight.uint64)
            *f->effectiveWeight.uint64 = o->effective_weight;
        result = f;
    }
    return r.ok ? result : NULL;
}

void *emu_decode(enum emu_kind kind, const emu_object *o)
{
    size_t cap = emu_decoded_bound(o);
    BYTE *mem = malloc(cap);
    if (!mem)
        return NULL;
    void *obj = emu_decode_into(kind, o, mem, cap);
    if (!obj) {
        free(mem);
        return NULL;
    }
    return obj; /* == mem: the structure is the first allocation */
}
