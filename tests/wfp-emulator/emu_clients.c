/* The open sessions and change subscriptions of every process, kept in
 * clients.bin under the state mutex. BFE knows its clients; the emulator
 * has no server process, so this file is where processes learn of each
 * other: a session key already open is refused (FwpmEngineOpen0:
 * FWP_E_ALREADY_EXISTS), FwpmSessionEnum0 lists sessions, and
 * FwpmFilterSubscriptionsGet0 lists "all the current" subscriptions.
 * Entries of a process that has died, or of an earlier BFE epoch, are
 * dropped as they are read, as BFE's RPC rundown drops them. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char clients_magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 'C', 1};

static void clients_path(wchar_t *out, size_t size)
{
    swprintf(out, size, L"%ls\\clients.bin", emu_state_dir());
}

typedef struct {
    emu_client *items;
    size_t count;
} client_list;

/* Reads the live entries. Callers hold the state mutex. */
static void clients_read(client_list *l)
{
    l->items = NULL;
    l->count = 0;
    wchar_t path[MAX_PATH * 2 + 16];
    clients_path(path, sizeof path / sizeof path[0]);
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    char magic[8];
    UINT64 n = 0;
    DWORD got = 0;
    if (ReadFile(h, magic, 8, &got, NULL) && got == 8 && memcmp(magic, clients_magic, 8) == 0 &&
        ReadFile(h, &n, 8, &got, NULL) && got == 8 && n < 100000) {
        l->items = calloc(n ? n : 1, sizeof *l->items);
        if (l->items && ReadFile(h, l->items, (DWORD)(n * sizeof *l->items), &got, NULL) &&
            got == n * sizeof *l->items)
            l->count = (size_t)n;
    }
    CloseHandle(h);
    emu_bfe bfe = emu_bfe_get();
    size_t kept = 0;
    for (size_t i = 0; i < l->count; i++) {
        const emu_client *c = &l->items[i];
        if (bfe.running && c->epoch == bfe.epoch && emu_process_alive(c->pid, c->pid_start))
            l->items[kept++] = *c;
    }
    l->count = kept;
}

static DWORD clients_write(const client_list *l)
{
    wchar_t path[MAX_PATH * 2 + 16];
    clients_path(path, sizeof path / sizeof path[0]);
    HANDLE h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    UINT64 n = l->count;
    DWORD done = 0;
    BOOL ok = WriteFile(h, clients_magic, 8, &done, NULL) && WriteFile(h, &n, 8, &done, NULL) &&
              (n == 0 || WriteFile(h, l->items, (DWORD)(n * sizeof *l->items), &done, NULL));
    DWORD e = ok ? ERROR_SUCCESS : GetLastError();
    CloseHandle(h);
    return e;
}

DWORD emu_clients_add(const emu_client *c)
{
    DWORD e = emu_state_lock();
    if (e)
        return e;
    client_list l;
    clients_read(&l);
    for (size_t i = 0; i < l.count && !e; i++)
        if (l.items[i].kind == c->kind && IsEqualGUID(&l.items[i].key, &c->key))
            e = (DWORD)FWP_E_ALREADY_EXISTS;
    if (!e) {
        emu_client *grown = realloc(l.items, (l.count + 1) * sizeof *grown);
        if (!grown) {
            e = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            l.items = grown;
            l.items[l.count++] = *c;
            e = clients_write(&l);
        }
    }
    free(l.items);
    emu_state_unlock();
    return e;
}

void emu_clients_remove(const GUID *key)
{
    if (emu_state_lock())
        return;
    client_list l;
    clients_read(&l);
    size_t kept = 0;
    for (size_t i = 0; i < l.count; i++) {
        const emu_client *c = &l.items[i];
        /* A session's subscriptions end with it. */
        if (!IsEqualGUID(&c->key, key) && !(c->kind != EMU_CLIENT_SESSION && IsEqualGUID(&c->session, key)))
            l.items[kept++] = *c;
    }
    l.count = kept;
    clients_write(&l);
    free(l.items);
    emu_state_unlock();
}

DWORD emu_clients_list(UINT32 kind, emu_client **out, size_t *count)
{
    DWORD e = emu_state_lock();
    if (e)
        return e;
    client_list l;
    clients_read(&l);
    emu_state_unlock();
    size_t kept = 0;
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].kind == kind)
            l.items[kept++] = l.items[i];
    *out = l.items;
    *count = kept;
    return ERROR_SUCCESS;
}

void emu_subscription_event_name(const GUID *subscription, wchar_t out[64])
{
    char key[39];
    emu_guid_format(subscription, key);
    swprintf(out, 64, L"Global\\fwpemu-changes-%hs", key);
}

/* Each subscription's own event, by name: processes know each other only
 * through clients.bin. A subscriber that has gone has no event to open. */
void emu_clients_signal(UINT32 kind)
{
    client_list l;
    clients_read(&l);
    for (size_t i = 0; i < l.count; i++) {
        if (l.items[i].kind != kind)
            continue;
        wchar_t name[64];
        if (kind == EMU_CLIENT_NET_EVENT_SUB)
            emu_netevents_event_name(&l.items[i].key, name);
        else
            emu_subscription_event_name(&l.items[i].key, name);
        HANDLE h = OpenEventW(EVENT_MODIFY_STATE, FALSE, name);
        if (h) {
            SetEvent(h);
            CloseHandle(h);
        }
    }
    free(l.items);
}
