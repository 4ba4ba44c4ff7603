/* The exposure figure (wfp/exposure.h) as people and dashboards read it:
 * one line per column in text, one object in JSON. */
#include "cli.h"

#include "fw_json.h"

#include <stdio.h>

void fw_cli_print_exposure(FILE *out, const char *indent, const fw_exposure *e)
{
    fprintf(out, "%sexposure, inbound, any program, any address:   %zu TCP, %zu UDP port(s)\n", indent, e->tcp,
            e->udp);
    fprintf(out, "%sexposure, inbound, one program, any address:   %zu TCP, %zu UDP port(s)\n", indent,
            e->program_tcp, e->program_udp);
    fprintf(out, "%sexposure, outbound, any program, any address:  %zu TCP, %zu UDP port(s)\n", indent, e->out_tcp,
            e->out_udp);
}

static void pair(fw_json *j, const char *key, size_t tcp, size_t udp)
{
    fw_json_key(j, key);
    fw_json_object_begin(j);
    fw_json_key(j, "tcp");
    fw_json_uint(j, tcp);
    fw_json_key(j, "udp");
    fw_json_uint(j, udp);
    fw_json_object_end(j);
}

void fw_cli_json_exposure(fw_json *j, const fw_exposure *e)
{
    fw_json_key(j, "exposure");
    fw_json_object_begin(j);
    fw_json_key(j, "tcp");
    fw_json_uint(j, e->tcp);
    fw_json_key(j, "udp");
    fw_json_uint(j, e->udp);
    pair(j, "program", e->program_tcp, e->program_udp);
    pair(j, "outbound", e->out_tcp, e->out_udp);
    fw_json_object_end(j);
}
