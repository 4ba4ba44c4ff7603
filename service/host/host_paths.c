#include "host_exit.h"

#include "fw_alloc.h"
#include "fw_fs.h"

#include <stdlib.h>

char *fw_host_default_catalog_dir(void)
{
    char *exe = fw_exe_dir();
    if (!exe)
        return fw_xstrdup("catalog");
    char *dir = fw_path_join(exe, "catalog");
    free(exe);
    return dir;
}
