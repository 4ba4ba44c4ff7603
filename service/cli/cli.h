/* The fwsvc command line: parsed arguments, exit codes (docs/cli.md) and
 * the commands. */
#ifndef FW_CLI_H
#define FW_CLI_H

#include "binding.h"
#include "catalog.h"
#include "exposure.h"
#include "fw_json.h"
#include "host_exit.h"
#include "plan.h"

#include <stdbool.h>
#include <stddef.h>


/* Options a command accepts. */
enum {
    FW_OPT_CATALOG = 1 << 0,
    FW_OPT_PROFILE = 1 << 1,
    FW_OPT_SET = 1 << 2,
    FW_OPT_JSON = 1 << 3,
    FW_OPT_DIR_ARG = 1 << 4, /* one optional positional folder */
    FW_OPT_DRY_RUN = 1 << 5,
    FW_OPT_ALL = 1 << 6,
    FW_OPT_SERVICES_FILE = 1 << 7,
    FW_OPT_UNSET = 1 << 8,
    FW_OPT_MANY_PROFILES = 1 << 9, /* --profile may be repeated */
    FW_OPT_INTERVAL = 1 << 10,
    FW_OPT_REMOVE = 1 << 11,
    /* configure: --profiles LIST, --settings LIST and --interval, each
     * possibly empty (an installer passes every property, set or not) */
    FW_OPT_INSTALLER_LISTS = 1 << 12,
    FW_OPT_PURGE = 1 << 13,
    FW_OPT_FLOW = 1 << 14, /* why: --dir --proto --port --remote-addr --local-addr --program --flows */
    FW_OPT_DEFAULTS = 1 << 15, /* show, plan: the catalog alone, not the host's settings */
    FW_OPT_VERBOSE = 1 << 16,  /* why: keys, ids and weights too */
    FW_OPT_DETECT = 1 << 17,   /* apply: --detect, --auto-detect on|off */
    FW_OPT_WATCH = 1 << 18,    /* watch: --since DURATION, --follow, --limit N */
    FW_OPT_DSC = 1 << 19,      /* dsc: --input JSON, --what-if */
};

typedef struct {
    const char *command;
    const char *catalog_dir;  /* --catalog, or NULL for the default */
    const char *site_catalog_dir; /* --site-catalog, or NULL: the host's; "none": no site folder */
    const char **profiles;    /* --profile, in order */
    size_t profile_count;
    fw_setting *settings;     /* --set */
    size_t setting_count;
    const char **unsets;      /* --unset NAME */
    size_t unset_count;
    bool json;
    bool dry_run;
    bool all;
    const char *dir_arg;      /* lint [DIR] */
    const char *services_file; /* --services-file, or NULL for the real one */
    unsigned long interval;   /* service install --interval SECONDS, or 0 */
    bool remove;              /* service uninstall --remove */
    bool purge;               /* remove --all --purge */
    bool defaults;            /* show, plan --defaults */
    bool verbose;             /* why --verbose */
    bool detect;              /* apply --detect (configure: "auto" among --profiles) */
    bool auto_detect_given, auto_detect; /* apply --auto-detect on|off */
    char **list_items;        /* owned: what --profiles / --settings split into */
    size_t list_item_count, list_item_cap;
    const char *dir, *proto, *port, *remote_addr, *local_addr, *program, *flows; /* why */
    const char *since, *limit; /* watch --since, --limit (checked by the command) */
    bool follow;               /* watch --follow */
    const char *input;         /* dsc --input JSON */
    bool what_if;              /* dsc set --what-if */
} fw_cli_args;

typedef struct {
    const char *name;
    unsigned options;
    int (*run)(const fw_cli_args *args);
    const char *summary;
    const char *help;
} fw_command;

const fw_command *fw_cli_commands(size_t *count);
const fw_command *fw_cli_find_command(const char *name);

/* Parses argv after the command name. Returns FW_EXIT_OK, or reports a usage
 * error and returns FW_EXIT_INVALID; *help is set when --help was given. */
int fw_cli_parse(const fw_command *cmd, int argc, char **argv, fw_cli_args *args, bool *help);
void fw_cli_args_free(fw_cli_args *args);

void fw_cli_print_usage(FILE *out);
void fw_cli_print_command_help(const fw_command *cmd, FILE *out);

/* Where a bound value comes from. */
typedef enum { FW_FROM_DEFAULT, FW_FROM_LOCAL, FW_FROM_POLICY, FW_FROM_SET } fw_value_from;
const char *fw_value_from_name(fw_value_from f); /* "default", "local", "policy", "--set" */

/* Catalog loaded for a command: the profiles it names, their bindings. */
typedef struct {
    fw_catalog catalog;
    const fw_profile **profiles;
    fw_binding *bindings;
    /* FW_SESSION_HOST_VALUES: per profile, per variable of its file, where
     * the bound value comes from, and whether the host applies it. */
    fw_value_from **from;
    bool *applied;
    struct fw_merge_ *merges; /* the merged settings the bindings point into */
    bool host_read;  /* a host record was read (Windows, without --defaults) */
    size_t profile_count;
} fw_cli_session;

enum {
    FW_SESSION_NEED_PROFILE = 1 << 0, /* --profile is required */
    FW_SESSION_WARN_WIDENED = 1 << 1, /* warn of values that count as any address */
    /* Windows: the catalog as the host module enforces it, folder and files
     * administrators' alone (catalog_trusted.h): the commands that change WFP */
    FW_SESSION_TRUSTED = 1 << 2,
    /* show, plan: a profile the host applies is bound to its recorded
     * settings (the catalog folder the host uses, too), --set over them;
     * --defaults: the catalog alone */
    FW_SESSION_HOST_VALUES = 1 << 3,
    /* list, catalog: the host's catalog folders (its site folder too), not
     * its settings */
    FW_SESSION_HOST_FOLDERS = 1 << 4,
};
/* Loads the catalog (reporting every problem on stderr), resolves --profile
 * names, checks --set and holds the bound values to the breadth guard
 * (guard.h). Returns an exit code; FW_EXIT_OK on success. */
int fw_cli_session_open(fw_cli_session *s, const fw_cli_args *args, unsigned flags);
/* The site catalog folder a command reads: --site-catalog DIR, none with
 * --site-catalog none, else the host's (recorded; NULL when none). */
const char *fw_cli_site_catalog(const fw_cli_args *args, const char *recorded);
void fw_cli_session_close(fw_cli_session *s);


int fw_cmd_list(const fw_cli_args *args);
int fw_cmd_show(const fw_cli_args *args);
int fw_cmd_catalog(const fw_cli_args *args);
int fw_cmd_plan(const fw_cli_args *args);
int fw_cmd_lint(const fw_cli_args *args);
/* Windows only: natively they explain that and exit 2. */
int fw_cmd_apply(const fw_cli_args *args);
int fw_cmd_remove(const fw_cli_args *args);
int fw_cmd_status(const fw_cli_args *args);
int fw_cmd_filters(const fw_cli_args *args);
int fw_cmd_config(const fw_cli_args *args);
int fw_cmd_service(const fw_cli_args *args);
int fw_cmd_configure(const fw_cli_args *args);
int fw_cmd_why(const fw_cli_args *args);
int fw_cmd_detect(const fw_cli_args *args);
int fw_cmd_watch(const fw_cli_args *args);
int fw_cmd_dsc(const fw_cli_args *args);

/* Warns, once each, of the addresses variables whose value counts as any
 * address (guard.h). */
void fw_cli_warn_widened(const fw_profile *const *profiles, const fw_binding *bindings, size_t count);

/* The exposure figure: three lines of text, or the JSON member "exposure". */
void fw_cli_print_exposure(FILE *out, const char *indent, const fw_exposure *e);
void fw_cli_json_exposure(fw_json *j, const fw_exposure *e);

/* The member "versions" of a profile: its version variable, the host's
 * value (null: not set), whether the union of versions is planned, and the
 * rules left out for another version (plan.h). */
void fw_cli_json_versions(fw_json *j, const fw_plan *plan, const fw_profile *profile, const fw_binding *binding);

/* What detection found (detect.h): text, or the members "detected" and
 * "ambiguous" (docs/schemas/detect.schema.json). */
struct fw_detection_;
void fw_cli_print_detection(FILE *out, const struct fw_detection_ *d);
void fw_cli_json_detection(fw_json *j, const struct fw_detection_ *d);

/* "135, 2500-3300" with the binding's values. */
char *fw_cli_ports_text(const fw_rule *rule, const fw_binding *binding, const char *separator);

#endif
