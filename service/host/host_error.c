#include "host_error.h"

#include "fw_json.h"

#include <stdarg.h>
#include <string.h>

static char first[1024];

void fw_error(const char *format, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    fprintf(stderr, "fwsvc: error: %s", line);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    if (!first[0])
        snprintf(first, sizeof first, "%s", line);
}

const char *fw_first_error(void)
{
    return first[0] ? first : NULL;
}

void fw_error_clear(void)
{
    first[0] = 0;
}

void fw_print_json_error(FILE *out, const char *command, int exit_code)
{
    fw_json j;
    fw_json_init(&j, out);
    fw_json_object_begin(&j);
    fw_json_member_string(&j, "command", command);
    fw_json_key(&j, "error");
    fw_json_object_begin(&j);
    fw_json_key(&j, "exit_code");
    fw_json_uint(&j, (unsigned long long)exit_code);
    fw_json_member_string(&j, "message", first[0] ? first : "the command failed; see the messages on stderr");
    fw_json_object_end(&j);
    fw_json_object_end(&j);
    fw_json_finish(&j);
}
