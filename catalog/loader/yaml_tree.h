/* Strict reading of a libyaml document tree. libyaml's document loader tags
 * every plain scalar as a string, so the YAML 1.1 core types of plain scalars
 * (null, bool, int, float) are resolved here to catch wrong types. Every
 * error is reported through the diagnostics with the node's file:line:col. */
#ifndef FW_YAML_TREE_H
#define FW_YAML_TREE_H

#include "fw_compiler.h"

#include "fw_diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

typedef struct {
    yaml_document_t *doc;
    const char *file;
    fw_diags *diags;
} fw_yaml;

typedef enum {
    FW_SCALAR_STRING,
    FW_SCALAR_INT,
    FW_SCALAR_FLOAT,
    FW_SCALAR_BOOL,
    FW_SCALAR_NULL,
} fw_scalar_kind;

typedef struct {
    const char *key;
    bool required;
} fw_yaml_field;

void fw_yaml_error(const fw_yaml *y, const yaml_node_t *node, const char *fmt, ...)
    FW_PRINTF(3, 4);
void fw_yaml_warning(const fw_yaml *y, const yaml_node_t *node, const char *fmt, ...)
    FW_PRINTF(3, 4);

fw_scalar_kind fw_yaml_scalar_kind(const yaml_node_t *node);
const char *fw_yaml_scalar_text(const yaml_node_t *node);

/* What a node is, for messages: "'text'", "a mapping", "a sequence". */
char *fw_yaml_describe(const yaml_node_t *node);

/* Reads a mapping against its schema: unknown and duplicate keys and missing
 * required keys are errors. slots[i] receives the value of fields[i] or NULL.
 * Returns false (after reporting) if node is not a mapping. */
bool fw_yaml_mapping(const fw_yaml *y, const yaml_node_t *node, const char *what,
                     const fw_yaml_field *fields, size_t field_count, yaml_node_t **slots);

/* A sequence's length, or reports and returns false if node is not one. */
bool fw_yaml_sequence(const fw_yaml *y, const yaml_node_t *node, const char *what,
                      size_t *length);
yaml_node_t *fw_yaml_item(const fw_yaml *y, const yaml_node_t *sequence, size_t index);

/* A non-empty string scalar; reports and returns NULL otherwise. */
char *fw_yaml_string(const fw_yaml *y, const yaml_node_t *node, const char *what);

unsigned fw_yaml_line(const yaml_node_t *node);
unsigned fw_yaml_column(const yaml_node_t *node);

#endif
