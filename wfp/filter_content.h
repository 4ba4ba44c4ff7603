/* What a filter enforces, as one number: a hash of its layer, sublayer,
 * provider, action, flags (less FWPM_FILTER_FLAG_DISABLED, which BFE sets),
 * weight and every condition. Status compares filters by it, so a filter
 * deleted and re-added under fwsvc's key with other conditions or another
 * action is drift, not "in sync". Names, descriptions and providerData do
 * not decide what passes, and are left out. Windows only. */
#ifndef FW_FILTER_CONTENT_H
#define FW_FILTER_CONTENT_H

#include <winsock2.h>
#include <windows.h>
#include <fwpmu.h>
#include <stdint.h>

/* Never 0: 0 means "not known" to the diff. */
uint64_t fw_wfp_filter_content(const FWPM_FILTER0 *f);

#endif
