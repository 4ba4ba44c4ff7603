#include "fw_fs.h"

#include "fw_alloc.h"
#include "fw_fs_internal.h"

#include <stdlib.h>
#include <string.h>

void fw_free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

char *fw_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
#ifdef _WIN32
    const char *sep = (n && (dir[n - 1] == '\\' || dir[n - 1] == '/')) ? "" : "\\";
#else
    const char *sep = (n && dir[n - 1] == '/') ? "" : "/";
#endif
    return fw_xasprintf("%s%s%s", dir, sep, name);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void fw_sort_names(char **names, size_t count)
{
    qsort(names, count, sizeof *names, compare_names);
}
