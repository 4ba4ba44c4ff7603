#include "cli.h"

#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_table.h"

#include <stdio.h>
#include <stdlib.h>

int fw_cmd_list(const fw_cli_args *args)
{
    fw_cli_session s;
    int rc = fw_cli_session_open(&s, args, false);
    if (rc != FW_EXIT_OK)
        return rc;

    static const char *const header[] = {"PROFILE", "ALIASES", "PRODUCT", "ROLE", "RULES"};
    fw_table t;
    fw_table_init(&t, 5, header);
    for (size_t i = 0; i < s.catalog.profile_count; i++) {
        const fw_profile *p = &s.catalog.profiles[i];
        fw_buf aliases = {0};
        for (size_t a = 0; a < p->alias_count; a++)
            fw_buf_printf(&aliases, "%s%s", a ? "," : "", p->aliases[a]);
        char *rules = fw_xasprintf("%zu", p->rule_count);
        const char *row[] = {p->name, aliases.data, s.catalog.files[p->file]->product, p->role,
                             rules};
        fw_table_add(&t, row);
        free(rules);
        fw_buf_free(&aliases);
    }
    fw_table_print(&t, stdout);
    fw_table_free(&t);
    fw_cli_session_close(&s);
    return FW_EXIT_OK;
}
