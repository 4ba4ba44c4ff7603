#include "host_reconcile.h"

#include "admin_only.h"
#include "fw_alloc.h"
#include "host_error.h"
#include "host_exit.h"

#include <stdlib.h>
#include <string.h>

int fw_host_reconcile(const fw_host_config *config, const fw_host_request *request, fw_host_run *run)
{
    memset(run, 0, sizeof *run);
    static const fw_applied nothing;
    const fw_applied *profiles = request->remove_all ? &nothing : &config->profiles;
    /* What can change the firewall must be administrators' only; removing
     * everything is always safe, and an uninstall must work regardless. */
    char *unsafe = request->remove_all ? NULL : fw_admin_only_config_keys();
    if (unsafe) {
        fw_error("refused: the host configuration can be changed by non-administrators: %s; nothing was changed\n",
                 unsafe);
        run->desired.error = fw_xasprintf("refused, writable by non-administrators: %s", unsafe);
        free(unsafe);
        return FW_EXIT_INVALID;
    }
    const char *origin = config->profiles_source == FW_SOURCE_POLICY ? FW_POLICY_KEY_TEXT "\\AppliedProfiles"
                                                                       : FW_CONFIG_KEY_TEXT "\\AppliedProfiles";
    int rc = fw_desired_build(&run->desired, config->catalog_dir, config->site_catalog_dir, profiles, origin);
    if (rc != FW_EXIT_OK)
        return rc;
    /* A services file fwsvc cannot edit stops the command before WFP changes. */
    rc = fw_services_prepare(&run->services, config->services_file, run->desired.services,
                             run->desired.service_count, !request->dry_run);
    if (rc != FW_EXIT_OK)
        return rc;
    fw_reconcile_request req;
    fw_desired_request(&run->desired, &req, config->sublayer_weight);
    req.dry_run = request->dry_run;
    req.remove_all = request->remove_all;
    req.cancel = request->cancel;
    req.engine = request->engine;
    if (fw_reconcile(&req, &run->result))
        return FW_EXIT_FAILURE; /* the caller reports run->result.message */
    run->reconciled = true;
    if (request->dry_run)
        return FW_EXIT_OK;
    /* WFP is the truth; the record names what was asked, written after. */
    if (request->record) {
        char *error = NULL;
        if (fw_host_config_save(config, request->record, &error)) {
            fw_error("WFP was updated, but the host configuration was not: %s\n", error);
            free(error);
            return FW_EXIT_FAILURE;
        }
    }
    return fw_services_commit(&run->services);
}

void fw_host_run_free(fw_host_run *run)
{
    fw_reconcile_result_free(&run->result);
    fw_services_step_free(&run->services);
    fw_desired_free(&run->desired);
}
