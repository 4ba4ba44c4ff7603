/* fwsvc: entry point of the command line. */
#include "cli.h"
#include "host_error.h"
#include "fw_json.h"
#include "fw_strings.h"
#include "host_error.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include "fw_alloc.h"
#include "fw_win32_text.h"
#include <stdlib.h>
#include <windows.h>
#include <shellapi.h>
#endif

#ifndef FWSVC_VERSION
#define FWSVC_VERSION "0.0.0"
#endif

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fw_cli_print_usage(stderr);
        return FW_EXIT_INVALID;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        fw_cli_print_usage(stdout);
        return FW_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("fwsvc %s\n", FWSVC_VERSION);
        return FW_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        const fw_command *cmd = argc > 2 ? fw_cli_find_command(argv[2]) : NULL;
        if (cmd)
            fw_cli_print_command_help(cmd, stdout);
        else
            fw_cli_print_usage(stdout);
        return FW_EXIT_OK;
    }
    const fw_command *cmd = fw_cli_find_command(name);
    if (!cmd) {
        size_t count;
        const fw_command *all = fw_cli_commands(&count);
        const char *names[32];
        for (size_t i = 0; i < count && i < 32; i++)
            names[i] = all[i].name;
        const char *closest = fw_closest(name, names, count < 32 ? count : 32);
        if (closest)
            fw_error("unknown command '%s'; did you mean '%s'?\n", name, closest);
        else
            fw_error("unknown command '%s'\n", name);
        fputs("'fwsvc --help' lists the commands.\n", stderr);
        return FW_EXIT_INVALID;
    }
    fw_cli_args args = {0};
    bool help = false;
    int rc = fw_cli_parse(cmd, argc - 2, argv + 2, &args, &help);
    if (rc == FW_EXIT_OK) {
        if (help)
            fw_cli_print_command_help(cmd, stdout);
        else
            rc = cmd->run(&args);
    }
    fw_cli_args_free(&args);
    /* A --json caller reads stdout: a failure before any document is one
     * there too, with the same exit code. */
    bool json = false;
    for (int i = 2; i < argc; i++)
        json |= strcmp(argv[i], "--json") == 0;
    if (json && rc != FW_EXIT_OK && !help && fw_json_documents_finished() == 0)
        fw_print_json_error(stdout, cmd->name, rc);
    return rc;
}

#ifdef _WIN32
/* Arguments arrive as UTF-16; the core works in UTF-8. Output is UTF-8. */
int main(void)
{
    int argc = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!wargv) {
        fputs("fwsvc: error: cannot read the command line\n", stderr);
        return FW_EXIT_FAILURE;
    }
    char **argv = fw_xcalloc((size_t)argc + 1, sizeof *argv);
    for (int i = 0; i < argc; i++)
        argv[i] = fw_wide_to_utf8(wargv[i]);
    LocalFree(wargv);
    SetConsoleOutputCP(CP_UTF8);
    int rc = run(argc, argv);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}
#else
int main(int argc, char **argv)
{
    return run(argc, argv);
}
#endif
