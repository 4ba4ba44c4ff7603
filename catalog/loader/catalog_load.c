#include "catalog_load.h"

#include "fw_sha256.h"
#include "guard.h"
#include "var_values.h"

#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_strings.h"
#include "yaml_tree.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    fw_yaml y;
    fw_catalog_file *file;
    bool has_sources; /* the file has its sources key (the rules' documents are checked against it) */
} loader;

static fw_pos pos_of(const loader *l, const yaml_node_t *node)
{
    return (fw_pos){l->file->path, fw_yaml_line(node), fw_yaml_column(node)};
}

/* Names, ids and aliases: lowercase words joined by single hyphens, so they
 * are safe on a command line, in JSON and in WFP display names. */
static bool is_identifier(const char *s)
{
    bool word = false;
    for (; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
            word = true;
        else if (*s == '-' && word)
            word = false;
        else
            return false;
    }
    return word;
}

static bool is_variable_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static char *read_identifier(const loader *l, const yaml_node_t *node, const char *what)
{
    char *s = fw_yaml_string(&l->y, node, what);
    if (s && !is_identifier(s)) {
        fw_yaml_error(&l->y, node,
                      "%s '%s' is not a valid identifier (lowercase letters, digits and "
                      "single hyphens)",
                      what, s);
        free(s);
        return NULL;
    }
    return s;
}

/* A sequence of more than max items is refused (its items unread): the
 * catalog needs far fewer, and every check over them stays small. */
static bool within_limit(loader *l, const yaml_node_t *node, size_t n, size_t max, const char *what)
{
    if (n <= max)
        return true;
    fw_yaml_error(&l->y, node, "%s has %zu entries, more than the %zu a catalog may have", what, n, max);
    return false;
}

static int find_variable(const fw_catalog_file *f, const char *name)
{
    for (size_t i = 0; i < f->variable_count; i++)
        if (strcmp(f->variables[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The text of a port scalar: an integer or a string ("2500-3300", "${x}"). */
static const char *port_text(const loader *l, const yaml_node_t *node, const char *what)
{
    if (node->type == YAML_SCALAR_NODE) {
        fw_scalar_kind kind = fw_yaml_scalar_kind(node);
        if (kind == FW_SCALAR_INT || kind == FW_SCALAR_STRING)
            return fw_yaml_scalar_text(node);
    }
    char *got = fw_yaml_describe(node);
    fw_yaml_error(&l->y, node, "%s must be a port number, a range 'N-M' or '${variable}', got %s",
                  what, got);
    free(got);
    return NULL;
}

static bool parse_port_literal(const loader *l, const yaml_node_t *node, const char *text,
                               const char *what, fw_port_range *out)
{
    fw_port_status st = fw_port_range_parse(text, out);
    if (st == FW_PORT_OK)
        return true;
    fw_yaml_error(&l->y, node, "%s '%s': %s", what, text, fw_port_status_text(st));
    return false;
}

/* Reads a port entry. single: only one port is meaningful (a service line). */
static bool read_port_ref(const loader *l, const yaml_node_t *node, const char *what,
                          bool single, fw_port_ref *out)
{
    const char *text = port_text(l, node, what);
    if (!text)
        return false;
    out->pos = pos_of(l, node);
    out->variable = -1;
    size_t len = strlen(text);
    if (strncmp(text, "${", 2) == 0 || strchr(text, '$')) {
        if (len < 4 || strncmp(text, "${", 2) != 0 || text[len - 1] != '}') {
            fw_yaml_error(&l->y, node, "%s '%s' is not a variable reference (write ${name})",
                          what, text);
            return false;
        }
        char *name = fw_xstrndup(text + 2, len - 3);
        int v = find_variable(l->file, name);
        bool ok = false;
        if (v < 0) {
            fw_yaml_error(&l->y, node, "%s refers to undefined variable '%s'", what, name);
        } else if (l->file->variables[v].invalid) {
            /* Its definition is already reported. */
        } else if (l->file->variables[v].type != FW_VAR_PORT && l->file->variables[v].type != FW_VAR_PORT_RANGE) {
            fw_yaml_error(&l->y, node, "%s refers to variable '%s', which is %s, not a port", what, name,
                          fw_var_type_name(l->file->variables[v].type));
        } else if (single && l->file->variables[v].type != FW_VAR_PORT) {
            fw_yaml_error(&l->y, node,
                          "%s needs a single port, but variable '%s' is a port_range", what,
                          name);
        } else {
            out->variable = v;
            ok = true;
        }
        free(name);
        return ok;
    }
    if (!parse_port_literal(l, node, text, what, &out->literal))
        return false;
    if (single && out->literal.lo != out->literal.hi) {
        fw_yaml_error(&l->y, node, "%s '%s' must be a single port, not a range", what, text);
        return false;
    }
    return true;
}

/* A path variable's other_locations: folders, as its default is one. */
static bool read_other_locations(loader *l, const yaml_node_t *node, fw_variable *var)
{
    if (var->type != FW_VAR_PATH) {
        fw_yaml_error(&l->y, node, "other_locations belong to path variables only; '%s' is %s", var->name,
                      fw_var_type_name(var->type));
        return false;
    }
    size_t n;
    if (!fw_yaml_sequence(&l->y, node, "other_locations", &n) ||
        !within_limit(l, node, n, FW_CATALOG_MAX_LOCATIONS, "other_locations"))
        return false;
    var->other_locations = fw_xcalloc(n ? n : 1, sizeof *var->other_locations);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = fw_yaml_item(&l->y, node, i);
        char *folder = fw_yaml_string(&l->y, item, "a location");
        if (folder && !fw_folder_path_valid(folder)) {
            fw_yaml_error(&l->y, item,
                          "location '%s' of path variable '%s' must be an absolute Windows folder, such as "
                          "%%ProgramFiles%%\\Vendor\\Product",
                          folder, var->name);
            free(folder);
            folder = NULL;
        }
        if (folder)
            var->other_locations[var->other_location_count++] = folder;
        else
            ok = false;
    }
    return ok;
}

static void read_variables(loader *l, const yaml_node_t *node)
{
    static const fw_yaml_field fields[] = {
        {"type", true}, {"default", false}, {"description", true}, {"other_locations", false}};
    yaml_node_t *slots[4];
    size_t cap = 0;

    if (node->type != YAML_MAPPING_NODE) {
        char *got = fw_yaml_describe(node);
        fw_yaml_error(&l->y, node, "variables must be a mapping of name to definition, got %s",
                      got);
        free(got);
        return;
    }
    if (!within_limit(l, node, (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start),
                      FW_CATALOG_MAX_VARIABLES, "variables"))
        return;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(l->y.doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(l->y.doc, pair->value);
        char *name = fw_yaml_string(&l->y, key, "a variable name");
        if (!name)
            continue;
        if (!is_variable_name(name)) {
            fw_yaml_error(&l->y, key,
                          "variable name '%s' is not valid (lowercase letters, digits, '_')",
                          name);
            free(name);
            continue;
        }
        if (find_variable(l->file, name) >= 0) {
            fw_yaml_error(&l->y, key, "duplicate variable '%s'", name);
            free(name);
            continue;
        }
        char *what = fw_xasprintf("variable '%s'", name);
        fw_variable var = {.name = name, .pos = pos_of(l, key)};
        bool ok = fw_yaml_mapping(&l->y, value, what, fields, 4, slots) && slots[0] && slots[2];
        if (ok) {
            char *type = fw_yaml_string(&l->y, slots[0], "a variable's type");
            if (type && strcmp(type, "port") == 0) {
                var.type = FW_VAR_PORT;
            } else if (type && strcmp(type, "port_range") == 0) {
                var.type = FW_VAR_PORT_RANGE;
            } else if (type && strcmp(type, "addresses") == 0) {
                var.type = FW_VAR_ADDRESSES;
            } else if (type && strcmp(type, "path") == 0) {
                var.type = FW_VAR_PATH;
            } else if (type && strcmp(type, "version") == 0) {
                var.type = FW_VAR_VERSION;
            } else {
                if (type)
                    fw_yaml_error(&l->y, slots[0],
                                  "variable type '%s' is not known (expected port, port_range, addresses, path or "
                                  "version)",
                                  type);
                ok = false;
            }
            free(type);
        }
        if (ok && var.type == FW_VAR_VERSION) {
            /* A default would leave rules out on a host that never said
             * its version; without one, every version's rules apply. */
            if (slots[1]) {
                fw_yaml_error(&l->y, slots[1], "%s is a version: it has no default (unset, the rules of every version "
                                               "apply)", what);
                ok = false;
            } else if (l->file->version_variable >= 0) {
                fw_yaml_error(&l->y, key, "%s: a file has one version variable, and '%s' is it", what,
                              l->file->variables[l->file->version_variable].name);
                ok = false;
            }
        } else if (ok && !slots[1] && var.type != FW_VAR_ADDRESSES) {
            /* Only a peer's addresses may be left for the administrator. */
            fw_yaml_error(&l->y, value, "%s needs a default (only addresses and version variables may have none)",
                          what);
            ok = false;
        } else if (ok && slots[1] && (var.type == FW_VAR_PORT || var.type == FW_VAR_PORT_RANGE)) {
            const char *text = port_text(l, slots[1], "a variable's default");
            ok = text && parse_port_literal(l, slots[1], text, "default", &var.default_value);
            if (ok && var.type == FW_VAR_PORT && var.default_value.lo != var.default_value.hi) {
                fw_yaml_error(&l->y, slots[1],
                              "default '%s' of port variable '%s' must be a single port", text,
                              name);
                ok = false;
            }
            if (ok)
                var.default_text = fw_xstrdup(text);
        } else if (ok && slots[1]) {
            var.default_text = fw_yaml_string(&l->y, slots[1], "a variable's default");
            char error[256];
            bool any;
            fw_address *list = NULL;
            size_t count = 0;
            if (!var.default_text) {
                ok = false;
            } else if (var.type == FW_VAR_ADDRESSES &&
                       !fw_address_list_parse(var.default_text, &any, &list, &count, error, sizeof error)) {
                fw_yaml_error(&l->y, slots[1], "default of addresses variable '%s': %s", name, error);
                ok = false;
            } else if (var.type == FW_VAR_PATH && !fw_folder_path_valid(var.default_text)) {
                fw_yaml_error(&l->y, slots[1],
                              "default '%s' of path variable '%s' must be an absolute Windows folder, such as "
                              "%%ProgramFiles%%\\Vendor\\Product",
                              var.default_text, name);
                ok = false;
            }
            free(list);
        }
        if (ok)
            ok = (var.description = fw_yaml_string(&l->y, slots[2], "a variable's description"));
        if (ok && slots[3])
            ok = read_other_locations(l, slots[3], &var);
        free(what);
        var.invalid = !ok;
        /* The file's version variable, even if wrongly defined: its rules'
         * versions then say nothing more. */
        if (var.type == FW_VAR_VERSION && l->file->version_variable < 0)
            l->file->version_variable = (int)l->file->variable_count;
        FW_PUSH(l->file->variables, l->file->variable_count, cap, var);
    }
}

/* Absolute ("C:\..." or "%SomeRoot%\..."), no "..", an .exe: the folder
 * rules of a path variable's value, plus the extension. */
static bool valid_program_path(const char *p)
{
    return fw_str_ends_with_i(p, ".exe") && fw_folder_path_valid(p);
}

static void read_source(loader *l, const yaml_node_t *node, fw_rule *r)
{
    static const fw_yaml_field fields[] = {{"document", true}, {"section", true}};
    yaml_node_t *slots[2];
    if (!fw_yaml_mapping(&l->y, node, "a rule's source", fields, 2, slots))
        return;
    if (slots[0]) {
        r->source_document = fw_yaml_string(&l->y, slots[0], "source document");
        for (size_t i = 0; r->source_document && i < l->file->source_count; i++)
            if (strcmp(l->file->sources[i].document, r->source_document) == 0)
                r->source = (int)i;
        /* A file without sources: the missing key is the one error. */
        if (r->source_document && r->source < 0 && l->has_sources) {
            fw_buf known = {0};
            for (size_t i = 0; i < l->file->source_count; i++)
                fw_buf_printf(&known, "%s%s", i ? ", " : "", l->file->sources[i].document);
            fw_yaml_error(&l->y, slots[0], "source document '%s' is not one of this file's sources (%s)",
                          r->source_document, known.len ? known.data : "it lists none");
            fw_buf_free(&known);
        }
    }
    if (slots[1])
        r->source_section = fw_yaml_string(&l->y, slots[1], "source section");
}

/* versions: ">=13", "<13", ">=12 <13": the product versions a rule is for,
 * against the file's version variable. */
static void read_versions(loader *l, const yaml_node_t *node, fw_rule *r)
{
    r->versions_text = fw_yaml_string(&l->y, node, "versions");
    if (!r->versions_text)
        return;
    r->version_variable = l->file->version_variable; /* used, even if the range is wrong */
    char error[160];
    if (!fw_version_range_parse(r->versions_text, &r->versions, error, sizeof error)) {
        fw_yaml_error(&l->y, node, "versions %s", error);
        return;
    }
    if (l->file->version_variable < 0) {
        fw_yaml_error(&l->y, node,
                      "versions needs a variable of type version in this file (the host's product version, "
                      "e.g. veeam_version)");
        return;
    }
    r->has_versions = !l->file->variables[l->file->version_variable].invalid;
}

static void read_ports(loader *l, const yaml_node_t *node, fw_rule *r)
{
    size_t n;
    if (!fw_yaml_sequence(&l->y, node, "ports", &n))
        return;
    if (n == 0) {
        fw_yaml_error(&l->y, node, "ports must not be empty (leave the key out for a program rule)");
        return;
    }
    if (!within_limit(l, node, n, FW_CATALOG_MAX_PORTS, "ports"))
        return;
    r->ports = fw_xcalloc(n, sizeof *r->ports);
    for (size_t i = 0; i < n; i++) {
        fw_port_ref ref;
        if (read_port_ref(l, fw_yaml_item(&l->y, node, i), "a port", false, &ref))
            r->ports[r->port_count++] = ref;
    }
}

/* "${name}" -> the variable's index if it is a variable of type want (an
 * error otherwise); -2 if text is no reference at all. */
static int variable_reference(loader *l, const yaml_node_t *node, const char *text, size_t len, fw_var_type want,
                              const char *what)
{
    if (len < 4 || strncmp(text, "${", 2) != 0 || text[len - 1] != '}')
        return -2;
    char *name = fw_xstrndup(text + 2, len - 3);
    int v = find_variable(l->file, name);
    if (v < 0)
        fw_yaml_error(&l->y, node, "%s refers to undefined variable '%s'", what, name);
    else if (!l->file->variables[v].invalid && l->file->variables[v].type != want)
        fw_yaml_error(&l->y, node, "%s refers to variable '%s', which is %s, not %s", what, name,
                      fw_var_type_name(l->file->variables[v].type), fw_var_type_name(want));
    free(name);
    return v >= 0 && !l->file->variables[v].invalid && l->file->variables[v].type == want ? v : -1;
}

static void read_remote_addresses(loader *l, const yaml_node_t *node, fw_rule *r)
{
    size_t n;
    if (!fw_yaml_sequence(&l->y, node, "remote_addresses", &n))
        return;
    if (n == 0) {
        fw_yaml_error(&l->y, node,
                      "remote_addresses must not be empty (leave the key out for any address)");
        return;
    }
    if (!within_limit(l, node, n, FW_CATALOG_MAX_ADDRESSES, "remote_addresses"))
        return;
    r->remote = fw_xcalloc(n, sizeof *r->remote);
    r->remote_text = fw_xcalloc(n, sizeof *r->remote_text);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = fw_yaml_item(&l->y, node, i);
        char *text = fw_yaml_string(&l->y, item, "a remote address");
        if (!text)
            continue;
        if (strchr(text, '$')) {
            int v = variable_reference(l, item, text, strlen(text), FW_VAR_ADDRESSES, "remote_addresses");
            if (v == -2)
                fw_yaml_error(&l->y, item, "remote address '%s' is not a variable reference (write ${name})", text);
            else if (n != 1)
                fw_yaml_error(&l->y, item, "an addresses variable ('%s') must be the only entry of remote_addresses",
                              text);
            else if (v >= 0)
                r->remote_variable = v;
            free(text);
            continue;
        }
        fw_address_status st = fw_address_parse(text, &r->remote[r->remote_count]);
        if (st != FW_ADDR_OK) {
            fw_yaml_error(&l->y, item, "remote address '%s': %s", text, fw_address_status_text(st));
            free(text);
            continue;
        }
        r->remote_text[r->remote_count++] = text;
    }
}

/* A program path starting with "${folder}": the path variable's index, and
 * the path checked with the variable's default. */
static void read_program(loader *l, const yaml_node_t *node, fw_rule *r)
{
    r->program = fw_yaml_string(&l->y, node, "program");
    if (!r->program)
        return;
    const char *p = r->program;
    char *checked = NULL;
    if (strncmp(p, "${", 2) == 0) {
        const char *close = strchr(p, '}');
        int v = close ? variable_reference(l, node, p, (size_t)(close - p) + 1, FW_VAR_PATH, "program") : -2;
        if (v == -2 || close[1] != '\\') {
            fw_yaml_error(&l->y, node, "program '%s' must start with ${folder}\\ or be an absolute path", p);
            return;
        }
        if (v < 0)
            return;
        r->program_variable = v;
        checked = fw_xasprintf("%s%s", l->file->variables[v].default_text, close + 1);
    }
    if (!valid_program_path(checked ? checked : p))
        fw_yaml_error(&l->y, node,
                      "program '%s' must be an absolute Windows path to an .exe, such as "
                      "%%ProgramFiles%%\\Vendor\\app.exe or ${install_dir}\\app.exe",
                      p);
    free(checked);
}

static fw_port_range default_range(const fw_catalog_file *f, const fw_port_ref *ref)
{
    return ref->variable >= 0 ? f->variables[ref->variable].default_value : ref->literal;
}

/* Checks that need the whole rule: breadth and repeated ports. */
static void check_rule(loader *l, const yaml_node_t *node, const fw_rule *r, bool had_ports,
                       bool protocol_known)
{
    if (protocol_known && r->protocol == FW_PROTO_ANY && had_ports)
        fw_yaml_error(&l->y, node,
                      "rule '%s' lists ports with protocol 'any'; ports exist only for tcp and "
                      "udp",
                      r->id ? r->id : "?");
    if (!had_ports && !r->program)
        fw_yaml_error(&l->y, node,
                      "rule '%s' has neither ports nor a program: it would permit every "
                      "connection of its protocol",
                      r->id ? r->id : "?");
    for (size_t i = 0; i < r->port_count; i++) {
        for (size_t j = 0; j < i; j++) {
            fw_port_range a = default_range(l->file, &r->ports[i]);
            fw_port_range b = default_range(l->file, &r->ports[j]);
            if (fw_port_ranges_overlap(a, b)) {
                char ta[16], tb[16];
                fw_port_range_format(a, ta, sizeof ta);
                fw_port_range_format(b, tb, sizeof tb);
                fw_diag_add(l->y.diags, FW_SEV_ERROR, r->ports[i].pos.file, r->ports[i].pos.line,
                            r->ports[i].pos.column,
                            "port %s overlaps port %s listed at line %u of rule '%s'", ta, tb,
                            r->ports[j].pos.line, r->id ? r->id : "?");
            }
        }
    }
}

static void read_rule(loader *l, const yaml_node_t *node, fw_rule *r)
{
    static const fw_yaml_field fields[] = {
        {"id", true},      {"direction", true},        {"protocol", true},
        {"ports", false},  {"program", false},         {"remote_addresses", false},
        {"description", true}, {"source", true},       {"versions", false}};
    yaml_node_t *s[9];
    bool protocol_known = false;
    memset(r, 0, sizeof *r);
    r->program_variable = r->remote_variable = r->version_variable = r->source = -1;
    r->pos = pos_of(l, node);
    if (!fw_yaml_mapping(&l->y, node, "a rule", fields, 9, s))
        return;
    if (s[0])
        r->id = read_identifier(l, s[0], "rule id");
    if (s[1]) {
        char *d = fw_yaml_string(&l->y, s[1], "direction");
        if (d && strcmp(d, "in") == 0)
            r->direction = FW_DIR_IN;
        else if (d && strcmp(d, "out") == 0)
            r->direction = FW_DIR_OUT;
        else if (d)
            fw_yaml_error(&l->y, s[1], "direction must be 'in' or 'out', got '%s'", d);
        free(d);
    }
    if (s[2]) {
        char *p = fw_yaml_string(&l->y, s[2], "protocol");
        protocol_known = true;
        if (p && strcmp(p, "tcp") == 0)
            r->protocol = FW_PROTO_TCP;
        else if (p && strcmp(p, "udp") == 0)
            r->protocol = FW_PROTO_UDP;
        else if (p && strcmp(p, "any") == 0)
            r->protocol = FW_PROTO_ANY;
        else {
            protocol_known = false;
            if (p)
                fw_yaml_error(&l->y, s[2], "protocol must be 'tcp', 'udp' or 'any', got '%s'", p);
        }
        free(p);
    }
    if (s[3])
        read_ports(l, s[3], r);
    if (s[4])
        read_program(l, s[4], r);
    if (s[5])
        read_remote_addresses(l, s[5], r);
    if (s[6])
        r->description = fw_yaml_string(&l->y, s[6], "description");
    if (s[7])
        read_source(l, s[7], r);
    if (s[8])
        read_versions(l, s[8], r);
    check_rule(l, node, r, s[3] != NULL, protocol_known);
}

static void read_service(loader *l, const yaml_node_t *node, fw_service_entry *e)
{
    static const fw_yaml_field fields[] = {
        {"name", true}, {"port", true}, {"protocol", true}, {"comment", false}};
    yaml_node_t *s[4];
    memset(e, 0, sizeof *e);
    e->pos = pos_of(l, node);
    e->port.variable = -1;
    if (!fw_yaml_mapping(&l->y, node, "a services entry", fields, 4, s))
        return;
    if (s[0])
        e->name = read_identifier(l, s[0], "service name");
    if (s[1])
        read_port_ref(l, s[1], "a services entry's port", true, &e->port);
    if (s[2]) {
        char *p = fw_yaml_string(&l->y, s[2], "protocol");
        if (p && strcmp(p, "tcp") == 0)
            e->protocol = FW_PROTO_TCP;
        else if (p && strcmp(p, "udp") == 0)
            e->protocol = FW_PROTO_UDP;
        else if (p)
            fw_yaml_error(&l->y, s[2], "a services entry's protocol must be 'tcp' or 'udp', got '%s'",
                          p);
        free(p);
    }
    if (s[3]) {
        e->comment = fw_yaml_string(&l->y, s[3], "comment");
        /* It is written into the services file: one line, no control bytes. */
        for (const char *c = e->comment; c && *c; c++) {
            if ((unsigned char)*c < 0x20 || *c == 0x7f) {
                fw_yaml_error(&l->y, s[3], "a services entry's comment must be one line of text, without "
                                           "line breaks or other control characters");
                break;
            }
        }
    }
}

static void read_rules(loader *l, const yaml_node_t *node, fw_profile *p)
{
    size_t n;
    if (!fw_yaml_sequence(&l->y, node, "rules", &n))
        return;
    if (n == 0) {
        fw_yaml_error(&l->y, node, "profile '%s' has no rules", p->name ? p->name : "?");
        return;
    }
    if (!within_limit(l, node, n, FW_CATALOG_MAX_RULES, "rules"))
        return;
    p->rules = fw_xcalloc(n, sizeof *p->rules);
    for (size_t i = 0; i < n; i++) {
        fw_rule *r = &p->rules[p->rule_count++];
        read_rule(l, fw_yaml_item(&l->y, node, i), r);
        for (size_t j = 0; r->id && j + 1 < p->rule_count; j++) {
            if (p->rules[j].id && strcmp(p->rules[j].id, r->id) == 0) {
                fw_diag_add(l->y.diags, FW_SEV_ERROR, r->pos.file, r->pos.line, r->pos.column,
                            "duplicate rule id '%s' in profile '%s' (first at line %u)", r->id,
                            p->name ? p->name : "?", p->rules[j].pos.line);
                break;
            }
        }
    }
}

static void read_services(loader *l, const yaml_node_t *node, fw_profile *p)
{
    size_t n;
    if (!fw_yaml_sequence(&l->y, node, "services", &n) || !within_limit(l, node, n, FW_CATALOG_MAX_SERVICES, "services"))
        return;
    p->services = fw_xcalloc(n ? n : 1, sizeof *p->services);
    for (size_t i = 0; i < n; i++) {
        fw_service_entry *e = &p->services[p->service_count++];
        read_service(l, fw_yaml_item(&l->y, node, i), e);
        for (size_t j = 0; e->name && j + 1 < p->service_count; j++) {
            if (p->services[j].name && strcmp(p->services[j].name, e->name) == 0 &&
                p->services[j].protocol == e->protocol) {
                fw_diag_add(l->y.diags, FW_SEV_ERROR, e->pos.file, e->pos.line, e->pos.column,
                            "duplicate services entry '%s/%s' (first at line %u)", e->name,
                            fw_protocol_name(e->protocol), p->services[j].pos.line);
                break;
            }
        }
    }
}

static void read_profile(loader *l, const yaml_node_t *node, fw_catalog *c)
{
    static const fw_yaml_field fields[] = {{"name", true},  {"aliases", false},
                                           {"role", true},  {"description", false},
                                           {"rules", true}, {"services", false}};
    yaml_node_t *s[6];
    if (!fw_yaml_mapping(&l->y, node, "a profile", fields, 6, s))
        return;
    fw_profile p = {.file = c->file_count - 1, .pos = pos_of(l, node)};
    if (s[0]) {
        p.name = read_identifier(l, s[0], "profile name");
        p.name_pos = pos_of(l, s[0]);
    }
    if (s[1]) {
        size_t n;
        if (fw_yaml_sequence(&l->y, s[1], "aliases", &n) && within_limit(l, s[1], n, FW_CATALOG_MAX_ALIASES, "aliases")) {
            p.aliases = fw_xcalloc(n ? n : 1, sizeof *p.aliases);
            p.alias_pos = fw_xcalloc(n ? n : 1, sizeof *p.alias_pos);
            for (size_t i = 0; i < n; i++) {
                yaml_node_t *item = fw_yaml_item(&l->y, s[1], i);
                char *a = read_identifier(l, item, "alias");
                if (a) {
                    p.alias_pos[p.alias_count] = pos_of(l, item);
                    p.aliases[p.alias_count++] = a;
                }
            }
        }
    }
    if (s[2])
        p.role = fw_yaml_string(&l->y, s[2], "role");
    if (s[3])
        p.description = fw_yaml_string(&l->y, s[3], "description");
    if (s[4])
        read_rules(l, s[4], &p);
    if (s[5])
        read_services(l, s[5], &p);
    /* The breadth guard at the catalog's defaults (a setting is checked
     * where it is bound): an error points at the rule's port. */
    fw_binding defaults;
    fw_binding_init(&defaults, c, &p, NULL, 0);
    fw_guard_check(&p, &defaults, l->y.diags);
    fw_binding_free(&defaults);
    FW_PUSH(c->profiles, c->profile_count, c->profile_cap, p);
}

static void mark_used(bool *used, size_t n, int variable)
{
    if (variable >= 0 && (size_t)variable < n)
        used[variable] = true;
}

/* One pass over the file's profiles: a catalog may hold many of them. */
static void warn_unused_variables(loader *l, const fw_catalog *c)
{
    size_t file_index = c->file_count - 1, n = l->file->variable_count;
    bool *used = fw_xcalloc(n ? n : 1, sizeof *used);
    for (size_t i = 0; i < c->profile_count; i++) {
        const fw_profile *p = &c->profiles[i];
        if (p->file != file_index)
            continue;
        for (size_t r = 0; r < p->rule_count; r++) {
            mark_used(used, n, p->rules[r].remote_variable);
            mark_used(used, n, p->rules[r].program_variable);
            mark_used(used, n, p->rules[r].version_variable);
            for (size_t k = 0; k < p->rules[r].port_count; k++)
                mark_used(used, n, p->rules[r].ports[k].variable);
        }
        for (size_t k = 0; k < p->service_count; k++)
            mark_used(used, n, p->services[k].port.variable);
    }
    for (size_t v = 0; v < n; v++) {
        const fw_variable *var = &l->file->variables[v];
        if (!var->invalid && !used[v])
            fw_diag_add(l->y.diags, FW_SEV_WARNING, var->pos.file, var->pos.line, var->pos.column,
                        "variable '%s' is not used by any rule or service", var->name);
    }
    free(used);
}

/* sources: the documents the file's rules cite, by the name rules use,
 * with what a person needs to find them: a title, the product version it
 * describes, a URL, or for a document without one the vendor's article
 * name. */
static void read_sources(loader *l, const yaml_node_t *node)
{
    static const fw_yaml_field fields[] = {
        {"title", true}, {"product_version", false}, {"url", false}, {"article", false}};
    if (node->type != YAML_MAPPING_NODE) {
        char *got = fw_yaml_describe(node);
        fw_yaml_error(&l->y, node, "sources must be a mapping of document name to its title, version and URL, "
                                   "got %s", got);
        free(got);
        return;
    }
    size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    if (!within_limit(l, node, n, FW_CATALOG_MAX_SOURCES, "sources"))
        return;
    l->file->sources = fw_xcalloc(n ? n : 1, sizeof *l->file->sources);
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(l->y.doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(l->y.doc, pair->value);
        fw_source_doc d = {.document = fw_yaml_string(&l->y, key, "a document name"), .pos = pos_of(l, key)};
        yaml_node_t *slots[4];
        bool ok = d.document && fw_yaml_mapping(&l->y, value, "a source", fields, 4, slots) && slots[0];
        if (ok && (strpbrk(d.document, "/\\") || !d.document[0])) {
            fw_yaml_error(&l->y, key, "source '%s' must be a document's file name or a record's name, not a path",
                          d.document);
            ok = false;
        }
        if (ok) {
            d.title = fw_yaml_string(&l->y, slots[0], "a source's title");
            d.product_version = slots[1] ? fw_yaml_string(&l->y, slots[1], "a source's product_version") : NULL;
            d.url = slots[2] ? fw_yaml_string(&l->y, slots[2], "a source's url") : NULL;
            d.article = slots[3] ? fw_yaml_string(&l->y, slots[3], "a source's article") : NULL;
            if (d.url && strncmp(d.url, "https://", 8) != 0)
                fw_yaml_error(&l->y, slots[2], "a source's url must start with https://, got '%s'", d.url);
        }
        for (size_t i = 0; ok && i < l->file->source_count; i++)
            if (strcmp(l->file->sources[i].document, d.document) == 0) {
                fw_yaml_error(&l->y, key, "source '%s' is listed twice", d.document);
                ok = false;
            }
        if (ok) {
            l->file->sources[l->file->source_count++] = d;
        } else {
            free(d.document);
            free(d.title);
            free(d.product_version);
            free(d.url);
            free(d.article);
        }
    }
}

static void read_root(loader *l, const yaml_node_t *root, fw_catalog *c)
{
    static const fw_yaml_field fields[] = {
        {"product", true}, {"variables", false}, {"profiles", true}, {"sources", true}};
    yaml_node_t *s[4];
    if (!fw_yaml_mapping(&l->y, root, "a catalog file", fields, 4, s))
        return;
    if (s[0])
        l->file->product = fw_yaml_string(&l->y, s[0], "product");
    /* Sources and variables before the profiles whose rules name them. */
    l->has_sources = s[3] != NULL;
    if (s[3])
        read_sources(l, s[3]);
    if (s[1])
        read_variables(l, s[1]);
    if (s[2]) {
        size_t n;
        if (fw_yaml_sequence(&l->y, s[2], "profiles", &n) &&
            within_limit(l, s[2], n, FW_CATALOG_MAX_PROFILES, "profiles")) {
            if (n == 0)
                fw_yaml_error(&l->y, s[2], "profiles must not be empty");
            for (size_t i = 0; i < n; i++)
                read_profile(l, fw_yaml_item(&l->y, s[2], i), c);
        }
    }
    warn_unused_variables(l, c);
}

static void syntax_error(fw_diags *d, const char *path, const yaml_parser_t *parser)
{
    const yaml_mark_t *m = &parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->context)
        fw_diag_add(d, FW_SEV_ERROR, path, (unsigned)m->line + 1, (unsigned)m->column + 1,
                    "YAML syntax error: %s %s that starts at line %u, column %u", problem,
                    parser->context, (unsigned)parser->context_mark.line + 1,
                    (unsigned)parser->context_mark.column + 1);
    else
        fw_diag_add(d, FW_SEV_ERROR, path, (unsigned)m->line + 1, (unsigned)m->column + 1,
                    "YAML syntax error: %s", problem);
}

/* Before the tree is built, a scan of the event stream refuses what only
 * an attack needs: anchors and aliases (an alias a reader walks again at
 * every use is how a small file becomes a huge one, a "billion laughs";
 * the catalog needs none), and nesting deeper than FW_CATALOG_MAX_DEPTH
 * (libyaml's scanner takes time quadratic in the depth). The scan stops at
 * the first level too deep; at most a few anchors are reported. Syntax
 * errors are left to the loader. */
static bool refuse_in_events(fw_diags *d, const char *path, const char *text, size_t length)
{
    enum { REPORTED_MAX = 5 };
    yaml_parser_t parser;
    yaml_event_t e;
    size_t found = 0;
    int depth = 0;
    bool too_deep = false;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    for (bool end = false; !end && !too_deep && yaml_parser_parse(&parser, &e);) {
        const unsigned char *anchor = e.type == YAML_ALIAS_EVENT            ? e.data.alias.anchor
                                      : e.type == YAML_SCALAR_EVENT         ? e.data.scalar.anchor
                                      : e.type == YAML_SEQUENCE_START_EVENT ? e.data.sequence_start.anchor
                                      : e.type == YAML_MAPPING_START_EVENT  ? e.data.mapping_start.anchor
                                                                            : NULL;
        if (anchor && found++ < REPORTED_MAX)
            fw_diag_add(d, FW_SEV_ERROR, path, (unsigned)e.start_mark.line + 1, (unsigned)e.start_mark.column + 1,
                        "%s '%c%s': a catalog file may use no YAML anchors or aliases; write each value out",
                        e.type == YAML_ALIAS_EVENT ? "alias" : "anchor", e.type == YAML_ALIAS_EVENT ? '*' : '&',
                        (const char *)anchor);
        if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
            depth--;
        if (depth > FW_CATALOG_MAX_DEPTH) {
            too_deep = true;
            fw_diag_add(d, FW_SEV_ERROR, path, (unsigned)e.start_mark.line + 1, (unsigned)e.start_mark.column + 1,
                        "nested more than %d levels deep; a catalog needs a handful", FW_CATALOG_MAX_DEPTH);
        }
        end = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
    }
    if (found > REPORTED_MAX)
        fw_diag_add(d, FW_SEV_ERROR, path, 0, 0, "%zu more YAML anchors or aliases", found - REPORTED_MAX);
    yaml_parser_delete(&parser);
    return found > 0 || too_deep;
}

void fw_catalog_load_text(fw_catalog *catalog, const char *display_path, const char *text,
                          size_t length, fw_diags *diags)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    bool have_doc = false;

    fw_catalog_file *file = fw_xcalloc(1, sizeof *file);
    file->path = fw_xstrdup(display_path);
    file->version_variable = -1;
    FW_PUSH(catalog->files, catalog->file_count, catalog->file_cap, file);

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    if (refuse_in_events(diags, display_path, text, length))
        goto done;
    if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(diags, display_path, &parser);
        goto done;
    }
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        fw_diag_add(diags, FW_SEV_ERROR, display_path, 1, 1, "catalog file is empty");
        goto done;
    }
    if (!yaml_parser_load(&parser, &extra)) {
        syntax_error(diags, display_path, &parser);
        goto done;
    }
    yaml_node_t *extra_root = yaml_document_get_root_node(&extra);
    if (extra_root)
        fw_diag_add(diags, FW_SEV_ERROR, display_path, (unsigned)extra_root->start_mark.line + 1,
                    (unsigned)extra_root->start_mark.column + 1,
                    "a catalog file holds one YAML document; found a second one");
    yaml_document_delete(&extra);
    if (extra_root)
        goto done;

    loader l = {.y = {.doc = &doc, .file = file->path, .diags = diags}, .file = file};
    read_root(&l, root, catalog);
done:
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
}

/* Every name and alias of the catalog, in catalog order. */
typedef struct {
    const char *name;
    const fw_pos *pos;
    size_t profile, order;
    bool is_alias;
} name_entry;

static int compare_names(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    for (const char *p = x->name, *q = y->name;; p++, q++) {
        int cp = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p, cq = (*q >= 'A' && *q <= 'Z') ? *q + 32 : *q;
        if (cp != cq)
            return cp < cq ? -1 : 1;
        if (!cp)
            break;
    }
    return (x->order > y->order) - (x->order < y->order);
}

/* Sorted case-insensitively, then in catalog order: each name after the
 * first of its group repeats that first one. */
void fw_catalog_check_names(const fw_catalog *catalog, fw_diags *diags)
{
    name_entry *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < catalog->profile_count; i++) {
        const fw_profile *p = &catalog->profiles[i];
        if (p->name)
            FW_PUSH(all, n, cap, ((name_entry){p->name, &p->name_pos, i, n, false}));
        for (size_t a = 0; a < p->alias_count; a++)
            FW_PUSH(all, n, cap, ((name_entry){p->aliases[a], &p->alias_pos[a], i, n, true}));
    }
    if (n)
        qsort(all, n, sizeof *all, compare_names);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (!fw_str_ieq(all[i].name, all[first].name)) {
            first = i;
            continue;
        }
        const name_entry *e = &all[i], *f = &all[first];
        fw_diag_add(diags, FW_SEV_ERROR, e->pos->file, e->pos->line, e->pos->column,
                    "%s '%s' is already %s of profile '%s' (%s:%u:%u)", e->is_alias ? "alias" : "profile name",
                    e->name, f->is_alias ? "an alias" : "the name",
                    catalog->profiles[f->profile].name ? catalog->profiles[f->profile].name : "?", f->pos->file,
                    f->pos->line, f->pos->column);
    }
    free(all);
}

void fw_catalog_add_file(fw_catalog *catalog, const char *path, const char *text, size_t size, fw_diags *diags)
{
    size_t before = catalog->file_count;
    if (memchr(text, '\0', size))
        fw_diag_add(diags, FW_SEV_ERROR, path, 0, 0, "not a text file (contains NUL bytes)");
    else
        fw_catalog_load_text(catalog, path, text, size, diags);
    /* What a fleet compares across hosts: the bytes this host loaded. */
    if (catalog->file_count > before)
        fw_sha256_hex(text, size, catalog->files[catalog->file_count - 1]->sha256);
}

bool fw_catalog_file_count_ok(const char *dir, size_t count, fw_diags *diags)
{
    if (count == 0)
        fw_diag_add(diags, FW_SEV_ERROR, dir, 0, 0, "no catalog files (*.yaml) in this folder");
    if (count > FW_CATALOG_MAX_FILES)
        fw_diag_add(diags, FW_SEV_ERROR, dir, 0, 0, "%zu catalog files, more than the %d a catalog may have", count,
                    FW_CATALOG_MAX_FILES);
    return count > 0 && count <= FW_CATALOG_MAX_FILES;
}

void fw_catalog_mark_site(fw_catalog *catalog, size_t first_file)
{
    for (size_t i = first_file; i < catalog->file_count; i++)
        catalog->files[i]->site = true;
}

bool fw_catalog_load_dir(fw_catalog *catalog, const char *dir, fw_diags *diags)
{
    char **names = NULL;
    size_t count = 0;
    char *error = NULL;
    size_t errors_before = diags->errors;

    if (!fw_list_files(dir, ".yaml", &names, &count, &error)) {
        fw_diag_add(diags, FW_SEV_ERROR, dir, 0, 0, "%s", error);
        free(error);
        return false;
    }
    bool readable = fw_catalog_file_count_ok(dir, count, diags);
    for (size_t i = 0; readable && i < count; i++) {
        char *path = fw_path_join(dir, names[i]);
        size_t size = 0;
        char *text = fw_read_file(path, FW_CATALOG_MAX_FILE_BYTES, &size, &error);
        if (!text) {
            fw_diag_add(diags, FW_SEV_ERROR, path, 0, 0, "%s", error);
            free(error);
            error = NULL;
        } else {
            fw_catalog_add_file(catalog, path, text, size, diags);
        }
        free(text);
        free(path);
    }
    fw_free_names(names, count);
    fw_catalog_check_names(catalog, diags);
    return diags->errors == errors_before;
}
