/* The catalog: vendor-documented firewall openings, grouped into profiles
 * (one per host role), loaded from the catalog folder. docs/catalog.md describes
 * the file format; this is its in-memory form. */
#ifndef FW_CATALOG_H
#define FW_CATALOG_H

#include "address.h"
#include "port_range.h"
#include "version.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *file; /* owned by the catalog file it points into */
    unsigned line, column;
} fw_pos;

typedef enum {
    FW_VAR_PORT,       /* one port */
    FW_VAR_PORT_RANGE, /* a range (or one port) */
    FW_VAR_ADDRESSES,  /* a peer's IP addresses and prefixes, or "any"; may have no default */
    FW_VAR_PATH,       /* an install folder that program paths start from */
    FW_VAR_VERSION,    /* the product's version on this host; no default: without one, every version's rules */
} fw_var_type;

/* A value the vendor calls configurable, or one only the administrator
 * knows (a peer's address); overridable with --set name=value. */
typedef struct {
    char *name;
    fw_var_type type;
    fw_port_range default_value; /* port types */
    char *default_text;          /* the default as written; NULL: none (addresses only) */
    char *description;
    /* path variables: other folders the product is known to install to (a
     * rebrand, another version); a program not found at the default is
     * looked for there, and the operator told which value to set */
    char **other_locations;
    size_t other_location_count;
    fw_pos pos;
    bool invalid; /* its definition was reported as wrong: uses say nothing more */
} fw_variable;

/* One entry of a rule's ports, or a service entry's port: a literal or a
 * reference "${name}" to a variable of the same catalog file. */
typedef struct {
    int variable; /* index into the file's variables, or -1 for a literal */
    fw_port_range literal;
    fw_pos pos;
} fw_port_ref;

typedef enum { FW_DIR_IN, FW_DIR_OUT } fw_direction;
typedef enum { FW_PROTO_ANY = 0, FW_PROTO_TCP = 6, FW_PROTO_UDP = 17 } fw_protocol;

typedef struct {
    char *id;
    fw_direction direction;
    fw_protocol protocol;
    fw_port_ref *ports; /* local port for in-rules, remote port for out-rules */
    size_t port_count;
    char *program; /* Windows path, may use %VARIABLES% or start with ${folder}; NULL for any program */
    int program_variable; /* the path variable it starts with, or -1 */
    char **remote_text;
    fw_address *remote;
    size_t remote_count;  /* 0 and remote_variable -1: any remote address */
    int remote_variable;  /* an addresses variable giving the scope, or -1 */
    char *description;
    char *source_document;
    char *source_section;
    int source;           /* index into the file's sources, or -1 */
    /* versions: the product versions the rule applies to (the file's
     * version variable); has_versions false: every version */
    bool has_versions;
    fw_version_range versions;
    char *versions_text;
    int version_variable; /* with has_versions: the file's version variable; else -1 */
    fw_pos pos;
} fw_rule;

/* A line the profile needs in %SystemRoot%\System32\drivers\etc\services. */
typedef struct {
    char *name;
    fw_port_ref port;
    fw_protocol protocol;
    char *comment;
    fw_pos pos;
} fw_service_entry;

/* A document rules cite, as a person finds it: the file's sources. */
typedef struct {
    char *document;        /* the key rules cite: a vendor document's file name, or a site's record */
    char *title;
    char *product_version; /* the version it describes, or NULL when it names none */
    char *url;             /* or NULL */
    char *article;         /* the vendor's article name where there is no URL, or NULL */
    fw_pos pos;
} fw_source_doc;

typedef struct {
    char *path;
    char *product;
    fw_variable *variables;
    size_t variable_count;
    fw_source_doc *sources;
    size_t source_count;
    int version_variable; /* the variable of type version, or -1 */
    bool site;            /* from the site catalog folder, not the vendor catalog */
    char sha256[65];      /* of the bytes loaded (fw_catalog_add_file), lowercase hex; "" otherwise */
} fw_catalog_file;

typedef struct {
    char *name;
    fw_pos name_pos;
    char **aliases;
    fw_pos *alias_pos;
    size_t alias_count;
    char *role;
    char *description;
    size_t file; /* index into fw_catalog.files */
    fw_rule *rules;
    size_t rule_count;
    fw_service_entry *services;
    size_t service_count;
    fw_pos pos;
} fw_profile;

typedef struct {
    fw_catalog_file **files; /* pointers: positions point at file paths */
    size_t file_count, file_cap;
    fw_profile *profiles;
    size_t profile_count, profile_cap;
} fw_catalog;

void fw_catalog_free(fw_catalog *catalog);

/* Finds a profile by name or alias (case-insensitive); NULL if none. */
const fw_profile *fw_catalog_find(const fw_catalog *catalog, const char *name);

const char *fw_direction_name(fw_direction d);
const char *fw_var_type_name(fw_var_type t); /* "port", "port_range", "addresses", "path", "version" */
/* The source a rule cites, or NULL. */
const fw_source_doc *fw_rule_source(const fw_catalog *catalog, const fw_profile *profile, const fw_rule *rule);
/* The distinct product versions the documents a profile's rules cite
 * describe, comma-separated ("13.0.1, 13.0.2"); "" when none names one.
 * Allocated. */
char *fw_profile_versions(const fw_catalog *catalog, const fw_profile *profile);
const char *fw_protocol_name(fw_protocol p);

/* True if the profile's rules or services refer to the file variable. */
bool fw_profile_uses_variable(const fw_profile *profile, int variable);

#endif
