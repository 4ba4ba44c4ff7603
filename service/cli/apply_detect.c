#include "apply_detect.h"

#include "host_error.h"
#include "host_follow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool given_by_set(const fw_cli_args *args, const char *name)
{
    for (size_t i = 0; i < args->setting_count; i++)
        if (strcmp(args->settings[i].name, name) == 0)
            return true;
    return false;
}

/* What detection changed; --set values named again win, so their notes
 * are apply's to print. */
static void report_follow(const fw_follow *f, const fw_cli_args *args)
{
    FILE *out = args->json ? stderr : stdout;
    for (size_t i = 0; i < f->count; i++) {
        const fw_follow_change *c = &f->changes[i];
        const fw_detected *d = c->detected;
        if (c->added)
            fprintf(out, "Detected %s %s%s%s: profile %s added.\n", fw_detect_role_product(d->role),
                    fw_detect_role_name(d->role), d->version ? " " : "", d->version ? d->version : "", c->profile);
        for (size_t k = 0; k < c->merge.note_count; k++) {
            const fw_merge_note *n = &c->merge.notes[k];
            if (n->kind != FW_MERGE_SET || given_by_set(args, n->name))
                continue;
            fprintf(out, "%s: %s %s -> %s (detected).\n", c->profile, n->name, n->before, n->after);
            if (n->widens)
                fprintf(stderr, "fwsvc: warning: %s %s -> %s WIDENS what profile %s opens\n", n->name, n->before,
                        n->after, c->profile);
        }
    }
    for (size_t i = 0; i < f->removed_count; i++)
        fprintf(out, "Profile %s was added by detection and its product is no longer detected: removed.\n",
                f->removed[i]);
    for (size_t i = 0; i < f->missing_count; i++)
        fprintf(stderr, "fwsvc: warning: %s is applied by hand, but its product is not detected on this computer; "
                        "if it was uninstalled, 'fwsvc remove --profile NAME' closes what it opens\n",
                f->missing[i]);
    fw_diags_print(&f->diags, stderr);
}

int fw_cli_apply_detect(fw_host_config *c, const fw_cli_args *args, fw_applied *changed)
{
    fw_detection d;
    fw_follow f;
    fw_diags diags = {0};
    int rc = FW_EXIT_OK;
    if (fw_host_follow(c, FW_FOLLOW_REMOVE | FW_FOLLOW_EXPLICIT, &d, &f, &diags)) {
        FILE *out = args->json ? stderr : stdout;
        fw_cli_print_detection(out, &d);
        fputc('\n', out);
        report_follow(&f, args);
        for (size_t i = 0; i < f.count; i++)
            fw_applied_set(changed, f.changes[i].profile, NULL, 0);
    } else {
        fw_diags_print(&diags, stderr);
        fw_error("the catalog has %zu error(s); nothing was done\n", diags.errors);
        rc = FW_EXIT_INVALID;
    }
    fw_follow_free(&f);
    fw_detection_free(&d);
    fw_diags_free(&diags);
    return rc;
}

void fw_cli_warn_undetected(const fw_host_config *c)
{
    /* On a copy of the profiles: status changes nothing. */
    fw_host_config copy = *c;
    copy.profiles = (fw_applied){0};
    for (size_t i = 0; i < c->profiles.count; i++) {
        fw_applied_set(&copy.profiles, c->profiles.items[i].profile, c->profiles.items[i].settings,
                       c->profiles.items[i].count);
        fw_applied_mark_detected(&copy.profiles, c->profiles.items[i].profile, c->profiles.items[i].detected);
    }
    fw_detection d;
    fw_follow f;
    fw_diags diags = {0};
    if (fw_host_follow(&copy, 0, &d, &f, &diags))
        for (size_t i = 0; i < f.missing_count; i++)
            fprintf(stderr, "fwsvc: warning: %s is applied, but its product is not detected on this computer%s\n",
                    f.missing[i], c->auto_detect ? "" : "; if it was uninstalled, 'fwsvc remove --profile NAME' "
                                                        "closes what it opens");
    fw_follow_free(&f);
    fw_detection_free(&d);
    fw_diags_free(&diags);
    fw_applied_free(&copy.profiles);
}
