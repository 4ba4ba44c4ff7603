/* What the engine accepts: the layers it knows, the conditions legal at
 * each (from "Filtering Conditions Available at Each Filtering Layer"), the
 * value types of each condition ("Filtering Condition Identifiers"), and
 * the documented error for each violation ("WFP Error Codes"). */
#include "emu.h"

#include <string.h>

typedef enum {
    FK_UINT8,     /* protocol, address types */
    FK_UINT16,    /* ports */
    FK_UINT32,    /* interface and tunnel types */
    FK_UINT64,    /* local interface LUID */
    FK_FLAGS,     /* FWPM_CONDITION_FLAGS */
    FK_ADDRESS,   /* IPv4 or IPv6 address, by the layer's family */
    FK_APP_ID,    /* byte blob */
    FK_SD,        /* security descriptor */
} field_kind;

typedef struct {
    const GUID *key;
    const char *name;
    field_kind kind;
} field_def;

enum {
    F_IP_PROTOCOL, F_IP_LOCAL_PORT, F_IP_REMOTE_PORT, F_IP_LOCAL_ADDRESS, F_IP_REMOTE_ADDRESS,
    F_IP_LOCAL_ADDRESS_TYPE, F_IP_DESTINATION_ADDRESS_TYPE, F_IP_LOCAL_INTERFACE,
    F_INTERFACE_TYPE, F_TUNNEL_TYPE, F_FLAGS, F_ALE_APP_ID, F_ALE_USER_ID, F_ALE_REMOTE_USER_ID,
    F_ALE_REMOTE_MACHINE_ID, F_COUNT
};

static const field_def fields[F_COUNT] = {
    [F_IP_PROTOCOL] = {&FWPM_CONDITION_IP_PROTOCOL, "FWPM_CONDITION_IP_PROTOCOL", FK_UINT8},
    [F_IP_LOCAL_PORT] = {&FWPM_CONDITION_IP_LOCAL_PORT, "FWPM_CONDITION_IP_LOCAL_PORT", FK_UINT16},
    [F_IP_REMOTE_PORT] = {&FWPM_CONDITION_IP_REMOTE_PORT, "FWPM_CONDITION_IP_REMOTE_PORT", FK_UINT16},
    [F_IP_LOCAL_ADDRESS] = {&FWPM_CONDITION_IP_LOCAL_ADDRESS, "FWPM_CONDITION_IP_LOCAL_ADDRESS", FK_ADDRESS},
    [F_IP_REMOTE_ADDRESS] = {&FWPM_CONDITION_IP_REMOTE_ADDRESS, "FWPM_CONDITION_IP_REMOTE_ADDRESS", FK_ADDRESS},
    [F_IP_LOCAL_ADDRESS_TYPE] = {&FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE, "FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE", FK_UINT8},
    [F_IP_DESTINATION_ADDRESS_TYPE] = {&FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE, "FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE", FK_UINT8},
    [F_IP_LOCAL_INTERFACE] = {&FWPM_CONDITION_IP_LOCAL_INTERFACE, "FWPM_CONDITION_IP_LOCAL_INTERFACE", FK_UINT64},
    [F_INTERFACE_TYPE] = {&FWPM_CONDITION_INTERFACE_TYPE, "FWPM_CONDITION_INTERFACE_TYPE", FK_UINT32},
    [F_TUNNEL_TYPE] = {&FWPM_CONDITION_TUNNEL_TYPE, "FWPM_CONDITION_TUNNEL_TYPE", FK_UINT32},
    [F_FLAGS] = {&FWPM_CONDITION_FLAGS, "FWPM_CONDITION_FLAGS", FK_FLAGS},
    [F_ALE_APP_ID] = {&FWPM_CONDITION_ALE_APP_ID, "FWPM_CONDITION_ALE_APP_ID", FK_APP_ID},
    [F_ALE_USER_ID] = {&FWPM_CONDITION_ALE_USER_ID, "FWPM_CONDITION_ALE_USER_ID", FK_SD},
    [F_ALE_REMOTE_USER_ID] = {&FWPM_CONDITION_ALE_REMOTE_USER_ID, "FWPM_CONDITION_ALE_REMOTE_USER_ID", FK_SD},
    [F_ALE_REMOTE_MACHINE_ID] = {&FWPM_CONDITION_ALE_REMOTE_MACHINE_ID, "FWPM_CONDITION_ALE_REMOTE_MACHINE_ID", FK_SD},
};

#define BIT(f) (1u << (f))

/* Conditions available at each layer (Windows 7 and later), limited to the
 * fields this table knows. */
#define LISTEN_FIELDS                                                                            \
    (BIT(F_ALE_APP_ID) | BIT(F_ALE_USER_ID) | BIT(F_FLAGS) | BIT(F_INTERFACE_TYPE) |             \
     BIT(F_IP_LOCAL_ADDRESS) | BIT(F_IP_LOCAL_ADDRESS_TYPE) | BIT(F_IP_LOCAL_INTERFACE) |        \
     BIT(F_IP_LOCAL_PORT) | BIT(F_TUNNEL_TYPE))
#define RECV_ACCEPT_FIELDS                                                                       \
    (BIT(F_ALE_APP_ID) | BIT(F_ALE_REMOTE_MACHINE_ID) | BIT(F_ALE_REMOTE_USER_ID) |              \
     BIT(F_ALE_USER_ID) | BIT(F_FLAGS) | BIT(F_IP_LOCAL_ADDRESS) | BIT(F_IP_LOCAL_ADDRESS_TYPE) | \
     BIT(F_IP_LOCAL_INTERFACE) | BIT(F_IP_LOCAL_PORT) | BIT(F_IP_PROTOCOL) |                      \
     BIT(F_IP_REMOTE_ADDRESS) | BIT(F_IP_REMOTE_PORT) | BIT(F_INTERFACE_TYPE) | BIT(F_TUNNEL_TYPE))
#define CONNECT_FIELDS (RECV_ACCEPT_FIELDS | BIT(F_IP_DESTINATION_ADDRESS_TYPE))

typedef struct {
    const GUID *key;
    const char *name;
    bool v6;
    unsigned fields;
} layer_def;

static const layer_def layers[] = {
    {&FWPM_LAYER_ALE_AUTH_LISTEN_V4, "FWPM_LAYER_ALE_AUTH_LISTEN_V4", false, LISTEN_FIELDS},
    {&FWPM_LAYER_ALE_AUTH_LISTEN_V6, "FWPM_LAYER_ALE_AUTH_LISTEN_V6", true, LISTEN_FIELDS},
    {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4", false, RECV_ACCEPT_FIELDS},
    {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6, "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6", true, RECV_ACCEPT_FIELDS},
    {&FWPM_LAYER_ALE_AUTH_CONNECT_V4, "FWPM_LAYER_ALE_AUTH_CONNECT_V4", false, CONNECT_FIELDS},
    {&FWPM_LAYER_ALE_AUTH_CONNECT_V6, "FWPM_LAYER_ALE_AUTH_CONNECT_V6", true, CONNECT_FIELDS},
};

static const layer_def *find_layer(const GUID *key)
{
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
        if (IsEqualGUID(layers[i].key, key))
            return &layers[i];
    return NULL;
}

static int find_field(const GUID *key)
{
    for (int i = 0; i < F_COUNT; i++)
        if (IsEqualGUID(fields[i].key, key))
            return i;
    return -1;
}

bool emu_layer_known(const GUID *layer) { return find_layer(layer) != NULL; }

bool emu_layer_is_v6(const GUID *layer)
{
    const layer_def *l = find_layer(layer);
    return l && l->v6;
}

const char *emu_layer_name(const GUID *layer)
{
    const layer_def *l = find_layer(layer);
    return l ? l->name : "unknown layer";
}

const char *emu_field_name(const GUID *field)
{
    int f = find_field(field);
    return f >= 0 ? fields[f].name : "unknown field";
}

static bool is_comparison(FWP_MATCH_TYPE m)
{
    return m == FWP_MATCH_EQUAL || m == FWP_MATCH_GREATER || m == FWP_MATCH_LESS ||
           m == FWP_MATCH_GREATER_OR_EQUAL || m == FWP_MATCH_LESS_OR_EQUAL ||
           m == FWP_MATCH_NOT_EQUAL;
}

static bool is_flags_match(FWP_MATCH_TYPE m)
{
    return m == FWP_MATCH_FLAGS_ALL_SET || m == FWP_MATCH_FLAGS_ANY_SET || m == FWP_MATCH_FLAGS_NONE_SET;
}

static HRESULT check_scalar(FWP_DATA_TYPE want, FWP_MATCH_TYPE m, const FWP_CONDITION_VALUE0 *v)
{
    if (v->type == FWP_RANGE_TYPE) {
        if (m != FWP_MATCH_RANGE)
            return FWP_E_MATCH_TYPE_MISMATCH;
        if (!v->rangeValue)
            return FWP_E_NULL_POINTER;
        const FWP_VALUE0 *lo = &v->rangeValue->valueLow, *hi = &v->rangeValue->valueHigh;
        if (lo->type != want || hi->type != want)
            return lo->type == hi->type ? FWP_E_TYPE_MISMATCH : FWP_E_INVALID_RANGE;
        UINT64 a, b;
        switch (want) {
        case FWP_UINT8:
            a = lo->uint8, b = hi->uint8;
            break;
        case FWP_UINT16:
            a = lo->uint16, b = hi->uint16;
            break;
        case FWP_UINT32:
            a = lo->uint32, b = hi->uint32;
            break;
        case FWP_UINT64:
            if (!lo->uint64 || !hi->uint64)
                return FWP_E_NULL_POINTER;
            a = *lo->uint64, b = *hi->uint64;
            break;
        case FWP_BYTE_ARRAY16_TYPE:
            if (!lo->byteArray16 || !hi->byteArray16)
                return FWP_E_NULL_POINTER;
            return memcmp(lo->byteArray16, hi->byteArray16, 16) <= 0 ? S_OK : FWP_E_INVALID_RANGE;
        default:
            return FWP_E_TYPE_MISMATCH;
        }
        return a <= b ? S_OK : FWP_E_INVALID_RANGE;
    }
    if (m == FWP_MATCH_RANGE)
        return v->type == want ? FWP_E_MATCH_TYPE_MISMATCH : FWP_E_TYPE_MISMATCH;
    if (v->type != want)
        return FWP_E_TYPE_MISMATCH;
    if ((want == FWP_UINT64 && !v->uint64) || (want == FWP_BYTE_ARRAY16_TYPE && !v->byteArray16))
        return FWP_E_NULL_POINTER;
    if (is_comparison(m))
        return S_OK;
    /* FWP_MATCH_TYPE: the FLAGS match types test bits of an unsigned
     * integer, whatever the field. */
    bool is_unsigned = want == FWP_UINT8 || want == FWP_UINT16 || want == FWP_UINT32 || want == FWP_UINT64;
    return is_unsigned && is_flags_match(m) ? S_OK : FWP_E_MATCH_TYPE_MISMATCH;
}

static bool contiguous_mask(UINT32 mask)
{
    UINT32 inverted = ~mask;
    return (inverted & (inverted + 1)) == 0; /* ones then zeros */
}

static HRESULT check_condition(const layer_def *layer, const FWPM_FILTER_CONDITION0 *c)
{
    int f = find_field(&c->fieldKey);
    if (f < 0 || !(layer->fields & BIT(f)))
        return FWP_E_CONDITION_NOT_FOUND;
    if ((unsigned)c->matchType >= FWP_MATCH_TYPE_MAX)
        return FWP_E_INVALID_ENUMERATOR;
    const FWP_CONDITION_VALUE0 *v = &c->conditionValue;
    FWP_MATCH_TYPE m = c->matchType;
    switch (fields[f].kind) {
    case FK_UINT8:
        return check_scalar(FWP_UINT8, m, v);
    case FK_UINT16:
        return check_scalar(FWP_UINT16, m, v);
    case FK_UINT32:
        return check_scalar(FWP_UINT32, m, v);
    case FK_UINT64:
        return check_scalar(FWP_UINT64, m, v);
    case FK_FLAGS:
        if (v->type != FWP_UINT32)
            return FWP_E_TYPE_MISMATCH;
        return is_flags_match(m) || is_comparison(m) ? S_OK : FWP_E_MATCH_TYPE_MISMATCH;
    case FK_ADDRESS:
        if (v->type == FWP_V4_ADDR_MASK || v->type == FWP_V6_ADDR_MASK) {
            if ((v->type == FWP_V6_ADDR_MASK) != layer->v6)
                return FWP_E_TYPE_MISMATCH;
            if (m != FWP_MATCH_EQUAL && m != FWP_MATCH_NOT_EQUAL)
                return FWP_E_MATCH_TYPE_MISMATCH;
            if (v->type == FWP_V4_ADDR_MASK)
                return !v->v4AddrMask ? FWP_E_NULL_POINTER
                       : contiguous_mask(v->v4AddrMask->mask) ? S_OK
                                                              : FWP_E_INVALID_NET_MASK;
            return !v->v6AddrMask ? FWP_E_NULL_POINTER
                   : v->v6AddrMask->prefixLength <= 128 ? S_OK
                                                        : FWP_E_INVALID_NET_MASK;
        }
        return check_scalar(layer->v6 ? FWP_BYTE_ARRAY16_TYPE : FWP_UINT32, m, v);
    case FK_APP_ID:
        if (v->type != FWP_BYTE_BLOB_TYPE)
            return FWP_E_TYPE_MISMATCH;
        if (m != FWP_MATCH_EQUAL && m != FWP_MATCH_NOT_EQUAL && m != FWP_MATCH_EQUAL_CASE_INSENSITIVE)
            return FWP_E_MATCH_TYPE_MISMATCH;
        if (!v->byteBlob || (v->byteBlob->size && !v->byteBlob->data))
            return FWP_E_NULL_POINTER;
        return v->byteBlob->size ? S_OK : FWP_E_ZERO_LENGTH_ARRAY;
    case FK_SD:
        if (v->type != FWP_SECURITY_DESCRIPTOR_TYPE)
            return FWP_E_TYPE_MISMATCH;
        if (m != FWP_MATCH_EQUAL && m != FWP_MATCH_NOT_EQUAL)
            return FWP_E_MATCH_TYPE_MISMATCH;
        if (!v->sd || !v->sd->data)
            return FWP_E_NULL_POINTER;
        return emu_validate_condition_sd(v->sd);
    }
    return FWP_E_CONDITION_NOT_FOUND;
}

#define FILTER_FLAGS_KNOWN 0x00000FFFu

HRESULT emu_validate_filter(const FWPM_FILTER0 *f)
{
    if (!f->displayData.name)
        return FWP_E_NULL_DISPLAY_NAME;
    if (f->flags & ~FILTER_FLAGS_KNOWN)
        return FWP_E_INVALID_FLAGS;
    /* DISABLED is set by BFE, never by callers; PERSISTENT and BOOTTIME
     * exclude each other (FWPM_FILTER0, flags). */
    if ((f->flags & FWPM_FILTER_FLAG_DISABLED) ||
        ((f->flags & FWPM_FILTER_FLAG_PERSISTENT) && (f->flags & FWPM_FILTER_FLAG_BOOTTIME)))
        return FWP_E_INVALID_FLAGS;
    if (f->flags & FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT)
        return FWP_E_PROVIDER_CONTEXT_NOT_FOUND; /* no provider contexts are modelled */
    if (f->reserved)
        return FWP_E_RESERVED;
    const layer_def *layer = find_layer(&f->layerKey);
    if (!layer)
        return FWP_E_LAYER_NOT_FOUND;
    switch (f->weight.type) {
    case FWP_EMPTY:
        break;
    case FWP_UINT8:
        if (f->weight.uint8 > 15)
            return FWP_E_INVALID_WEIGHT;
        break;
    case FWP_UINT64:
        if (!f->weight.uint64)
            return FWP_E_NULL_POINTER;
        break;
    default:
        return FWP_E_INVALID_WEIGHT;
    }
    if (f->numFilterConditions && !f->filterCondition)
        return FWP_E_NULL_POINTER;
    for (UINT32 i = 0; i < f->numFilterConditions; i++) {
        HRESULT hr = check_condition(layer, &f->filterCondition[i]);
        if (hr != S_OK) /* an FWP_E_* code, or a Win32 one (a bad security descriptor) */
            return hr;
    }
    switch (f->action.type) {
    case FWP_ACTION_BLOCK:
    case FWP_ACTION_PERMIT:
        return S_OK;
    case FWP_ACTION_CALLOUT_TERMINATING:
    case FWP_ACTION_CALLOUT_INSPECTION:
    case FWP_ACTION_CALLOUT_UNKNOWN:
        return FWP_E_CALLOUT_NOT_FOUND; /* no callouts are modelled */
    default:
        return FWP_E_INVALID_ACTION_TYPE;
    }
}

HRESULT emu_validate_sublayer(const FWPM_SUBLAYER0 *s)
{
    if (!s->displayData.name)
        return FWP_E_NULL_DISPLAY_NAME;
    if (s->flags & ~FWPM_SUBLAYER_FLAG_PERSISTENT)
        return FWP_E_INVALID_FLAGS;
    return S_OK;
}

HRESULT emu_validate_provider(const FWPM_PROVIDER0 *p)
{
    if (!p->displayData.name)
        return FWP_E_NULL_DISPLAY_NAME;
    /* DISABLED is BFE's to set, at start (FWPM_PROVIDER0: "the provider's
     * filters and the provider itself were not added"), never a caller's. */
    if (p->flags & ~FWPM_PROVIDER_FLAG_PERSISTENT)
        return FWP_E_INVALID_FLAGS;
    return S_OK;
}

HRESULT emu_validate_enum_template(const FWPM_FILTER_ENUM_TEMPLATE0 *t)
{
    /* The template names the layer to enumerate; an unknown (or null) layer
     * is an error rather than "every layer". */
    if (!find_layer(&t->layerKey))
        return FWP_E_LAYER_NOT_FOUND;
    if ((unsigned)t->enumType >= FWP_FILTER_ENUM_TYPE_MAX)
        return FWP_E_INVALID_ENUMERATOR;
    if (t->flags & ~0x1Fu)
        return FWP_E_INVALID_FLAGS;
    if (t->providerContextTemplate)
        return ERROR_NOT_SUPPORTED; /* not modelled: see docs/wfp-emulator.md */
    if (!t->numFilterConditions)
        return S_OK;
    if (!t->filterCondition)
        return FWP_E_NULL_POINTER;
    /* FULLY_CONTAINED: the two Microsoft pages say opposite things (filters
     * that fully contain the conditions; filters fully contained within
     * them), so it is refused rather than guessed. */
    if (t->enumType != FWP_FILTER_ENUM_OVERLAPPING)
        return ERROR_NOT_SUPPORTED;
    const layer_def *l = find_layer(&t->layerKey);
    unsigned seen = 0;
    for (UINT32 i = 0; i < t->numFilterConditions; i++) {
        const FWPM_FILTER_CONDITION0 *c = &t->filterCondition[i];
        int f = find_field(&c->fieldKey);
        if (f >= 0 && (seen & BIT(f)))
            return FWP_E_DUPLICATE_CONDITION; /* "duplicated filter conditions will generate an error" */
        /* Modelled: one value (EQUAL) of the fields a flow gives, legal at the layer. */
        FWP_DATA_TYPE want = f == F_IP_PROTOCOL                           ? FWP_UINT8
                             : f == F_IP_LOCAL_PORT || f == F_IP_REMOTE_PORT ? FWP_UINT16
                             : f == F_IP_REMOTE_ADDRESS                    ? (l->v6 ? FWP_BYTE_ARRAY16_TYPE : FWP_UINT32)
                             : f == F_ALE_APP_ID                           ? FWP_BYTE_BLOB_TYPE
                                                                           : FWP_EMPTY;
        if (want == FWP_EMPTY || !(l->fields & BIT(f)) || c->matchType != FWP_MATCH_EQUAL)
            return ERROR_NOT_SUPPORTED;
        if (c->conditionValue.type != want)
            return FWP_E_TYPE_MISMATCH;
        if ((want == FWP_BYTE_ARRAY16_TYPE && !c->conditionValue.byteArray16) ||
            (want == FWP_BYTE_BLOB_TYPE && (!c->conditionValue.byteBlob || !c->conditionValue.byteBlob->data)))
            return FWP_E_NULL_POINTER;
        seen |= BIT(f);
    }
    return S_OK;
}

HRESULT emu_validate_condition_sd(const FWP_BYTE_BLOB *sd)
{
    /* The value travels as bytes, so only a self-relative descriptor means
     * anything; an absolute one (pointers) or a malformed one is
     * ERROR_INVALID_SECURITY_DESCR ("The security descriptor structure is
     * invalid"). */
    if (sd->size < sizeof(SECURITY_DESCRIPTOR_RELATIVE))
        return (HRESULT)ERROR_INVALID_SECURITY_DESCR;
    const SECURITY_DESCRIPTOR_RELATIVE *rel = (const SECURITY_DESCRIPTOR_RELATIVE *)sd->data;
    if (!(rel->Control & SE_SELF_RELATIVE) || !IsValidSecurityDescriptor((PSECURITY_DESCRIPTOR)sd->data) ||
        GetSecurityDescriptorLength((PSECURITY_DESCRIPTOR)sd->data) > sd->size)
        return (HRESULT)ERROR_INVALID_SECURITY_DESCR;
    return S_OK;
}

UINT64 emu_effective_weight(const FWPM_FILTER0 *f, UINT64 id)
{
    /* Filter Weight Assignment: a UINT64 weight is used as is; FWP_EMPTY asks
     * BFE for a weight in [0, 2^60); a UINT8 n sets the 4 high bits and BFE
     * fills the low 60. BFE's automatic weights are undocumented: here more
     * conditions weigh more (more specific), then earlier filters. */
    UINT64 automatic = ((UINT64)(f->numFilterConditions & 0xFFF) << 40) |
                       (0xFFFFFFFFFFull - (id & 0xFFFFFFFFFFull));
    switch (f->weight.type) {
    case FWP_UINT64:
        return *f->weight.uint64;
    case FWP_UINT8:
        return ((UINT64)f->weight.uint8 << 60) | automatic;
    default:
        return automatic;
    }
}
