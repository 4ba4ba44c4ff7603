/* fwpemu tamper add-random N SEED: N filters of other products, through the
 * WFP API as those products would add them, spread over three sublayers of
 * different weights and two providers, with every kind of decision
 * `fwsvc why` must arbitrate: soft and hard permits, blocks, weights given
 * as a UINT64, as a range (FWP_UINT8) or left to BFE (FWP_EMPTY), OR-runs
 * of conditions on one field, NOT_EQUAL, masks, prefixes, app ids, and a
 * user condition (a security descriptor) nobody outside the flow can
 * evaluate. One provider names a service that does not exist: after
 * `fwpemu reboot`, BFE holds its filters back as disabled (FWPM_PROVIDER0).
 * Deterministic for a seed: tests/e2e/why.sh replays it. */
#include "fwpemu.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const GUID random_providers[2] = {
    {0x5eed0001, 0x7a11, 0x4c0f, {0x9e, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}},
    {0x5eed0002, 0x7a11, 0x4c0f, {0x9e, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}},
};
static const struct {
    GUID key;
    UINT16 weight;
    const wchar_t *name;
} random_sublayers[3] = {
    {{0x5eed0101, 0x7a11, 0x4c0f, {0x9e, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01}}, 0xFFF8, L"random: above fwsvc"},
    {{0x5eed0102, 0x7a11, 0x4c0f, {0x9e, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02}}, 0x9000, L"random: middle"},
    {{0x5eed0103, 0x7a11, 0x4c0f, {0x9e, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03}}, 0x0200, L"random: low"},
};

static const UINT16 ports[] = {80, 135, 445, 3389, 5718, 6075, 6160, 9392, 10000, 10001, 50000};
static const wchar_t *const programs[] = {L"C:\\Program Files\\Backup\\agent.exe",
                                          L"C:\\Windows\\System32\\svchost.exe", L"C:\\Tools\\other.exe"};

static UINT64 rng_state;
static UINT32 next(void)
{
    /* xorshift64*: small, deterministic, good enough for test data */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (UINT32)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static UINT32 below(UINT32 n)
{
    return next() % n;
}

typedef struct {
    FWPM_FILTER_CONDITION0 c[6];
    UINT32 n;
    FWP_RANGE0 ranges[6];
    FWP_V4_ADDR_AND_MASK v4[6];
    FWP_V6_ADDR_AND_MASK v6[6];
    FWP_BYTE_BLOB *apps[6];
    FWP_BYTE_BLOB sd_blob;
} conditions;

static void add_port(conditions *cs, const GUID *field)
{
    FWPM_FILTER_CONDITION0 *c = &cs->c[cs->n];
    *c = (FWPM_FILTER_CONDITION0){.fieldKey = *field, .matchType = FWP_MATCH_EQUAL};
    if (below(4) == 0) {
        UINT16 lo = ports[below(sizeof ports / sizeof ports[0])];
        cs->ranges[cs->n] = (FWP_RANGE0){{.type = FWP_UINT16, .uint16 = lo},
                                         {.type = FWP_UINT16, .uint16 = (UINT16)(lo + below(2000))}};
        c->matchType = FWP_MATCH_RANGE;
        c->conditionValue.type = FWP_RANGE_TYPE;
        c->conditionValue.rangeValue = &cs->ranges[cs->n];
    } else {
        c->matchType = below(6) == 0 ? FWP_MATCH_NOT_EQUAL : FWP_MATCH_EQUAL;
        c->conditionValue.type = FWP_UINT16;
        c->conditionValue.uint16 = ports[below(sizeof ports / sizeof ports[0])];
    }
    cs->n++;
}

static void add_address(conditions *cs, bool v6)
{
    FWPM_FILTER_CONDITION0 *c = &cs->c[cs->n];
    *c = (FWPM_FILTER_CONDITION0){.fieldKey = FWPM_CONDITION_IP_REMOTE_ADDRESS,
                                  .matchType = below(5) == 0 ? FWP_MATCH_NOT_EQUAL : FWP_MATCH_EQUAL};
    if (!v6) {
        static const UINT32 nets[][2] = {{0x0A000000, 0xFF000000}, {0x0A000005, 0xFFFFFFFF}, {0xC0A80100, 0xFFFFFF00}};
        UINT32 k = below(3);
        if (below(3) == 0) {
            c->conditionValue.type = FWP_UINT32; /* one host, host order */
            c->conditionValue.uint32 = nets[k][0] | (nets[k][1] == 0xFFFFFFFF ? 0 : 5);
        } else {
            cs->v4[cs->n] = (FWP_V4_ADDR_AND_MASK){nets[k][0], nets[k][1]};
            c->conditionValue.type = FWP_V4_ADDR_MASK;
            c->conditionValue.v4AddrMask = &cs->v4[cs->n];
        }
    } else {
        FWP_V6_ADDR_AND_MASK *m = &cs->v6[cs->n];
        memset(m, 0, sizeof *m);
        if (below(2)) {
            m->addr[0] = 0xfd; /* fd00::/8 */
            m->prefixLength = 8;
        } else {
            m->addr[0] = 0x20, m->addr[1] = 0x01, m->addr[2] = 0x0d, m->addr[3] = 0xb8; /* 2001:db8::/32 */
            m->prefixLength = 32;
        }
        c->conditionValue.type = FWP_V6_ADDR_MASK;
        c->conditionValue.v6AddrMask = m;
    }
    cs->n++;
}

static void add_app(conditions *cs)
{
    FWPM_FILTER_CONDITION0 *c = &cs->c[cs->n];
    if (emu_app_id_from_path(programs[below(3)], &cs->apps[cs->n]))
        return;
    *c = (FWPM_FILTER_CONDITION0){.fieldKey = FWPM_CONDITION_ALE_APP_ID,
                                  .matchType = below(4) == 0 ? FWP_MATCH_NOT_EQUAL : FWP_MATCH_EQUAL,
                                  .conditionValue = {.type = FWP_BYTE_BLOB_TYPE, .byteBlob = cs->apps[cs->n]}};
    cs->n++;
}

/* Conditions in field order; a field may get a run of two (an OR). */
static void make_conditions(conditions *cs, bool inbound, bool v6, PSECURITY_DESCRIPTOR sd, ULONG sd_size)
{
    memset(cs, 0, sizeof *cs);
    if (below(2)) {
        cs->c[cs->n++] = (FWPM_FILTER_CONDITION0){
            .fieldKey = FWPM_CONDITION_IP_PROTOCOL, .matchType = FWP_MATCH_EQUAL,
            .conditionValue = {.type = FWP_UINT8, .uint8 = below(2) ? 6 : 17}};
    }
    if (below(3)) {
        const GUID *port = inbound ? &FWPM_CONDITION_IP_LOCAL_PORT : &FWPM_CONDITION_IP_REMOTE_PORT;
        add_port(cs, port);
        if (below(3) == 0)
            add_port(cs, port);
    }
    if (below(2))
        add_address(cs, v6);
    if (below(4) == 0)
        add_app(cs);
    if (cs->n == 0 || (cs->n == 1 && IsEqualGUID(&cs->c[0].fieldKey, &FWPM_CONDITION_IP_PROTOCOL)))
        add_port(cs, inbound ? &FWPM_CONDITION_IP_LOCAL_PORT : &FWPM_CONDITION_IP_REMOTE_PORT); /* never all traffic */
    if (below(12) == 0) {
        cs->sd_blob = (FWP_BYTE_BLOB){sd_size, sd};
        cs->c[cs->n++] = (FWPM_FILTER_CONDITION0){
            .fieldKey = FWPM_CONDITION_ALE_USER_ID, .matchType = FWP_MATCH_EQUAL,
            .conditionValue = {.type = FWP_SECURITY_DESCRIPTOR_TYPE, .sd = &cs->sd_blob}};
    }
}

static DWORD add_owners(HANDLE engine)
{
    FWPM_PROVIDER0 providers[2] = {
        {.providerKey = random_providers[0], .displayData = {L"random provider (running)", NULL},
         .flags = FWPM_PROVIDER_FLAG_PERSISTENT},
        {.providerKey = random_providers[1], .displayData = {L"random provider (service gone)", NULL},
         .flags = FWPM_PROVIDER_FLAG_PERSISTENT, .serviceName = (wchar_t *)L"fwpemu-no-such-service"},
    };
    DWORD e = 0;
    for (int i = 0; i < 2 && !e; i++) {
        e = FwpmProviderAdd0(engine, &providers[i], NULL);
        e = e == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : e;
    }
    for (int i = 0; i < 3 && !e; i++) {
        FWPM_SUBLAYER0 sl = {.subLayerKey = random_sublayers[i].key,
                             .displayData = {(wchar_t *)random_sublayers[i].name, NULL},
                             .flags = FWPM_SUBLAYER_FLAG_PERSISTENT, /* no provider: both may use it */
                             .weight = random_sublayers[i].weight};
        e = FwpmSubLayerAdd0(engine, &sl, NULL);
        e = e == (DWORD)FWP_E_ALREADY_EXISTS ? 0 : e;
    }
    return e;
}

int fwpemu_add_random(unsigned long n, unsigned long seed)
{
    rng_state = 0x9E3779B97F4A7C15ULL ^ seed;
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG sd_size = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"O:BAG:BAD:(A;;CC;;;WD)", SDDL_REVISION_1, &sd,
                                                              &sd_size))
        return fprintf(stderr, "fwpemu: add-random: no security descriptor (error %lu)\n", GetLastError()), 1;
    HANDLE engine;
    DWORD e = fwpemu_open_engine(&engine);
    if (e) {
        LocalFree(sd);
        return fprintf(stderr, "fwpemu: open: 0x%08lx\n", (unsigned long)e), 1;
    }
    static const GUID *const layers[4] = {&FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, &FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6,
                                          &FWPM_LAYER_ALE_AUTH_CONNECT_V4, &FWPM_LAYER_ALE_AUTH_CONNECT_V6};
    e = FwpmTransactionBegin0(engine, 0);
    if (!e)
        e = add_owners(engine);
    unsigned long counts[2] = {0, 0};
    for (unsigned long i = 0; i < n && !e; i++) {
        UINT32 l = below(4);
        bool inbound = l < 2, v6 = l & 1;
        conditions cs;
        make_conditions(&cs, inbound, v6, sd, sd_size);
        bool permit = below(2);
        UINT64 weight64 = ((UINT64)next() << 28) ^ i;
        FWPM_FILTER0 f = {.displayData = {permit ? L"random permit" : L"random block", NULL},
                          .flags = FWPM_FILTER_FLAG_PERSISTENT |
                                   (permit && below(2) ? FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT : 0),
                          .providerKey = (GUID *)&random_providers[below(5) == 0],
                          .layerKey = *layers[l],
                          .subLayerKey = random_sublayers[below(3)].key,
                          .numFilterConditions = cs.n,
                          .filterCondition = cs.n ? cs.c : NULL,
                          .action = {.type = permit ? FWP_ACTION_PERMIT : FWP_ACTION_BLOCK}};
        switch (below(3)) { /* "Filter Weight Assignment": the three ways to give one */
        case 0:
            f.weight.type = FWP_UINT64;
            f.weight.uint64 = &weight64;
            break;
        case 1:
            f.weight.type = FWP_UINT8;
            f.weight.uint8 = (UINT8)below(16);
            break;
        default:
            f.weight.type = FWP_EMPTY;
        }
        e = FwpmFilterAdd0(engine, &f, NULL, NULL);
        counts[permit]++;
        for (int k = 0; k < 6; k++)
            free(cs.apps[k]);
    }
    e = e ? (FwpmTransactionAbort0(engine), e) : FwpmTransactionCommit0(engine);
    FwpmEngineClose0(engine);
    LocalFree(sd);
    if (e)
        return fprintf(stderr, "fwpemu: add-random: 0x%08lx\n", (unsigned long)e), 1;
    printf("added %lu random filters (%lu permits, %lu blocks), seed %lu\n", n, counts[1], counts[0], seed);
    return 0;
}
