#include "yaml_tree.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned fw_yaml_line(const yaml_node_t *node)
{
    return (unsigned)node->start_mark.line + 1;
}

unsigned fw_yaml_column(const yaml_node_t *node)
{
    return (unsigned)node->start_mark.column + 1;
}

static void report(const fw_yaml *y, fw_severity sev, const yaml_node_t *node,
                   const char *fmt, va_list ap)
{
    char *msg = fw_xvasprintf(fmt, ap);
    fw_diag_add(y->diags, sev, y->file, fw_yaml_line(node), fw_yaml_column(node), "%s", msg);
    free(msg);
}

void fw_yaml_error(const fw_yaml *y, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(y, FW_SEV_ERROR, node, fmt, ap);
    va_end(ap);
}

void fw_yaml_warning(const fw_yaml *y, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(y, FW_SEV_WARNING, node, fmt, ap);
    va_end(ap);
}

const char *fw_yaml_scalar_text(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

static bool is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

static bool is_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if ((*s < '0' || *s > '9') && *s != '_')
            return false;
    return true;
}

static bool is_float(const char *s)
{
    bool digit = false, dot = false;
    if (*s == '-' || *s == '+')
        s++;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (*s == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digit && dot;
}

fw_scalar_kind fw_yaml_scalar_kind(const yaml_node_t *node)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE",
                                        "yes", "Yes", "YES", "no", "No", "NO",
                                        "on", "On", "ON", "off", "Off", "OFF", NULL};
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return FW_SCALAR_STRING;
    const char *s = fw_yaml_scalar_text(node);
    if (is_one_of(s, nulls))
        return FW_SCALAR_NULL;
    if (is_one_of(s, bools))
        return FW_SCALAR_BOOL;
    if (is_int(s))
        return FW_SCALAR_INT;
    if (is_float(s))
        return FW_SCALAR_FLOAT;
    return FW_SCALAR_STRING;
}

char *fw_yaml_describe(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return fw_xstrdup("a mapping");
    case YAML_SEQUENCE_NODE:
        return fw_xstrdup("a sequence");
    case YAML_SCALAR_NODE:
        switch (fw_yaml_scalar_kind(node)) {
        case FW_SCALAR_NULL:
            return fw_xstrdup("null (an empty value)");
        case FW_SCALAR_BOOL:
            return fw_xasprintf("the boolean %s", fw_yaml_scalar_text(node));
        case FW_SCALAR_INT:
            return fw_xasprintf("the integer %s", fw_yaml_scalar_text(node));
        case FW_SCALAR_FLOAT:
            return fw_xasprintf("the number %s", fw_yaml_scalar_text(node));
        case FW_SCALAR_STRING:
            break;
        }
        return fw_xasprintf("'%s'", fw_yaml_scalar_text(node));
    case YAML_NO_NODE:
        break;
    }
    return fw_xstrdup("nothing");
}

static char *expected_keys(const fw_yaml_field *fields, size_t n)
{
    fw_buf b = {0};
    for (size_t i = 0; i < n; i++)
        fw_buf_printf(&b, "%s%s", i ? ", " : "", fields[i].key);
    return fw_buf_take(&b);
}

bool fw_yaml_mapping(const fw_yaml *y, const yaml_node_t *node, const char *what,
                     const fw_yaml_field *fields, size_t field_count, yaml_node_t **slots)
{
    for (size_t i = 0; i < field_count; i++)
        slots[i] = NULL;
    if (node->type != YAML_MAPPING_NODE) {
        char *got = fw_yaml_describe(node);
        fw_yaml_error(y, node, "%s must be a mapping, got %s", what, got);
        free(got);
        return false;
    }
    yaml_node_t **key_nodes = fw_xcalloc(field_count, sizeof *key_nodes);
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(y->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(y->doc, pair->value);
        if (key->type != YAML_SCALAR_NODE) {
            fw_yaml_error(y, key, "%s has a key that is not a plain name", what);
            continue;
        }
        const char *name = fw_yaml_scalar_text(key);
        size_t i = 0;
        while (i < field_count && strcmp(fields[i].key, name) != 0)
            i++;
        if (i == field_count) {
            char *expected = expected_keys(fields, field_count);
            fw_yaml_error(y, key, "unknown key '%s' in %s (expected one of: %s)", name, what,
                          expected);
            free(expected);
            continue;
        }
        if (slots[i]) {
            fw_yaml_error(y, key, "duplicate key '%s' in %s (first at line %u)", name, what,
                          fw_yaml_line(key_nodes[i]));
            continue;
        }
        slots[i] = value;
        key_nodes[i] = key;
    }
    for (size_t i = 0; i < field_count; i++)
        if (fields[i].required && !slots[i])
            fw_yaml_error(y, node, "%s is missing required key '%s'", what, fields[i].key);
    free(key_nodes);
    return true;
}

bool fw_yaml_sequence(const fw_yaml *y, const yaml_node_t *node, const char *what,
                      size_t *length)
{
    if (node->type != YAML_SEQUENCE_NODE) {
        char *got = fw_yaml_describe(node);
        fw_yaml_error(y, node, "%s must be a sequence, got %s", what, got);
        free(got);
        return false;
    }
    *length = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    return true;
}

yaml_node_t *fw_yaml_item(const fw_yaml *y, const yaml_node_t *sequence, size_t index)
{
    return yaml_document_get_node(y->doc, sequence->data.sequence.items.start[index]);
}

char *fw_yaml_string(const fw_yaml *y, const yaml_node_t *node, const char *what)
{
    if (node->type != YAML_SCALAR_NODE || fw_yaml_scalar_kind(node) != FW_SCALAR_STRING) {
        char *got = fw_yaml_describe(node);
        fw_yaml_error(y, node, "%s must be a string, got %s", what, got);
        free(got);
        return NULL;
    }
    const char *s = fw_yaml_scalar_text(node);
    if (s[0] == '\0') {
        fw_yaml_error(y, node, "%s must not be empty", what);
        return NULL;
    }
    return fw_xstrdup(s);
}
