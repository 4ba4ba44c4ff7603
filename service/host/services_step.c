#include "services_step.h"
#include "host_error.h"

#include "admin_only.h"
#include "host_exit.h"
#include "fw_alloc.h"
#include "services_io.h"
#include "services_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fw_services_prepare(fw_services_step *s, const char *path_arg, const fw_svc_want *want, size_t want_count,
                        bool will_write)
{
    *s = (fw_services_step){.path = path_arg ? fw_xstrdup(path_arg) : fw_svc_default_path()};
    char *error = NULL;
    char *data = NULL;
    size_t size = 0;
    int rc = FW_EXIT_OK;
    if (fw_services_record_load(s->path, &s->before, &error)) {
        rc = FW_EXIT_FAILURE;
        goto out;
    }
    s->active = want_count > 0 || s->before.count > 0;
    if (!s->active)
        goto out; /* nothing to ensure, nothing to undo: the file is not read */
    data = fw_svc_read(s->path, &size, &error);
    if (!data) {
        rc = FW_EXIT_FAILURE;
        goto out;
    }
    fw_svc_sync_run(data, size, want, want_count, &s->before, &s->sync);
    if (will_write && s->sync.content && !fw_svc_check_writable(s->path, &error))
        rc = FW_EXIT_FAILURE;
    /* SYSTEM writes it, and a new file beside it: both must be out of
     * reach of non-administrators (docs/security.md). */
    char *unsafe = will_write && s->sync.content && rc == FW_EXIT_OK ? fw_admin_only_path(s->path, FW_OBJ_FILE) : NULL;
    if (unsafe) {
        error = fw_xasprintf("refused: the file or a folder above it can be changed by non-administrators: %s", unsafe);
        free(unsafe);
        rc = FW_EXIT_INVALID;
    }
out:
    if (error)
        fw_error("services file: %s\nfwsvc: nothing was changed (WFP included)\n", error);
    free(error);
    free(data);
    return rc;
}

int fw_services_commit(fw_services_step *s)
{
    if (!s->active)
        return FW_EXIT_OK;
    char *error = NULL;
    int rc = FW_EXIT_OK;
    /* The backup is of the file as it was before fwsvc's first change. */
    if (s->sync.content && (!fw_svc_backup_once(s->path, &error) ||
                            !fw_svc_write_atomic(s->path, s->sync.content, s->sync.size, &error))) {
        fw_error("services file: %s\n", error);
        fputs("fwsvc: WFP was updated, the services file was not; run apply again to finish\n", stderr);
        rc = FW_EXIT_FAILURE;
        goto out;
    }
    if (s->sync.content || s->sync.records.count != s->before.count) {
        if (fw_services_record_save(s->path, &s->sync.records, &error)) {
            fw_error("the services file was changed, but %s\n", error);
            rc = FW_EXIT_FAILURE;
        }
    }
out:
    free(error);
    return rc;
}

bool fw_services_has_drift(const fw_services_step *s)
{
    return s->active && s->sync.content != NULL;
}

void fw_services_warn(const fw_services_step *s)
{
    for (size_t i = 0; s->active && i < s->sync.note_count; i++)
        if (s->sync.notes[i].kind == FW_SVC_NOTE_WARNING)
            fprintf(stderr, "fwsvc: warning: services file %s: %s\n", s->path, s->sync.notes[i].text);
}

void fw_services_report(const fw_services_step *s, const char *mode)
{
    if (!s->active)
        return;
    bool status = strcmp(mode, "status") == 0;
    if (!s->sync.content) {
        printf("Services file %s: %s.\n", s->path, status ? "in sync" : "nothing to change");
        return;
    }
    if (status)
        printf("Services file %s: DRIFT; apply would:\n", s->path);
    else if (strcmp(mode, "dry-run") == 0)
        printf("Services file %s: changes pending; apply would:\n", s->path);
    else
        printf("Services file %s: replaced atomically (the file as it was before fwsvc's first change "
               "is kept as %s.fwsvc-backup):\n", s->path, s->path);
    for (size_t i = 0; i < s->sync.note_count; i++)
        if (s->sync.notes[i].kind == FW_SVC_NOTE_CHANGE)
            printf("  - %s\n", s->sync.notes[i].text);
}

void fw_services_step_free(fw_services_step *s)
{
    free(s->path);
    fw_svc_records_free(&s->before);
    fw_svc_sync_free(&s->sync);
    *s = (fw_services_step){0};
}
