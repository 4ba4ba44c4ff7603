/* The services file (%SystemRoot%\System32\drivers\etc\services): finding,
 * adding, changing and restoring one "name port/protocol" entry while
 * keeping every other byte exactly as it was: comments, CRLF or LF, tabs, a
 * missing final newline, other entries, and the aliases and comment of the
 * edited line itself. Pure functions over bytes; files are services_io. */
#ifndef FW_SERVICES_FILE_H
#define FW_SERVICES_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* One entry line: "name port/protocol [aliases...] [# comment]"; offsets
 * are relative to the line. */
typedef struct {
    size_t name_off, name_len;
    size_t port_off, port_len;
    size_t proto_off, proto_len;
    unsigned port;
} fw_svc_entry;

/* Parses a line (without its terminator); false for comments, blank lines
 * and anything that is not an entry (left untouched by every edit). */
bool fw_svc_parse_entry(const char *line, size_t len, fw_svc_entry *e);

typedef enum { FW_SVC_UNCHANGED, FW_SVC_ADDED, FW_SVC_CHANGED } fw_svc_action;

/* What fwsvc changed, so that remove can undo exactly that. */
typedef struct {
    fw_svc_action action; /* ADDED or CHANGED */
    char *original;       /* CHANGED: the line before fwsvc first changed it */
    char *written;        /* the line fwsvc wrote (no terminator) */
    bool added_break;     /* ADDED to a file without a final line break */
} fw_svc_record;

typedef struct {
    fw_svc_action action;
    unsigned old_port;  /* CHANGED: the port it had */
    char *content;      /* the new file (NULL when UNCHANGED) */
    size_t size;
    fw_svc_record record;
    char **warnings;    /* other services on the port, duplicate entries */
    size_t warning_count, warning_cap;
} fw_svc_edit;

/* Makes the file hold "name port/protocol", the first entry for that name
 * and protocol (compared case-insensitively). A new line follows Backup
 * Exec's documented format and the file's own line ending. */
void fw_svc_ensure(const char *data, size_t size, const char *name, unsigned port, const char *protocol,
                   const char *comment, fw_svc_edit *out);
void fw_svc_edit_free(fw_svc_edit *e);

typedef enum {
    FW_SVC_RESTORED,      /* content holds the file as it was */
    FW_SVC_NOT_OURS,      /* the line is no longer what fwsvc wrote: left as is */
    FW_SVC_GONE,          /* no such entry any more: nothing to restore */
} fw_svc_restore_status;

/* Undoes a record: restores the original line, or deletes the added one
 * (and the line break added before it), only if the line is still the one
 * fwsvc wrote. *content is allocated when FW_SVC_RESTORED. */
fw_svc_restore_status fw_svc_restore(const char *data, size_t size, const char *name, const char *protocol,
                                     const fw_svc_record *record, char **content, size_t *content_size);

/* The port of the first entry for name/protocol, or 0 if there is none. */
unsigned fw_svc_lookup(const char *data, size_t size, const char *name, const char *protocol);

void fw_svc_record_free(fw_svc_record *r);

#endif
