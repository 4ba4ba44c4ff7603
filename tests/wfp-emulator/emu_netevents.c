/* The net event log ("Logging", Microsoft Learn): BFE keeps the network
 * events it collects in a circular buffer ("about 128 KB", some 100 to 150
 * events) that a restart clears; FWPM_ENGINE_COLLECT_NET_EVENTS (default 1,
 * kept across restarts) switches collection. Here: netevents.bin in the
 * state folder, a header and a ring of EMU_NET_EVENTS_MAX classify-drop
 * records, written under the state mutex by whatever classifies a flow
 * (fwpemu's classify, classify-batch and traffic). */
#include "emu.h"

#include <stdio.h>
#include <string.h>

static const char netevents_magic[8] = {'F', 'W', 'P', 'E', 'M', 'U', 'N', 1};

typedef struct {
    char magic[8];
    UINT32 collect; /* FWPM_ENGINE_COLLECT_NET_EVENTS */
    UINT32 reserved;
    UINT64 next_seq; /* the sequence number the next event gets (first: 1) */
} netevents_header;

static void netevents_path(wchar_t *out, size_t size)
{
    swprintf(out, size, L"%ls\\netevents.bin", emu_state_dir());
}

static HANDLE open_log(DWORD access, DWORD disposition)
{
    wchar_t path[MAX_PATH * 2 + 24];
    netevents_path(path, sizeof path / sizeof path[0]);
    return CreateFileW(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, disposition,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

static bool read_at(HANDLE h, UINT64 offset, void *buf, DWORD size)
{
    OVERLAPPED o = {.Offset = (DWORD)offset, .OffsetHigh = (DWORD)(offset >> 32)};
    DWORD got = 0;
    return ReadFile(h, buf, size, &got, &o) && got == size;
}

static bool write_at(HANDLE h, UINT64 offset, const void *buf, DWORD size)
{
    OVERLAPPED o = {.Offset = (DWORD)offset, .OffsetHigh = (DWORD)(offset >> 32)};
    DWORD done = 0;
    return WriteFile(h, buf, size, &done, &o) && done == size;
}

/* The header, or the defaults of a log never written (collection on). */
static netevents_header read_header(HANDLE h)
{
    netevents_header hd;
    if (h == INVALID_HANDLE_VALUE || !read_at(h, 0, &hd, sizeof hd) ||
        memcmp(hd.magic, netevents_magic, sizeof hd.magic) != 0) {
        memset(&hd, 0, sizeof hd);
        memcpy(hd.magic, netevents_magic, sizeof hd.magic);
        hd.collect = 1;
        hd.next_seq = 1;
    }
    return hd;
}

static UINT64 slot_offset(UINT64 seq)
{
    return sizeof(netevents_header) + ((seq - 1) % EMU_NET_EVENTS_MAX) * sizeof(emu_net_event);
}

/* The state lock held and the log open: to write (created if need be), or
 * to read (a log never written is no error: *h is INVALID_HANDLE_VALUE,
 * and read_header gives the defaults). On failure nothing is held. */
static DWORD log_begin(bool write, DWORD disposition, HANDLE *h)
{
    DWORD e = emu_state_lock();
    if (e)
        return e;
    *h = open_log(write ? GENERIC_READ | GENERIC_WRITE : GENERIC_READ, disposition);
    if (*h == INVALID_HANDLE_VALUE && disposition == OPEN_ALWAYS) {
        e = GetLastError();
        emu_state_unlock();
    }
    return e;
}

static void log_end(HANDLE h)
{
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    emu_state_unlock();
}

DWORD emu_netevents_collect_get(UINT32 *collect)
{
    HANDLE h;
    DWORD e = log_begin(false, OPEN_EXISTING, &h);
    if (e)
        return e;
    *collect = read_header(h).collect;
    log_end(h);
    return ERROR_SUCCESS;
}

DWORD emu_netevents_collect_set(UINT32 collect)
{
    HANDLE h;
    DWORD e = log_begin(true, OPEN_ALWAYS, &h);
    if (e)
        return e;
    netevents_header hd = read_header(h);
    hd.collect = collect ? 1 : 0;
    e = write_at(h, 0, &hd, sizeof hd) ? ERROR_SUCCESS : GetLastError();
    log_end(h);
    return e;
}

DWORD emu_netevents_record(const emu_net_event *events, size_t n, size_t *collected)
{
    *collected = 0;
    HANDLE h;
    DWORD e = log_begin(true, OPEN_ALWAYS, &h);
    if (e)
        return e;
    netevents_header hd = read_header(h);
    for (size_t i = 0; hd.collect && !e && i < n; i++) {
        emu_net_event ev = events[i];
        ev.seq = hd.next_seq;
        if (write_at(h, slot_offset(ev.seq), &ev, sizeof ev)) {
            hd.next_seq++;
            (*collected)++;
        } else {
            e = GetLastError();
        }
    }
    if (*collected && !write_at(h, 0, &hd, sizeof hd) && !e)
        e = GetLastError();
    if (*collected)
        emu_clients_signal(EMU_CLIENT_NET_EVENT_SUB); /* under the lock: subscribers read what is written */
    log_end(h);
    return e;
}

DWORD emu_netevents_read(UINT64 after_seq, emu_net_event **out, size_t *count, UINT64 *last_seq)
{
    *out = NULL;
    *count = 0;
    *last_seq = after_seq;
    HANDLE h;
    DWORD e = log_begin(false, OPEN_EXISTING, &h);
    if (e)
        return e;
    netevents_header hd = read_header(h);
    UINT64 newest = hd.next_seq - 1;
    /* What the ring still holds: the last EMU_NET_EVENTS_MAX events. */
    UINT64 oldest = newest > EMU_NET_EVENTS_MAX ? newest - EMU_NET_EVENTS_MAX + 1 : 1;
    UINT64 first = after_seq + 1 > oldest ? after_seq + 1 : oldest;
    if (h != INVALID_HANDLE_VALUE && newest >= first) {
        size_t n = (size_t)(newest - first + 1);
        *out = calloc(n, sizeof **out);
        if (!*out)
            e = ERROR_NOT_ENOUGH_MEMORY;
        for (UINT64 seq = first; !e && seq <= newest; seq++) {
            emu_net_event *ev = &(*out)[*count];
            if (read_at(h, slot_offset(seq), ev, sizeof *ev) && ev->seq == seq)
                (*count)++;
        }
    }
    *last_seq = newest;
    log_end(h);
    if (e) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return e;
}

DWORD emu_netevents_clear(void)
{
    HANDLE h;
    DWORD e = log_begin(true, OPEN_EXISTING, &h); /* no log: nothing to clear */
    if (e)
        return e;
    if (h != INVALID_HANDLE_VALUE) {
        /* The option stays ("persists across reboots"); the events go, and
         * the sequence goes on, so a reader's position stays meaningful. */
        netevents_header hd = read_header(h);
        e = write_at(h, 0, &hd, sizeof hd) ? ERROR_SUCCESS : GetLastError();
        if (!e && !SetFilePointerEx(h, (LARGE_INTEGER){.QuadPart = sizeof hd}, NULL, FILE_BEGIN))
            e = GetLastError();
        if (!e && !SetEndOfFile(h))
            e = GetLastError();
    }
    log_end(h);
    return e;
}

void emu_netevents_event_name(const GUID *subscription, wchar_t out[64])
{
    char g[39];
    emu_guid_format(subscription, g);
    swprintf(out, 64, L"Global\\fwpemu-netevent-%hs", g);
}
