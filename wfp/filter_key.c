#include "filter_key.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a, 128-bit (http://www.isthe.com/chongo/tech/comp/fnv/): a stable,
 * well-specified hash; collision resistance against an adversary is not
 * needed here, only determinism and spread. */
__extension__ typedef unsigned __int128 u128;

static u128 fnv1a_128(const char *data, size_t len)
{
    const u128 prime = ((u128)0x0000000001000000ull << 64) | 0x000000000000013Bull;
    u128 h = ((u128)0x6c62272e07bb0142ull << 64) | 0x62b821756295c58dull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= prime;
    }
    return h;
}

char *fw_filter_identity(const fw_planned_filter *f)
{
    return fw_xasprintf("%s/%s/%s", f->profile->name, f->rule->id, fw_layer_short_name(f->layer));
}

fw_key fw_filter_key(const fw_planned_filter *f, const char *app_id)
{
    fw_buf b = {0};
    char *identity = fw_filter_identity(f);
    /* The version prefix lets a future change of meaning re-key everything. */
    fw_buf_printf(&b, "fwsvc-filter/1\n%s\n%s\npermit hard persistent\n", identity, fw_layer_name(f->layer));
    free(identity);
    for (size_t i = 0; i < f->condition_count; i++) {
        const fw_condition *c = &f->conditions[i];
        char *value = c->field == FW_FIELD_ALE_APP_ID && app_id ? fw_xstrdup(app_id)
                                                                 : fw_condition_value_text(c);
        fw_buf_printf(&b, "%s %s %s\n", fw_field_name(c->field), fw_match_name(c->match), value);
        free(value);
    }
    u128 h = fnv1a_128(b.data, b.len);
    fw_buf_free(&b);
    fw_key k;
    for (int i = 0; i < 16; i++)
        k.bytes[i] = (uint8_t)(h >> (8 * (15 - i)));
    k.bytes[6] = (uint8_t)((k.bytes[6] & 0x0F) | 0x80);
    k.bytes[8] = (uint8_t)((k.bytes[8] & 0x3F) | 0x80);
    return k;
}

void fw_key_format(const fw_key *k, char out[39])
{
    const uint8_t *b = k->bytes;
    snprintf(out, 39, "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

bool fw_key_equal(const fw_key *a, const fw_key *b)
{
    return memcmp(a->bytes, b->bytes, 16) == 0;
}
