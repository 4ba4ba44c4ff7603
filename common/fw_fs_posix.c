/* POSIX.1-2008 for fileno, readlink and ssize_t under -std=c11. */
#define _POSIX_C_SOURCE 200809L

#include "fw_fs.h"

#include "fw_alloc.h"
#include "fw_fs_internal.h"
#include "fw_strings.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fw_read_file(const char *path, size_t max_size, size_t *size, char **error)
{
    char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *error = fw_xasprintf("cannot open: %s", strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        *error = fw_xstrdup("not a regular file");
        goto fail;
    }
    if ((unsigned long long)st.st_size > max_size) {
        *error = fw_xasprintf("file is %lld bytes, more than the %zu allowed",
                              (long long)st.st_size, max_size);
        goto fail;
    }
    data = fw_xmalloc((size_t)st.st_size + 1);
    size_t got = fread(data, 1, (size_t)st.st_size, f);
    if (got != (size_t)st.st_size || ferror(f)) {
        *error = fw_xasprintf("read failed: %s", strerror(errno));
        goto fail;
    }
    data[got] = '\0';
    *size = got;
    fclose(f);
    return data;
fail:
    free(data);
    if (f)
        fclose(f);
    return NULL;
}

/* Lists entries of dir that are regular files ending with suffix, or
 * directories when suffix is NULL. */
static bool list_entries(const char *dir, const char *suffix, char ***names, size_t *count,
                         char **error)
{
    DIR *d = opendir(dir);
    if (!d) {
        *error = fw_xasprintf("cannot open folder: %s", strerror(errno));
        return false;
    }
    char **list = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (suffix && !fw_str_ends_with_i(e->d_name, suffix)))
            continue;
        char *path = fw_path_join(dir, e->d_name);
        struct stat st;
        bool wanted = stat(path, &st) == 0 && (suffix ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode));
        free(path);
        if (wanted)
            FW_PUSH(list, n, cap, fw_xstrdup(e->d_name));
    }
    closedir(d);
    fw_sort_names(list, n);
    *names = list;
    *count = n;
    return true;
}

bool fw_list_files(const char *dir, const char *suffix, char ***names, size_t *count,
                   char **error)
{
    return list_entries(dir, suffix, names, count, error);
}

bool fw_list_dirs(const char *dir, char ***names, size_t *count, char **error)
{
    return list_entries(dir, NULL, names, count, error);
}

bool fw_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *fw_exe_path(void)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    return fw_xstrndup(buf, (size_t)n);
}

char *fw_exe_dir(void)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return NULL;
    return fw_xstrndup(buf, (size_t)(slash - buf));
}
