/* What the host's product version did to a profile's version-bound rules
 * (plan.h), as the JSON member "versions" of plan and status. */
#include "cli.h"

#include "fw_json.h"

void fw_cli_json_versions(fw_json *j, const fw_plan *plan, const fw_profile *profile, const fw_binding *binding)
{
    int vv = binding->file->version_variable;
    fw_json_key(j, "versions");
    fw_json_object_begin(j);
    fw_json_member_string(j, "variable", vv >= 0 ? binding->file->variables[vv].name : NULL);
    fw_json_member_string(j, "value", vv >= 0 && binding->version_known ? binding->texts[vv] : NULL);
    bool versioned = false;
    for (size_t i = 0; i < plan->versioned_count && !versioned; i++)
        versioned = plan->versioned[i].profile == profile;
    fw_json_key(j, "union");
    fw_json_bool(j, versioned && !binding->version_known);
    fw_json_key(j, "left_out");
    fw_json_array_begin(j);
    for (size_t i = 0; i < plan->versioned_count; i++)
        if (plan->versioned[i].profile == profile && !plan->versioned[i].planned) {
            fw_json_object_begin(j);
            fw_json_member_string(j, "rule", plan->versioned[i].rule->id);
            fw_json_member_string(j, "versions", plan->versioned[i].rule->versions_text);
            fw_json_object_end(j);
        }
    fw_json_array_end(j);
    fw_json_object_end(j);
}
