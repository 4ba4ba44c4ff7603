/* Shared between the platform implementations of fw_fs.h. */
#ifndef FW_FS_INTERNAL_H
#define FW_FS_INTERNAL_H

#include <stddef.h>

void fw_sort_names(char **names, size_t count);

#endif
