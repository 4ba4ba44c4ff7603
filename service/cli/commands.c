#include "cli.h"

#include <stdio.h>
#include <string.h>

static const fw_command commands[] = {
    {"list", FW_OPT_CATALOG, fw_cmd_list, "list the catalog's profiles",
     "Usage: fwsvc list [--catalog DIR]\n"
     "\n"
     "Lists every profile of the catalog: its name, aliases, product, host role and\n"
     "number of rules. A profile is one host role of one product, e.g. 'dpm' is the\n"
     "DPM server and 'dpm-agent' a computer DPM protects.\n"},
    {"show", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_SET, fw_cmd_show,
     "show one profile's rules, variables and sources",
     "Usage: fwsvc show --profile NAME [--set NAME=VALUE]... [--catalog DIR]\n"
     "\n"
     "Shows a profile as the vendor documents it: every rule with its direction,\n"
     "protocol, ports, program and remote scope, the vendor document and section\n"
     "it comes from, the profile's variables (ports the vendor calls configurable)\n"
     "and the services-file entries it needs.\n"
     "\n"
     "  --profile NAME       the profile, by name or alias (see 'fwsvc list')\n"
     "  --set NAME=VALUE     override a variable, e.g. --set ndmp_port=10001 or\n"
     "                       --set dcom_ports=5000-5100\n"},
    {"catalog", FW_OPT_CATALOG | FW_OPT_JSON, fw_cmd_catalog,
     "print the whole catalog as JSON (--json)",
     "Usage: fwsvc catalog --json [--catalog DIR]\n"
     "\n"
     "Prints every profile with its rules and services-file entries as JSON, with\n"
     "variables expanded to their defaults. The shape is stable (docs/cli.md):\n"
     "  {\"profiles\":[{\"name\",\"aliases\",\"product\",\"role\",\n"
     "    \"rules\":[{\"id\",\"direction\",\"protocol\",\"ports\",\"program\",\n"
     "               \"remote_addresses\",\"description\",\"source\"}],\n"
     "    \"services\":[{\"name\",\"port\",\"protocol\"}]}]}\n"},
    {"plan", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_SET | FW_OPT_JSON, fw_cmd_plan,
     "print the WFP filters profiles need, without changing anything",
     "Usage: fwsvc plan --profile NAME [--profile NAME]... [--set NAME=VALUE]...\n"
     "                  [--json] [--catalog DIR]\n"
     "\n"
     "Prints the concrete Windows Filtering Platform filters that the profiles need:\n"
     "one hard permit per rule and layer (ALE auth-recv-accept for inbound rules,\n"
     "ALE auth-connect for outbound rules, each for IPv4 and IPv6). All ports of a\n"
     "rule are OR-ed conditions of one filter, and a range is a single range\n"
     "condition. Nothing is changed: this is what 'fwsvc apply' would install.\n"
     "\n"
     "  --profile NAME       a profile by name or alias; may be repeated\n"
     "  --set NAME=VALUE     override a variable of the profiles\n"
     "  --json               machine-readable output\n"},
    {"apply", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_SET | FW_OPT_JSON | FW_OPT_DRY_RUN | FW_OPT_SERVICES_FILE,
     fw_cmd_apply,
     "install the filters of profiles in WFP (Windows, as administrator)",
     "Usage: fwsvc apply --profile NAME [--profile NAME]... [--set NAME=VALUE]...\n"
     "                   [--dry-run] [--json] [--catalog DIR] [--services-file PATH]\n"
     "\n"
     "Makes the Windows Filtering Platform hold exactly the filters of the applied\n"
     "profiles: those named here, and those applied before (recorded in\n"
     "HKLM\\SOFTWARE\\fwsvc). Everything happens in ONE WFP transaction: missing\n"
     "filters are added, changed ones replaced, stale ones deleted; on any error\n"
     "the transaction is aborted and nothing changes. Applying twice writes nothing\n"
     "the second time. A program rule whose program is not installed yet is\n"
     "reported as pending and added by a later apply or by the fwsvc service.\n"
     "\n"
     "Profiles that need a services-file entry (Backup Exec: 'ndmp PORT/tcp', from\n"
     "the same ndmp_port as the NDMP filter) also get that line, after the WFP\n"
     "commit: an existing line is changed in place, keeping its aliases and\n"
     "comment; a missing one is added. The file is replaced atomically, a backup is\n"
     "kept once as services.fwsvc-backup, and the change is recorded so 'remove'\n"
     "can undo it. A read-only, missing, oversized or non-text file stops apply\n"
     "before WFP is touched.\n"
     "\n"
     "  --profile NAME       a profile to apply, by name or alias; may be repeated\n"
     "  --set NAME=VALUE     a variable of the profile, kept for later reconciles\n"
     "  --dry-run            show what would change; exit 3 if something would\n"
     "  --json               machine-readable output\n"
     "  --services-file PATH the services file to edit (default:\n"
     "                       %SystemRoot%\\System32\\drivers\\etc\\services)\n"
     "\n"
     "Exit codes: 0 applied (or in sync), 1 failure (WFP unchanged), 2 invalid input,\n"
     "3 changes pending (--dry-run).\n"},
    {"remove", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_ALL | FW_OPT_JSON | FW_OPT_SERVICES_FILE, fw_cmd_remove,
     "remove a profile's filters, or everything of fwsvc's (--all)",
     "Usage: fwsvc remove --profile NAME [--profile NAME]... | --all [--catalog DIR]\n"
     "                    [--services-file PATH]\n"
     "\n"
     "--profile removes only that profile's filters and forgets its settings; the\n"
     "other applied profiles keep theirs. --all deletes every filter of fwsvc's,\n"
     "then its sublayer, then its provider, and forgets every profile: nothing of\n"
     "fwsvc's remains in WFP. One transaction either way.\n"
     "\n"
     "A services-file line no remaining profile needs is undone: a line fwsvc added\n"
     "is deleted, a line it changed gets back its original text, and only if the\n"
     "line is still exactly what fwsvc wrote; if someone changed it since, remove\n"
     "says so and leaves it.\n"},
    {"status", FW_OPT_CATALOG | FW_OPT_JSON | FW_OPT_SERVICES_FILE, fw_cmd_status,
     "compare WFP with the applied profiles; report drift (exit 3)",
     "Usage: fwsvc status [--json] [--catalog DIR] [--services-file PATH]\n"
     "\n"
     "For each applied profile: in sync, or DRIFT with every missing, extra,\n"
     "changed or disabled filter by name. A services-file line that is missing or\n"
     "has another port is drift too. Reads only (a read-only transaction).\n"
     "Exit codes: 0 in sync, 3 drift found, 1 failure, 2 invalid input.\n"},
    {"filters", FW_OPT_CATALOG, fw_cmd_filters, "list fwsvc's filters as WFP holds them",
     "Usage: fwsvc filters\n"
     "\n"
     "Lists every filter of fwsvc's WFP provider with its id, name, state, key and\n"
     "conditions. wf.msc does not show WFP filters; 'netsh wfp show filters' dumps\n"
     "all of them.\n"},
    {"lint", FW_OPT_DIR_ARG, fw_cmd_lint, "check a catalog folder and report every problem",
     "Usage: fwsvc lint [DIR]\n"
     "\n"
     "Checks every *.yaml catalog file in DIR (default: the installed catalog) and\n"
     "reports every problem as FILE:LINE:COLUMN: error: MESSAGE. Exit code 0 when\n"
     "the catalog is valid, 2 when it has errors. Warnings do not fail the check.\n"},
};

const fw_command *fw_cli_commands(size_t *count)
{
    *count = sizeof commands / sizeof commands[0];
    return commands;
}

const fw_command *fw_cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void fw_cli_print_usage(FILE *out)
{
    fputs("Usage: fwsvc COMMAND [OPTIONS]\n"
          "\n"
          "fwsvc turns backup products' documented firewall port tables into Windows\n"
          "Filtering Platform filters, and keeps them true.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Options for every command:\n"
          "  --catalog DIR  read the catalog from DIR instead of the installed one\n"
          "  --help         explain a command: fwsvc plan --help\n"
          "  --version      print the version\n"
          "\n"
          "Examples:\n"
          "  fwsvc list\n"
          "  fwsvc show --profile dpm\n"
          "  fwsvc plan --profile be-remote-agent --set ndmp_port=10001\n"
          "  fwsvc apply --profile dpm          (Windows, elevated)\n"
          "  fwsvc status\n"
          "\n"
          "Exit codes: 0 ok, 1 runtime failure, 2 invalid input or usage,\n"
          "3 drift found (status) or changes pending (apply --dry-run).\n",
          out);
}

void fw_cli_print_command_help(const fw_command *cmd, FILE *out)
{
    fputs(cmd->help, out);
    if (cmd->options & FW_OPT_CATALOG)
        fputs("  --catalog DIR        read the catalog from DIR\n", out);
}
