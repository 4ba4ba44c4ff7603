/* The WFP emulator: a model of the Base Filtering Engine (BFE) behind the
 * fwpuclnt.dll API, for tests under Wine. docs/wfp-emulator.md lists every
 * modelled behaviour with the Microsoft page it comes from, and the gaps.
 *
 * State lives in a file shared by every process (path: FWPEMU_STATE, or
 * %TEMP%\fwpemu\state.bin), guarded by a named mutex for reads and writes
 * and by a lock file for WFP's transaction lock. */
#ifndef EMU_H
#define EMU_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>
#include <stdbool.h>
#include <stddef.h>

#include "wfp_defs.h"

enum emu_lifetime { EMU_DYNAMIC = 0, EMU_STATIC = 1, EMU_PERSISTENT = 2, EMU_BUILTIN = 3 };
enum emu_kind { EMU_PROVIDER = 0, EMU_SUBLAYER = 1, EMU_FILTER = 2 };

/* One stored object: its key, what arbitration and lookups need, and the
 * whole FWPM_* structure encoded as a blob (decoded only when returned). */
typedef struct {
    GUID key;
    UINT64 id;           /* filters: the engine-assigned id */
    GUID layer;          /* filters */
    GUID sublayer;       /* filters */
    GUID provider;
    BOOL has_provider;
    UINT32 flags;
    UINT16 weight;       /* sublayers */
    UINT64 effective_weight; /* filters */
    UINT8 lifetime;
    UINT8 suppressed;    /* persistent, but not loaded at the last simulated boot */
    GUID session;        /* dynamic objects: the owning session */
    DWORD pid;           /* ... and its process */
    BYTE *blob;
    UINT32 blob_len;
} emu_object;

typedef struct {
    UINT64 seq;
    UINT32 type; /* FWPM_CHANGE_ADD / FWPM_CHANGE_DELETE */
    GUID filter_key;
    UINT64 filter_id;
    GUID layer;
    GUID provider;
    BOOL has_provider;
    GUID session; /* the session that made the change */
} emu_change;

/* An open-addressing index from a 64-bit hash to object positions. */
typedef struct {
    size_t *slots; /* position + 1; 0 = empty */
    size_t cap;
} emu_index;

typedef struct {
    emu_object *items;
    size_t count, cap;
    emu_index by_key, by_id;
} emu_table;

typedef struct {
    UINT64 generation;
    UINT64 next_filter_id;
    UINT64 change_seq;
    emu_table tables[3]; /* by enum emu_kind */
    emu_change *journal;
    size_t journal_count, journal_cap;
} emu_state;

#define EMU_JOURNAL_MAX 4096

/* emu_codec.c: FWPM structures <-> blobs */
bool emu_encode_provider(const FWPM_PROVIDER0 *p, BYTE **blob, UINT32 *len);
bool emu_encode_sublayer(const FWPM_SUBLAYER0 *s, BYTE **blob, UINT32 *len);
bool emu_encode_filter(const FWPM_FILTER0 *f, BYTE **blob, UINT32 *len);
/* Decodes into one allocation starting at *out (freed with a single free). */
void *emu_decode(enum emu_kind kind, const emu_object *o);
/* Size bound of a decoded object, and decoding into caller memory. */
size_t emu_decoded_bound(const emu_object *o);
void *emu_decode_into(enum emu_kind kind, const emu_object *o, BYTE *mem, size_t cap);

/* emu_state.c: the state, its file, its locks */
void emu_state_init(emu_state *s);
void emu_state_free(emu_state *s);
bool emu_state_copy(emu_state *dst, const emu_state *src);
emu_object *emu_find_key(emu_state *s, enum emu_kind kind, const GUID *key);
emu_object *emu_find_filter_id(emu_state *s, UINT64 id);
/* Adds (taking ownership of o->blob) / removes by position. */
void emu_table_add(emu_state *s, enum emu_kind kind, const emu_object *o);
void emu_table_remove(emu_state *s, enum emu_kind kind, size_t position);
void emu_journal_add(emu_state *s, UINT32 type, const emu_object *filter, const GUID *session);

const wchar_t *emu_state_path(void);
DWORD emu_state_lock(void);   /* the state mutex (short sections) */
void emu_state_unlock(void);
/* Loads the committed state (under the state mutex). */
DWORD emu_state_load(emu_state *s);
/* Writes a new state atomically; bumps the generation. */
DWORD emu_state_save(emu_state *s);
/* The transaction lock: waits up to timeout_ms; FWP_E_TIMEOUT otherwise. */
DWORD emu_txn_lock_acquire(HANDLE *lock, DWORD timeout_ms);
void emu_txn_lock_release(HANDLE *lock);
/* Removes dynamic objects whose owning process is gone (RPC rundown). */
bool emu_purge_dead_sessions(emu_state *s);
/* Removes the dynamic objects of a session; returns how many. */
size_t emu_purge_session(emu_state *s, const GUID *session);
/* Simulated reboot: drops dynamic and static objects, and suppresses
 * persistent objects BFE would not add at service start. */
void emu_state_reboot(emu_state *s);
/* A fresh engine modelling Windows Defender Firewall (see the docs). */
void emu_state_reset(emu_state *s, UINT16 mpssvc_weight);
#define EMU_DEFAULT_MPSSVC_WEIGHT 0x8000

/* emu_rules.c: the layer/condition legality table and validation */
bool emu_layer_known(const GUID *layer);
bool emu_layer_is_v6(const GUID *layer);
const char *emu_layer_name(const GUID *layer);
const char *emu_field_name(const GUID *field);
HRESULT emu_validate_filter(const FWPM_FILTER0 *f);
HRESULT emu_validate_sublayer(const FWPM_SUBLAYER0 *s);
HRESULT emu_validate_provider(const FWPM_PROVIDER0 *p);
HRESULT emu_validate_enum_template(const FWPM_FILTER_ENUM_TEMPLATE0 *t);
/* Effective weight per Filter Weight Assignment. */
UINT64 emu_effective_weight(const FWPM_FILTER0 *f, UINT64 id);

/* emu_ops.c: operations on a state (no I/O, no locks). */
typedef struct {
    GUID session;
    DWORD pid;
    bool dynamic;
} emu_caller;
DWORD emu_op_provider_add(emu_state *s, const emu_caller *c, const FWPM_PROVIDER0 *p);
DWORD emu_op_provider_delete(emu_state *s, const GUID *key);
DWORD emu_op_sublayer_add(emu_state *s, const emu_caller *c, const FWPM_SUBLAYER0 *sl);
DWORD emu_op_sublayer_delete(emu_state *s, const GUID *key);
DWORD emu_op_filter_add(emu_state *s, const emu_caller *c, const FWPM_FILTER0 *f, UINT64 *id);
DWORD emu_op_filter_delete(emu_state *s, const emu_caller *c, emu_object *filter);
bool emu_filter_matches_template(const emu_object *f, const FWPM_FILTER_ENUM_TEMPLATE0 *t);
bool emu_visible(const emu_object *o);

/* emu_classify.c: arbitration over the stored filters */
typedef struct {
    bool inbound;       /* recv-accept (true) or connect (false) */
    bool v6;
    UINT8 protocol;
    UINT16 local_port, remote_port;
    BYTE remote_addr[16]; /* v4 in the first 4 bytes, network order */
    const BYTE *app_id;   /* lowercase NT path, UTF-16 with NUL, or NULL */
    UINT32 app_id_len;
} emu_flow;
typedef struct {
    FWP_ACTION_TYPE action;  /* FWP_ACTION_PERMIT or FWP_ACTION_BLOCK */
    bool matched;            /* false: no filter matched; the layer's default */
    GUID filter_key;
    UINT64 filter_id;
    GUID sublayer;
    wchar_t filter_name[128];
} emu_verdict;
void emu_classify(emu_state *s, const emu_flow *flow, emu_verdict *v);

/* emu_api.c: once per process, before any API call (DllMain, or a tool's main). */
void emu_api_init(void);

/* emu_appid.c */
DWORD emu_app_id_from_path(const wchar_t *path, FWP_BYTE_BLOB **blob);

/* emu_guid.c */
void emu_guid_format(const GUID *g, char out[39]);
bool emu_guid_parse(const char *text, GUID *g);
bool emu_guid_is_null(const GUID *g);
UINT64 emu_guid_hash(const GUID *g);

#endif
