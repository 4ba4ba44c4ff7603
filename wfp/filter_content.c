#include "filter_content.h"

#include "wfp_defs.h"

#include <string.h>

/* FNV-1a, 64-bit: stable across runs and builds. */
typedef struct {
    uint64_t h;
} hasher;

static void mix(hasher *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        s->h ^= p[i];
        s->h *= 0x100000001b3ull;
    }
}

static void mix_u32(hasher *s, uint32_t v)
{
    mix(s, &v, sizeof v);
}

static void mix_blob(hasher *s, const FWP_BYTE_BLOB *b)
{
    mix_u32(s, b ? b->size : 0xFFFFFFFFu);
    if (b && b->data)
        mix(s, b->data, b->size);
}

static void mix_value(hasher *s, FWP_DATA_TYPE type, const void *payload);

static void mix_fwp_value(hasher *s, const FWP_VALUE0 *v)
{
    mix_value(s, v->type, &v->uint8);
}

/* payload points at the value's union (FWP_VALUE0 and FWP_CONDITION_VALUE0
 * share its layout for every type used here). */
static void mix_value(hasher *s, FWP_DATA_TYPE type, const void *payload)
{
    const FWP_CONDITION_VALUE0 *v = (const FWP_CONDITION_VALUE0 *)((const char *)payload -
                                                                   offsetof(FWP_CONDITION_VALUE0, uint8));
    mix_u32(s, (uint32_t)type);
    switch (type) {
    case FWP_UINT8:
        mix(s, &v->uint8, sizeof v->uint8);
        break;
    case FWP_UINT16:
        mix(s, &v->uint16, sizeof v->uint16);
        break;
    case FWP_UINT32:
        mix(s, &v->uint32, sizeof v->uint32);
        break;
    case FWP_UINT64:
        if (v->uint64)
            mix(s, v->uint64, sizeof *v->uint64);
        break;
    case FWP_BYTE_ARRAY16_TYPE:
        if (v->byteArray16)
            mix(s, v->byteArray16->byteArray16, 16);
        break;
    case FWP_BYTE_BLOB_TYPE:
    case FWP_SECURITY_DESCRIPTOR_TYPE:
        mix_blob(s, v->byteBlob);
        break;
    case FWP_V4_ADDR_MASK:
        if (v->v4AddrMask) {
            mix(s, &v->v4AddrMask->addr, sizeof v->v4AddrMask->addr);
            mix(s, &v->v4AddrMask->mask, sizeof v->v4AddrMask->mask);
        }
        break;
    case FWP_V6_ADDR_MASK:
        if (v->v6AddrMask) {
            mix(s, v->v6AddrMask->addr, 16);
            mix(s, &v->v6AddrMask->prefixLength, 1);
        }
        break;
    case FWP_RANGE_TYPE:
        if (v->rangeValue) {
            mix_fwp_value(s, &v->rangeValue->valueLow);
            mix_fwp_value(s, &v->rangeValue->valueHigh);
        }
        break;
    default:
        break; /* a type fwsvc never writes: the type alone makes it differ */
    }
}

uint64_t fw_wfp_filter_content(const FWPM_FILTER0 *f)
{
    hasher s = {0xcbf29ce484222325ull};
    mix(&s, &f->layerKey, sizeof f->layerKey);
    mix(&s, &f->subLayerKey, sizeof f->subLayerKey);
    mix_u32(&s, f->providerKey != NULL);
    if (f->providerKey)
        mix(&s, f->providerKey, sizeof *f->providerKey);
    mix_u32(&s, f->flags & ~(uint32_t)FWPM_FILTER_FLAG_DISABLED);
    mix_u32(&s, (uint32_t)f->action.type);
    mix_u32(&s, (uint32_t)f->weight.type);
    if (f->weight.type == FWP_UINT8)
        mix(&s, &f->weight.uint8, 1);
    else if (f->weight.type == FWP_UINT64 && f->weight.uint64)
        mix(&s, f->weight.uint64, sizeof *f->weight.uint64);
    mix_u32(&s, f->numFilterConditions);
    for (UINT32 i = 0; f->filterCondition && i < f->numFilterConditions; i++) {
        const FWPM_FILTER_CONDITION0 *c = &f->filterCondition[i];
        mix(&s, &c->fieldKey, sizeof c->fieldKey);
        mix_u32(&s, (uint32_t)c->matchType);
        mix_value(&s, c->conditionValue.type, &c->conditionValue.uint8);
    }
    return s.h ? s.h : 1;
}
