#include "cli.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_WIDTH 100 /* a console's width, with room to spare */

/* Profiles grouped by product: name, rule count and role on one line (the
 * role cut to fit LIST_WIDTH columns), the aliases whole on the next: they
 * are names to type. */
int fw_cmd_list(const fw_cli_args *args)
{
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, FW_SESSION_HOST_FOLDERS);
    if (rc != FW_EXIT_OK)
        return rc;
    size_t name_width = strlen("PROFILE"), version_width = strlen("VERSION");
    char **versions = fw_xcalloc(s.catalog.profile_count + 1, sizeof *versions);
    for (size_t i = 0; i < s.catalog.profile_count; i++) {
        if (strlen(s.catalog.profiles[i].name) + 2 > name_width)
            name_width = strlen(s.catalog.profiles[i].name) + 2;
        /* The product version its documents describe: what it was written for. */
        versions[i] = fw_profile_versions(&s.catalog, &s.catalog.profiles[i]);
        if (!versions[i][0]) {
            free(versions[i]);
            versions[i] = fw_xstrdup("-");
        }
        if (strlen(versions[i]) > version_width)
            version_width = strlen(versions[i]);
    }
    int room = LIST_WIDTH - (int)name_width - 2 - 5 - 2 - (int)version_width - 2;
    printf("%-*s  %5s  %-*s  %s\n", (int)name_width, "PROFILE", "RULES", (int)version_width, "VERSION",
           "ROLE, then its ALIASES");
    for (size_t f = 0; f < s.catalog.file_count; f++) {
        bool heading = false;
        for (size_t i = 0; i < s.catalog.profile_count; i++) {
            const fw_profile *p = &s.catalog.profiles[i];
            if (p->file != f)
                continue;
            if (!heading) {
                printf("%s\n", s.catalog.files[f]->product);
                heading = true;
            }
            char *role = fw_xstrdup(p->role);
            if (room > 3 && strlen(role) > (size_t)room)
                snprintf(role + room - 3, 4, "...");
            printf("  %-*s  %5zu  %-*s  %s%s\n", (int)name_width - 2, p->name, p->rule_count, (int)version_width,
                   versions[i], s.catalog.files[f]->site ? "[site] " : "", role);
            free(role);
            if (p->alias_count) {
                printf("  %-*s  %5s  %-*s  aliases:", (int)name_width - 2, "", "", (int)version_width, "");
                for (size_t a = 0; a < p->alias_count; a++)
                    printf("%s %s", a ? "," : "", p->aliases[a]);
                puts("");
            }
        }
    }
    printf("\n%zu profiles. VERSION: the product version their vendor documents describe.\n"
           "'fwsvc show --profile NAME' shows one; NAME may be an alias.\n",
           s.catalog.profile_count);
    for (size_t i = 0; i < s.catalog.profile_count; i++)
        free(versions[i]);
    free(versions);
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
