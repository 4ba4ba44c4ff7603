/* The values of the variable types beyond ports: address lists (a peer's
 * IP addresses and prefixes, or "any") and install folders. Shared by the loader
 * (defaults) and --set. Portable. */
#ifndef FW_VAR_VALUES_H
#define FW_VAR_VALUES_H

#include "address.h"

#include <stdbool.h>
#include <stddef.h>

/* "any", or IPv4 and IPv6 addresses and prefixes separated by commas (spaces
 * allowed). On success *any, or the list and its count (allocated). On failure a
 * message in error. */
bool fw_address_list_parse(const char *text, bool *any, fw_address **list, size_t *count, char *error,
                           size_t error_size);

/* An absolute Windows folder: "C:\Dir..." or "%Root%" / "%Root%\Dir...";
 * no "..", '/', '"' or trailing '\'. */
bool fw_folder_path_valid(const char *path);

#endif
