/* At most one report per flow per period (drop.h): an open-addressing
 * table of flow hashes and when each was last reported. */
#include "drop.h"

#include "fw_alloc.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS (FW_DROP_THROTTLE_MAX * 2) /* at most half full: probes stay short */

typedef struct {
    uint64_t hash; /* 0: empty */
    uint64_t last;
} slot;

struct fw_drop_throttle {
    uint64_t period;
    size_t used;
    slot slots[SLOTS];
};

fw_drop_throttle *fw_drop_throttle_new(uint64_t period_100ns)
{
    fw_drop_throttle *t = fw_xcalloc(1, sizeof *t);
    t->period = period_100ns;
    return t;
}

static uint64_t fnv(uint64_t h, const void *data, size_t size)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t flow_hash(const fw_drop *d, const char *rule)
{
    const fw_flow *f = &d->flow;
    uint16_t port = f->inbound ? f->local_port : f->remote_port;
    uint8_t shape[3] = {f->inbound, f->v6, f->protocol};
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, rule ? rule : "", rule ? strlen(rule) : 0);
    h = fnv(h, shape, sizeof shape);
    h = fnv(h, &port, sizeof port);
    h = fnv(h, f->remote_addr, f->has_remote_addr ? 16 : 0);
    return h ? h : 1;
}

/* Full: what is older than the period goes; if every flow is recent, all
 * go (a storm of distinct flows is reported again, never lost silently). */
static void make_room(fw_drop_throttle *t, uint64_t now)
{
    slot *old = fw_xcalloc(SLOTS, sizeof *old);
    memcpy(old, t->slots, sizeof t->slots);
    memset(t->slots, 0, sizeof t->slots);
    t->used = 0;
    for (size_t i = 0; i < SLOTS; i++) {
        if (!old[i].hash || now - old[i].last >= t->period || t->used >= FW_DROP_THROTTLE_MAX / 2)
            continue;
        size_t j = old[i].hash % SLOTS;
        while (t->slots[j].hash)
            j = (j + 1) % SLOTS;
        t->slots[j] = old[i];
        t->used++;
    }
    free(old);
}

bool fw_drop_throttle_admit(fw_drop_throttle *t, const fw_drop *d, const char *rule, uint64_t now)
{
    uint64_t h = flow_hash(d, rule);
    size_t i = h % SLOTS;
    for (; t->slots[i].hash; i = (i + 1) % SLOTS) {
        if (t->slots[i].hash != h)
            continue;
        if (now >= t->slots[i].last && now - t->slots[i].last < t->period)
            return false;
        t->slots[i].last = now;
        return true;
    }
    if (t->used >= FW_DROP_THROTTLE_MAX) {
        make_room(t, now);
        for (i = h % SLOTS; t->slots[i].hash; i = (i + 1) % SLOTS)
            ;
    }
    t->slots[i] = (slot){h, now};
    t->used++;
    return true;
}

void fw_drop_throttle_free(fw_drop_throttle *t)
{
    free(t);
}
