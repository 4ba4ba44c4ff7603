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
    int rc = fw_cli_session_open(&s, args, 0);
    if (rc != FW_EXIT_OK)
        return rc;
    size_t name_width = strlen("PROFILE");
    for (size_t i = 0; i < s.catalog.profile_count; i++)
        if (strlen(s.catalog.profiles[i].name) + 2 > name_width)
            name_width = strlen(s.catalog.profiles[i].name) + 2;
    int room = LIST_WIDTH - (int)name_width - 2 - 5 - 2;
    printf("%-*s  %5s  %s\n", (int)name_width, "PROFILE", "RULES", "ROLE, then its ALIASES");
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
            printf("  %-*s  %5zu  %s\n", (int)name_width - 2, p->name, p->rule_count, role);
            free(role);
            if (p->alias_count) {
                printf("  %-*s  %5s  aliases:", (int)name_width - 2, "", "");
                for (size_t a = 0; a < p->alias_count; a++)
                    printf("%s %s", a ? "," : "", p->aliases[a]);
                puts("");
            }
        }
    }
    printf("\n%zu profiles. 'fwsvc show --profile NAME' shows one; NAME may be an alias.\n", s.catalog.profile_count);
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
