/* The engine's state: three tables (providers, sublayers, filters), the
 * change journal subscriptions read, and the shared file that holds them.
 *
 * Concurrency: a named mutex serializes reading and writing the file; WFP's
 * transaction lock is a byte-range lock on a lock file, which the OS drops
 * when its process dies, as BFE aborts the transaction of a dead client. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- indexes ---- */

static UINT64 id_hash(UINT64 id)
{
    id *= 0x9E3779B97F4A7C15ull;
    return id ^ (id >> 31);
}

static void index_free(emu_index *ix)
{
    free(ix->slots);
    *ix = (emu_index){0};
}

static size_t index_find(const emu_index *ix, const emu_table *t, UINT64 hash, const GUID *key,
                         UINT64 id, bool by_id)
{
    if (!ix->cap)
        return (size_t)-1;
    for (size_t i = hash & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        size_t slot = ix->slots[i];
        if (!slot)
            return (size_t)-1;
        const emu_object *o = &t->items[slot - 1];
        if (by_id ? o->id == id : IsEqualGUID(&o->key, key))
            return slot - 1;
    }
}

static void index_insert(emu_index *ix, UINT64 hash, size_t position)
{
    size_t i = hash & (ix->cap - 1);
    while (ix->slots[i])
        i = (i + 1) & (ix->cap - 1);
    ix->slots[i] = position + 1;
}

static void index_rebuild(emu_table *t, enum emu_kind kind)
{
    index_free(&t->by_key);
    index_free(&t->by_id);
    size_t cap = 64;
    while (cap < t->count * 2 + 2)
        cap *= 2;
    t->by_key.slots = calloc(cap, sizeof(size_t));
    t->by_key.cap = cap;
    if (kind == EMU_FILTER) {
        t->by_id.slots = calloc(cap, sizeof(size_t));
        t->by_id.cap = cap;
    }
    for (size_t i = 0; i < t->count; i++) {
        index_insert(&t->by_key, emu_guid_hash(&t->items[i].key), i);
        if (kind == EMU_FILTER)
            index_insert(&t->by_id, id_hash(t->items[i].id), i);
    }
}

static void ensure_index(emu_table *t, enum emu_kind kind)
{
    if (!t->by_key.slots || t->by_key.cap < t->count * 2 + 2)
        index_rebuild(t, kind);
}

emu_object *emu_find_key(emu_state *s, enum emu_kind kind, const GUID *key)
{
    emu_table *t = &s->tables[kind];
    ensure_index(t, kind);
    size_t pos = index_find(&t->by_key, t, emu_guid_hash(key), key, 0, false);
    return pos == (size_t)-1 ? NULL : &t->items[pos];
}

emu_object *emu_find_filter_id(emu_state *s, UINT64 id)
{
    emu_table *t = &s->tables[EMU_FILTER];
    ensure_index(t, EMU_FILTER);
    size_t pos = index_find(&t->by_id, t, id_hash(id), NULL, id, true);
    return pos == (size_t)-1 ? NULL : &t->items[pos];
}

void emu_table_add(emu_state *s, enum emu_kind kind, const emu_object *o)
{
    emu_table *t = &s->tables[kind];
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->count++] = *o;
    if (t->by_key.slots && t->by_key.cap >= t->count * 2 + 2) {
        index_insert(&t->by_key, emu_guid_hash(&o->key), t->count - 1);
        if (kind == EMU_FILTER)
            index_insert(&t->by_id, id_hash(o->id), t->count - 1);
    } else {
        index_rebuild(t, kind);
    }
}

void emu_table_remove(emu_state *s, enum emu_kind kind, size_t position)
{
    emu_table *t = &s->tables[kind];
    free(t->items[position].blob);
    t->items[position] = t->items[--t->count];
    /* Rebuilt lazily on the next lookup: removals are rare and batched. */
    index_free(&t->by_key);
    index_free(&t->by_id);
}

void emu_journal_add(emu_state *s, UINT32 type, const emu_object *f, const GUID *session)
{
    if (s->journal_count == EMU_JOURNAL_MAX) {
        memmove(s->journal, s->journal + 1, (EMU_JOURNAL_MAX - 1) * sizeof *s->journal);
        s->journal_count--;
    }
    if (s->journal_count == s->journal_cap) {
        s->journal_cap = s->journal_cap ? s->journal_cap * 2 : 64;
        s->journal = realloc(s->journal, s->journal_cap * sizeof *s->journal);
    }
    emu_change *c = &s->journal[s->journal_count++];
    *c = (emu_change){.seq = ++s->change_seq, .type = type, .filter_key = f->key,
                      .filter_id = f->id, .layer = f->layer, .provider = f->provider,
                      .has_provider = f->has_provider, .session = *session};
}

void emu_state_init(emu_state *s)
{
    memset(s, 0, sizeof *s);
    s->next_filter_id = 1;
}

void emu_state_free(emu_state *s)
{
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < s->tables[k].count; i++)
            free(s->tables[k].items[i].blob);
        free(s->tables[k].items);
        index_free(&s->tables[k].by_key);
        index_free(&s->tables[k].by_id);
    }
    free(s->journal);
    memset(s, 0, sizeof *s);
}

bool emu_state_copy(emu_state *dst, const emu_state *src)
{
    emu_state_init(dst);
    dst->generation = src->generation;
    dst->next_filter_id = src->next_filter_id;
    dst->change_seq = src->change_seq;
    for (int k = 0; k < 3; k++) {
        const emu_table *t = &src->tables[k];
        emu_table *d = &dst->tables[k];
        d->items = malloc((t->count ? t->count : 1) * sizeof *d->items);
        d->cap = t->count ? t->count : 1;
        for (size_t i = 0; i < t->count; i++) {
            d->items[i] = t->items[i];
            d->items[i].blob = malloc(t->items[i].blob_len ? t->items[i].blob_len : 1);
            memcpy(d->items[i].blob, t->items[i].blob, t->items[i].blob_len);
        }
        d->count = t->count;
    }
    if (src->journal_count) {
        dst->journal = malloc(src->journal_count * sizeof *dst->journal);
        memcpy(dst->journal, src->journal, src->journal_count * sizeof *dst->journal);
        dst->journal_count = dst->journal_cap = src->journal_count;
    }
    return true;
}

/* ---- the file ---- */

static const char magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 0, 2};

const wchar_t *emu_state_path(void)
{
    static wchar_t path[MAX_PATH * 2];
    if (path[0])
        return path;
    DWORD n = GetEnvironmentVariableW(L"FWPEMU_STATE", path, MAX_PATH * 2);
    if (n == 0 || n >= MAX_PATH * 2) {
        wchar_t tmp[MAX_PATH];
        GetTempPathW(MAX_PATH, tmp);
        swprintf(path, MAX_PATH * 2, L"%lsfwpemu", tmp);
        CreateDirectoryW(path, NULL);
        wcscat(path, L"\\state.bin");
    }
    return path;
}

static HANDLE state_mutex(void)
{
    static HANDLE mutex;
    if (!mutex) {
        /* One mutex per state file, named after a hash of its path. */
        const wchar_t *p = emu_state_path();
        UINT64 h = 1469598103934665603ull;
        for (; *p; p++)
            h = (h ^ (UINT64)towlower(*p)) * 1099511628211ull;
        wchar_t name[64];
        swprintf(name, 64, L"Local\\fwpemu-state-%016llx", (unsigned long long)h);
        mutex = CreateMutexW(NULL, FALSE, name);
    }
    return mutex;
}

DWORD emu_state_lock(void)
{
    DWORD w = WaitForSingleObject(state_mutex(), INFINITE);
    return (w == WAIT_OBJECT_0 || w == WAIT_ABANDONED) ? ERROR_SUCCESS : GetLastError();
}

void emu_state_unlock(void)
{
    ReleaseMutex(state_mutex());
}

typedef struct {
    const BYTE *p, *end;
    bool ok;
} cursor;

static void take(cursor *c, void *out, size_t n)
{
    if (!c->ok || (size_t)(c->end - c->p) < n) {
        c->ok = false;
        memset(out, 0, n);
        return;
    }
    memcpy(out, c->p, n);
    c->p += n;
}

static void parse(emu_state *s, const BYTE *data, size_t len, bool *ok)
{
    cursor c = {data, data + len, true};
    char m[8];
    take(&c, m, 8);
    if (memcmp(m, magic, 8) != 0) {
        *ok = false;
        return;
    }
    take(&c, &s->generation, 8);
    take(&c, &s->next_filter_id, 8);
    take(&c, &s->change_seq, 8);
    for (int k = 0; k < 3 && c.ok; k++) {
        UINT64 count = 0;
        take(&c, &count, 8);
        emu_table *t = &s->tables[k];
        t->items = calloc(count ? count : 1, sizeof *t->items);
        t->cap = count ? count : 1;
        for (UINT64 i = 0; i < count && c.ok; i++) {
            emu_object *o = &t->items[t->count];
            take(&c, &o->key, 16);
            take(&c, &o->id, 8);
            take(&c, &o->layer, 16);
            take(&c, &o->sublayer, 16);
            take(&c, &o->provider, 16);
            UINT8 has = 0;
            take(&c, &has, 1);
            o->has_provider = has;
            take(&c, &o->flags, 4);
            take(&c, &o->weight, 2);
            take(&c, &o->effective_weight, 8);
            take(&c, &o->lifetime, 1);
            take(&c, &o->suppressed, 1);
            take(&c, &o->session, 16);
            take(&c, &o->pid, 4);
            take(&c, &o->blob_len, 4);
            if (!c.ok || (size_t)(c.end - c.p) < o->blob_len) {
                c.ok = false;
                break;
            }
            o->blob = malloc(o->blob_len ? o->blob_len : 1);
            take(&c, o->blob, o->blob_len);
            t->count++;
        }
    }
    UINT64 jn = 0;
    take(&c, &jn, 8);
    if (c.ok && jn <= EMU_JOURNAL_MAX) {
        s->journal = calloc(jn ? jn : 1, sizeof *s->journal);
        s->journal_cap = jn ? jn : 1;
        for (UINT64 i = 0; i < jn && c.ok; i++) {
            emu_change *e = &s->journal[i];
            take(&c, &e->seq, 8);
            take(&c, &e->type, 4);
            take(&c, &e->filter_key, 16);
            take(&c, &e->filter_id, 8);
            take(&c, &e->layer, 16);
            take(&c, &e->provider, 16);
            UINT8 has = 0;
            take(&c, &has, 1);
            e->has_provider = has;
            take(&c, &e->session, 16);
            s->journal_count++;
        }
    }
    *ok = c.ok;
}

DWORD emu_state_load(emu_state *s)
{
    emu_state_init(s);
    HANDLE h = CreateFileW(emu_state_path(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) {
            /* A machine that never ran the emulator: a fresh Windows. */
            emu_state_reset(s, EMU_DEFAULT_MPSSVC_WEIGHT);
            return ERROR_SUCCESS;
        }
        return e;
    }
    LARGE_INTEGER size;
    GetFileSizeEx(h, &size);
    BYTE *data = malloc((size_t)size.QuadPart + 1);
    DWORD got = 0;
    BOOL read_ok = data && ReadFile(h, data, (DWORD)size.QuadPart, &got, NULL) &&
                   got == (DWORD)size.QuadPart;
    CloseHandle(h);
    bool ok = false;
    if (read_ok)
        parse(s, data, got, &ok);
    free(data);
    if (!ok) {
        emu_state_free(s);
        emu_state_init(s);
        return ERROR_FILE_CORRUPT;
    }
    return ERROR_SUCCESS;
}

static void write_all(HANDLE h, const void *p, size_t n, bool *ok)
{
    DWORD done = 0;
    if (*ok && (!WriteFile(h, p, (DWORD)n, &done, NULL) || done != n))
        *ok = false;
}

DWORD emu_state_save(emu_state *s)
{
    /* Serialize to memory first: one write call, then an atomic rename. */
    size_t cap = 64, len = 0;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < s->tables[k].count; i++)
            cap += 140 + s->tables[k].items[i].blob_len;
    cap += 8 + s->journal_count * sizeof(emu_change) * 2;
    BYTE *buf = malloc(cap);
    if (!buf)
        return ERROR_OUTOFMEMORY;
#define PUT(ptr, n) (memcpy(buf + len, (ptr), (n)), len += (n))
    s->generation++;
    PUT(magic, 8);
    PUT(&s->generation, 8);
    PUT(&s->next_filter_id, 8);
    PUT(&s->change_seq, 8);
    for (int k = 0; k < 3; k++) {
        UINT64 count = s->tables[k].count;
        PUT(&count, 8);
        for (size_t i = 0; i < count; i++) {
            const emu_object *o = &s->tables[k].items[i];
            UINT8 has = (UINT8)(o->has_provider != 0);
            PUT(&o->key, 16);
            PUT(&o->id, 8);
            PUT(&o->layer, 16);
            PUT(&o->sublayer, 16);
            PUT(&o->provider, 16);
            PUT(&has, 1);
            PUT(&o->flags, 4);
            PUT(&o->weight, 2);
            PUT(&o->effective_weight, 8);
            PUT(&o->lifetime, 1);
            PUT(&o->suppressed, 1);
            PUT(&o->session, 16);
            PUT(&o->pid, 4);
            PUT(&o->blob_len, 4);
            PUT(o->blob, o->blob_len);
        }
    }
    UINT64 jn = s->journal_count;
    PUT(&jn, 8);
    for (size_t i = 0; i < s->journal_count; i++) {
        const emu_change *e = &s->journal[i];
        UINT8 has = (UINT8)(e->has_provider != 0);
        PUT(&e->seq, 8);
        PUT(&e->type, 4);
        PUT(&e->filter_key, 16);
        PUT(&e->filter_id, 8);
        PUT(&e->layer, 16);
        PUT(&e->provider, 16);
        PUT(&has, 1);
        PUT(&e->session, 16);
    }
#undef PUT
    wchar_t tmp[MAX_PATH * 2 + 32];
    swprintf(tmp, MAX_PATH * 2 + 32, L"%ls.%lu.tmp", emu_state_path(), GetCurrentProcessId());
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        free(buf);
        return GetLastError();
    }
    bool ok = true;
    write_all(h, buf, len, &ok);
    ok = ok && FlushFileBuffers(h);
    CloseHandle(h);
    free(buf);
    if (!ok || !MoveFileExW(tmp, emu_state_path(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        DWORD e = GetLastError();
        DeleteFileW(tmp);
        return e ? e : ERROR_WRITE_FAULT;
    }
    return ERROR_SUCCESS;
}

DWORD emu_txn_lock_acquire(HANDLE *lock, DWORD timeout_ms)
{
    wchar_t path[MAX_PATH * 2 + 16];
    swprintf(path, MAX_PATH * 2 + 16, L"%ls.txnlock", emu_state_path());
    HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    for (;;) {
        OVERLAPPED ov = {0};
        if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
            *lock = h;
            return ERROR_SUCCESS;
        }
        if (timeout_ms != INFINITE && GetTickCount64() >= deadline) {
            CloseHandle(h);
            return (DWORD)FWP_E_TIMEOUT;
        }
        Sleep(2);
    }
}

void emu_txn_lock_release(HANDLE *lock)
{
    if (*lock) {
        OVERLAPPED ov = {0};
        UnlockFileEx(*lock, 0, 1, 0, &ov);
        CloseHandle(*lock);
        *lock = NULL;
    }
}

/* ---- lifetimes ---- */

static bool process_alive(DWORD pid)
{
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (!h)
        return false;
    bool alive = WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
    CloseHandle(h);
    return alive;
}

/* Removes objects matching pred, filters before sublayers before providers
 * (the order references require), recording filter deletions. */
static size_t purge(emu_state *s, bool (*pred)(const emu_object *, const void *), const void *ctx)
{
    static const GUID nobody;
    size_t removed = 0;
    for (int k = EMU_FILTER; k >= EMU_PROVIDER; k--) {
        emu_table *t = &s->tables[k];
        for (size_t i = t->count; i-- > 0;) {
            if (!pred(&t->items[i], ctx))
                continue;
            if (k == EMU_FILTER)
                emu_journal_add(s, FWPM_CHANGE_DELETE, &t->items[i], &nobody);
            emu_table_remove(s, (enum emu_kind)k, i);
            removed++;
        }
    }
    return removed;
}

static bool is_dead_dynamic(const emu_object *o, const void *ctx)
{
    (void)ctx;
    return o->lifetime == EMU_DYNAMIC && !process_alive(o->pid);
}

bool emu_purge_dead_sessions(emu_state *s)
{
    bool any = false;
    for (int k = 0; k < 3 && !any; k++)
        for (size_t i = 0; i < s->tables[k].count && !any; i++)
            any = s->tables[k].items[i].lifetime == EMU_DYNAMIC;
    return any && purge(s, is_dead_dynamic, NULL) > 0;
}

static bool is_of_session(const emu_object *o, const void *ctx)
{
    return o->lifetime == EMU_DYNAMIC && IsEqualGUID(&o->session, (const GUID *)ctx);
}

size_t emu_purge_session(emu_state *s, const GUID *session)
{
    return purge(s, is_of_session, session);
}

static bool is_not_persistent(const emu_object *o, const void *ctx)
{
    (void)ctx;
    return o->lifetime < EMU_PERSISTENT;
}

/* Object Management: "At service start, BFE only adds persistent objects to
 * the system if they are not associated with a provider, or the associated
 * provider has no Windows service name, or the associated Windows service is
 * set to auto-start." */
static bool service_auto_start(const wchar_t *name)
{
    bool auto_start = false;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = scm ? OpenServiceW(scm, name, SERVICE_QUERY_CONFIG) : NULL;
    if (svc) {
        DWORD need = 0;
        QueryServiceConfigW(svc, NULL, 0, &need);
        QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
        if (cfg && QueryServiceConfigW(svc, cfg, need, &need))
            auto_start = cfg->dwStartType == SERVICE_AUTO_START ||
                         cfg->dwStartType == SERVICE_BOOT_START ||
                         cfg->dwStartType == SERVICE_SYSTEM_START;
        free(cfg);
        CloseServiceHandle(svc);
    }
    if (scm)
        CloseServiceHandle(scm);
    return auto_start;
}

void emu_state_reboot(emu_state *s)
{
    purge(s, is_not_persistent, NULL);
    emu_table *providers = &s->tables[EMU_PROVIDER];
    for (size_t i = 0; i < providers->count; i++) {
        emu_object *p = &providers->items[i];
        FWPM_PROVIDER0 *decoded = emu_decode(EMU_PROVIDER, p);
        p->suppressed = decoded && decoded->serviceName && decoded->serviceName[0] &&
                        !service_auto_start(decoded->serviceName);
        free(decoded);
    }
    /* A filter BFE did not add stays in the store, reported as disabled
     * (FWPM_FILTER_FLAG_DISABLED) and not enforced. */
    emu_table *filters = &s->tables[EMU_FILTER];
    for (size_t i = 0; i < filters->count; i++) {
        emu_object *o = &filters->items[i];
        emu_object *owner = o->has_provider ? emu_find_key(s, EMU_PROVIDER, &o->provider) : NULL;
        o->suppressed = owner && owner->suppressed;
    }
    s->journal_count = 0; /* notifications do not survive BFE restarts */
}

/* ---- a fresh engine ---- */

static void add_builtin(emu_state *s, enum emu_kind kind, const void *obj)
{
    emu_object o = {.lifetime = EMU_BUILTIN};
    bool ok;
    if (kind == EMU_PROVIDER) {
        const FWPM_PROVIDER0 *p = obj;
        o.key = p->providerKey;
        o.flags = p->flags;
        ok = emu_encode_provider(p, &o.blob, &o.blob_len);
    } else if (kind == EMU_SUBLAYER) {
        const FWPM_SUBLAYER0 *sl = obj;
        o.key = sl->subLayerKey;
        o.weight = sl->weight;
        o.flags = sl->flags;
        if (sl->providerKey) {
            o.provider = *sl->providerKey;
            o.has_provider = TRUE;
        }
        ok = emu_encode_sublayer(sl, &o.blob, &o.blob_len);
    } else {
        const FWPM_FILTER0 *f = obj;
        o.key = f->filterKey;
        o.id = s->next_filter_id++;
        o.layer = f->layerKey;
        o.sublayer = f->subLayerKey;
        o.flags = f->flags;
        o.effective_weight = emu_effective_weight(f, o.id);
        if (f->providerKey) {
            o.provider = *f->providerKey;
            o.has_provider = TRUE;
        }
        ok = emu_encode_filter(f, &o.blob, &o.blob_len);
    }
    if (ok)
        emu_table_add(s, kind, &o);
}

void emu_state_reset(emu_state *s, UINT16 mpssvc_weight)
{
    emu_state_free(s);
    emu_state_init(s);

    /* The default sublayer filters join when they name none. */
    FWPM_SUBLAYER0 universal = {.subLayerKey = FWPM_SUBLAYER_UNIVERSAL,
                                .displayData = {L"Universal sublayer", NULL},
                                .weight = 0};
    add_builtin(s, EMU_SUBLAYER, &universal);

    /* Windows Defender Firewall: its provider, its sublayer, and its default
     * block of unsolicited inbound connections. */
    FWPM_PROVIDER0 wf = {.providerKey = FWPM_PROVIDER_MPSSVC_WF,
                         .displayData = {L"Microsoft Corporation", L"Microsoft Windows WFP Built-in WF provider"},
                         .serviceName = L"mpssvc"};
    add_builtin(s, EMU_PROVIDER, &wf);
    GUID wf_provider = FWPM_PROVIDER_MPSSVC_WF;
    FWPM_SUBLAYER0 wf_sublayer = {.subLayerKey = FWPM_SUBLAYER_MPSSVC_WF,
                                  .displayData = {L"WFP Built-in WF sublayer", NULL},
                                  .providerKey = &wf_provider,
                                  .weight = mpssvc_weight};
    add_builtin(s, EMU_SUBLAYER, &wf_sublayer);

    static const GUID block_v4 = {0x7a5a4e9a, 0x1c1e, 0x4f0e, {0x9d, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04}};
    static const GUID block_v6 = {0x7a5a4e9a, 0x1c1e, 0x4f0e, {0x9d, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06}};
    const GUID *keys[2] = {&block_v4, &block_v6};
    const GUID layers[2] = {FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6};
    for (int i = 0; i < 2; i++) {
        FWPM_FILTER0 f = {0};
        f.filterKey = *keys[i];
        f.displayData.name = i ? L"Default Inbound Block (WF, IPv6)" : L"Default Inbound Block (WF, IPv4)";
        f.providerKey = &wf_provider;
        f.layerKey = layers[i];
        f.subLayerKey = FWPM_SUBLAYER_MPSSVC_WF;
        f.weight.type = FWP_UINT8;
        f.weight.uint8 = 0;
        f.action.type = FWP_ACTION_BLOCK;
        add_builtin(s, EMU_FILTER, &f);
    }
}
