/* Adding and deleting objects on a state, with the reference rules of
 * "Object Management": objects cannot refer to objects that may have a
 * shorter lifetime; a dynamic object cannot refer to a dynamic object of
 * another session; a static object cannot refer to a dynamic object; a
 * persistent object cannot refer to a dynamic object, a static object, or a
 * persistent object owned by a different provider. An object cannot be
 * deleted while others refer to it. */
#include "emu.h"

#include <rpc.h>
#include <stdlib.h>
#include <string.h>

bool emu_visible(const emu_object *o)
{
    return !o->suppressed;
}

static DWORD lifetime_of(const emu_caller *c, bool persistent_flag, UINT8 *lifetime)
{
    if (c->dynamic) {
        /* Objects of a dynamic session die with it; asking for persistence
         * there is not allowed ("not allowed from within a dynamic session"). */
        if (persistent_flag)
            return (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS;
        *lifetime = EMU_DYNAMIC;
    } else {
        *lifetime = persistent_flag ? EMU_PERSISTENT : EMU_STATIC;
    }
    return ERROR_SUCCESS;
}

/* May an object of `lifetime`, added by caller c and owned by `owner`,
 * refer to `target`? */
static bool may_refer(UINT8 lifetime, const emu_caller *c, const GUID *owner,
                      const emu_object *target)
{
    switch (target->lifetime) {
    case EMU_BUILTIN:
        return true;
    case EMU_DYNAMIC:
        return lifetime == EMU_DYNAMIC && IsEqualGUID(&target->session, &c->session);
    case EMU_STATIC:
        return lifetime == EMU_DYNAMIC || lifetime == EMU_STATIC;
    case EMU_PERSISTENT:
        if (lifetime != EMU_PERSISTENT || !target->has_provider)
            return true;
        return owner && IsEqualGUID(owner, &target->provider);
    }
    return false;
}

/* FwpmFilterDeleteByKey0 (and the provider and sublayer deletes), Remarks:
 * "This function can be called within a dynamic session if the
 * corresponding object was added during the same session. If this function
 * is called for an object that was added during a different dynamic
 * session, it will fail with FWP_E_WRONG_SESSION. If this function is called
 * for an object that was not added during a dynamic session, it will fail
 * with FWP_E_DYNAMIC_SESSION_IN_PROGRESS." */
static DWORD may_delete(const emu_caller *c, const emu_object *o)
{
    if (o->lifetime == EMU_BUILTIN)
        return (DWORD)FWP_E_BUILTIN_OBJECT;
    if (!c->dynamic)
        return ERROR_SUCCESS;
    if (o->lifetime != EMU_DYNAMIC)
        return (DWORD)FWP_E_DYNAMIC_SESSION_IN_PROGRESS;
    return IsEqualGUID(&o->session, &c->session) ? ERROR_SUCCESS : (DWORD)FWP_E_WRONG_SESSION;
}

static void new_key(GUID *key)
{
    if (emu_guid_is_null(key))
        UuidCreate(key);
}

DWORD emu_op_provider_add(emu_state *s, const emu_caller *c, const FWPM_PROVIDER0 *p)
{
    HRESULT hr = emu_validate_provider(p);
    if (FAILED(hr))
        return (DWORD)hr;
    FWPM_PROVIDER0 copy = *p;
    new_key(&copy.providerKey);
    if (emu_find_key(s, EMU_PROVIDER, &copy.providerKey))
        return (DWORD)FWP_E_ALREADY_EXISTS;
    emu_object o = {.key = copy.providerKey, .flags = copy.flags, .session = c->session, .pid = c->pid,
                    .pid_start = c->pid_start};
    DWORD e = lifetime_of(c, copy.flags & FWPM_PROVIDER_FLAG_PERSISTENT, &o.lifetime);
    if (e)
        return e;
    if (!emu_encode_provider(&copy, &o.blob, &o.blob_len))
        return (DWORD)FWP_E_NULL_POINTER;
    emu_table_add(s, EMU_PROVIDER, &o);
    return ERROR_SUCCESS;
}

DWORD emu_op_sublayer_add(emu_state *s, const emu_caller *c, const FWPM_SUBLAYER0 *sl)
{
    HRESULT hr = emu_validate_sublayer(sl);
    if (FAILED(hr))
        return (DWORD)hr;
    FWPM_SUBLAYER0 copy = *sl;
    new_key(&copy.subLayerKey);
    if (emu_find_key(s, EMU_SUBLAYER, &copy.subLayerKey))
        return (DWORD)FWP_E_ALREADY_EXISTS;
    emu_object o = {.key = copy.subLayerKey, .flags = copy.flags, .weight = copy.weight,
                    .session = c->session, .pid = c->pid, .pid_start = c->pid_start};
    DWORD e = lifetime_of(c, copy.flags & FWPM_SUBLAYER_FLAG_PERSISTENT, &o.lifetime);
    if (e)
        return e;
    if (copy.providerKey) {
        emu_object *provider = emu_find_key(s, EMU_PROVIDER, copy.providerKey);
        if (!provider)
            return (DWORD)FWP_E_PROVIDER_NOT_FOUND;
        if (!may_refer(o.lifetime, c, copy.providerKey, provider))
            return (DWORD)FWP_E_LIFETIME_MISMATCH;
        o.provider = *copy.providerKey;
        o.has_provider = TRUE;
    }
    if (!emu_encode_sublayer(&copy, &o.blob, &o.blob_len))
        return (DWORD)FWP_E_NULL_POINTER;
    emu_table_add(s, EMU_SUBLAYER, &o);
    return ERROR_SUCCESS;
}

DWORD emu_op_filter_add(emu_state *s, const emu_caller *c, const FWPM_FILTER0 *f, const BYTE *sd,
                        UINT32 sd_len, UINT64 *id)
{
    HRESULT hr = emu_validate_filter(f);
    if (hr != S_OK)
        return (DWORD)hr;
    FWPM_FILTER0 copy = *f;
    new_key(&copy.filterKey);
    /* IID_NULL as sublayer means the default sublayer (FWPM_FILTER0). */
    if (emu_guid_is_null(&copy.subLayerKey))
        copy.subLayerKey = FWPM_SUBLAYER_UNIVERSAL;
    if (emu_find_key(s, EMU_FILTER, &copy.filterKey))
        return (DWORD)FWP_E_ALREADY_EXISTS;

    emu_object o = {.key = copy.filterKey, .layer = copy.layerKey, .sublayer = copy.subLayerKey,
                    .flags = copy.flags, .session = c->session, .pid = c->pid, .pid_start = c->pid_start};
    DWORD e = lifetime_of(c, copy.flags & FWPM_FILTER_FLAG_PERSISTENT, &o.lifetime);
    if (e)
        return e;
    if (copy.flags & FWPM_FILTER_FLAG_BOOTTIME)
        o.lifetime = c->dynamic ? EMU_DYNAMIC : EMU_STATIC; /* gone when BFE starts */

    if (copy.providerKey) {
        emu_object *provider = emu_find_key(s, EMU_PROVIDER, copy.providerKey);
        if (!provider)
            return (DWORD)FWP_E_PROVIDER_NOT_FOUND;
        if (!may_refer(o.lifetime, c, copy.providerKey, provider))
            return (DWORD)FWP_E_LIFETIME_MISMATCH;
        o.provider = *copy.providerKey;
        o.has_provider = TRUE;
    }
    emu_object *sublayer = emu_find_key(s, EMU_SUBLAYER, &copy.subLayerKey);
    if (!sublayer)
        return (DWORD)FWP_E_SUBLAYER_NOT_FOUND;
    if (!may_refer(o.lifetime, c, copy.providerKey, sublayer))
        return (DWORD)FWP_E_LIFETIME_MISMATCH;

    o.id = s->next_filter_id++;
    copy.filterId = o.id;
    o.effective_weight = emu_effective_weight(&copy, o.id);
    if (!emu_encode_filter(&copy, &o.blob, &o.blob_len))
        return (DWORD)FWP_E_NULL_POINTER;
    if (sd && sd_len) {
        o.sd = malloc(sd_len);
        if (!o.sd) {
            free(o.blob);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        memcpy(o.sd, sd, sd_len);
        o.sd_len = sd_len;
    }
    emu_table_add(s, EMU_FILTER, &o);
    emu_journal_add(s, FWPM_CHANGE_ADD, &o, &c->session);
    if (id)
        *id = o.id;
    return ERROR_SUCCESS;
}

DWORD emu_op_filter_delete(emu_state *s, const emu_caller *c, emu_object *filter)
{
    DWORD e = may_delete(c, filter);
    if (e)
        return e;
    emu_journal_add(s, FWPM_CHANGE_DELETE, filter, &c->session);
    emu_remove(s, EMU_FILTER, filter);
    return ERROR_SUCCESS;
}

typedef struct {
    const GUID *sublayer;
    bool found;
} in_use_ctx;

static void note_sublayer_use(emu_object *f, void *ctx)
{
    in_use_ctx *u = ctx;
    u->found |= IsEqualGUID(&f->sublayer, u->sublayer) != 0;
}

DWORD emu_op_sublayer_delete(emu_state *s, const emu_caller *c, const GUID *key)
{
    emu_object *sl = emu_find_key(s, EMU_SUBLAYER, key);
    if (!sl)
        return (DWORD)FWP_E_SUBLAYER_NOT_FOUND;
    DWORD e = may_delete(c, sl);
    if (e)
        return e;
    in_use_ctx use = {key, false};
    emu_for_each_filter(s, NULL, false, note_sublayer_use, &use);
    if (use.found)
        return (DWORD)FWP_E_IN_USE;
    emu_remove(s, EMU_SUBLAYER, emu_find_key(s, EMU_SUBLAYER, key));
    return ERROR_SUCCESS;
}

DWORD emu_op_provider_delete(emu_state *s, const emu_caller *c, const GUID *key)
{
    emu_object *p = emu_find_key(s, EMU_PROVIDER, key);
    if (!p)
        return (DWORD)FWP_E_PROVIDER_NOT_FOUND;
    DWORD e = may_delete(c, p);
    if (e)
        return e;
    /* A provider's filters are its segment; its sublayers name it. */
    const emu_table *sublayers = emu_kind_table(s, EMU_SUBLAYER);
    for (size_t i = 0; i < sublayers->count; i++)
        if (sublayers->items[i].has_provider && IsEqualGUID(&sublayers->items[i].provider, key))
            return (DWORD)FWP_E_IN_USE;
    for (size_t i = 0; i < s->segment_count; i++)
        if (s->segments[i].count && s->segments[i].has_provider && IsEqualGUID(&s->segments[i].provider, key))
            return (DWORD)FWP_E_IN_USE;
    emu_remove(s, EMU_PROVIDER, p);
    return ERROR_SUCCESS;
}

bool emu_filter_matches_template(const emu_object *f, const FWPM_FILTER_ENUM_TEMPLATE0 *t)
{
    UINT32 flags = t ? t->flags : 0;
    bool boottime = (f->flags & FWPM_FILTER_FLAG_BOOTTIME) != 0;
    if (flags & FWP_FILTER_ENUM_FLAG_BOOTTIME_ONLY) {
        if (!boottime)
            return false;
    } else {
        if (boottime && !(flags & FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME))
            return false;
        if (f->suppressed && !(flags & FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED))
            return false;
    }
    if (!t)
        return true;
    if (!IsEqualGUID(&f->layer, &t->layerKey))
        return false;
    if (t->providerKey && !(f->has_provider && IsEqualGUID(&f->provider, t->providerKey)))
        return false;
    if (t->calloutKey)
        return false; /* "only filters with the specified callout": no filter has one here */
    if (t->actionMask != 0xFFFFFFFFu || t->numFilterConditions) {
        /* Only filters whose action type has a bit of actionMask, and
         * (OVERLAPPING) whose conditions overlap the template's. */
        FWPM_FILTER0 *decoded = emu_decode(EMU_FILTER, f);
        bool match = decoded && (t->actionMask == 0xFFFFFFFFu || (decoded->action.type & t->actionMask)) &&
                     emu_filter_overlaps(decoded, t->filterCondition, t->numFilterConditions,
                                         emu_layer_is_v6(&t->layerKey));
        free(decoded);
        if (!match)
            return false;
    }
    return true;
}
