/* Errors of the command line: one line on stderr, "fwsvc: error: ...",
 * and the first one kept, so that in --json mode a command that fails
 * prints it as a JSON object on stdout too (docs/cli.md). */
#ifndef FW_CLI_ERROR_H
#define FW_CLI_ERROR_H

#include <stdio.h>

void fw_cli_error(const char *format, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 1, 2))) /* __USE_MINGW_ANSI_STDIO: C99 formats */
#elif defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The first error reported, without "fwsvc: error: " or the line break;
 * NULL if none. */
const char *fw_cli_first_error(void);
/* {"command": ..., "error": {"exit_code": N, "message": ...}} on out. */
void fw_cli_print_json_error(FILE *out, const char *command, int exit_code);

#endif
