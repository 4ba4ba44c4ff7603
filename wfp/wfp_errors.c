#include "wfp_errors.h"

#include <stdio.h>

#include <stddef.h>

static const struct {
    uint32_t code;
    const char *name;
    const char *hint;
} errors[] = {
    {5, "ERROR_ACCESS_DENIED", "the Windows Filtering Platform answers administrators only: run fwsvc from an elevated prompt"},
    {6, "ERROR_INVALID_HANDLE", NULL},
    {8, "ERROR_NOT_ENOUGH_MEMORY", NULL},
    {87, "ERROR_INVALID_PARAMETER", NULL},
    {1722, "RPC_S_SERVER_UNAVAILABLE", "the Base Filtering Engine (BFE) service is not reachable"},
    {1753, "EPT_S_NOT_REGISTERED", "the Base Filtering Engine (BFE) service is not running yet; start it with 'sc start bfe'"},
    {0x80320001, "FWP_E_CALLOUT_NOT_FOUND", NULL},
    {0x80320002, "FWP_E_CONDITION_NOT_FOUND", NULL},
    {0x80320003, "FWP_E_FILTER_NOT_FOUND", NULL},
    {0x80320004, "FWP_E_LAYER_NOT_FOUND", NULL},
    {0x80320005, "FWP_E_PROVIDER_NOT_FOUND", NULL},
    {0x80320006, "FWP_E_PROVIDER_CONTEXT_NOT_FOUND", NULL},
    {0x80320007, "FWP_E_SUBLAYER_NOT_FOUND", NULL},
    {0x80320008, "FWP_E_NOT_FOUND", NULL},
    {0x80320009, "FWP_E_ALREADY_EXISTS", NULL},
    {0x8032000A, "FWP_E_IN_USE", NULL},
    {0x8032000B, "FWP_E_DYNAMIC_SESSION_IN_PROGRESS", NULL},
    {0x8032000C, "FWP_E_WRONG_SESSION", NULL},
    {0x8032000D, "FWP_E_NO_TXN_IN_PROGRESS", NULL},
    {0x8032000E, "FWP_E_TXN_IN_PROGRESS", NULL},
    {0x8032000F, "FWP_E_TXN_ABORTED", NULL},
    {0x80320010, "FWP_E_SESSION_ABORTED", NULL},
    {0x80320011, "FWP_E_INCOMPATIBLE_TXN", NULL},
    {0x80320012, "FWP_E_TIMEOUT", "another program holds the WFP transaction lock; try again when it has finished"},
    {0x80320013, "FWP_E_NET_EVENTS_DISABLED", "WFP does not collect net events on this host: turn collection on with 'netsh wfp set options netevents=on' (docs/watch.md)"},
    {0x80320016, "FWP_E_LIFETIME_MISMATCH", NULL},
    {0x80320017, "FWP_E_BUILTIN_OBJECT", NULL},
    {0x8032001C, "FWP_E_NULL_POINTER", NULL},
    {0x8032001D, "FWP_E_INVALID_ENUMERATOR", NULL},
    {0x8032001E, "FWP_E_INVALID_FLAGS", NULL},
    {0x8032001F, "FWP_E_INVALID_NET_MASK", NULL},
    {0x80320020, "FWP_E_INVALID_RANGE", NULL},
    {0x80320022, "FWP_E_ZERO_LENGTH_ARRAY", NULL},
    {0x80320023, "FWP_E_NULL_DISPLAY_NAME", NULL},
    {0x80320024, "FWP_E_INVALID_ACTION_TYPE", NULL},
    {0x80320025, "FWP_E_INVALID_WEIGHT", NULL},
    {0x80320026, "FWP_E_MATCH_TYPE_MISMATCH", NULL},
    {0x80320027, "FWP_E_TYPE_MISMATCH", NULL},
    {0x80320028, "FWP_E_OUT_OF_BOUNDS", NULL},
    {0x80320029, "FWP_E_RESERVED", NULL},
    {0x8032002A, "FWP_E_DUPLICATE_CONDITION", NULL},
    {0x80320035, "FWP_E_INVALID_PARAMETER", NULL},
};

const char *fw_wfp_error_name(uint32_t code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return errors[i].name;
    return NULL;
}

const char *fw_wfp_error_hint(uint32_t code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return errors[i].hint;
    return NULL;
}

uint32_t fw_wfp_failure(char *message, size_t size, const char *function, const char *object, uint32_t code)
{
    const char *name = fw_wfp_error_name(code);
    const char *hint = fw_wfp_error_hint(code);
    snprintf(message, size, "%s(%s): %s (0x%08lX)%s%s", function, object, name ? name : "error",
             (unsigned long)code, hint ? ". " : "", hint ? hint : "");
    return code;
}
