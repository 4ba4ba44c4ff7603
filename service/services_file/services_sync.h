/* One pass over the services file for a set of wanted entries and fwsvc's
 * records of what it changed before: ensures every wanted entry, restores
 * every recorded entry that is no longer wanted, and says what it did. The
 * file itself and the records' storage belong to the caller (services_io,
 * services_record). Pure and portable, so apply/status/remove are tested
 * natively. */
#ifndef FW_SERVICES_SYNC_H
#define FW_SERVICES_SYNC_H

#include "services_file.h"

#include <stdbool.h>
#include <stddef.h>

/* An entry a profile needs: "name port/protocol  #comment". */
typedef struct {
    const char *name;
    unsigned port;
    const char *protocol;
    const char *comment; /* optional */
} fw_svc_want;

/* What fwsvc changed for one entry, kept until remove undoes it. */
typedef struct {
    char *name, *protocol;
    fw_svc_record record;
} fw_svc_owned;

typedef struct {
    fw_svc_owned *items;
    size_t count, cap;
} fw_svc_records;

typedef enum { FW_SVC_NOTE_CHANGE, FW_SVC_NOTE_WARNING } fw_svc_note_kind;

typedef struct {
    fw_svc_note_kind kind;
    char *text;
} fw_svc_note;

typedef struct {
    char *content; /* the new file; NULL when nothing changes */
    size_t size;
    size_t drift;  /* wanted entries missing or with another port */
    fw_svc_records records; /* the records after this pass */
    fw_svc_note *notes;
    size_t note_count, note_cap;
} fw_svc_sync;

void fw_svc_sync_run(const char *data, size_t size, const fw_svc_want *want, size_t want_count,
                     const fw_svc_records *owned, fw_svc_sync *out);
void fw_svc_sync_free(fw_svc_sync *s);

/* Adds or replaces the record of name/protocol (copied). */
void fw_svc_records_put(fw_svc_records *r, const char *name, const char *protocol, const fw_svc_record *record);
void fw_svc_records_free(fw_svc_records *r);

#endif
