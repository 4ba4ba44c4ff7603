/* A strict JSON reader (RFC 8259) into a small tree, for input fwsvc does
 * not trust: the service's own status.json before `service status` shows it
 * (a file others may have planted), and a fleet engine's input. Strict:
 * one value, no trailing text, UTF-8 only, no NUL in strings, no duplicate
 * keys, nesting and size bounded. Portable. */
#ifndef FW_JSON_READ_H
#define FW_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#define FW_JSON_READ_MAX_DEPTH 32

typedef enum { FW_JV_NULL, FW_JV_BOOL, FW_JV_NUMBER, FW_JV_STRING, FW_JV_ARRAY, FW_JV_OBJECT } fw_jv_type;

typedef struct fw_jv fw_jv;
struct fw_jv {
    fw_jv_type type;
    bool boolean;
    double number;
    bool integer;          /* a number written without fraction or exponent */
    unsigned long long u;  /* ... and, when non-negative and in range, its value */
    char *string;          /* strings: UTF-8, no NUL inside */
    fw_jv *items;          /* arrays and objects: the values */
    char **keys;           /* objects: the keys, in order */
    size_t count;
};

/* Parses text (length bytes). NULL on failure, with a message naming the
 * byte offset in error. */
fw_jv *fw_json_parse(const char *text, size_t length, char *error, size_t error_size);
void fw_jv_free(fw_jv *v);

/* An object's member, or NULL (also when v is not an object). */
const fw_jv *fw_jv_get(const fw_jv *v, const char *key);
/* The string of a member that is a string, or NULL. */
const char *fw_jv_string(const fw_jv *v, const char *key);
const char *fw_jv_type_name(fw_jv_type t); /* "null", "a boolean", ... */

#endif
