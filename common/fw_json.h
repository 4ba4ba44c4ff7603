/* A small streaming JSON writer (pretty-printed, two-space indent). Strings
 * are escaped per RFC 8259; input is expected to be UTF-8 and passed through. */
#ifndef FW_JSON_H
#define FW_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define FW_JSON_MAX_DEPTH 32

typedef struct {
    FILE *out;
    int depth;
    bool has_items[FW_JSON_MAX_DEPTH];
    bool after_key;
    bool compact;  /* one line a document (JSON lines) */
} fw_json;

void fw_json_init(fw_json *j, FILE *out);
/* One document a line, for streams read line by line (JSON Lines). */
void fw_json_init_compact(fw_json *j, FILE *out);
void fw_json_object_begin(fw_json *j);
void fw_json_object_end(fw_json *j);
void fw_json_array_begin(fw_json *j);
void fw_json_array_end(fw_json *j);
void fw_json_key(fw_json *j, const char *key);
void fw_json_string(fw_json *j, const char *s); /* NULL writes null */
void fw_json_uint(fw_json *j, unsigned long long v);
void fw_json_bool(fw_json *j, bool v);
void fw_json_null(fw_json *j);
/* Ends the document with a newline. */
void fw_json_finish(fw_json *j);
/* How many documents this process has finished: a command that failed
 * before writing one owes its --json caller an error object. */
unsigned long fw_json_documents_finished(void);
/* A document written without fw_json (printed whole) counts too. */
void fw_json_note_document(void);

/* Convenience: "key": "value" */
void fw_json_member_string(fw_json *j, const char *key, const char *value);

#endif
