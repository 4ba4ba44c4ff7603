/* Errors of fwsvc (the command line and the host module under it): one
 * line on stderr, "fwsvc: error: ...",
 * and the first one kept, so that in --json mode a command that fails
 * prints it as a JSON object on stdout too (docs/cli.md). */
#ifndef FW_HOST_ERROR_H
#define FW_HOST_ERROR_H

#include <stdio.h>

void fw_error(const char *format, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 1, 2))) /* __USE_MINGW_ANSI_STDIO: C99 formats */
#elif defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The first error reported, without "fwsvc: error: " or the line break;
 * NULL if none. */
const char *fw_first_error(void);
/* Forgets the first error: a long-running caller (the service) starts
 * each reconcile afresh. */
void fw_error_clear(void);
/* {"command": ..., "error": {"exit_code": N, "message": ...}} on out. */
void fw_print_json_error(FILE *out, const char *command, int exit_code);

#endif
