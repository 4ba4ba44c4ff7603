/* The host configuration: the one record fwsvc reconciles a host to, read
 * and written by the command line and (later) the service alike.
 *
 * HKLM\SOFTWARE\fwsvc (written by fwsvc):
 *   AppliedProfiles\<profile>  REG_MULTI_SZ  its settings, NAME=VALUE each
 *   CatalogDir                 REG_SZ        the catalog folder (default: beside fwsvc.exe)
 *   SiteCatalogDir             REG_SZ        the site's own catalog folder, loaded after it (default: none)
 *   ServicesFile               REG_SZ        the services file (default: the system's)
 *   IntervalSeconds            REG_DWORD     the service's timer, 10..86400 (default 300)
 *   SublayerWeight             REG_DWORD     fwsvc's sublayer weight, 1..0xFFFF (default 0xFFF0)
 *   AutoDetect                 REG_DWORD     1: the service follows the detected products (default 0)
 *   WatchDrops                 REG_DWORD     1: the service reports drops on backup flows (default 1)
 *   DetectedProfiles           REG_MULTI_SZ  the applied profiles detection added (local only)
 * HKLM\SOFTWARE\Policies\fwsvc (Group Policy) holds the same names; a value
 * there overrides the local one, and fwsvc refuses to change it. Both keys
 * are writable by administrators only.
 *
 * Reading is strict: a value of the wrong type or shape is an error that
 * names the key and the value, and the caller changes nothing (fails
 * closed). docs/configuration.md. Windows only. */
#ifndef FW_HOST_CONFIG_H
#define FW_HOST_CONFIG_H

#include "applied.h"

#include <stdbool.h>

typedef enum { FW_SOURCE_DEFAULT, FW_SOURCE_LOCAL, FW_SOURCE_POLICY } fw_source;

typedef struct {
    fw_applied profiles;
    fw_source profiles_source;     /* LOCAL (possibly empty) or POLICY */
    char *catalog_dir;             /* NULL: the default folder */
    fw_source catalog_dir_source;
    char *site_catalog_dir;        /* NULL: no site catalog folder */
    fw_source site_catalog_dir_source;
    char *services_file;           /* NULL: the system's services file */
    fw_source services_file_source;
    unsigned long interval_seconds;
    fw_source interval_source;
    unsigned short sublayer_weight;
    fw_source sublayer_weight_source;
    bool auto_detect; /* the service adds and removes profiles as products come and go */
    fw_source auto_detect_source;
    bool watch_drops; /* the service reports drops on backup flows (docs/watch.md) */
    fw_source watch_drops_source;
} fw_host_config;

#define FW_DEFAULT_INTERVAL_SECONDS 300ul
#define FW_MIN_INTERVAL_SECONDS 10ul
#define FW_MAX_INTERVAL_SECONDS 86400ul

/* What fw_host_config_save writes (host_reconcile.h's FW_RECORD_* match). */
#define FW_SAVE_PROFILES 1u
#define FW_SAVE_PATHS 2u

/* On failure returns a Win32 error (ERROR_INVALID_DATA for a bad value) and
 * sets *error (allocated), naming the key and the value. */
unsigned long fw_host_config_load(fw_host_config *c, char **error);
/* Writes the local values (never those that policy sets); what: the
 * FW_RECORD_* bits of host_reconcile.h (profiles, paths). */
unsigned long fw_host_config_save(const fw_host_config *c, unsigned what, char **error);
/* Sets the service's interval in c (saved by fw_host_config_save with
 * FW_SAVE_PATHS): 10 to 86400 seconds, and not a value Group Policy sets.
 * On refusal returns ERROR_INVALID_DATA and sets *error (allocated); c is
 * unchanged. */
unsigned long fw_host_config_set_interval(fw_host_config *c, unsigned long seconds, char **error);
/* The same for AutoDetect (saved with FW_SAVE_PATHS). */
unsigned long fw_host_config_set_auto_detect(fw_host_config *c, bool on, char **error);
/* Deletes HKLM\SOFTWARE\fwsvc and everything under it (an uninstall's
 * purge); absent is success. Never touches the policy key. */
unsigned long fw_host_config_forget(char **error);
void fw_host_config_free(fw_host_config *c);
const char *fw_source_name(fw_source s);

/* Registry paths, for messages. */
#define FW_CONFIG_KEY_TEXT "HKLM\\SOFTWARE\\fwsvc"
#define FW_POLICY_KEY_TEXT "HKLM\\SOFTWARE\\Policies\\fwsvc"

#endif
