/* What `fwsvc why` reads from WFP: every provider's filters at the six ALE
 * auth layers (listen, recv-accept, connect; v4 and v6), or for one flow
 * only those that can match it, and every sublayer and provider (once), in
 * one read-only transaction, turned into the evaluator's portable form
 * (arbitrate.h). Windows only. */
#ifndef FW_WHY_READ_H
#define FW_WHY_READ_H

#include "arbitrate.h"

#include <winsock2.h>
#include <windows.h>

typedef struct {
    fw_eval_sublayer *sublayers;
    size_t sublayer_count;
    fw_eval_filter *filters;
    size_t filter_count;
    char **strings;            /* names, owned */
    size_t string_count, string_cap;
    void **blocks;             /* conditions and blobs, owned */
    size_t block_count, block_cap;
    size_t filters_read;       /* what WFP returned, all enumerations together */
} fw_why_snapshot;

/* On failure returns the WFP error and fills message (function, object,
 * error name); nothing is changed either way. */
DWORD fw_why_read(fw_why_snapshot *s, char *message, size_t size);
/* For one flow: at the layers it crosses, only the filters that can match
 * it (FWP_FILTER_ENUM_OVERLAPPING with its values), and fwsvc's own
 * filters at every layer. The same verdict, deciding filter, trace and
 * near misses as the full read, for far fewer filters on a busy host. */
DWORD fw_why_read_flow(fw_why_snapshot *s, const fw_flow *flow, char *message, size_t size);
/* fwsvc's own filters only (with every sublayer and provider): what the
 * near misses and drift need when the other filters are looked up by id
 * (a drop names the filter that dropped it: service/host/drop_context.h). */
DWORD fw_why_read_ours(fw_why_snapshot *s, char *message, size_t size);
void fw_why_snapshot_free(fw_why_snapshot *s);
/* The ALE authorization layer a layer key names, or FW_ALE_LAYER_COUNT for
 * any other layer (a transport or IP packet layer, a stream layer). */
fw_ale_layer fw_why_layer_of(const GUID *layer_key);

#endif
