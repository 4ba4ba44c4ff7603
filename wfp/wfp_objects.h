/* fwsvc's own WFP objects, and the one place that turns a planned filter
 * into an FWPM_FILTER0. Windows only. */
#ifndef FW_WFP_OBJECTS_H
#define FW_WFP_OBJECTS_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>

#include "filter_key.h"
#include "plan.h"
#include "wfp_defs.h"

/* Fixed keys of our own; never reuse another product's. */
extern const GUID FW_PROVIDER_KEY;
extern const GUID FW_SUBLAYER_KEY;
#define FW_SERVICE_NAME L"fwsvc"
/* Our sublayer must outrank Windows Firewall's (checked at run time). */
#define FW_DEFAULT_SUBLAYER_WEIGHT 0xFFF0

void fw_wfp_provider(FWPM_PROVIDER0 *p);
void fw_wfp_sublayer(FWPM_SUBLAYER0 *s, UINT16 weight);
/* True if a provider found under FW_PROVIDER_KEY is fwsvc's. */
BOOL fw_wfp_provider_is_ours(const FWPM_PROVIDER0 *p);

GUID fw_wfp_guid(const fw_key *key);
fw_key fw_wfp_key(const GUID *guid);
const GUID *fw_wfp_layer_guid(fw_layer layer);

/* An FWPM_FILTER0 and the storage its pointers point into. */
typedef struct fw_wfp_filter fw_wfp_filter;
struct fw_wfp_filter {
    FWPM_FILTER0 filter;
    FWPM_FILTER_CONDITION0 *conditions;
    FWP_RANGE0 *ranges;
    FWP_V4_ADDR_AND_MASK *v4;
    FWP_V6_ADDR_AND_MASK *v6;
    FWP_BYTE_ARRAY16 *v6_hosts;
    wchar_t *name, *description;
    char *identity;
};

/* Builds the filter for a planned filter; app_id is the program's app id
 * for program rules (NULL otherwise). */
fw_wfp_filter *fw_wfp_filter_build(const fw_planned_filter *pf, const fw_key *key,
                                   const FWP_BYTE_BLOB *app_id);
void fw_wfp_filter_free(fw_wfp_filter *f);
/* The identity ("profile/rule/layer") a filter fwsvc built carries in its
 * providerData (allocated), or NULL when it carries none. */
char *fw_wfp_filter_identity(const FWPM_FILTER0 *f);

#endif
