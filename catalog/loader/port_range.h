/* A TCP/UDP port or inclusive port range, as the catalog writes it:
 * "135" or "2500-3300". A single port is a range with lo == hi. */
#ifndef FW_PORT_RANGE_H
#define FW_PORT_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint16_t lo, hi;
} fw_port_range;

typedef enum {
    FW_PORT_OK,
    FW_PORT_SYNTAX,       /* not digits, or not "N" / "N-M" */
    FW_PORT_OUT_OF_RANGE, /* a port outside 1-65535 */
    FW_PORT_REVERSED,     /* N-M with N > M */
} fw_port_status;

fw_port_status fw_port_range_parse(const char *text, fw_port_range *out);
const char *fw_port_status_text(fw_port_status status);

/* Writes "135" or "2500-3300"; buf needs at least 12 bytes. */
void fw_port_range_format(fw_port_range r, char *buf, size_t size);

bool fw_port_ranges_overlap(fw_port_range a, fw_port_range b);

/* Too much to open to every program from every address (docs/security.md):
 * a range of FW_BROAD_RANGE ports or more, or one holding a port that
 * Windows, a database or a storage service serves to the network: 111 and
 * 2049 (ONC RPC, NFS), 135 (RPC), 137-139 (NetBIOS), 445 (SMB), 1433/1434
 * (SQL Server), 3389 (RDP), 5985/5986 (WinRM), 10000 (NDMP). */
#define FW_BROAD_RANGE 100
bool fw_port_range_is_sensitive(fw_port_range r);

#endif
