#include "cli.h"
#include "host_error.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const fw_command *cmd, const char *fmt, const char *arg)
{
    char message[512];
    snprintf(message, sizeof message, fmt, arg);
    fw_error("%s\n", message);
    fprintf(stderr, "Try 'fwsvc %s --help'.\n", cmd->name);
    return FW_EXIT_INVALID;
}

static const struct {
    unsigned option;
    const char *name;
} option_names[] = {
    {FW_OPT_CATALOG, "--catalog"}, {FW_OPT_CATALOG, "--site-catalog"}, {FW_OPT_PROFILE, "--profile"},
    {FW_OPT_SET, "--set"},
    {FW_OPT_UNSET, "--unset"},     {FW_OPT_JSON, "--json"},         {FW_OPT_DRY_RUN, "--dry-run"},
    {FW_OPT_ALL, "--all"},         {FW_OPT_SERVICES_FILE, "--services-file"},
    {FW_OPT_INTERVAL, "--interval"}, {FW_OPT_REMOVE, "--remove"},
    {FW_OPT_INSTALLER_LISTS, "--profiles"}, {FW_OPT_INSTALLER_LISTS, "--settings"}, {FW_OPT_PURGE, "--purge"},
    {FW_OPT_FLOW, "--dir"}, {FW_OPT_FLOW, "--proto"}, {FW_OPT_FLOW, "--port"}, {FW_OPT_FLOW, "--remote-addr"},
    {FW_OPT_FLOW, "--local-addr"}, {FW_OPT_FLOW, "--program"}, {FW_OPT_FLOW, "--flows"},
    {FW_OPT_DEFAULTS, "--defaults"}, {FW_OPT_VERBOSE, "--verbose"},
    {FW_OPT_DETECT, "--detect"}, {FW_OPT_DETECT, "--auto-detect"},
    {FW_OPT_WATCH, "--since"}, {FW_OPT_WATCH, "--follow"}, {FW_OPT_WATCH, "--limit"},
    {FW_OPT_DSC, "--input"}, {FW_OPT_DSC, "--what-if"},
};

/* An unknown option, with the closest one this command takes. */
static int unknown_option(const fw_command *cmd, const char *arg)
{
    const char *names[40];
    size_t n = 0;
    for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
        if (cmd->options & option_names[i].option)
            names[n++] = option_names[i].name;
    names[n++] = "--help";
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(arg, "="), arg);
    const char *closest = fw_closest(word, names, n);
    if (!closest)
        return usage_error(cmd, "unknown option '%s'", arg);
    char message[160];
    snprintf(message, sizeof message, "unknown option '%%s'; did you mean '%s'?", closest);
    return usage_error(cmd, message, arg);
}

/* Accepts both "--opt value" and "--opt=value". */
static const char *option_value(int argc, char **argv, int *i, const char *opt)
{
    size_t n = strlen(opt);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_option(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int add_setting(const char *text, fw_cli_args *args, size_t *setting_cap)
{
    fw_diags d = {0};
    fw_setting s;
    if (!fw_setting_parse(text, &s, &d)) {
        fw_diags_print(&d, stderr);
        fw_diags_free(&d);
        return FW_EXIT_INVALID;
    }
    FW_PUSH(args->settings, args->setting_count, *setting_cap, s);
    return FW_EXIT_OK;
}

/* configure's --profiles "dpm,veeam-agent", --settings "a=1;b=2" and
 * --interval N, as an installer passes its properties: an empty value is a
 * property that was not set. Profiles split at ',' or ';', settings at ';'
 * only (an address list keeps its commas). */
static int parse_installer_list(const fw_command *cmd, int argc, char **argv, int *i, fw_cli_args *args,
                                size_t *profile_cap, size_t *setting_cap)
{
    const char *opt = is_option(argv[*i], "--profiles")   ? "--profiles"
                      : is_option(argv[*i], "--settings") ? "--settings"
                                                          : "--interval";
    const char *value = option_value(argc, argv, i, opt);
    if (!value)
        return usage_error(cmd, "option '%s' needs a value (it may be empty)", opt);
    if (strcmp(opt, "--interval") == 0) {
        char *end = NULL;
        unsigned long n = strtoul(value, &end, 10);
        if (*value && (*end || n == 0 || !isdigit((unsigned char)value[0])))
            return usage_error(cmd, "INTERVAL must be a number of seconds, got '%s'", value);
        args->interval = *value ? n : 0;
        return FW_EXIT_OK;
    }
    char **items = NULL;
    size_t n = fw_split_list(value, strcmp(opt, "--profiles") == 0 ? ",;" : ";", &items);
    int rc = FW_EXIT_OK;
    for (size_t k = 0; k < n; k++) {
        FW_PUSH(args->list_items, args->list_item_count, args->list_item_cap, items[k]);
        if (strcmp(opt, "--profiles") == 0)
            FW_PUSH(args->profiles, args->profile_count, *profile_cap, items[k]);
        else if (rc == FW_EXIT_OK)
            rc = add_setting(items[k], args, setting_cap);
    }
    free(items); /* the strings now belong to args->list_items */
    return rc;
}

static const char *const flow_options[] = {"--dir", "--proto", "--port", "--remote-addr", "--local-addr",
                                           "--program", "--flows"};

/* why's flow options: the option's name, or NULL. */
static const char *flow_option(const char *arg)
{
    for (size_t i = 0; i < sizeof flow_options / sizeof flow_options[0]; i++)
        if (is_option(arg, flow_options[i]))
            return flow_options[i];
    return NULL;
}

static const char **flow_slot(fw_cli_args *args, const char *name)
{
    const char **slots[] = {&args->dir,        &args->proto,   &args->port, &args->remote_addr,
                            &args->local_addr, &args->program, &args->flows};
    for (size_t i = 0; i < sizeof flow_options / sizeof flow_options[0]; i++)
        if (strcmp(name, flow_options[i]) == 0)
            return slots[i];
    return NULL;
}

int fw_cli_parse(const fw_command *cmd, int argc, char **argv, fw_cli_args *args, bool *help)
{
    size_t profile_cap = 0, setting_cap = 0, unset_cap = 0;
    *help = false;
    args->command = cmd->name;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        unsigned need = 0;
        bool site = false;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return FW_EXIT_OK;
        } else if (is_option(a, "--catalog")) {
            need = FW_OPT_CATALOG;
        } else if (is_option(a, "--site-catalog")) {
            need = FW_OPT_CATALOG;
            site = true;
        } else if (is_option(a, "--profile")) {
            need = FW_OPT_PROFILE;
        } else if (is_option(a, "--set")) {
            need = FW_OPT_SET;
        } else if (is_option(a, "--unset")) {
            need = FW_OPT_UNSET;
        } else if (is_option(a, "--services-file")) {
            need = FW_OPT_SERVICES_FILE;
        } else if (strcmp(a, "--json") == 0) {
            need = FW_OPT_JSON;
        } else if (strcmp(a, "--dry-run") == 0) {
            need = FW_OPT_DRY_RUN;
        } else if (strcmp(a, "--all") == 0) {
            need = FW_OPT_ALL;
        } else if (strcmp(a, "--remove") == 0) {
            need = FW_OPT_REMOVE;
        } else if (is_option(a, "--interval")) {
            need = FW_OPT_INTERVAL;
        } else if (strcmp(a, "--purge") == 0) {
            need = FW_OPT_PURGE;
        } else if (strcmp(a, "--defaults") == 0) {
            need = FW_OPT_DEFAULTS;
        } else if (strcmp(a, "--verbose") == 0) {
            need = FW_OPT_VERBOSE;
        } else if (strcmp(a, "--detect") == 0 || is_option(a, "--auto-detect")) {
            need = FW_OPT_DETECT;
        } else if (is_option(a, "--profiles") || is_option(a, "--settings")) {
            need = FW_OPT_INSTALLER_LISTS;
        } else if (flow_option(a)) {
            need = FW_OPT_FLOW;
        } else if (is_option(a, "--since") || is_option(a, "--limit") || strcmp(a, "--follow") == 0) {
            need = FW_OPT_WATCH;
        } else if (is_option(a, "--input") || strcmp(a, "--what-if") == 0) {
            need = FW_OPT_DSC;
        } else if (a[0] == '-' && a[1] != '\0') {
            return unknown_option(cmd, a);
        } else {
            if (!(cmd->options & FW_OPT_DIR_ARG))
                return usage_error(cmd, "unexpected argument '%s'", a);
            if (args->dir_arg)
                return usage_error(cmd, "only one folder may be given, '%s' is extra", a);
            args->dir_arg = a;
            continue;
        }
        if (need == FW_OPT_INTERVAL && (cmd->options & FW_OPT_INSTALLER_LISTS))
            need = FW_OPT_INSTALLER_LISTS; /* configure's --interval may be empty */
        if (!(cmd->options & need))
            return usage_error(cmd, "option '%s' does not apply to this command", a);
        if (need == FW_OPT_PURGE || need == FW_OPT_DEFAULTS || need == FW_OPT_VERBOSE) {
            args->purge |= need == FW_OPT_PURGE;
            args->defaults |= need == FW_OPT_DEFAULTS;
            args->verbose |= need == FW_OPT_VERBOSE;
            continue;
        }
        if (need == FW_OPT_DETECT && strcmp(a, "--detect") == 0) {
            args->detect = true;
            continue;
        }
        if (need == FW_OPT_DETECT) {
            const char *value = option_value(argc, argv, &i, "--auto-detect");
            if (!value || (strcmp(value, "on") != 0 && strcmp(value, "off") != 0))
                return usage_error(cmd, "option '--auto-detect' takes on or off, got '%s'", value ? value : "");
            if (args->auto_detect_given)
                return usage_error(cmd, "%s is given twice", "--auto-detect");
            args->auto_detect_given = true;
            args->auto_detect = strcmp(value, "on") == 0;
            continue;
        }
        if (need == FW_OPT_DSC && strcmp(a, "--what-if") == 0) {
            args->what_if = true;
            continue;
        }
        if (need == FW_OPT_DSC) {
            const char *value = option_value(argc, argv, &i, "--input");
            if (!value)
                return usage_error(cmd, "option '%s' needs a value (the instance's JSON)", "--input");
            if (args->input)
                return usage_error(cmd, "%s is given twice", "--input");
            args->input = value;
            continue;
        }
        if (need == FW_OPT_WATCH && strcmp(a, "--follow") == 0) {
            args->follow = true;
            continue;
        }
        if (need == FW_OPT_WATCH) {
            const char *name = is_option(a, "--since") ? "--since" : "--limit";
            const char *value = option_value(argc, argv, &i, name);
            const char **slot = name[2] == 's' ? &args->since : &args->limit;
            if (!value || !*value)
                return usage_error(cmd, "option '%s' needs a value", name);
            if (*slot)
                return usage_error(cmd, "%s is given twice", name);
            *slot = value;
            continue;
        }
        if (need == FW_OPT_FLOW) {
            const char *name = flow_option(a);
            const char *value = option_value(argc, argv, &i, name);
            const char **slot = flow_slot(args, name);
            if (!value || !*value)
                return usage_error(cmd, "option '%s' needs a value", name);
            if (*slot)
                return usage_error(cmd, "%s is given twice", name);
            *slot = value;
            continue;
        }
        if (need == FW_OPT_INSTALLER_LISTS) {
            int rc = parse_installer_list(cmd, argc, argv, &i, args, &profile_cap, &setting_cap);
            if (rc != FW_EXIT_OK)
                return rc;
            continue;
        }
        if (need == FW_OPT_JSON || need == FW_OPT_DRY_RUN || need == FW_OPT_ALL || need == FW_OPT_REMOVE) {
            args->json |= need == FW_OPT_JSON;
            args->dry_run |= need == FW_OPT_DRY_RUN;
            args->all |= need == FW_OPT_ALL;
            args->remove |= need == FW_OPT_REMOVE;
            continue;
        }
        if (need == FW_OPT_INTERVAL) {
            const char *value = option_value(argc, argv, &i, "--interval");
            char *end = NULL;
            unsigned long n = value ? strtoul(value, &end, 10) : 0;
            if (!value || !*value || *end || n == 0)
                return usage_error(cmd, "option '--interval' needs a number of seconds, got '%s'", value ? value : "");
            args->interval = n;
            continue;
        }
        const char *opt = need == FW_OPT_CATALOG         ? (site ? "--site-catalog" : "--catalog")
                          : need == FW_OPT_PROFILE       ? "--profile"
                          : need == FW_OPT_SERVICES_FILE ? "--services-file"
                          : need == FW_OPT_UNSET         ? "--unset"
                                                         : "--set";
        const char *value = option_value(argc, argv, &i, opt);
        if (!value || value[0] == '\0')
            return usage_error(cmd, "option '%s' needs a value", opt);
        if (need == FW_OPT_CATALOG && site) {
            if (args->site_catalog_dir)
                return usage_error(cmd, "%s is given twice", opt);
            args->site_catalog_dir = value;
        } else if (need == FW_OPT_CATALOG) {
            if (args->catalog_dir)
                return usage_error(cmd, "%s is given twice", opt);
            args->catalog_dir = value;
        } else if (need == FW_OPT_SERVICES_FILE) {
            if (args->services_file)
                return usage_error(cmd, "%s is given twice", opt);
            args->services_file = value;
        } else if (need == FW_OPT_PROFILE) {
            if (args->profile_count && !(cmd->options & FW_OPT_MANY_PROFILES))
                return usage_error(cmd, "this command takes one --profile; '%s' is a second", value);
            FW_PUSH(args->profiles, args->profile_count, profile_cap, value);
        } else if (need == FW_OPT_UNSET) {
            FW_PUSH(args->unsets, args->unset_count, unset_cap, value);
        } else if (add_setting(value, args, &setting_cap) != FW_EXIT_OK) {
            return FW_EXIT_INVALID;
        }
    }
    return FW_EXIT_OK;
}

void fw_cli_args_free(fw_cli_args *args)
{
    free(args->profiles);
    free(args->unsets);
    fw_settings_free(args->settings, args->setting_count);
    fw_split_list_free(args->list_items, args->list_item_count);
    *args = (fw_cli_args){0};
}
