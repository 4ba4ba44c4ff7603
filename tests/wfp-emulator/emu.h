/* The WFP emulator: a model of the Base Filtering Engine (BFE) behind the
 * fwpuclnt.dll API, for tests under Wine. docs/wfp-emulator.md lists every
 * modelled behaviour with the Microsoft page it comes from, and the gaps.
 *
 * State lives in a folder shared by every process (FWPEMU_STATE, or
 * %TEMP%\fwpemu): meta.bin, and one file per provider's filters. Writers
 * hold WFP's transaction lock (a lock file); reads of committed state hold
 * a named mutex, under which writers also replace files. */
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
    DWORD pid;           /* ... and its process, */
    UINT64 pid_start;    /* ... told apart from a later one with the same id by its start time */
    BYTE *blob;
    UINT32 blob_len;
    BYTE *sd;            /* filters: the self-relative security descriptor (NULL: the default) */
    UINT32 sd_len;
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

/* Filters are stored per provider: a segment is one provider's filters
 * (or those of no provider), in a file of its own, loaded only when an
 * operation needs it, as BFE indexes filters by provider. */
typedef struct {
    GUID provider;
    BOOL has_provider;
    UINT64 count;   /* filters, known without loading the segment */
    UINT64 dynamic; /* of which dynamic: what a purge must look at */
    bool loaded, dirty;
    emu_table table;
    BYTE *index;    /* sorted (key, id) pairs from the index file, for lookups */
    UINT64 index_count;
    bool index_loaded;
    BYTE *bloom;    /* large segments: which keys it cannot hold (NULL: none) */
    bool bloom_loaded;
} emu_segment;

typedef struct {
    UINT64 generation;
    UINT64 next_filter_id;
    UINT64 change_seq;
    emu_table tables[2]; /* providers, sublayers: always loaded (few) */
    emu_segment *segments;
    size_t segment_count, segment_cap;
    emu_change *journal;
    size_t journal_count, journal_cap;
    bool purged_on_load; /* loading removed a dead process's dynamic objects */
} emu_state;

#define EMU_JOURNAL_MAX 1024 /* a subscriber further behind (its callbacks slow) is told of a drop */

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
emu_object *emu_find_key(emu_state *s, enum emu_kind kind, const GUID *key);
emu_object *emu_find_filter_id(emu_state *s, UINT64 id);
/* Adds (taking ownership of o->blob); removes an object found above. */
void emu_table_add(emu_state *s, enum emu_kind kind, const emu_object *o);
void emu_remove(emu_state *s, enum emu_kind kind, emu_object *o);
emu_table *emu_kind_table(emu_state *s, enum emu_kind kind); /* providers, sublayers */
/* Calls fn for each filter (of one provider's segment if only_provider is
 * given, or of the no-provider segment if no_provider); loads segments as
 * needed. fn must not add or remove filters. */
typedef void (*emu_filter_fn)(emu_object *f, void *ctx);
void emu_for_each_filter(emu_state *s, const GUID *only_provider, bool no_provider, emu_filter_fn fn, void *ctx);
UINT64 emu_filter_count(const emu_state *s);
void emu_journal_add(emu_state *s, UINT32 type, const emu_object *filter, const GUID *session);

/* A setting from the environment variable, else from HKLM\SOFTWARE\fwpemu's
 * value of that name (a service inherits no environment); false if neither
 * has one that fits. */
bool emu_machine_setting(const wchar_t *variable, const wchar_t *value, wchar_t *out, DWORD chars);
const wchar_t *emu_state_dir(void);
DWORD emu_state_lock(void);   /* the state mutex (short sections) */
void emu_state_unlock(void);
/* Loads the committed state's meta data; segments load lazily. Callers hold
 * the state mutex, or the transaction lock, while they use the state. */
DWORD emu_state_load(emu_state *s);
/* Writes what changed (each file atomically, meta last); bumps the
 * generation. Callers hold the transaction lock and the state mutex. */
DWORD emu_state_save(emu_state *s);
/* The generation of the committed state, read from meta.bin's header. */
UINT64 emu_state_generation(void);
/* The transaction lock: waits up to timeout_ms; FWP_E_TIMEOUT otherwise. */
DWORD emu_txn_lock_acquire(HANDLE *lock, DWORD timeout_ms);
void emu_txn_lock_release(HANDLE *lock);
/* Removes dynamic objects whose owning process is gone (RPC rundown).
 * emu_state_load calls it, so every reader sees them gone at once. */
bool emu_purge_dead_sessions(emu_state *s);
/* A process is known by its id and its start time (ids are reused). */
UINT64 emu_process_start(DWORD pid);
bool emu_process_alive(DWORD pid, UINT64 start);
/* Removes the dynamic objects of a session; returns how many. */
size_t emu_purge_session(emu_state *s, const GUID *session);
/* BFE stopping: dynamic and static objects are gone (boot-time filters
 * stay, for the kernel to enforce until BFE is back). */
void emu_state_bfe_stop(emu_state *s);
/* BFE starting: boot-time filters are removed, and persistent objects are
 * added only where Object Management's rule says so; the others stay in
 * the store, disabled. */
void emu_state_bfe_start(emu_state *s);
/* A fresh engine modelling Windows Defender Firewall (see the docs). */
void emu_state_reset(emu_state *s, UINT16 mpssvc_weight);
#define EMU_DEFAULT_MPSSVC_WEIGHT 0x8000

/* emu_bfe.c: whether BFE runs, and its epoch (bumped at every stop): a
 * session or subscription of an earlier epoch is dead. bfe.bin in the
 * state folder; absent means running, epoch 0. */
typedef struct {
    bool running;
    UINT64 epoch;
} emu_bfe;
emu_bfe emu_bfe_get(void);
DWORD emu_bfe_set(const emu_bfe *b);

/* emu_clients.c: the open sessions and subscriptions of every process
 * (clients.bin), for duplicate session keys, FwpmSessionEnum0 and
 * FwpmFilterSubscriptionsGet0. Entries of dead processes or of an earlier
 * BFE epoch are dropped as they are read. */
enum emu_client_kind { EMU_CLIENT_SESSION = 0, EMU_CLIENT_FILTER_SUB = 1, EMU_CLIENT_NET_EVENT_SUB = 2 };
typedef struct {
    UINT32 kind;
    GUID key;            /* the session's key, or the subscription's own */
    GUID session;        /* subscriptions: the session they belong to */
    DWORD pid;
    UINT64 pid_start;
    UINT64 epoch;
    UINT32 flags;        /* session flags, or subscription flags */
    UINT32 wait_ms;      /* sessions: txnWaitTimeoutInMSec */
    BOOL has_template;   /* subscriptions: the enum template's layer and provider */
    GUID layer;
    BOOL has_provider;
    GUID provider;
    wchar_t name[64];    /* sessions: display name */
} emu_client;
/* Registers c; a session whose key is already open is FWP_E_ALREADY_EXISTS. */
DWORD emu_clients_add(const emu_client *c);
void emu_clients_remove(const GUID *key);
/* The live entries of one kind (caller frees *out). */
DWORD emu_clients_list(UINT32 kind, emu_client **out, size_t *count);
/* The named event a subscription waits on (auto-reset), from its key. */
void emu_subscription_event_name(const GUID *subscription, wchar_t out[64]);
/* Sets the event of every live subscription of that kind (filter changes:
 * after a commit; net events: after drops are recorded), with the state
 * mutex held. */
void emu_clients_signal(UINT32 kind);

/* emu_netevents.c: the net event log (classify drops), netevents.bin. */
#define EMU_NET_EVENTS_MAX 150 /* "roughly 100-150 events" ("Logging", Microsoft Learn) */
typedef struct {
    UINT64 seq;         /* set by the log: 1, 2, ... never reused */
    UINT64 time;        /* FILETIME, UTC */
    UINT8 v6, protocol, inbound, reserved;
    UINT16 local_port, remote_port;
    BYTE local_addr[16], remote_addr[16]; /* v4: the first 4 bytes, network order */
    UINT64 filter_id;   /* the filter that dropped it */
    UINT16 layer_id;
    UINT16 app_id_len;  /* bytes of app_id, its NUL included; 0: none */
    BYTE app_id[MAX_PATH * 2 + 64];
} emu_net_event;
/* Appends n drops (each gets its seq) if collection is on; *collected says
 * how many were kept. Subscribers are signalled once. */
DWORD emu_netevents_record(const emu_net_event *events, size_t n, size_t *collected);
/* The events still in the ring after after_seq, oldest first (caller frees
 * *out); *last_seq is the newest sequence number written so far. */
DWORD emu_netevents_read(UINT64 after_seq, emu_net_event **out, size_t *count, UINT64 *last_seq);
DWORD emu_netevents_collect_get(UINT32 *collect);
DWORD emu_netevents_collect_set(UINT32 collect);
/* BFE stops: the buffer is gone (the option stays). */
DWORD emu_netevents_clear(void);
void emu_netevents_event_name(const GUID *subscription, wchar_t out[64]);

/* emu_rules.c: the layer/condition legality table and validation */
bool emu_layer_known(const GUID *layer);
bool emu_layer_is_v6(const GUID *layer);
const char *emu_layer_name(const GUID *layer);
const char *emu_field_name(const GUID *field);
HRESULT emu_validate_filter(const FWPM_FILTER0 *f);
HRESULT emu_validate_sublayer(const FWPM_SUBLAYER0 *s);
HRESULT emu_validate_provider(const FWPM_PROVIDER0 *p);
HRESULT emu_validate_enum_template(const FWPM_FILTER_ENUM_TEMPLATE0 *t);
/* A security descriptor passed in a condition or as an object's sd:
 * valid, and (for conditions, which carry it as bytes) self-relative. */
HRESULT emu_validate_condition_sd(const FWP_BYTE_BLOB *sd);
/* Effective weight per Filter Weight Assignment. */
UINT64 emu_effective_weight(const FWPM_FILTER0 *f, UINT64 id);

/* emu_ops.c: operations on a state (no I/O, no locks). */
typedef struct {
    GUID session;
    DWORD pid;
    UINT64 pid_start;
    bool dynamic;
} emu_caller;
DWORD emu_op_provider_add(emu_state *s, const emu_caller *c, const FWPM_PROVIDER0 *p);
DWORD emu_op_provider_delete(emu_state *s, const emu_caller *c, const GUID *key);
DWORD emu_op_sublayer_add(emu_state *s, const emu_caller *c, const FWPM_SUBLAYER0 *sl);
DWORD emu_op_sublayer_delete(emu_state *s, const emu_caller *c, const GUID *key);
/* sd: a self-relative security descriptor for the filter, or NULL. */
DWORD emu_op_filter_add(emu_state *s, const emu_caller *c, const FWPM_FILTER0 *f, const BYTE *sd,
                        UINT32 sd_len, UINT64 *id);
DWORD emu_op_filter_delete(emu_state *s, const emu_caller *c, emu_object *filter);
bool emu_filter_matches_template(const emu_object *f, const FWPM_FILTER_ENUM_TEMPLATE0 *t);
bool emu_visible(const emu_object *o);

/* emu_classify.c: arbitration over the stored filters */
typedef struct {
    bool inbound;       /* recv-accept (true) or connect (false) */
    bool v6;
    UINT8 protocol;
    UINT16 local_port, remote_port;
    bool has_local_port, has_remote_port; /* a port the flow does not give never matches */
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
/* FWP_FILTER_ENUM_OVERLAPPING: whether the filter's conditions overlap a
 * template of single values (EQUAL conditions, validated by
 * emu_validate_enum_template), with classify's own condition code. */
bool emu_filter_overlaps(const FWPM_FILTER0 *f, const FWPM_FILTER_CONDITION0 *t, UINT32 n, bool v6);

/* emu_api.c: whether ntdll is Wine's (it exports wine_get_version): the
 * emulator runs nowhere else. */
bool emu_running_under_wine(void);
/* emu_api.c: once per process, before any API call (DllMain, or a tool's main). */
void emu_api_init(void);
/* Appends a line to the call log (FWPEMU_CALLLOG). */
void emu_call_log(const char *function, DWORD result);

/* emu_appid.c */
DWORD emu_app_id_from_path(const wchar_t *path, FWP_BYTE_BLOB **blob);

/* emu_guid.c */
void emu_guid_format(const GUID *g, char out[39]);
bool emu_guid_parse(const char *text, GUID *g);
bool emu_guid_is_null(const GUID *g);
UINT64 emu_guid_hash(const GUID *g);

#endif
