/* Detection on constructed hosts: the services, keys and files a product
 * leaves, the roles and settings they give, what is not taken (Azure
 * Backup Server for DPM, a program outside its folder, a value of the
 * wrong type), the role table against the shipped catalog, and how the
 * applied profiles follow what is detected. */
#include "test_support.h"

#include "detect.h"
#include "detect_follow.h"
#include "detect_roles.h"
#include "fw_alloc.h"
#include "fw_fs.h"
#include "fw_strings.h"

#include <stdlib.h>

typedef struct {
    const char *name, *command;
} svc;
typedef struct {
    const char *key, *value, *data; /* value NULL: the key alone; data NULL: not a string */
} reg;
typedef struct {
    const char *path, *version, *product;
} file;

typedef struct {
    svc services[12];
    reg registry[6];
    file files[8];
} host;

static char *host_service(void *ctx, const char *name)
{
    const host *h = ctx;
    for (size_t i = 0; i < 12 && h->services[i].name; i++)
        if (fw_str_ieq(h->services[i].name, name))
            return fw_xstrdup(h->services[i].command);
    return NULL;
}

/* A key whose value is "users-can-write" stands for one whose DACL lets
 * Users change it. */
static bool host_key(void *ctx, const char *key, char **untrusted)
{
    const host *h = ctx;
    for (size_t i = 0; i < 6 && h->registry[i].key; i++) {
        if (fw_str_ieq(h->registry[i].key, key)) {
            if (h->registry[i].value && strcmp(h->registry[i].value, "users-can-write") == 0)
                *untrusted = fw_xstrdup("BUILTIN\\Users can change it");
            return true;
        }
    }
    return false;
}

static char *host_string(void *ctx, const char *key, const char *value, bool *wrong_type)
{
    const host *h = ctx;
    *wrong_type = false;
    for (size_t i = 0; i < 6 && h->registry[i].key; i++) {
        const reg *r = &h->registry[i];
        if (fw_str_ieq(r->key, key) && r->value && fw_str_ieq(r->value, value)) {
            *wrong_type = r->data == NULL;
            return r->data ? fw_xstrdup(r->data) : NULL;
        }
    }
    return NULL;
}

static bool host_file(void *ctx, const char *path, char **version, char **product)
{
    const host *h = ctx;
    for (size_t i = 0; i < 8 && h->files[i].path; i++) {
        if (fw_str_ieq(h->files[i].path, path)) {
            *version = h->files[i].version ? fw_xstrdup(h->files[i].version) : NULL;
            *product = h->files[i].product ? fw_xstrdup(h->files[i].product) : NULL;
            return true;
        }
    }
    return false;
}

static void detect(const host *h, fw_detection *out)
{
    fw_detect_probe p = {(void *)h, host_service, host_key, host_string, host_file};
    fw_detect_run(&p, out);
}

static const char *setting_of(const fw_detected *d, const char *name)
{
    for (size_t i = 0; i < d->setting_count; i++)
        if (strcmp(d->settings[i].name, name) == 0)
            return d->settings[i].value;
    return NULL;
}

static bool has_problem(const fw_detected *d, const char *fragment)
{
    for (size_t i = 0; i < d->problem_count; i++)
        if (strstr(d->problems[i], fragment))
            return true;
    return false;
}

#define DPM_DIR "C:\\Program Files\\Microsoft System Center\\DPM\\DPM"
#define DPM_KEY "SOFTWARE\\Microsoft\\Microsoft Data Protection Manager\\Setup"

static void service_program_reads_the_scm_command_line(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"\"C:\\Program Files\\Veeam\\x.exe\" -service", "C:\\Program Files\\Veeam\\x.exe"},
        {"C:\\Program Files\\Veritas\\Backup Exec\\bengine.exe", "C:\\Program Files\\Veritas\\Backup Exec\\bengine.exe"},
        {"C:\\Windows\\system32\\svchost.exe -k netsvcs", "C:\\Windows\\system32\\svchost.exe"},
        {"C:\\a.exe.d\\b.EXE /x", "C:\\a.exe.d\\b.EXE"},
        {"\\??\\C:\\Drivers\\d.exe", "C:\\Drivers\\d.exe"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = fw_service_program(cases[i][0]);
        assert_non_null(p);
        assert_string_equal(p, cases[i][1]);
        free(p);
    }
    assert_null(fw_service_program("\"\" x"));
    assert_null(fw_service_program("C:\\Drivers\\driver.sys"));
    assert_null(fw_service_program("\"C:\\unterminated.exe"));
}

static void dpm_server_gives_its_folder_and_version(void **state)
{
    (void)state;
    host h = {.services = {{"MSDPM", "\"" DPM_DIR "\\bin\\MsDpm.exe\""}, {"DPMRA", DPM_DIR "\\bin\\DPMRA.exe"}},
              .registry = {{DPM_KEY, "InstallPath", DPM_DIR "\\"}},
              .files = {{DPM_DIR "\\bin\\MsDpm.exe", "10.22.123.0", "Microsoft System Center Data Protection Manager"}}};
    fw_detection d;
    detect(&h, &d);
    assert_int_equal(d.count, 1); /* DPMRA on the DPM server is the dpm profile's */
    assert_int_equal(d.ambiguous_count, 0);
    const fw_detected *x = fw_detection_find(&d, "dpm");
    assert_non_null(x);
    assert_string_equal(x->version, "10.22.123.0");
    assert_string_equal(x->install_folder, DPM_DIR);
    assert_string_equal(setting_of(x, "dpm_install"), DPM_DIR);
    assert_int_equal(x->problem_count, 0); /* the key's trailing backslash is the same folder */
    assert_int_equal(x->evidence.count, 4); /* service, file, DPMRA, the key's InstallPath */
    fw_detection_free(&d);
}

static void azure_backup_server_is_not_taken_for_dpm(void **state)
{
    (void)state;
    /* By its folder, by its version resource, by what its key records. */
    static const char *const mabs = "C:\\Program Files\\Microsoft Azure Backup Server\\DPM\\DPM";
    host by_folder = {.services = {{"MSDPM", "C:\\Program Files\\Microsoft Azure Backup Server\\DPM\\DPM\\bin\\msdpm.exe"},
                                   {"DPMRA", "C:\\x\\bin\\DPMRA.exe"}}};
    host by_product = {.services = {{"MSDPM", "\"D:\\DPM\\bin\\msdpm.exe\""}},
                       .files = {{"D:\\DPM\\bin\\msdpm.exe", "13.0.415.0", "Microsoft Azure Backup Server"}}};
    host by_key = {.services = {{"MSDPM", "\"D:\\DPM\\bin\\msdpm.exe\""}}, .registry = {{DPM_KEY, "InstallPath", mabs}}};
    const host *hosts[] = {&by_folder, &by_product, &by_key};
    for (size_t i = 0; i < 3; i++) {
        fw_detection d;
        detect(hosts[i], &d);
        assert_int_equal(d.count, 0);
        assert_int_equal(d.ambiguous_count, 1);
        assert_string_equal(d.ambiguous[0].product, "Microsoft Azure Backup Server");
        assert_null(d.ambiguous[0].candidates[0]);
        assert_true(d.ambiguous[0].evidence.count >= 1);
        fw_detection_free(&d);
    }
}

static void dpm_agent_alone_and_a_program_outside_its_folder(void **state)
{
    (void)state;
    host agent = {.services = {{"DPMRA", "\"C:\\Program Files\\Microsoft Data Protection Manager\\DPM\\bin\\DPMRA.exe\""}},
                  .registry = {{DPM_KEY, "InstallPath", "E:\\Elsewhere\\"}}};
    fw_detection d;
    detect(&agent, &d);
    assert_int_equal(d.count, 1);
    const fw_detected *x = fw_detection_find(&d, "dpm-agent");
    assert_non_null(x);
    assert_string_equal(setting_of(x, "dpm_agent_install"), "C:\\Program Files\\Microsoft Data Protection Manager\\DPM");
    assert_true(has_problem(x, "fwsvc binds the service's")); /* the key disagrees: said, not taken */
    assert_true(has_problem(x, "does not exist"));             /* no such file: no version */
    assert_null(x->version);
    fw_detection_free(&d);

    host moved = {.services = {{"DPMRA", "C:\\Tools\\dpmra-wrapper.exe"}}, .registry = {{DPM_KEY, "InstallPath", NULL}}};
    detect(&moved, &d);
    x = fw_detection_find(&d, "dpm-agent");
    assert_non_null(x);
    assert_null(x->install_folder);
    assert_null(setting_of(x, "dpm_agent_install")); /* the rule waits at the catalog's folder */
    assert_true(has_problem(x, "its folder is not taken"));
    assert_true(has_problem(x, "not a string; ignored"));
    fw_detection_free(&d);
}

static void backup_exec_under_either_root(void **state)
{
    (void)state;
    host media = {.services = {{"BackupExecJobEngine", "\"C:\\Program Files\\Veritas\\Backup Exec\\bengine.exe\""},
                               {"BackupExecAgentAccelerator", "\"C:\\Program Files\\Veritas\\Backup Exec\\beremote.exe\""},
                               {"BackupExecRPCService", "\"C:\\Program Files\\Veritas\\Backup Exec\\BkupExecRPC.exe\""}},
                  .registry = {{"SOFTWARE\\Veritas\\Backup Exec For Windows"}},
                  .files = {{"C:\\Program Files\\Veritas\\Backup Exec\\bengine.exe", "22.0.1193.0", "Backup Exec"}}};
    fw_detection d;
    detect(&media, &d);
    assert_int_equal(d.count, 1); /* its own Remote Agent is the media server's */
    const fw_detected *x = fw_detection_find(&d, "be-media-server");
    assert_non_null(x);
    assert_string_equal(setting_of(x, "be_install"), "C:\\Program Files\\Veritas\\Backup Exec");
    assert_string_equal(x->version, "22.0.1193.0");
    bool veritas = false;
    for (size_t i = 0; i < x->evidence.count; i++)
        veritas |= x->evidence.items[i].kind == FW_EVIDENCE_REGISTRY && strstr(x->evidence.items[i].name, "Veritas");
    assert_true(veritas);
    fw_detection_free(&d);

    host agent = {.services = {{"BackupExecAgentAccelerator", "\"D:\\Symantec\\Backup Exec\\RAWS\\beremote.exe\""}},
                  .registry = {{"SOFTWARE\\Symantec\\Backup Exec For Windows"}}};
    detect(&agent, &d);
    x = fw_detection_find(&d, "be-remote-agent");
    assert_non_null(x);
    assert_string_equal(setting_of(x, "be_install"), "D:\\Symantec\\Backup Exec");
    assert_string_equal(x->evidence.items[x->evidence.count - 1].name, "SOFTWARE\\Symantec\\Backup Exec For Windows");
    fw_detection_free(&d);
}

#define VBR "C:\\Program Files\\Veeam\\Backup and Replication"
#define TRANSPORT "C:\\Program Files (x86)\\Veeam\\Backup Transport"

static void veeam_roles_and_the_data_mover(void **state)
{
    (void)state;
    host server = {.services = {{"VeeamBackupSvc", "\"" VBR "\\Backup\\Veeam.Backup.Service.exe\""},
                                {"VeeamTransportSvc", "\"" TRANSPORT "\\VeeamTransportSvc.exe\""},
                                {"VeeamAHVSvc", "\"C:\\Program Files\\Veeam\\Plugins\\AHV\\Veeam.AHV.Service.exe\""}},
                   .files = {{VBR "\\Backup\\Veeam.Backup.Service.exe", "13.0.2.29", NULL}}};
    fw_detection d;
    detect(&server, &d);
    assert_int_equal(d.ambiguous_count, 0); /* the backup server's own Data Mover */
    assert_int_equal(d.count, 2);
    const fw_detected *x = fw_detection_find(&d, "veeam-backup-server");
    assert_non_null(x);
    assert_string_equal(setting_of(x, "veeam_install"), VBR);
    assert_string_equal(setting_of(x, "veeam_version"), "13.0.2.29");
    assert_string_equal(setting_of(x, "veeam_transport_install"), TRANSPORT);
    assert_non_null(fw_detection_find(&d, "ahv-backup-server"));
    fw_detection_free(&d);

    host proxy = {.services = {{"VeeamTransportSvc", "\"" TRANSPORT "\\VeeamTransportSvc.exe\""},
                               {"VeeamDeploySvc", "\"C:\\Windows\\Veeam\\Backup\\VeeamDeploymentSvc.exe\""},
                               {"VeeamWANSvc", "\"C:\\Program Files\\Veeam\\WAN\\VeeamWANSvc.exe\""}}};
    detect(&proxy, &d);
    assert_int_equal(d.count, 1);
    x = fw_detection_find(&d, "veeam-wan-accelerator");
    assert_non_null(x);
    assert_string_equal(setting_of(x, "veeam_installer_install"), "C:\\Windows\\Veeam\\Backup");
    assert_int_equal(d.ambiguous_count, 1); /* and a proxy, repository or gateway, maybe */
    const fw_ambiguous *a = &d.ambiguous[0];
    assert_string_equal(a->candidates[0], "veeam-proxy");
    assert_int_equal(a->setting_count, 2);
    assert_null(fw_detection_find(&d, "veeam-proxy"));
    fw_detection_free(&d);

    host agent = {.services = {{"VeeamTransportSvc", "\"" TRANSPORT "\\VeeamTransportSvc.exe\""}},
                  .registry = {{"SOFTWARE\\Veeam\\Veeam Endpoint Backup"}}};
    detect(&agent, &d);
    assert_int_equal(d.count, 1);
    assert_non_null(fw_detection_find(&d, "veeam-agent"));
    assert_int_equal(d.ambiguous_count, 0);
    fw_detection_free(&d);

    host bad_version = {.services = {{"VeeamBackupSvc", "\"" VBR "\\Backup\\Veeam.Backup.Service.exe\""}},
                        .files = {{VBR "\\Backup\\Veeam.Backup.Service.exe", "13.0; rm", NULL}}};
    detect(&bad_version, &d);
    x = fw_detection_find(&d, "veeam-backup-server");
    assert_null(setting_of(x, "veeam_version"));
    assert_true(has_problem(x, "is not a version"));
    fw_detection_free(&d);

    /* A marker key others could have made: reported, not taken. */
    host forged = {.registry = {{"SOFTWARE\\Veeam\\Veeam Endpoint Backup", "users-can-write"},
                                {"SOFTWARE\\Veeam\\Veeam Backup and Replication", "users-can-write"}},
                   .services = {{"VeeamBackupSvc", "\"" VBR "\\Backup\\Veeam.Backup.Service.exe\""}}};
    detect(&forged, &d);
    assert_int_equal(d.count, 1); /* the backup server: its service is the evidence */
    x = fw_detection_find(&d, "veeam-backup-server");
    assert_true(has_problem(x, "BUILTIN\\Users can change it; not taken as evidence"));
    assert_null(fw_detection_find(&d, "veeam-agent"));
    assert_int_equal(d.ambiguous_count, 1);
    assert_non_null(strstr(d.ambiguous[0].reason, "but BUILTIN\\Users can change it: not taken as evidence"));
    assert_string_equal(d.ambiguous[0].candidates[0], "veeam-agent");
    fw_detection_free(&d);

    host nothing = {0};
    detect(&nothing, &d);
    assert_int_equal(d.count + d.ambiguous_count, 0);
    fw_detection_free(&d);
}

static fw_catalog real;

static int load_real(void **state)
{
    (void)state;
    fw_diags d = {0};
    char *dir = fw_path_join(FW_TEST_SOURCE_DIR, "catalog");
    bool ok = fw_catalog_load_dir(&real, dir, &d);
    fw_diags_free(&d);
    free(dir);
    return ok ? 0 : -1;
}

static int free_real(void **state)
{
    (void)state;
    fw_catalog_free(&real);
    return 0;
}

/* variable is a variable of p's file of type, used by p; with tail, some
 * rule of p binds the program ${variable}\tail ("": some program below
 * ${variable}). */
static void assert_binds(const fw_profile *p, const char *variable, fw_var_type type, const char *tail)
{
    const fw_catalog_file *f = real.files[p->file];
    int v = -1;
    for (size_t i = 0; i < f->variable_count; i++)
        if (strcmp(f->variables[i].name, variable) == 0)
            v = (int)i;
    if (v < 0 || f->variables[v].type != type || !fw_profile_uses_variable(p, v))
        fail_msg("%s: %s is not a variable of the right type that it uses", p->name, variable);
    if (!tail)
        return;
    char *want = fw_xasprintf("${%s}\\%s", variable, tail);
    bool bound = false;
    for (size_t r = 0; r < p->rule_count && !bound; r++)
        bound = p->rules[r].program && (tail[0] ? fw_str_ieq(p->rules[r].program, want)
                                                : fw_strn_ieq(p->rules[r].program, want, strlen(want)));
    if (!bound)
        fail_msg("%s: no rule binds %s", p->name, want);
    free(want);
}

static void every_role_fits_the_shipped_catalog(void **state)
{
    (void)state;
    size_t count;
    const fw_detect_role *roles = fw_detect_roles(&count);
    for (size_t i = 0; i < count; i++) {
        const fw_detect_role *r = &roles[i];
        const char *const *candidates = r->candidates;
        const char *const own[] = {r->profile, NULL};
        for (const char *const *c = candidates ? candidates : own; *c; c++) {
            const fw_profile *p = fw_catalog_find(&real, *c);
            if (!p)
                fail_msg("role %s: no profile %s", r->role, *c);
            /* The marker's own program may not be one the profile permits
             * (VeeamBackupSvc's is not): its folder must hold one. */
            if (r->folder_variable && !candidates)
                assert_binds(p, r->folder_variable, FW_VAR_PATH, "");
            if (r->version_variable)
                assert_binds(p, r->version_variable, FW_VAR_VERSION, NULL);
            for (size_t k = 0; k < FW_DETECT_MAX && r->components[k].service && !candidates; k++)
                assert_binds(p, r->components[k].variable, FW_VAR_PATH, r->components[k].image_tail);
        }
    }
}

static const char *applied_value(const fw_applied *a, const char *profile, const char *name)
{
    const fw_applied_profile *p = fw_applied_find(a, profile);
    for (size_t i = 0; p && i < p->count; i++)
        if (strcmp(p->settings[i].name, name) == 0)
            return p->settings[i].value;
    return NULL;
}

static void profiles_follow_the_host(void **state)
{
    (void)state;
    host h = {.services = {{"BackupExecJobEngine", "\"C:\\Program Files\\Veritas\\Backup Exec\\bengine.exe\""},
                           {"DPMRA", "\"D:\\DPM\\bin\\DPMRA.exe\""}}};
    fw_detection d;
    detect(&h, &d);
    fw_applied a = {0};
    /* By hand: veeam-agent, and dpm-agent at another folder. */
    fw_setting by_hand[] = {{"dpm_agent_install", "C:\\Program Files\\Microsoft Data Protection Manager\\DPM"}};
    fw_applied_set(&a, "veeam-agent", NULL, 0);
    fw_applied_set(&a, "dpm-agent", by_hand, 1);
    fw_follow f;
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE, &f);
    assert_int_equal(f.count, 1); /* be-media-server added; dpm-agent is the administrator's */
    assert_true(f.changes[0].added);
    assert_true(fw_applied_find(&a, "be-media-server")->detected);
    assert_string_equal(applied_value(&a, "be-media-server", "be_install"), "C:\\Program Files\\Veritas\\Backup Exec");
    assert_string_equal(applied_value(&a, "dpm-agent", "dpm_agent_install"), by_hand[0].value);
    assert_int_equal(f.missing_count, 1); /* veeam-agent: applied by hand, not detected */
    assert_non_null(strstr(f.missing[0], "veeam-agent"));
    assert_int_equal(f.removed_count, 0);
    fw_follow_free(&f);

    /* Again: nothing changes. With --detect's EXPLICIT, dpm-agent takes the host's folder, and says it widens. */
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE, &f);
    assert_false(fw_follow_changed(&f));
    fw_follow_free(&f);
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE | FW_FOLLOW_EXPLICIT, &f);
    assert_int_equal(f.count, 1);
    assert_string_equal(applied_value(&a, "dpm-agent", "dpm_agent_install"), "D:\\DPM");
    assert_true(f.changes[0].merge.notes[0].widens);
    assert_false(fw_applied_find(&a, "dpm-agent")->detected);
    fw_follow_free(&f);
    fw_detection_free(&d);

    /* Backup Exec moves (detected values follow, peers kept), then goes. */
    fw_setting peers[] = {{"be_install", "C:\\Program Files\\Veritas\\Backup Exec"}, {"ndmp_port", "10001"}};
    fw_applied_set(&a, "be-media-server", peers, 2);
    host moved = {.services = {{"BackupExecJobEngine", "\"E:\\BE\\bengine.exe\""}}};
    detect(&moved, &d);
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE, &f);
    assert_string_equal(applied_value(&a, "be-media-server", "be_install"), "E:\\BE");
    assert_string_equal(applied_value(&a, "be-media-server", "ndmp_port"), "10001");
    assert_int_equal(f.removed_count, 0);
    fw_follow_free(&f);
    fw_detection_free(&d);

    host gone = {0};
    detect(&gone, &d);
    fw_detect_follow(&a, &real, &d, 0, &f); /* without REMOVE: kept, and said missing */
    assert_non_null(fw_applied_find(&a, "be-media-server"));
    fw_follow_free(&f);
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE, &f);
    assert_int_equal(f.removed_count, 1);
    assert_string_equal(f.removed[0], "be-media-server");
    assert_null(fw_applied_find(&a, "be-media-server"));
    assert_non_null(fw_applied_find(&a, "dpm-agent")); /* by hand: never removed */
    assert_int_equal(f.missing_count, 2);
    fw_follow_free(&f);
    fw_detection_free(&d);

    /* A folder the catalog refuses (not absolute) is left out and said. */
    host relative = {.services = {{"BackupExecJobEngine", "Backup Exec\\bengine.exe"}}};
    detect(&relative, &d);
    fw_detect_follow(&a, &real, &d, FW_FOLLOW_REMOVE, &f);
    assert_non_null(fw_applied_find(&a, "be-media-server"));
    assert_null(applied_value(&a, "be-media-server", "be_install"));
    assert_int_equal(f.diags.count, 1);
    assert_non_null(strstr(f.diags.items[0].message, "not taken for profile be-media-server"));
    fw_follow_free(&f);
    fw_detection_free(&d);
    fw_applied_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_program_reads_the_scm_command_line),
        cmocka_unit_test(dpm_server_gives_its_folder_and_version),
        cmocka_unit_test(azure_backup_server_is_not_taken_for_dpm),
        cmocka_unit_test(dpm_agent_alone_and_a_program_outside_its_folder),
        cmocka_unit_test(backup_exec_under_either_root),
        cmocka_unit_test(veeam_roles_and_the_data_mover),
        cmocka_unit_test(every_role_fits_the_shipped_catalog),
        cmocka_unit_test(profiles_follow_the_host),
    };
    return cmocka_run_group_tests(tests, load_real, free_real);
}
