#include "detect_roles.h"

#include <string.h>

/* Registry keys (HKLM, 64-bit view). */
#define DPM_SETUP_KEY "SOFTWARE\\Microsoft\\Microsoft Data Protection Manager\\Setup"
#define BE_VERITAS_KEY "SOFTWARE\\Veritas\\Backup Exec For Windows"
#define BE_SYMANTEC_KEY "SOFTWARE\\Symantec\\Backup Exec For Windows"
#define VBR_KEY "SOFTWARE\\Veeam\\Veeam Backup and Replication"
#define VEEAM_AGENT_KEY "SOFTWARE\\Veeam\\Veeam Endpoint Backup"
#define VEEAM_EM_KEY "SOFTWARE\\Veeam\\Veeam Backup Reporting"

/* The Veeam services of a managed Windows server whose programs the
 * profiles bind (catalog/veeam-backup-replication.yaml). */
#define VEEAM_TRANSPORT {"VeeamTransportSvc", "VeeamTransportSvc.exe", "veeam_transport_install"}
#define VEEAM_INSTALLER {"VeeamDeploySvc", "VeeamDeploymentSvc.exe", "veeam_installer_install"}
#define VEEAM_VPOWER {"VeeamNFSSvc", "VeeamNFSSvc.exe", "veeam_vpower_install"}
#define VEEAM_VSS {"VeeamFilesysVssSvc", "VeeamFilesysVssSvc.exe", "veeam_vss_install"}

static const char *const data_mover_roles[] = {"veeam-proxy",         "veeam-repository",  "veeam-gateway",
                                               "veeam-offhost-proxy", "veeam-guest-proxy", NULL};

static const fw_detect_role roles[] = {
    {.product = "DPM", .role = "DPM server", .profile = "dpm", .service = "MSDPM",
     .image_tail = "bin\\msdpm.exe", .folder_variable = "dpm_install",
     .also_services = {"DPMRA"}, .folder_key = DPM_SETUP_KEY, .folder_value = "InstallPath",
     .flags = FW_ROLE_NOT_MABS},
    /* On a DPM server DPMRA runs too; the dpm profile covers it. */
    {.product = "DPM", .role = "protection agent", .profile = "dpm-agent", .service = "DPMRA",
     .image_tail = "bin\\DPMRA.exe", .folder_variable = "dpm_agent_install", .unless_services = {"MSDPM"},
     .folder_key = DPM_SETUP_KEY, .folder_value = "InstallPath"},
    {.product = "Backup Exec", .role = "media server", .profile = "be-media-server",
     .service = "BackupExecJobEngine", .image_tail = "bengine.exe", .folder_variable = "be_install",
     .also_services = {"BackupExecRPCService", "BackupExecDeviceMediaService", "BackupExecAgentAccelerator"},
     .product_keys = {BE_VERITAS_KEY, BE_SYMANTEC_KEY}},
    /* A media server runs a Remote Agent of its own; be-media-server covers it. */
    {.product = "Backup Exec", .role = "Remote Agent for Windows", .profile = "be-remote-agent",
     .service = "BackupExecAgentAccelerator", .image_tail = "RAWS\\beremote.exe", .folder_variable = "be_install",
     .unless_services = {"BackupExecJobEngine"}, .product_keys = {BE_VERITAS_KEY, BE_SYMANTEC_KEY}},
    {.product = "Veeam Backup & Replication", .role = "backup server", .profile = "veeam-backup-server",
     .service = "VeeamBackupSvc", .image_tail = "Backup\\Veeam.Backup.Service.exe", .folder_variable = "veeam_install",
     .version_variable = "veeam_version", .also_services = {"VeeamBrokerSvc", "VeeamCatalogSvc"},
     .components = {VEEAM_TRANSPORT}, .product_keys = {VBR_KEY}},
    {.product = "Veeam Backup & Replication", .role = "mount server", .profile = "veeam-mount-server",
     .service = "VeeamMountSvc", .image_tail = "Veeam.Backup.MountService.exe",
     .folder_variable = "veeam_mount_install",
     .components = {VEEAM_TRANSPORT, VEEAM_INSTALLER, VEEAM_VPOWER}},
    {.product = "Veeam Backup & Replication", .role = "WAN accelerator", .profile = "veeam-wan-accelerator",
     .service = "VeeamWANSvc", .components = {VEEAM_TRANSPORT, VEEAM_INSTALLER}},
    {.product = "Veeam Backup & Replication", .role = "tape server", .profile = "veeam-tape-server",
     .service = "VeeamTapeSvc", .components = {VEEAM_TRANSPORT, VEEAM_INSTALLER}},
    {.product = "Veeam Backup & Replication", .role = "Hyper-V host", .profile = "veeam-hyperv-host",
     .service = "VeeamHvIntegrationSvc", .components = {VEEAM_TRANSPORT, VEEAM_INSTALLER}},
    {.product = "Veeam Backup & Replication", .role = "Veeam Agent distribution server",
     .profile = "veeam-distribution-server", .service = "VeeamDistributionSvc", .unless_services = {"VeeamBackupSvc"}},
    /* The Data Mover alone: the backup server records which role it
     * serves (proxy, repository, gateway), this computer does not. A
     * managed Veeam Agent computer runs one too (veeam-agent covers it). */
    {.product = "Veeam Backup & Replication", .role = "Data Mover (proxy, repository or gateway)",
     .profile = "veeam-proxy", .service = "VeeamTransportSvc", .image_tail = "VeeamTransportSvc.exe",
     .folder_variable = "veeam_transport_install",
     .unless_services = {"VeeamBackupSvc", "VeeamHvIntegrationSvc"}, .unless_keys = {VEEAM_AGENT_KEY},
     .components = {VEEAM_INSTALLER, VEEAM_VSS}, .candidates = data_mover_roles, .flags = FW_ROLE_AMBIGUOUS},
    {.product = "Veeam Backup & Replication", .role = "Nutanix AHV plug-in", .profile = "ahv-backup-server",
     .service = "VeeamAHVSvc", .requires_services = {"VeeamBackupSvc"}},
    {.product = "Veeam Backup Enterprise Manager", .role = "Enterprise Manager server",
     .profile = "veeam-enterprise-manager", .marker_key = VEEAM_EM_KEY},
    {.product = "Veeam Agent for Microsoft Windows", .role = "protected computer", .profile = "veeam-agent",
     .marker_key = VEEAM_AGENT_KEY, .also_services = {"VeeamEndpointBackupSvc"}},
};

const fw_detect_role *fw_detect_roles(size_t *count)
{
    *count = sizeof roles / sizeof roles[0];
    return roles;
}

const fw_detect_role *fw_detect_role_of(const char *profile)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!(roles[i].flags & FW_ROLE_AMBIGUOUS) && strcmp(roles[i].profile, profile) == 0)
            return &roles[i];
    return NULL;
}

const char *fw_detect_role_product(const fw_detect_role *r)
{
    return r->product;
}

const char *fw_detect_role_name(const fw_detect_role *r)
{
    return r->role;
}

const char *fw_detect_role_profile(const fw_detect_role *r)
{
    return r->profile;
}
