#include "guard.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <stdlib.h>
#include <string.h>

bool fw_addresses_count_as_any(const fw_address *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (list[i].prefix < (list[i].family == FW_AF_V4 ? FW_ANY_PREFIX_V4 : FW_ANY_PREFIX_V6))
            return true;
    return false;
}

/* The rule's first bound port that is too much to open to every peer, or
 * -1. */
static long sensitive_port(const fw_rule *r, const fw_binding *b)
{
    for (size_t i = 0; i < r->port_count; i++)
        if (fw_port_range_is_sensitive(fw_binding_resolve(b, &r->ports[i])))
            return (long)i;
    return -1;
}

/* A setting that moves one of the rule's ports onto a single sensitive port
 * its catalog default does not open (sql_port=3389, ndmp_port=445): a peer
 * would then reach another service than the one the rule documents. */
static long moved_onto_sensitive(const fw_rule *r, const fw_binding *b)
{
    for (size_t i = 0; i < r->port_count; i++) {
        int v = r->ports[i].variable;
        if (v < 0 || !b->overridden[v])
            continue;
        fw_port_range now = b->values[v], def = b->file->variables[v].default_value;
        if (now.lo == now.hi && fw_port_range_is_sensitive(now) && !(def.lo <= now.lo && now.lo <= def.hi))
            return (long)i;
    }
    return -1;
}

/* "name=value" of the settings behind the rule's port and scope. */
static char *settings_behind(const fw_rule *r, const fw_port_ref *ref, const fw_binding *b)
{
    fw_buf why = {0};
    if (ref->variable >= 0 && b->overridden[ref->variable])
        fw_buf_printf(&why, "%s=%s", b->file->variables[ref->variable].name, b->texts[ref->variable]);
    if (r->remote_variable >= 0 && b->overridden[r->remote_variable])
        fw_buf_printf(&why, "%s%s=%s", why.len ? ", " : "", b->file->variables[r->remote_variable].name,
                      b->texts[r->remote_variable]);
    return why.len ? fw_buf_take(&why) : (fw_buf_free(&why), NULL);
}

bool fw_guard_check(const fw_profile *p, const fw_binding *b, fw_diags *d)
{
    bool ok = true;
    const char *profile = p->name ? p->name : "?";
    for (size_t i = 0; i < p->rule_count; i++) {
        const fw_rule *r = &p->rules[i];
        const char *id = r->id ? r->id : "?";
        if (r->direction != FW_DIR_IN)
            continue;
        char text[16];
        long moved = moved_onto_sensitive(r, b);
        if (moved >= 0) {
            const fw_port_ref *ref = &r->ports[moved];
            fw_port_range_format(fw_binding_resolve(b, ref), text, sizeof text);
            fw_diag_add(d, FW_SEV_ERROR, NULL, 0, 0,
                        "%s=%s: rule %s/%s would move onto port %s, which Windows or a database serves to the "
                        "network (not what the rule documents); refused (docs/security.md)",
                        b->file->variables[ref->variable].name, b->texts[ref->variable], profile, id, text);
            ok = false;
            continue;
        }
        long port = r->program ? -1 : sensitive_port(r, b);
        bool any;
        const fw_address *list;
        size_t count;
        /* A rule waiting for its peers has no filter yet: nothing opens. */
        if (port < 0 || !fw_binding_remote(b, r, &any, &list, &count) ||
            (!any && !fw_addresses_count_as_any(list, count)))
            continue;
        ok = false;
        const fw_port_ref *ref = &r->ports[port];
        fw_port_range_format(fw_binding_resolve(b, ref), text, sizeof text);
        char *why = settings_behind(r, ref, b);
        if (!why) {
            /* Only the catalog is involved: the catalog is wrong. */
            fw_diag_add(d, FW_SEV_ERROR, ref->pos.file, ref->pos.line, ref->pos.column,
                        "rule '%s' opens %s to every program from any address: bind it to the program that "
                        "listens (program:), or scope it to its peers (remote_addresses: [\"${peer}\"] with an "
                        "addresses variable that names peers by default, or has no default); docs/security.md",
                        id, text);
            continue;
        }
        char *fix = r->remote_variable >= 0
                        ? fw_xasprintf("name the peers instead, e.g. --set %s=10.0.0.5,10.0.1.0/24",
                                       b->file->variables[r->remote_variable].name)
                        : fw_xstrdup("keep it narrower than 100 ports and off the ports Windows serves");
        fw_diag_add(d, FW_SEV_ERROR, NULL, 0, 0,
                    "%s: rule %s/%s would open %s to every program from any address; a hard permit that wide is "
                    "refused: %s (docs/security.md)",
                    why, profile, id, text, fix);
        free(fix);
        free(why);
    }
    return ok;
}

void fw_guard_widened(const fw_profile *p, const fw_binding *b, fw_widened_list *out)
{
    const fw_catalog_file *f = b->file;
    for (size_t v = 0; v < f->variable_count; v++) {
        if (f->variables[v].type != FW_VAR_ADDRESSES || !b->texts[v] ||
            !(b->any[v] || fw_addresses_count_as_any(b->addresses[v], b->address_counts[v])))
            continue;
        fw_buf rules = {0};
        for (size_t i = 0; i < p->rule_count; i++)
            if (p->rules[i].remote_variable == (int)v && p->rules[i].id)
                fw_buf_printf(&rules, "%s%s", rules.len ? ", " : "", p->rules[i].id);
        if (!rules.len) {
            fw_buf_free(&rules);
            continue; /* not this profile's */
        }
        fw_widened w = {p, f->variables[v].name, b->texts[v], fw_buf_take(&rules)};
        FW_PUSH(out->items, out->count, out->cap, w);
    }
}

void fw_widened_list_free(fw_widened_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].rules);
    free(l->items);
    *l = (fw_widened_list){0};
}
