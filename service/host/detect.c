#include "detect.h"
#include "detect_roles.h"

#include "fw_alloc.h"
#include "fw_strings.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MABS_NAME "Microsoft Azure Backup Server"

char *fw_service_program(const char *command_line)
{
    const char *s = command_line;
    while (*s == ' ' || *s == '\t')
        s++;
    char *program = NULL;
    if (*s == '"') {
        const char *end = strchr(s + 1, '"');
        if (end && end > s + 1)
            program = fw_xstrndup(s + 1, (size_t)(end - s - 1));
    } else {
        /* Unquoted: the SCM itself tries each space as the end, so the
         * first ".exe" that ends a word is the program it starts. */
        for (const char *p = s; *p && !program; p++)
            if (fw_strn_ieq(p, ".exe", 4) && (p[4] == 0 || p[4] == ' ' || p[4] == '\t'))
                program = fw_xstrndup(s, (size_t)(p + 4 - s));
    }
    if (program && strncmp(program, "\\??\\", 4) == 0)
        memmove(program, program + 4, strlen(program + 4) + 1);
    if (program && !program[0]) {
        free(program);
        program = NULL;
    }
    return program;
}

static void evidence_add(fw_evidence_list *l, fw_evidence_kind kind, const char *name, const char *a, const char *b)
{
    fw_evidence e = {kind, fw_xstrdup(name), a ? fw_xstrdup(a) : NULL, b ? fw_xstrdup(b) : NULL};
    FW_PUSH(l->items, l->count, l->cap, e);
}

static void evidence_free(fw_evidence_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].name);
        free(l->items[i].a);
        free(l->items[i].b);
    }
    free(l->items);
    *l = (fw_evidence_list){0};
}

/* What one role's evidence gave, before it is told detected or ambiguous. */
typedef struct {
    fw_evidence_list evidence;
    fw_setting *settings;
    size_t setting_count, setting_cap;
    char **problems;
    size_t problem_count, problem_cap;
    char *version, *folder, *product_name, *recorded_folder;
} findings;

static void problem(findings *f, char *text)
{
    FW_PUSH(f->problems, f->problem_count, f->problem_cap, text);
}

static void setting(findings *f, const char *name, const char *value)
{
    fw_setting s = {fw_xstrdup(name), fw_xstrdup(value)};
    FW_PUSH(f->settings, f->setting_count, f->setting_cap, s);
}

static bool service_present(const fw_detect_probe *p, const char *name)
{
    char *command = p->service_command(p->ctx, name);
    free(command);
    return command != NULL;
}

/* A key that exists, trusted or not: *untrusted says who else can change
 * it (allocated), when asked for. */
static bool key_present(const fw_detect_probe *p, const char *key, char **untrusted)
{
    char *who = NULL;
    bool exists = p->key_exists(p->ctx, key, &who);
    if (untrusted)
        *untrusted = who;
    else
        free(who);
    return exists;
}

static bool any_present(const fw_detect_probe *p, const char *const *services, const char *const *keys)
{
    for (size_t i = 0; i < FW_DETECT_MAX; i++)
        if ((services[i] && service_present(p, services[i])) || (keys[i] && key_present(p, keys[i], NULL)))
            return true;
    return false;
}

/* The folder program lies in, when it ends with \tail; else NULL. */
static char *folder_of(const char *program, const char *tail)
{
    size_t n = strlen(program), t = strlen(tail);
    if (n <= t + 1 || program[n - t - 1] != '\\' || !fw_str_ends_with_i(program, tail))
        return NULL;
    return fw_xstrndup(program, n - t - 1);
}

/* A folder as a product records it may end with a backslash. */
static bool same_folder(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    while (na > 3 && a[na - 1] == '\\')
        na--;
    while (nb > 3 && b[nb - 1] == '\\')
        nb--;
    return na == nb && fw_strn_ieq(a, b, na);
}

/* "a.b.c.d", each part digits: what a version variable takes. */
static bool version_shaped(const char *v)
{
    int parts = 1;
    if (!isdigit((unsigned char)*v))
        return false;
    for (const char *p = v; *p; p++) {
        if (*p == '.' && isdigit((unsigned char)p[1]))
            parts++;
        else if (!isdigit((unsigned char)*p))
            return false;
    }
    return parts <= 4;
}

/* The service's program: evidence, and its folder below which tail lies. */
static char *read_service(const fw_detect_probe *p, const char *service, const char *tail, findings *f,
                          char **program_out)
{
    char *command = p->service_command(p->ctx, service);
    if (!command)
        return NULL;
    evidence_add(&f->evidence, FW_EVIDENCE_SERVICE, service, command, NULL);
    char *program = fw_service_program(command);
    char *folder = NULL;
    if (!program)
        problem(f, fw_xasprintf("service %s: its command line '%s' names no program", service, command));
    else if (tail && !(folder = folder_of(program, tail)))
        problem(f, fw_xasprintf("service %s runs %s, not ...\\%s: its folder is not taken", service, program, tail));
    free(command);
    if (program_out)
        *program_out = program;
    else
        free(program);
    return folder;
}

static void read_marker(const fw_detect_probe *p, const fw_detect_role *r, findings *f)
{
    if (!r->service) {
        evidence_add(&f->evidence, FW_EVIDENCE_REGISTRY, r->marker_key, NULL, NULL);
        return;
    }
    char *program = NULL;
    f->folder = read_service(p, r->service, r->image_tail, f, &program);
    if (!program)
        return;
    char *version = NULL, *product = NULL;
    if (p->file_info(p->ctx, program, &version, &product)) {
        evidence_add(&f->evidence, FW_EVIDENCE_FILE, program, version, product);
        if (version && !version_shaped(version)) {
            problem(f, fw_xasprintf("%s: file version '%s' is not a version; ignored", program, version));
            free(version);
            version = NULL;
        }
        f->version = version;
        f->product_name = product;
    } else {
        problem(f, fw_xasprintf("service %s's program %s does not exist", r->service, program));
    }
    free(program);
}

static void read_registry(const fw_detect_probe *p, const fw_detect_role *r, findings *f)
{
    for (size_t i = 0; i < FW_DETECT_MAX && r->product_keys[i]; i++) {
        char *untrusted = NULL;
        if (key_present(p, r->product_keys[i], &untrusted) && !untrusted)
            evidence_add(&f->evidence, FW_EVIDENCE_REGISTRY, r->product_keys[i], NULL, NULL);
        else if (untrusted)
            problem(f, fw_xasprintf("HKLM\\%s: %s; not taken as evidence", r->product_keys[i], untrusted));
        free(untrusted);
    }
    if (!r->folder_key)
        return;
    bool wrong_type = false;
    char *recorded = p->registry_string(p->ctx, r->folder_key, r->folder_value, &wrong_type);
    if (wrong_type)
        problem(f, fw_xasprintf("HKLM\\%s, value %s: not a string; ignored", r->folder_key, r->folder_value));
    if (!recorded)
        return;
    evidence_add(&f->evidence, FW_EVIDENCE_REGISTRY, r->folder_key, r->folder_value, recorded);
    if (f->folder && !same_folder(f->folder, recorded))
        problem(f, fw_xasprintf("HKLM\\%s, value %s says %s, but the service runs from %s: fwsvc binds the "
                                "service's",
                                r->folder_key, r->folder_value, recorded, f->folder));
    f->recorded_folder = recorded;
}

static void read_components(const fw_detect_probe *p, const fw_detect_role *r, findings *f)
{
    for (size_t i = 0; i < FW_DETECT_MAX && r->also_services[i]; i++) {
        char *command = p->service_command(p->ctx, r->also_services[i]);
        if (command)
            evidence_add(&f->evidence, FW_EVIDENCE_SERVICE, r->also_services[i], command, NULL);
        free(command);
    }
    if (f->folder && r->folder_variable)
        setting(f, r->folder_variable, f->folder);
    if (f->version && r->version_variable)
        setting(f, r->version_variable, f->version);
    for (size_t i = 0; i < FW_DETECT_MAX && r->components[i].service; i++) {
        const fw_detect_component *c = &r->components[i];
        char *folder = read_service(p, c->service, c->image_tail, f, NULL);
        if (folder)
            setting(f, c->variable, folder);
        free(folder);
    }
}

/* Microsoft Azure Backup Server installs DPM's services under its own name
 * and folder, and writes DPM's Setup key. */
static bool is_mabs(const findings *f)
{
    return fw_str_contains_i(f->folder, MABS_NAME) || fw_str_contains_i(f->product_name, "Azure Backup Server") ||
           fw_str_contains_i(f->recorded_folder, MABS_NAME);
}

static void findings_free(findings *f)
{
    evidence_free(&f->evidence);
    fw_settings_free(f->settings, f->setting_count);
    for (size_t i = 0; i < f->problem_count; i++)
        free(f->problems[i]);
    free(f->problems);
    free(f->version);
    free(f->folder);
    free(f->product_name);
    free(f->recorded_folder);
}

static void add_ambiguous(fw_detection *out, const char *product, char *reason, const char *const *candidates,
                          findings *f)
{
    size_t n = 0;
    while (candidates && candidates[n])
        n++;
    const char **copy = fw_xcalloc(n + 1, sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = candidates[i];
    fw_ambiguous a = {.product = product, .reason = reason, .candidates = copy,
                      .settings = f->settings, .setting_count = f->setting_count, .setting_cap = f->setting_cap,
                      .evidence = f->evidence};
    f->settings = NULL, f->setting_count = f->setting_cap = 0;
    f->evidence = (fw_evidence_list){0};
    FW_PUSH(out->ambiguous, out->ambiguous_count, out->ambiguous_cap, a);
}

static void add_detected(fw_detection *out, const fw_detect_role *r, findings *f)
{
    fw_detected d = {.role = r, .version = f->version, .install_folder = f->folder, .settings = f->settings,
                     .setting_count = f->setting_count, .setting_cap = f->setting_cap, .evidence = f->evidence,
                     .problems = f->problems, .problem_count = f->problem_count, .problem_cap = f->problem_cap};
    *f = (findings){.product_name = f->product_name, .recorded_folder = f->recorded_folder};
    FW_PUSH(out->detected, out->count, out->cap, d);
}

/* A marker key that non-administrators can change could be made to appear
 * by them: it is reported, never taken (*untrusted, allocated). */
static bool marker_present(const fw_detect_probe *p, const fw_detect_role *r, char **untrusted)
{
    *untrusted = NULL;
    if (r->service ? !service_present(p, r->service) : !key_present(p, r->marker_key, untrusted))
        return false;
    for (size_t i = 0; i < FW_DETECT_MAX && r->requires_services[i]; i++)
        if (!service_present(p, r->requires_services[i]))
            return false;
    return !any_present(p, r->unless_services, r->unless_keys);
}

void fw_detect_run(const fw_detect_probe *probe, fw_detection *out)
{
    *out = (fw_detection){0};
    size_t count;
    const fw_detect_role *roles = fw_detect_roles(&count);
    for (size_t i = 0; i < count; i++) {
        const fw_detect_role *r = &roles[i];
        char *untrusted = NULL;
        bool present = marker_present(probe, r, &untrusted);
        findings f = {0};
        if (present && untrusted) {
            const char *const own[] = {r->profile, NULL};
            evidence_add(&f.evidence, FW_EVIDENCE_REGISTRY, r->marker_key, NULL, NULL);
            add_ambiguous(out, r->product,
                          fw_xasprintf("HKLM\\%s would mark the %s (profile %s), but %s: not taken as evidence",
                                       r->marker_key, r->role, r->profile, untrusted),
                          own, &f);
            present = false;
        }
        free(untrusted);
        if (!present) {
            findings_free(&f);
            continue;
        }
        read_marker(probe, r, &f);
        read_registry(probe, r, &f);
        if ((r->flags & FW_ROLE_NOT_MABS) && is_mabs(&f)) {
            add_ambiguous(out, MABS_NAME,
                          fw_xasprintf("%s runs " MABS_NAME ", which shares DPM's services and registry key but is "
                                       "not DPM; fwsvc's catalog has no profile for it",
                                       r->service),
                          NULL, &f);
        } else if (r->flags & FW_ROLE_AMBIGUOUS) {
            read_components(probe, r, &f);
            add_ambiguous(out, r->product,
                          fw_xasprintf("%s (the Veeam Data Mover) runs here, but which role it serves is recorded "
                                       "on the backup server, not on this computer: apply the profile of that role",
                                       r->service),
                          r->candidates, &f);
        } else {
            read_components(probe, r, &f);
            add_detected(out, r, &f);
        }
        findings_free(&f);
    }
}

char *fw_evidence_text(const fw_evidence_list *l)
{
    fw_buf b = {0};
    for (size_t i = 0; i < l->count; i++) {
        const fw_evidence *e = &l->items[i];
        const char *sep = i ? "; " : "";
        if (e->kind == FW_EVIDENCE_SERVICE)
            fw_buf_printf(&b, "%sservice %s runs %s", sep, e->name, e->a);
        else if (e->kind == FW_EVIDENCE_FILE)
            fw_buf_printf(&b, "%sfile %s version %s", sep, e->name, e->a ? e->a : "(none)");
        else if (e->a)
            fw_buf_printf(&b, "%sregistry HKLM\\%s, %s = %s", sep, e->name, e->a, e->b);
        else
            fw_buf_printf(&b, "%sregistry HKLM\\%s", sep, e->name);
    }
    return b.len ? fw_buf_take(&b) : (fw_buf_free(&b), fw_xstrdup("(none)"));
}

const fw_detected *fw_detection_find(const fw_detection *d, const char *profile)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->detected[i].role->profile, profile) == 0)
            return &d->detected[i];
    return NULL;
}

void fw_detection_free(fw_detection *d)
{
    for (size_t i = 0; i < d->count; i++) {
        fw_detected *x = &d->detected[i];
        free(x->version);
        free(x->install_folder);
        fw_settings_free(x->settings, x->setting_count);
        evidence_free(&x->evidence);
        for (size_t k = 0; k < x->problem_count; k++)
            free(x->problems[k]);
        free(x->problems);
    }
    free(d->detected);
    for (size_t i = 0; i < d->ambiguous_count; i++) {
        free(d->ambiguous[i].reason);
        free(d->ambiguous[i].candidates);
        fw_settings_free(d->ambiguous[i].settings, d->ambiguous[i].setting_count);
        evidence_free(&d->ambiguous[i].evidence);
    }
    free(d->ambiguous);
    *d = (fw_detection){0};
}
