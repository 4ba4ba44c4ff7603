/* The engine's state: providers and sublayers, filters in per-provider
 * segments, the change journal subscriptions read, and the folder that
 * holds them (meta.bin, seg-*.bin, idx-*.bin, blm-*.bin).
 *
 * Concurrency: writers hold WFP's transaction lock, a byte-range lock on a
 * lock file that the OS drops when its process dies (as BFE aborts a dead
 * client's transaction); files are replaced atomically, under a named mutex
 * that readers of committed state hold while they read. */
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

static void index_rebuild(emu_table *t, bool with_ids)
{
    index_free(&t->by_key);
    index_free(&t->by_id);
    size_t cap = 64;
    while (cap < t->count * 2 + 2)
        cap *= 2;
    t->by_key.slots = calloc(cap, sizeof(size_t));
    t->by_key.cap = cap;
    if (with_ids) {
        t->by_id.slots = calloc(cap, sizeof(size_t));
        t->by_id.cap = cap;
    }
    for (size_t i = 0; i < t->count; i++) {
        index_insert(&t->by_key, emu_guid_hash(&t->items[i].key), i);
        if (with_ids)
            index_insert(&t->by_id, id_hash(t->items[i].id), i);
    }
}

static void ensure_index(emu_table *t, bool with_ids)
{
    if (!t->by_key.slots || t->by_key.cap < t->count * 2 + 2)
        index_rebuild(t, with_ids);
}

static void table_add(emu_table *t, const emu_object *o, bool with_ids)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->count++] = *o;
    if (t->by_key.slots && t->by_key.cap >= t->count * 2 + 2) {
        index_insert(&t->by_key, emu_guid_hash(&o->key), t->count - 1);
        if (with_ids)
            index_insert(&t->by_id, id_hash(o->id), t->count - 1);
    } else {
        index_rebuild(t, with_ids);
    }
}

static void table_remove(emu_table *t, size_t position)
{
    free(t->items[position].blob);
    free(t->items[position].sd);
    t->items[position] = t->items[--t->count];
    /* Rebuilt lazily on the next lookup: removals are rare and batched. */
    index_free(&t->by_key);
    index_free(&t->by_id);
}

static void table_free(emu_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i].blob);
        free(t->items[i].sd);
    }
    free(t->items);
    index_free(&t->by_key);
    index_free(&t->by_id);
    *t = (emu_table){0};
}

emu_table *emu_kind_table(emu_state *s, enum emu_kind kind)
{
    return &s->tables[kind];
}

/* ---- files ---- */

bool emu_machine_setting(const wchar_t *variable, const wchar_t *value, wchar_t *out, DWORD chars)
{
    DWORD n = GetEnvironmentVariableW(variable, out, chars);
    if (n == 0 || n >= chars) {
        /* BFE is one per machine: a service started by the service manager,
         * which does not inherit a test's environment, finds the same
         * setting under HKLM\SOFTWARE\fwpemu. */
        DWORD size = chars * sizeof(wchar_t);
        n = RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\fwpemu", value, RRF_RT_REG_SZ, NULL, out, &size) ==
                    ERROR_SUCCESS
                ? (DWORD)wcslen(out)
                : 0;
    }
    if (n == 0 || n >= chars)
        out[0] = 0;
    return out[0] != 0;
}

const wchar_t *emu_state_dir(void)
{
    static wchar_t dir[MAX_PATH * 2];
    if (dir[0])
        return dir;
    if (!emu_machine_setting(L"FWPEMU_STATE", L"StateDir", dir, MAX_PATH * 2)) {
        wchar_t tmp[MAX_PATH];
        GetTempPathW(MAX_PATH, tmp);
        swprintf(dir, MAX_PATH * 2, L"%lsfwpemu", tmp);
    }
    CreateDirectoryW(dir, NULL);
    return dir;
}

static void state_file(wchar_t *out, size_t size, const wchar_t *name)
{
    swprintf(out, size, L"%ls\\%ls", emu_state_dir(), name);
}

/* "seg-<provider>.bin" / "idx-<provider>.bin", "none" for no provider. */
static void segment_file(wchar_t *out, size_t size, const emu_segment *seg, const wchar_t *prefix)
{
    wchar_t name[64];
    if (seg->has_provider) {
        const GUID *g = &seg->provider;
        swprintf(name, 64, L"%ls-%08lx%04x%04x%02x%02x%02x%02x%02x%02x%02x%02x.bin", prefix,
                 (unsigned long)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
                 g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    } else {
        swprintf(name, 64, L"%ls-none.bin", prefix);
    }
    state_file(out, size, name);
}

static BYTE *read_whole(const wchar_t *path, size_t *len, DWORD *error)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        *error = GetLastError();
        return NULL;
    }
    LARGE_INTEGER size;
    GetFileSizeEx(h, &size);
    BYTE *data = malloc((size_t)size.QuadPart + 1);
    DWORD got = 0;
    BOOL ok = data && ReadFile(h, data, (DWORD)size.QuadPart, &got, NULL) && got == (DWORD)size.QuadPart;
    CloseHandle(h);
    if (!ok) {
        free(data);
        *error = ERROR_READ_FAULT;
        return NULL;
    }
    *len = got;
    return data;
}

/* Writes a file atomically: a temporary beside it, flushed, then renamed. */
static DWORD write_atomic(const wchar_t *path, const BYTE *data, size_t len)
{
    wchar_t tmp[MAX_PATH * 2 + 32];
    swprintf(tmp, MAX_PATH * 2 + 32, L"%ls.%lu.tmp", path, GetCurrentProcessId());
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD done = 0;
    BOOL ok = WriteFile(h, data, (DWORD)len, &done, NULL) && done == len && FlushFileBuffers(h);
    CloseHandle(h);
    /* A reader of another process may hold the file for a moment (every
     * reader shares delete, but Wine can still refuse a replace while a
     * handle is being opened): retry, bounded, rather than leave a commit
     * half written. */
    BOOL moved = FALSE;
    DWORD e = ERROR_SUCCESS;
    for (int attempt = 0; ok && !moved && attempt < 100; attempt++) {
        moved = MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
        e = moved ? ERROR_SUCCESS : GetLastError();
        if (!moved && e != ERROR_ACCESS_DENIED && e != ERROR_SHARING_VIOLATION)
            break;
        if (!moved)
            Sleep(5);
    }
    if (!ok || !moved) {
        if (!ok)
            e = GetLastError();
        DeleteFileW(tmp);
        return e ? e : ERROR_WRITE_FAULT;
    }
    return ERROR_SUCCESS;
}

typedef struct {
    BYTE *data;
    size_t len, cap;
} out_buf;

static void put(out_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
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

static void put_object(out_buf *b, const emu_object *o)
{
    UINT8 has = (UINT8)(o->has_provider != 0);
    put(b, &o->key, 16);
    put(b, &o->id, 8);
    put(b, &o->layer, 16);
    put(b, &o->sublayer, 16);
    put(b, &o->provider, 16);
    put(b, &has, 1);
    put(b, &o->flags, 4);
    put(b, &o->weight, 2);
    put(b, &o->effective_weight, 8);
    put(b, &o->lifetime, 1);
    put(b, &o->suppressed, 1);
    put(b, &o->session, 16);
    put(b, &o->pid, 4);
    put(b, &o->pid_start, 8);
    put(b, &o->blob_len, 4);
    put(b, o->blob, o->blob_len);
    put(b, &o->sd_len, 4);
    if (o->sd_len)
        put(b, o->sd, o->sd_len);
}

static bool take_object(cursor *c, emu_object *o)
{
    UINT8 has = 0;
    take(c, &o->key, 16);
    take(c, &o->id, 8);
    take(c, &o->layer, 16);
    take(c, &o->sublayer, 16);
    take(c, &o->provider, 16);
    take(c, &has, 1);
    o->has_provider = has;
    take(c, &o->flags, 4);
    take(c, &o->weight, 2);
    take(c, &o->effective_weight, 8);
    take(c, &o->lifetime, 1);
    take(c, &o->suppressed, 1);
    take(c, &o->session, 16);
    take(c, &o->pid, 4);
    take(c, &o->pid_start, 8);
    take(c, &o->blob_len, 4);
    o->sd = NULL;
    o->sd_len = 0;
    if (!c->ok || (size_t)(c->end - c->p) < o->blob_len) {
        c->ok = false;
        o->blob = NULL;
        return false;
    }
    o->blob = malloc(o->blob_len ? o->blob_len : 1);
    take(c, o->blob, o->blob_len);
    take(c, &o->sd_len, 4);
    if (!c->ok || (size_t)(c->end - c->p) < o->sd_len) {
        c->ok = false;
        free(o->blob);
        o->blob = NULL;
        o->sd_len = 0;
        return false;
    }
    if (o->sd_len) {
        o->sd = malloc(o->sd_len);
        take(c, o->sd, o->sd_len);
    }
    return true;
}

static const char meta_magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 'M', 4};
static const char seg_magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 'S', 4};

/* ---- segments ---- */

static emu_segment *segment_of(emu_state *s, const GUID *provider, BOOL has_provider, bool create)
{
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (g->has_provider == has_provider && (!has_provider || IsEqualGUID(&g->provider, provider)))
            return g;
    }
    if (!create)
        return NULL;
    if (s->segment_count == s->segment_cap) {
        s->segment_cap = s->segment_cap ? s->segment_cap * 2 : 8;
        s->segments = realloc(s->segments, s->segment_cap * sizeof *s->segments);
    }
    emu_segment *g = &s->segments[s->segment_count++];
    memset(g, 0, sizeof *g);
    if (has_provider)
        g->provider = *provider;
    g->has_provider = has_provider;
    g->loaded = true; /* a new segment is empty, not unread */
    g->dirty = true;
    return g;
}

static bool segment_load(emu_segment *g)
{
    if (g->loaded)
        return true;
    wchar_t path[MAX_PATH * 2 + 64];
    segment_file(path, sizeof path / sizeof path[0], g, L"seg");
    size_t len = 0;
    DWORD e;
    BYTE *data = read_whole(path, &len, &e);
    if (!data)
        return false;
    cursor c = {data, data + len, true};
    char m[8];
    UINT64 count = 0;
    take(&c, m, 8);
    take(&c, &count, 8);
    if (memcmp(m, seg_magic, 8) != 0 || count != g->count)
        c.ok = false;
    for (UINT64 i = 0; i < count && c.ok; i++) {
        emu_object o;
        if (take_object(&c, &o))
            table_add(&g->table, &o, true);
    }
    free(data);
    g->loaded = c.ok;
    return c.ok;
}

/* Sorted (key, id) pairs, 24 bytes each: lookups without loading. */
static bool segment_index_load(emu_segment *g)
{
    if (g->index_loaded)
        return true;
    wchar_t path[MAX_PATH * 2 + 64];
    segment_file(path, sizeof path / sizeof path[0], g, L"idx");
    size_t len = 0;
    DWORD e;
    g->index = read_whole(path, &len, &e);
    if (!g->index || len != g->count * 24)
        return false;
    g->index_count = g->count;
    g->index_loaded = true;
    return true;
}

/* A Bloom filter of a large segment's keys (blm-<provider>.bin): adding a
 * filter must check its key against every provider's, and BFE does that in
 * memory. Reading a 2.4 MB index for 100,000 foreign filters per process
 * would make the emulator, not the client, slower with them; 256 KB of
 * bits answer "not there" for almost every key (about 0.1% false maybes
 * at 100,000 keys, which then read the index). */
#define BLOOM_MIN_KEYS 1024
#define BLOOM_BITS (1u << 21)
#define BLOOM_HASHES 4

static UINT32 bloom_bit(const GUID *key, unsigned i)
{
    UINT64 h = emu_guid_hash(key);
    h ^= h >> 33; /* splitmix-style finish: keys of one provider are often alike */
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    UINT32 h1 = (UINT32)h, h2 = (UINT32)(h >> 32) | 1u;
    return (h1 + i * h2) & (BLOOM_BITS - 1);
}

static void bloom_add(BYTE *bits, const GUID *key)
{
    for (unsigned i = 0; i < BLOOM_HASHES; i++) {
        UINT32 b = bloom_bit(key, i);
        bits[b / 8] |= (BYTE)(1u << (b % 8));
    }
}

/* True only if the segment certainly does not hold the key. */
static bool bloom_excludes(emu_segment *g, const GUID *key)
{
    if (!g->bloom_loaded) {
        wchar_t path[MAX_PATH * 2 + 64];
        segment_file(path, sizeof path / sizeof path[0], g, L"blm");
        size_t len = 0;
        DWORD e;
        g->bloom = g->count >= BLOOM_MIN_KEYS ? read_whole(path, &len, &e) : NULL;
        if (g->bloom && len != BLOOM_BITS / 8) {
            free(g->bloom);
            g->bloom = NULL;
        }
        g->bloom_loaded = true;
    }
    if (!g->bloom)
        return false;
    for (unsigned i = 0; i < BLOOM_HASHES; i++) {
        UINT32 b = bloom_bit(key, i);
        if (!(g->bloom[b / 8] & (1u << (b % 8))))
            return true;
    }
    return false;
}

static bool index_has_key(const emu_segment *g, const GUID *key)
{
    UINT64 lo = 0, hi = g->index_count;
    while (lo < hi) {
        UINT64 mid = (lo + hi) / 2;
        int cmp = memcmp(g->index + mid * 24, key, 16);
        if (cmp == 0)
            return true;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool index_has_id(const emu_segment *g, UINT64 id)
{
    for (UINT64 i = 0; i < g->index_count; i++) {
        UINT64 v;
        memcpy(&v, g->index + i * 24 + 16, 8);
        if (v == id)
            return true;
    }
    return false;
}

static emu_object *find_in_table(emu_table *t, const GUID *key, UINT64 id, bool by_id)
{
    ensure_index(t, true);
    size_t pos = by_id ? index_find(&t->by_id, t, id_hash(id), NULL, id, true)
                       : index_find(&t->by_key, t, emu_guid_hash(key), key, 0, false);
    return pos == (size_t)-1 ? NULL : &t->items[pos];
}

static emu_object *find_filter(emu_state *s, const GUID *key, UINT64 id, bool by_id)
{
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (!g->count)
            continue;
        if (!g->loaded) {
            /* Ask the Bloom filter, then the index; load the segment only
             * on a hit. */
            if (!by_id && bloom_excludes(g, key))
                continue;
            if (!segment_index_load(g) || !(by_id ? index_has_id(g, id) : index_has_key(g, key)))
                continue;
            if (!segment_load(g))
                continue;
        }
        emu_object *o = find_in_table(&g->table, key, id, by_id);
        if (o)
            return o;
    }
    return NULL;
}

emu_object *emu_find_key(emu_state *s, enum emu_kind kind, const GUID *key)
{
    if (kind == EMU_FILTER)
        return find_filter(s, key, 0, false);
    emu_table *t = &s->tables[kind];
    ensure_index(t, false);
    size_t pos = index_find(&t->by_key, t, emu_guid_hash(key), key, 0, false);
    return pos == (size_t)-1 ? NULL : &t->items[pos];
}

emu_object *emu_find_filter_id(emu_state *s, UINT64 id)
{
    return find_filter(s, NULL, id, true);
}

void emu_table_add(emu_state *s, enum emu_kind kind, const emu_object *o)
{
    if (kind != EMU_FILTER) {
        table_add(&s->tables[kind], o, false);
        return;
    }
    emu_segment *g = segment_of(s, &o->provider, o->has_provider, true);
    segment_load(g);
    table_add(&g->table, o, true);
    g->count++;
    g->dynamic += o->lifetime == EMU_DYNAMIC;
    g->dirty = true;
}

void emu_remove(emu_state *s, enum emu_kind kind, emu_object *o)
{
    if (kind != EMU_FILTER) {
        table_remove(&s->tables[kind], (size_t)(o - s->tables[kind].items));
        return;
    }
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (g->loaded && o >= g->table.items && o < g->table.items + g->table.count) {
            g->dynamic -= o->lifetime == EMU_DYNAMIC;
            table_remove(&g->table, (size_t)(o - g->table.items));
            g->count--;
            g->dirty = true;
            return;
        }
    }
}

void emu_for_each_filter(emu_state *s, const GUID *only_provider, bool no_provider, emu_filter_fn fn, void *ctx)
{
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (only_provider && !(g->has_provider && IsEqualGUID(&g->provider, only_provider)))
            continue;
        if (no_provider && g->has_provider)
            continue;
        if (!g->count || !segment_load(g))
            continue;
        for (size_t k = 0; k < g->table.count; k++)
            fn(&g->table.items[k], ctx);
    }
}

UINT64 emu_filter_count(const emu_state *s)
{
    UINT64 n = 0;
    for (size_t i = 0; i < s->segment_count; i++)
        n += s->segments[i].count;
    return n;
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
    for (int k = 0; k < 2; k++)
        table_free(&s->tables[k]);
    for (size_t i = 0; i < s->segment_count; i++) {
        table_free(&s->segments[i].table);
        free(s->segments[i].index);
        free(s->segments[i].bloom);
    }
    free(s->segments);
    free(s->journal);
    memset(s, 0, sizeof *s);
}

/* ---- meta ---- */

static HANDLE state_mutex(void)
{
    static HANDLE mutex;
    if (!mutex) {
        /* One mutex per state folder, named after a hash of its path. */
        const wchar_t *p = emu_state_dir();
        UINT64 h = 1469598103934665603ull;
        for (; *p; p++)
            h = (h ^ (UINT64)towlower(*p)) * 1099511628211ull;
        wchar_t name[64];
        /* Global: a service (session 0) and a user process share BFE. */
        swprintf(name, 64, L"Global\\fwpemu-state-%016llx", (unsigned long long)h);
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

UINT64 emu_state_generation(void)
{
    wchar_t path[MAX_PATH * 2 + 16];
    state_file(path, sizeof path / sizeof path[0], L"meta.bin");
    BYTE header[16];
    DWORD got = 0;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    ReadFile(h, header, sizeof header, &got, NULL);
    CloseHandle(h);
    UINT64 g = 0;
    if (got == sizeof header)
        memcpy(&g, header + 8, 8);
    return g;
}

DWORD emu_state_load(emu_state *s)
{
    emu_state_init(s);
    wchar_t path[MAX_PATH * 2 + 16];
    state_file(path, sizeof path / sizeof path[0], L"meta.bin");
    size_t len = 0;
    DWORD e = ERROR_SUCCESS;
    BYTE *data = read_whole(path, &len, &e);
    if (!data) {
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) {
            /* A machine that never ran the emulator: a fresh Windows. */
            emu_state_reset(s, EMU_DEFAULT_MPSSVC_WEIGHT);
            return ERROR_SUCCESS;
        }
        return e;
    }
    cursor c = {data, data + len, true};
    char m[8];
    take(&c, m, 8);
    if (memcmp(m, meta_magic, 8) != 0)
        c.ok = false;
    take(&c, &s->generation, 8);
    take(&c, &s->next_filter_id, 8);
    take(&c, &s->change_seq, 8);
    for (int k = 0; k < 2 && c.ok; k++) {
        UINT64 count = 0;
        take(&c, &count, 8);
        for (UINT64 i = 0; i < count && c.ok; i++) {
            emu_object o;
            if (take_object(&c, &o))
                table_add(&s->tables[k], &o, false);
        }
    }
    UINT64 segments = 0;
    take(&c, &segments, 8);
    for (UINT64 i = 0; i < segments && c.ok; i++) {
        GUID provider;
        UINT8 has = 0;
        UINT64 count = 0, dynamic = 0;
        take(&c, &provider, 16);
        take(&c, &has, 1);
        take(&c, &count, 8);
        take(&c, &dynamic, 8);
        emu_segment *g = segment_of(s, &provider, has, true);
        g->count = count;
        g->dynamic = dynamic;
        g->loaded = count == 0; /* filters are read when needed */
        g->dirty = false;
    }
    UINT64 jn = 0;
    take(&c, &jn, 8);
    if (c.ok && jn <= EMU_JOURNAL_MAX) {
        s->journal = calloc(jn ? jn : 1, sizeof *s->journal);
        s->journal_cap = jn ? jn : 1;
        for (UINT64 i = 0; i < jn && c.ok; i++) {
            emu_change *j = &s->journal[i];
            UINT8 has = 0;
            take(&c, &j->seq, 8);
            take(&c, &j->type, 4);
            take(&c, &j->filter_key, 16);
            take(&c, &j->filter_id, 8);
            take(&c, &j->layer, 16);
            take(&c, &j->provider, 16);
            take(&c, &has, 1);
            j->has_provider = has;
            take(&c, &j->session, 16);
            s->journal_count++;
        }
    }
    free(data);
    if (!c.ok) {
        emu_state_free(s);
        emu_state_init(s);
        return ERROR_FILE_CORRUPT;
    }
    /* A dead process's dynamic objects are gone for every reader at once,
     * not only once some process writes. */
    s->purged_on_load = emu_purge_dead_sessions(s);
    return ERROR_SUCCESS;
}

static int compare_index_entries(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static DWORD save_segment(emu_segment *g)
{
    out_buf b = {0}, ix = {0};
    UINT64 count = g->table.count;
    put(&b, seg_magic, 8);
    put(&b, &count, 8);
    for (size_t i = 0; i < g->table.count; i++) {
        put_object(&b, &g->table.items[i]);
        put(&ix, &g->table.items[i].key, 16);
        put(&ix, &g->table.items[i].id, 8);
    }
    if (ix.len)
        qsort(ix.data, count, 24, compare_index_entries);
    wchar_t path[MAX_PATH * 2 + 64];
    segment_file(path, sizeof path / sizeof path[0], g, L"seg");
    DWORD e = write_atomic(path, b.data, b.len);
    segment_file(path, sizeof path / sizeof path[0], g, L"idx");
    if (!e)
        e = write_atomic(path, ix.data ? ix.data : (const BYTE *)"", ix.len);
    /* The Bloom filter always matches the index: written with it, or
     * deleted so that a stale one can never hide a key. */
    segment_file(path, sizeof path / sizeof path[0], g, L"blm");
    if (!e && count >= BLOOM_MIN_KEYS) {
        BYTE *bits = calloc(BLOOM_BITS / 8, 1);
        if (!bits) {
            e = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            for (size_t i = 0; i < g->table.count; i++)
                bloom_add(bits, &g->table.items[i].key);
            e = write_atomic(path, bits, BLOOM_BITS / 8);
            free(bits);
        }
    } else if (!e && !DeleteFileW(path) && GetLastError() != ERROR_FILE_NOT_FOUND) {
        e = GetLastError();
    }
    free(b.data);
    free(ix.data);
    if (!e) {
        g->dirty = false;
        free(g->index);
        g->index = NULL;
        g->index_loaded = false;
        free(g->bloom);
        g->bloom = NULL;
        g->bloom_loaded = false;
    }
    return e;
}

DWORD emu_state_save(emu_state *s)
{
    /* Segments first, meta last: meta names the segments and their counts. */
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (g->dirty) {
            DWORD e = save_segment(g);
            if (e)
                return e;
        }
    }
    out_buf b = {0};
    s->generation++;
    put(&b, meta_magic, 8);
    put(&b, &s->generation, 8);
    put(&b, &s->next_filter_id, 8);
    put(&b, &s->change_seq, 8);
    for (int k = 0; k < 2; k++) {
        UINT64 count = s->tables[k].count;
        put(&b, &count, 8);
        for (size_t i = 0; i < count; i++)
            put_object(&b, &s->tables[k].items[i]);
    }
    UINT64 segments = s->segment_count;
    put(&b, &segments, 8);
    for (size_t i = 0; i < s->segment_count; i++) {
        const emu_segment *g = &s->segments[i];
        UINT8 has = (UINT8)(g->has_provider != 0);
        put(&b, &g->provider, 16);
        put(&b, &has, 1);
        put(&b, &g->count, 8);
        put(&b, &g->dynamic, 8);
    }
    UINT64 jn = s->journal_count;
    put(&b, &jn, 8);
    for (size_t i = 0; i < s->journal_count; i++) {
        const emu_change *j = &s->journal[i];
        UINT8 has = (UINT8)(j->has_provider != 0);
        put(&b, &j->seq, 8);
        put(&b, &j->type, 4);
        put(&b, &j->filter_key, 16);
        put(&b, &j->filter_id, 8);
        put(&b, &j->layer, 16);
        put(&b, &j->provider, 16);
        put(&b, &has, 1);
        put(&b, &j->session, 16);
    }
    wchar_t path[MAX_PATH * 2 + 16];
    state_file(path, sizeof path / sizeof path[0], L"meta.bin");
    DWORD e = write_atomic(path, b.data, b.len);
    free(b.data);
    /* A new generation is committed: BFE pushes change notifications, so
     * every subscriber is woken now, none polls (emu_clients.c). */
    if (!e)
        emu_clients_signal(EMU_CLIENT_FILTER_SUB);
    return e;
}

DWORD emu_txn_lock_acquire(HANDLE *lock, DWORD timeout_ms)
{
    wchar_t path[MAX_PATH * 2 + 16];
    state_file(path, sizeof path / sizeof path[0], L"txnlock");
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

UINT64 emu_process_start(DWORD pid)
{
    UINT64 start = 0;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h)
        h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid);
    if (h) {
        FILETIME created, exited, kernel, user;
        if (GetProcessTimes(h, &created, &exited, &kernel, &user))
            start = (UINT64)created.dwHighDateTime << 32 | created.dwLowDateTime;
        CloseHandle(h);
    }
    return start;
}

/* BFE's RPC rundown ends a session when its client process dies. A process
 * id is reused, so the id must also have started when the session's did. */
bool emu_process_alive(DWORD pid, UINT64 start)
{
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h)
        return false;
    bool alive = WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
    if (alive && start) {
        FILETIME created, exited, kernel, user;
        alive = GetProcessTimes(h, &created, &exited, &kernel, &user) &&
                ((UINT64)created.dwHighDateTime << 32 | created.dwLowDateTime) == start;
    }
    CloseHandle(h);
    return alive;
}

/* Removes objects matching pred, filters before sublayers before providers
 * (the order references require), recording filter deletions. With
 * dynamic_only, only segments holding dynamic filters are read. */
static size_t purge(emu_state *s, bool (*pred)(const emu_object *, const void *), const void *ctx,
                    bool dynamic_only)
{
    static const GUID nobody;
    size_t removed = 0;
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (!g->count || (dynamic_only && !g->dynamic) || !segment_load(g))
            continue;
        for (size_t k = g->table.count; k-- > 0;) {
            emu_object *o = &g->table.items[k];
            if (!pred(o, ctx))
                continue;
            emu_journal_add(s, FWPM_CHANGE_DELETE, o, &nobody);
            emu_remove(s, EMU_FILTER, o);
            removed++;
        }
    }
    for (int k = EMU_SUBLAYER; k >= EMU_PROVIDER; k--) {
        emu_table *t = &s->tables[k];
        for (size_t i = t->count; i-- > 0;) {
            if (pred(&t->items[i], ctx)) {
                table_remove(t, i);
                removed++;
            }
        }
    }
    return removed;
}

static bool is_dead_dynamic(const emu_object *o, const void *ctx)
{
    (void)ctx;
    return o->lifetime == EMU_DYNAMIC && !emu_process_alive(o->pid, o->pid_start);
}

bool emu_purge_dead_sessions(emu_state *s)
{
    bool any = false;
    for (int k = 0; k < 2 && !any; k++)
        for (size_t i = 0; i < s->tables[k].count && !any; i++)
            any = s->tables[k].items[i].lifetime == EMU_DYNAMIC;
    for (size_t i = 0; i < s->segment_count && !any; i++)
        any = s->segments[i].dynamic > 0;
    return any && purge(s, is_dead_dynamic, NULL, true) > 0;
}

static bool is_of_session(const emu_object *o, const void *ctx)
{
    return o->lifetime == EMU_DYNAMIC && IsEqualGUID(&o->session, (const GUID *)ctx);
}

size_t emu_purge_session(emu_state *s, const GUID *session)
{
    return purge(s, is_of_session, session, true);
}

/* What BFE drops when it stops: dynamic and static objects. Boot-time
 * filters stay: the kernel enforces them while BFE is not running. */
static bool gone_at_stop(const emu_object *o, const void *ctx)
{
    (void)ctx;
    return o->lifetime < EMU_PERSISTENT && !(o->flags & FWPM_FILTER_FLAG_BOOTTIME);
}

static bool is_boottime(const emu_object *o, const void *ctx)
{
    (void)ctx;
    return (o->flags & FWPM_FILTER_FLAG_BOOTTIME) != 0;
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

void emu_state_bfe_stop(emu_state *s)
{
    purge(s, gone_at_stop, NULL, false);
    s->journal_count = 0; /* notifications do not survive BFE */
}

void emu_state_bfe_start(emu_state *s)
{
    /* Boot-time objects "are removed once the BFE finishes initialization"
     * (FwpmProviderAdd0, Remarks). */
    purge(s, is_boottime, NULL, false);
    /* Built-in objects are BFE's own (the modelled Windows Firewall among
     * them: mpssvc is auto-start on every Windows), never held back. */
    emu_table *providers = &s->tables[EMU_PROVIDER];
    for (size_t i = 0; i < providers->count; i++) {
        emu_object *p = &providers->items[i];
        if (p->lifetime == EMU_BUILTIN) {
            p->suppressed = 0;
            continue;
        }
        FWPM_PROVIDER0 *decoded = emu_decode(EMU_PROVIDER, p);
        p->suppressed = decoded && decoded->serviceName && decoded->serviceName[0] &&
                        !service_auto_start(decoded->serviceName);
        free(decoded);
    }
    /* A persistent object BFE did not add stays in the store, reported as
     * disabled (FWPM_FILTER_FLAG_DISABLED / FWPM_PROVIDER_FLAG_DISABLED)
     * and not enforced. */
    for (size_t i = 0; i < s->segment_count; i++) {
        emu_segment *g = &s->segments[i];
        if (!g->count || !segment_load(g))
            continue;
        emu_object *owner = g->has_provider ? emu_find_key(s, EMU_PROVIDER, &g->provider) : NULL;
        for (size_t k = 0; k < g->table.count; k++)
            g->table.items[k].suppressed = owner && owner->suppressed;
        g->dirty = true;
    }
    s->journal_count = 0;
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
