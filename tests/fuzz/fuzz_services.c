/* libFuzzer target for the services-file edit. Input: two bytes of port,
 * then the file. For any text file, apply then remove must give back the
 * file byte for byte, the entry must resolve to the port after apply, and a
 * second apply must change nothing. Any input at all must not crash or
 * trip ASan/UBSan. */
#include "services_io.h"
#include "services_sync.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n)
{
    if (n < 2)
        return 0;
    unsigned port = (unsigned)(bytes[0] << 8 | bytes[1]);
    const char *data = (const char *)bytes + 2;
    size_t size = n - 2;
    fw_svc_want want = {"ndmp", port ? port : 1, "tcp", (bytes[0] & 1) ? "Network Data Management Protocol" : NULL};
    fw_svc_records none = {0};
    fw_svc_sync applied, again, undone;
    fw_svc_sync_run(data, size, &want, 1, &none, &applied);
    const char *after = applied.content ? applied.content : data;
    size_t after_size = applied.content ? applied.size : size;
    fw_svc_sync_run(after, after_size, &want, 1, &applied.records, &again);
    fw_svc_sync_run(after, after_size, NULL, 0, &applied.records, &undone);
    if (fw_svc_is_text(data, size)) {
        if (fw_svc_lookup(after, after_size, want.name, want.protocol) != want.port)
            abort(); /* apply did not make the entry resolve */
        if (again.content || again.drift)
            abort(); /* a second apply changed something */
        const char *back = undone.content ? undone.content : after;
        size_t back_size = undone.content ? undone.size : after_size;
        if (back_size != size || memcmp(back, data, size) != 0)
            abort(); /* remove did not give back the original bytes */
    }
    fw_svc_sync_free(&undone);
    fw_svc_sync_free(&again);
    fw_svc_sync_free(&applied);
    return 0;
}
