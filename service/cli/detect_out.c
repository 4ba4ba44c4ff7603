/* What detection found, as text and as the JSON of
 * docs/schemas/detect.schema.json ('fwsvc detect', 'apply --detect'). */
#include "cli.h"

#include "detect.h"
#include "fw_strings.h"

#include <stdio.h>

static void print_evidence(FILE *out, const fw_evidence_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        const fw_evidence *e = &l->items[i];
        const char *label = i ? "" : "evidence";
        if (e->kind == FW_EVIDENCE_SERVICE)
            fprintf(out, "    %-14s service %s runs %s\n", label, e->name, e->a);
        else if (e->kind == FW_EVIDENCE_FILE)
            fprintf(out, "    %-14s file %s, version %s%s%s%s\n", label, e->name, e->a ? e->a : "(none)",
                    e->b ? " (" : "", e->b ? e->b : "", e->b ? ")" : "");
        else if (e->a)
            fprintf(out, "    %-14s registry HKLM\\%s, %s = %s\n", label, e->name, e->a, e->b);
        else
            fprintf(out, "    %-14s registry HKLM\\%s exists\n", label, e->name);
    }
}

static void print_settings(FILE *out, const fw_setting *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "    %-14s %s=%s\n", i ? "" : "settings", s[i].name, s[i].value);
}

void fw_cli_print_detection(FILE *out, const fw_detection *d)
{
    if (!d->count && !d->ambiguous_count) {
        fprintf(out, "No backup product fwsvc knows was detected on this computer (docs/detection.md lists what "
                     "it reads).\n");
        return;
    }
    fprintf(out, "Detected on this computer: %zu role(s)\n", d->count);
    for (size_t i = 0; i < d->count; i++) {
        const fw_detected *x = &d->detected[i];
        fprintf(out, "\n  %s %s: profile %s\n", fw_detect_role_product(x->role), fw_detect_role_name(x->role),
                fw_detect_role_profile(x->role));
        fprintf(out, "    %-14s %s\n", "version", x->version ? x->version : "(unknown)");
        fprintf(out, "    %-14s %s\n", "installed in", x->install_folder ? x->install_folder : "(unknown)");
        print_settings(out, x->settings, x->setting_count);
        print_evidence(out, &x->evidence);
        for (size_t k = 0; k < x->problem_count; k++)
            fprintf(out, "    %-14s %s\n", k ? "" : "not taken", x->problems[k]);
    }
    if (d->ambiguous_count)
        fprintf(out, "\nAmbiguous: %zu (not applied)\n", d->ambiguous_count);
    for (size_t i = 0; i < d->ambiguous_count; i++) {
        const fw_ambiguous *a = &d->ambiguous[i];
        fprintf(out, "\n  %s: %s\n", a->product, a->reason);
        fw_buf names = {0};
        for (const char *const *c = a->candidates; *c; c++)
            fw_buf_printf(&names, "%s%s", c == a->candidates ? "" : ", ", *c);
        if (names.len)
            fprintf(out, "    %-14s %s\n", "candidates", names.data);
        fw_buf_free(&names);
        print_settings(out, a->settings, a->setting_count);
        print_evidence(out, &a->evidence);
    }
}

static void json_settings(fw_json *j, const fw_setting *s, size_t n)
{
    fw_json_key(j, "settings");
    fw_json_object_begin(j);
    for (size_t i = 0; i < n; i++)
        fw_json_member_string(j, s[i].name, s[i].value);
    fw_json_object_end(j);
}

static void json_evidence(fw_json *j, const fw_evidence_list *l)
{
    fw_json_key(j, "evidence");
    fw_json_array_begin(j);
    for (size_t i = 0; i < l->count; i++) {
        const fw_evidence *e = &l->items[i];
        fw_json_object_begin(j);
        if (e->kind == FW_EVIDENCE_SERVICE) {
            fw_json_member_string(j, "kind", "service");
            fw_json_member_string(j, "name", e->name);
            fw_json_member_string(j, "image_path", e->a);
        } else if (e->kind == FW_EVIDENCE_FILE) {
            fw_json_member_string(j, "kind", "file");
            fw_json_member_string(j, "path", e->name);
            fw_json_key(j, "version");
            fw_json_string(j, e->a);
            fw_json_key(j, "product_name");
            fw_json_string(j, e->b);
        } else {
            fw_buf key = {0};
            fw_buf_printf(&key, "HKLM\\%s", e->name);
            fw_json_member_string(j, "kind", "registry");
            fw_json_member_string(j, "key", key.data);
            fw_json_key(j, "value");
            fw_json_string(j, e->a);
            fw_json_key(j, "data");
            fw_json_string(j, e->b);
            fw_buf_free(&key);
        }
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
}

void fw_cli_json_detection(fw_json *j, const fw_detection *d)
{
    fw_json_key(j, "detected");
    fw_json_array_begin(j);
    for (size_t i = 0; i < d->count; i++) {
        const fw_detected *x = &d->detected[i];
        fw_json_object_begin(j);
        fw_json_member_string(j, "product", fw_detect_role_product(x->role));
        fw_json_member_string(j, "role", fw_detect_role_name(x->role));
        fw_json_member_string(j, "profile", fw_detect_role_profile(x->role));
        fw_json_key(j, "version");
        fw_json_string(j, x->version);
        fw_json_key(j, "install_folder");
        fw_json_string(j, x->install_folder);
        json_settings(j, x->settings, x->setting_count);
        json_evidence(j, &x->evidence);
        fw_json_key(j, "problems");
        fw_json_array_begin(j);
        for (size_t k = 0; k < x->problem_count; k++)
            fw_json_string(j, x->problems[k]);
        fw_json_array_end(j);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
    fw_json_key(j, "ambiguous");
    fw_json_array_begin(j);
    for (size_t i = 0; i < d->ambiguous_count; i++) {
        const fw_ambiguous *a = &d->ambiguous[i];
        fw_json_object_begin(j);
        fw_json_member_string(j, "product", a->product);
        fw_json_member_string(j, "reason", a->reason);
        fw_json_key(j, "candidates");
        fw_json_array_begin(j);
        for (const char *const *c = a->candidates; *c; c++)
            fw_json_string(j, *c);
        fw_json_array_end(j);
        json_settings(j, a->settings, a->setting_count);
        json_evidence(j, &a->evidence);
        fw_json_object_end(j);
    }
    fw_json_array_end(j);
}
