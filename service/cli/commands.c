#include "cli.h"

#include <stdio.h>
#include <string.h>

static const fw_command commands[] = {
    {"list", FW_OPT_CATALOG, fw_cmd_list, "list the catalog's profiles",
     "Usage: fwsvc list [--catalog DIR] [--site-catalog DIR]\n"
     "\n"
     "Lists every profile of the catalog: its name, aliases, product, host role and\n"
     "number of rules. A profile is one host role of one product, e.g. 'dpm' is the\n"
     "DPM server and 'dpm-agent' a computer DPM protects.\n"
     "\n"
     "  --catalog DIR        read the catalog from DIR\n"
     "  --site-catalog DIR   also the site's own catalog in DIR (default: the host's,\n"
     "                       if any; none: the vendor catalog alone)\n"},
    {"show", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_SET | FW_OPT_DEFAULTS, fw_cmd_show,
     "show one profile's rules, variables and sources",
     "Usage: fwsvc show --profile NAME [--set NAME=VALUE]... [--defaults]\n"
     "                  [--catalog DIR] [--site-catalog DIR]\n"
     "\n"
     "Shows a profile as this host enforces it: every rule with its direction,\n"
     "protocol, ports, program and remote scope, the vendor document and section\n"
     "it comes from, the profile's variables and the services-file entries it\n"
     "needs. On Windows a profile the host applies is shown with its recorded\n"
     "settings (what 'fwsvc config' lists, Group Policy's included) and the\n"
     "catalog folder the host uses; each value says where it comes from: default,\n"
     "local, policy or --set.\n"
     "\n"
     "  --profile NAME       the profile, by name or alias (see 'fwsvc list'); one\n"
     "  --set NAME=VALUE     what a value would do, e.g. --set ndmp_port=10001 or\n"
     "                       --set dcom_ports=5000-5100 (changes nothing)\n"
     "  --defaults           the catalog alone: its defaults, not this host's settings\n"
     "  --catalog DIR        read the catalog from DIR\n"
     "  --site-catalog DIR   also the site's own catalog in DIR (default: the host's,\n"
     "                       if any; none: the vendor catalog alone)\n"},
    {"catalog", FW_OPT_CATALOG | FW_OPT_JSON, fw_cmd_catalog,
     "print the whole catalog as JSON (--json)",
     "Usage: fwsvc catalog --json [--catalog DIR] [--site-catalog DIR]\n"
     "\n"
     "Prints every profile with its rules and services-file entries as JSON, with\n"
     "variables expanded to their defaults (docs/schemas/catalog.schema.json).\n"
     "\n"
     "  --json               required: the output is JSON only\n"
     "  --catalog DIR        read the catalog from DIR\n"
     "  --site-catalog DIR   also the site's own catalog in DIR (default: the host's,\n"
     "                       if any; none: the vendor catalog alone)\n"},
    {"plan", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_MANY_PROFILES | FW_OPT_SET | FW_OPT_JSON | FW_OPT_DEFAULTS,
     fw_cmd_plan, "print the WFP filters profiles need, without changing anything",
     "Usage: fwsvc plan --profile NAME [--profile NAME]... [--set NAME=VALUE]...\n"
     "                  [--defaults] [--json] [--catalog DIR] [--site-catalog DIR]\n"
     "\n"
     "Prints the concrete Windows Filtering Platform filters that the profiles need:\n"
     "one hard permit per rule and layer (ALE auth-recv-accept for inbound rules,\n"
     "ALE auth-connect for outbound rules, each for IPv4 and IPv6). All ports of a\n"
     "rule are OR-ed conditions of one filter, and a range is a single range\n"
     "condition. Nothing is changed: this is what 'fwsvc apply' would install. A\n"
     "profile the host applies is planned with its recorded settings (as 'show').\n"
     "\n"
     "  --profile NAME       a profile by name or alias; may be repeated\n"
     "  --set NAME=VALUE     override a variable of the profiles\n"
     "  --defaults           the catalog's defaults, not this host's settings\n"
     "  --json               machine-readable output (docs/schemas/plan.schema.json)\n"
     "  --catalog DIR        read the catalog from DIR\n"
     "  --site-catalog DIR   also the site's own catalog in DIR (default: the host's,\n"
     "                       if any; none: the vendor catalog alone)\n"},
    {"apply",
     FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_MANY_PROFILES | FW_OPT_SET | FW_OPT_UNSET | FW_OPT_JSON |
         FW_OPT_DRY_RUN | FW_OPT_SERVICES_FILE | FW_OPT_DETECT,
     fw_cmd_apply, "install the filters of profiles in WFP (Windows, as administrator)",
     "Usage: fwsvc apply [--profile NAME]... [--set NAME=VALUE]... [--unset NAME]...\n"
     "                   [--detect] [--auto-detect on|off]\n"
     "                   [--dry-run] [--json] [--catalog DIR] [--site-catalog DIR]\n"
     "                   [--services-file PATH]\n"
     "\n"
     "Makes the Windows Filtering Platform hold exactly the filters of the host's\n"
     "applied profiles: those named here, and those applied before (the host\n"
     "configuration, 'fwsvc config'). Everything happens in ONE WFP transaction:\n"
     "missing filters are added, changed ones replaced, stale ones deleted; on any\n"
     "error the transaction is aborted and nothing changes. Applying twice writes\n"
     "nothing the second time. Without --profile, the recorded profiles are applied\n"
     "again. A program rule whose program is not installed yet is reported as\n"
     "pending and added by a later apply, or by the fwsvc service.\n"
     "\n"
     "Settings are kept: a profile applied again keeps its recorded --set values;\n"
     "--set replaces one, --unset returns one to the catalog's default. A change\n"
     "that opens more ports is printed as a warning, every time.\n"
     "\n"
     "Profiles that need a services-file entry (Backup Exec: 'ndmp PORT/tcp', from\n"
     "the same ndmp_port as the NDMP filter) also get that line, after the WFP\n"
     "commit; an existing line is changed in place, a missing one added; the file\n"
     "is replaced atomically with a backup kept once, and 'remove' undoes it. A\n"
     "read-only, missing, oversized or non-text file stops apply before WFP.\n"
     "\n"
     "  --profile NAME       a profile to apply, by name or alias; may be repeated\n"
     "  --detect             also the profiles of the backup products this computer\n"
     "                       runs, with their install folders and versions ('fwsvc\n"
     "                       detect' shows them); --set values win over detected\n"
     "                       ones; a profile detection added and whose product is\n"
     "                       gone is removed (docs/detection.md)\n"
     "  --auto-detect on|off record AutoDetect: the fwsvc service then does what\n"
     "                       --detect does, at start, on its timer and when a\n"
     "                       service is installed or removed (on implies --detect)\n"
     "  --set NAME=VALUE     a variable of the profile, recorded for later applies\n"
     "  --unset NAME         return a variable to the catalog's default\n"
     "  --dry-run            show what would change; change nothing\n"
     "  --json               machine-readable output (docs/schemas/reconcile.schema.json)\n"
     "  --catalog DIR        read the catalog from DIR, and record it for this host\n"
     "  --site-catalog DIR   also the site's own catalog files in DIR (site profiles\n"
     "                       beside the vendor's, docs/catalog.md), recorded for this\n"
     "                       host; --site-catalog none forgets it\n"
     "  --services-file PATH the services file to edit, recorded for this host\n"
     "                       (default: %SystemRoot%\\System32\\drivers\\etc\\services)\n"
     "\n"
     "Exit codes: 0 applied (or already in sync), 1 failure (WFP unchanged),\n"
     "2 invalid input (nothing changed), 3 changes pending (--dry-run).\n"},
    {"configure", FW_OPT_INSTALLER_LISTS | FW_OPT_INTERVAL, fw_cmd_configure,
     "apply and record what an installer was told (the MSI's PROFILES, SETTINGS, INTERVAL)",
     "Usage: fwsvc configure [--profiles LIST] [--settings LIST] [--interval SECONDS]\n"
     "\n"
     "What the MSI runs with its public properties, and what a deployment script\n"
     "can run with the same strings (docs/deployment.md):\n"
     "  msiexec /i fwsvc.msi /qn PROFILES=dpm SETTINGS=\"dpm_server=10.0.0.5\"\n"
     "runs  fwsvc configure --profiles \"dpm\" --settings \"dpm_server=10.0.0.5\" --interval \"\"\n"
     "\n"
     "Profiles and settings are applied exactly as 'fwsvc apply --profile P...\n"
     "--set N=V...' applies them: one WFP transaction, recorded in the host\n"
     "configuration, settings already recorded kept. The interval is recorded as\n"
     "the service's IntervalSeconds. Every value is checked before anything\n"
     "changes: an unknown profile, a variable no named profile has, a bad value or\n"
     "an interval out of range exits 2 and changes nothing. An empty value means\n"
     "the property was not given; with none given, nothing changes.\n"
     "\n"
     "  --profiles LIST      profile names or aliases, separated by ',' or ';';\n"
     "                       'auto' applies the detected products' profiles and\n"
     "                       records AutoDetect=1 (apply --detect --auto-detect on)\n"
     "  --settings LIST      NAME=VALUE settings separated by ';' (an address list\n"
     "                       keeps its commas: dpm_server=10.0.0.5,10.0.0.6)\n"
     "  --interval SECONDS   the service's timer, 10 to 86400\n"
     "\n"
     "Exit codes: 0 applied and recorded (or nothing given), 1 failure (WFP\n"
     "unchanged), 2 invalid input (nothing changed).\n"},
    {"remove", FW_OPT_CATALOG | FW_OPT_PROFILE | FW_OPT_MANY_PROFILES | FW_OPT_ALL | FW_OPT_JSON | FW_OPT_SERVICES_FILE |
                   FW_OPT_PURGE,
     fw_cmd_remove, "remove a profile's filters, or everything of fwsvc's (--all)",
     "Usage: fwsvc remove (--profile NAME [--profile NAME]... | --all [--purge]) [--json]\n"
     "                    [--catalog DIR] [--site-catalog DIR] [--services-file PATH]\n"
     "\n"
     "--profile removes only that profile's filters and forgets its settings; the\n"
     "other applied profiles keep theirs. --all deletes every filter of fwsvc's,\n"
     "then its sublayer, then its provider, and forgets every profile: nothing of\n"
     "fwsvc's remains in WFP. One transaction either way.\n"
     "\n"
     "A services-file line no remaining profile needs is undone: a line fwsvc added\n"
     "is deleted, a line it changed gets back its original text, and only if the\n"
     "line is still exactly what fwsvc wrote; if someone changed it since, remove\n"
     "says so and leaves it.\n"
     "\n"
     "  --profile NAME       a profile to remove; may be repeated\n"
     "  --all                remove everything of fwsvc's\n"
     "  --purge              with --all, once WFP and the services file are clean:\n"
     "                       also delete the host configuration (HKLM\\SOFTWARE\\fwsvc)\n"
     "                       and the service's folder (%ProgramData%\\fwsvc); what\n"
     "                       the MSI's uninstall runs. Policy keys are policy's.\n"
     "  --json               machine-readable output\n"
     "  --catalog DIR        this once, read the catalog from DIR (default: the\n"
     "                       host's, see 'fwsvc config')\n"
     "  --site-catalog DIR   this once, the site's catalog folder (none: no site files)\n"
     "  --services-file PATH this once, the services file to undo entries in\n"
     "                       (default: the host's)\n"
     "\n"
     "Exit codes: 0 removed, 1 failure (WFP unchanged), 2 invalid input.\n"},
    {"detect", FW_OPT_JSON, fw_cmd_detect,
     "show which backup products and roles this computer runs, and their profiles",
     "Usage: fwsvc detect [--json]\n"
     "\n"
     "Reads this computer, and changes nothing: the services the Service Control\n"
     "Manager starts (name and program), the products' registry keys under\n"
     "HKLM\\SOFTWARE, and the file version of each role's program. For each role\n"
     "found it prints the product, the role, its profile, the version, the install\n"
     "folder, the settings that follow from them (install folders, the version),\n"
     "and the evidence. What maps to no single profile is listed as ambiguous:\n"
     "the Veeam Data Mover alone (proxy, repository or gateway: the backup server\n"
     "knows which), Microsoft Azure Backup Server (not DPM). The sources of every\n"
     "name it reads are in docs/detection.md.\n"
     "\n"
     "'fwsvc apply --detect' applies what is found; peers (who may connect) are\n"
     "never detected: set them with --set, and the rules that need them wait.\n"
     "\n"
     "  --json               machine-readable output (docs/schemas/detect.schema.json)\n"
     "\n"
     "Exit codes: 0 (whether or not anything was found), 1 failure.\n"},
    {"status", FW_OPT_CATALOG | FW_OPT_JSON | FW_OPT_SERVICES_FILE, fw_cmd_status,
     "compare WFP with the host configuration: in sync, drift or pending",
     "Usage: fwsvc status [--json] [--catalog DIR] [--site-catalog DIR] [--services-file PATH]\n"
     "\n"
     "For each applied profile: in sync, DRIFT with every missing, extra, changed\n"
     "(rewritten by another program included) or disabled filter by name, or\n"
     "PENDING when program rules wait for their program. A services-file line that\n"
     "is missing or has another port is drift too. Reads only (a read-only\n"
     "transaction).\n"
     "\n"
     "  --json               machine-readable output (docs/schemas/reconcile.schema.json)\n"
     "  --catalog DIR        this once, compare with the catalog in DIR\n"
     "  --site-catalog DIR   this once, with the site's catalog in DIR (none: no site files)\n"
     "  --services-file PATH this once, check that services file\n"
     "\n"
     "Exit codes: 0 in sync, 3 drift, 4 in sync but program rules pending,\n"
     "1 failure, 2 invalid input.\n"},
    {"config", FW_OPT_JSON, fw_cmd_config, "print the host configuration and where each value comes from",
     "Usage: fwsvc config [--json]\n"
     "\n"
     "Prints what fwsvc reconciles this host to: the applied profiles and their\n"
     "settings, the catalog folder, the services file, the service's interval and\n"
     "the sublayer weight, each with its source: default, local (set by fwsvc in\n"
     "HKLM\\SOFTWARE\\fwsvc) or policy (Group Policy, HKLM\\SOFTWARE\\Policies\\fwsvc,\n"
     "which wins and which fwsvc never changes). docs/configuration.md.\n"
     "\n"
     "  --json               machine-readable output (docs/schemas/config.schema.json)\n"},
    {"filters", FW_OPT_JSON, fw_cmd_filters, "list fwsvc's filters as WFP holds them",
     "Usage: fwsvc filters [--json]\n"
     "\n"
     "Lists every filter of fwsvc's WFP provider with its id, name, state, key and\n"
     "conditions. wf.msc does not show WFP filters; 'netsh wfp show filters' dumps\n"
     "all of them.\n"
     "\n"
     "  --json               machine-readable output (docs/schemas/filters.schema.json)\n"},
    {"service", FW_OPT_DIR_ARG | FW_OPT_INTERVAL | FW_OPT_REMOVE | FW_OPT_JSON, fw_cmd_service,
     "install, remove or report on the fwsvc Windows service",
     "Usage: fwsvc service install [--interval SECONDS]\n"
     "       fwsvc service uninstall [--remove]\n"
     "       fwsvc service status [--json]\n"
     "\n"
     "The fwsvc service keeps WFP true to the host configuration ('fwsvc config'):\n"
     "it reconciles at start, every IntervalSeconds (300 by default), within a\n"
     "second of another program changing fwsvc's filters, and when the\n"
     "configuration or the catalog changes; it costs nothing in between. It must be\n"
     "installed for fwsvc's filters to survive a restart: BFE adds a provider's\n"
     "persistent filters at boot only while its service (fwsvc) is automatic.\n"
     "It logs to the Event Log (source fwsvc) and to %ProgramData%\\fwsvc\\fwsvc.log.\n"
     "\n"
     "  install              register fwsvc.exe as the service: automatic start,\n"
     "                       depends on BFE, LocalSystem, restarts on failure\n"
     "  --interval SECONDS   the timer, 10 to 86400 (recorded as IntervalSeconds)\n"
     "  uninstall            stop and delete the service; its filters stay in WFP\n"
     "  --remove             ... and remove every fwsvc object from WFP too, and\n"
     "                       forget the applied profiles (it names them)\n"
     "  status               the service's state, its last reconcile, the drift it\n"
     "                       repaired, pending rules and its last error\n"
     "  --json               machine-readable status\n"
     "                       (docs/schemas/service-status.schema.json)\n"
     "\n"
     "Exit codes: 0 done, 1 failure, 2 invalid input. 'service status': 0 running\n"
     "and its last reconcile succeeded, 6 not running (stopped or not installed),\n"
     "7 running but its last reconcile failed, 1 its record cannot be trusted.\n"},
    {"why", FW_OPT_FLOW | FW_OPT_PROFILE | FW_OPT_JSON | FW_OPT_VERBOSE, fw_cmd_why,
     "is a connection allowed on this host, and which filter decides? (Windows)",
     "Usage: fwsvc why --dir in|out --proto tcp|udp --port N [--remote-addr ADDR]\n"
     "                 [--local-addr ADDR] [--program PATH] [--verbose] [--json]\n"
     "       fwsvc why --profile NAME [--json]\n"
     "       fwsvc why --flows FILE [--json]\n"
     "\n"
     "Reads every provider's filters at the ALE auth layers the connection crosses\n"
     "(listen and recv-accept for inbound TCP, recv-accept for inbound UDP,\n"
     "connect for outbound; IPv4 or IPv6 by the address) in a read-only\n"
     "transaction, and applies WFP's filter arbitration: sublayers by weight,\n"
     "filters by weight within one, Block overrides a soft Permit, a hard Permit\n"
     "(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT) outranks a Block below it, disabled\n"
     "filters do not count, no match at all permits. Prints PERMIT or BLOCK, the\n"
     "filter that decides, by name (fwsvc's by the rule it enforces, flagged\n"
     "DRIFTED when WFP holds something other than fwsvc's plan), and what each\n"
     "sublayer decided. For a blocked flow it lists the rules of the whole catalog\n"
     "that would carry it, what each lacks on this host (the peer is outside its\n"
     "scope, another program, its profile is not applied, its filter waits, is\n"
     "disabled or drifted) and the command that would change that. A condition it\n"
     "cannot evaluate (a user, an interface, a field not given) is named, with\n"
     "whether the verdict depends on it. Changes nothing. docs/why.md.\n"
     "\n"
     "  --dir in|out         inbound (to this host) or outbound\n"
     "  --proto tcp|udp      the protocol\n"
     "  --port N             the local port for in, the remote port for out\n"
     "  --remote-addr ADDR   the peer, IPv4 or IPv6 (default: not given)\n"
     "  --local-addr ADDR    this host's address (default: not given)\n"
     "  --program PATH       the program that listens or connects\n"
     "  --profile NAME       every flow an applied profile documents: which are\n"
     "                       blocked, and by what (\"is my DPM server reachable?\")\n"
     "  --flows FILE         many flows, one a line: DIR PROTO PORT [ADDR [PROGRAM]]\n"
     "                       separated by tabs ('-' for not given)\n"
     "  --verbose            keys, ids and weights of the filters and sublayers too\n"
     "  --json               machine-readable output (docs/schemas/why.schema.json)\n"
     "\n"
     "Examples:\n"
     "  fwsvc why --dir in --proto tcp --port 6160 --remote-addr 10.0.0.5\n"
     "  fwsvc why --profile dpm\n"
     "\n"
     "Exit codes: 0 permitted (every flow, for --profile and --flows), 3 blocked\n"
     "(one or more), 1 failure, 2 invalid input.\n"},
    {"watch", FW_OPT_WATCH | FW_OPT_PROFILE | FW_OPT_ALL | FW_OPT_JSON, fw_cmd_watch,
     "the connections WFP dropped on backup flows: which rule, why, and the fix (Windows)",
     "Usage: fwsvc watch [--since DURATION] [--follow] [--profile NAME] [--all]\n"
     "                   [--limit N] [--json]\n"
     "\n"
     "Reads the connections the Windows Filtering Platform dropped (its classify-drop\n"
     "net events) and, for each drop on a flow an applied profile documents, tells:\n"
     "the time and the flow; the profile and rule it belongs to; the filter that\n"
     "dropped it (name, provider, sublayer); why fwsvc's permit did not carry it\n"
     "(the peer is outside the rule's scope, another program, the rule waits for a\n"
     "setting or its program, its filter is disabled or drifted, a heavier sublayer\n"
     "blocked it); and the command that would fix it. A drop on an applied\n"
     "profile's port in a direction or protocol no rule has is an \"unexpected flow\n"
     "on a product port\": often an upgrade that moved a port. Changes nothing.\n"
     "\n"
     "WFP keeps only its newest drops (about 100-150) and only while net event\n"
     "collection is on ('netsh wfp set options netevents=on'); --follow sees each\n"
     "drop as it happens. Security events 5152/5157 are another record: docs/watch.md.\n"
     "\n"
     "  --since DURATION     drops of the last 90s, 10m, 2h, 7d (default: all WFP holds)\n"
     "  --follow             then wait for new drops and print them as they come,\n"
     "                       until Ctrl+C (without --since: new drops only)\n"
     "  --profile NAME       drops on that applied profile's flows only\n"
     "  --all                every drop, the catalog's or not (not applied, unknown port)\n"
     "  --limit N            stop after N drops shown\n"
     "  --json               one JSON object a line (docs/schemas/watch.schema.json)\n"
     "\n"
     "Examples:\n"
     "  fwsvc watch --since 1h\n"
     "  fwsvc watch --follow --profile veeam-backup-server\n"
     "\n"
     "Exit codes: 0 read (drops or not), 1 failure (net events not collected, BFE\n"
     "not reachable), 2 invalid input.\n"},
    {"lint", FW_OPT_DIR_ARG | FW_OPT_CATALOG, fw_cmd_lint, "check a catalog folder and report every problem",
     "Usage: fwsvc lint [DIR | --catalog DIR] [--site-catalog DIR]\n"
     "\n"
     "Checks every *.yaml catalog file in DIR (default: the installed catalog) and\n"
     "reports every problem as FILE:LINE:COLUMN: error: MESSAGE. Exit code 0 when\n"
     "the catalog is valid, 2 when it has errors. Warnings do not fail the check.\n"
     "\n"
     "  --site-catalog DIR   check a site's own catalog files with the vendor catalog,\n"
     "                       as a host loads them (names unique across both)\n"},
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
          "Options:\n"
          "  --help         explain a command and list its options: fwsvc apply --help\n"
          "  --version      print the version\n"
          "\n"
          "Examples:\n"
          "  fwsvc list\n"
          "  fwsvc show --profile dpm\n"
          "  fwsvc plan --profile be-remote-agent --set ndmp_port=10001\n"
          "  fwsvc apply --profile dpm          (Windows, elevated)\n"
          "  fwsvc status\n"
          "  fwsvc config\n"
          "\n"
          "Exit codes: 0 ok, 1 runtime failure, 2 invalid input or usage,\n"
          "3 drift found (status) or changes pending (apply --dry-run),\n"
          "4 in sync but program rules pending (status).\n",
          out);
}

void fw_cli_print_command_help(const fw_command *cmd, FILE *out)
{
    fputs(cmd->help, out); /* each help lists every option its command takes */
}
