/* The file-system calls the portable core needs. Paths are UTF-8 on every
 * platform; the Windows implementation converts them to UTF-16 so that
 * non-ASCII folder names work. */
#ifndef FW_FS_H
#define FW_FS_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole file of at most max_size bytes. On failure returns NULL and
 * sets *error to an allocated, human-readable reason. */
char *fw_read_file(const char *path, size_t max_size, size_t *size, char **error);

/* Lists the names (not paths) of regular files in dir ending with suffix,
 * case-insensitively, sorted by byte order so that loading is deterministic. */
bool fw_list_files(const char *dir, const char *suffix, char ***names, size_t *count,
                   char **error);
/* Likewise for the sub-folders of dir (names not starting with '.'). */
bool fw_list_dirs(const char *dir, char ***names, size_t *count, char **error);
void fw_free_names(char **names, size_t count);

bool fw_is_dir(const char *path);
char *fw_path_join(const char *dir, const char *name);

/* The folder holding the running executable, or NULL. */
char *fw_exe_dir(void);
/* The running executable itself, or NULL. */
char *fw_exe_path(void);

#endif
