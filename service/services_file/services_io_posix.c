/* POSIX.1-2008 for fsync, fchmod, fileno. */
#define _POSIX_C_SOURCE 200809L

#include "services_io.h"

#include "fw_alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fw_svc_default_path(void)
{
    return fw_xstrdup("/etc/services");
}

char *fw_svc_read(const char *path, size_t *size, char **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *error = fw_xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *error = fw_xasprintf("%s: not a regular file", path);
        return NULL;
    }
    if ((unsigned long long)st.st_size > FW_SVC_MAX_BYTES) {
        *error = fw_xasprintf("%s: %lld bytes, more than the %u a services file can sensibly be; left untouched",
                              path, (long long)st.st_size, FW_SVC_MAX_BYTES);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        *error = fw_xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    char *data = fw_xmalloc((size_t)st.st_size + 1);
    size_t got = fread(data, 1, (size_t)st.st_size, f);
    fclose(f);
    if (got != (size_t)st.st_size) {
        free(data);
        *error = fw_xasprintf("%s: short read", path);
        return NULL;
    }
    data[got] = '\0';
    if (!fw_svc_is_text(data, got)) {
        free(data);
        *error = fw_xasprintf("%s: not a text file (it has NUL or control bytes); left untouched", path);
        return NULL;
    }
    *size = got;
    return data;
}

bool fw_svc_check_writable(const char *path, char **error)
{
    struct stat st;
    /* The owner's write bit, not access(2): root may write anything. */
    if (stat(path, &st) != 0) {
        *error = fw_xasprintf("%s: %s", path, strerror(errno));
        return false;
    }
    if (!(st.st_mode & S_IWUSR)) {
        *error = fw_xasprintf("%s: the file is read-only; left untouched", path);
        return false;
    }
    return true;
}

static bool write_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= (size_t)n;
    }
    return true;
}

bool fw_svc_write_atomic(const char *path, const char *data, size_t size, char **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *error = fw_xasprintf("%s: %s", path, strerror(errno));
        return false;
    }
    char *tmp = fw_xasprintf("%s.fwsvc-new.%ld", path, (long)getpid());
    char *dir_copy = fw_xstrdup(path);
    unlink(tmp); /* left by an earlier writer that was killed with this pid */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, st.st_mode & 07777);
    bool ok = fd >= 0 && fchmod(fd, st.st_mode & 07777) == 0 && write_all(fd, data, size) && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = false;
    }
    if (ok) {
        /* The rename itself must reach the disk. */
        int dfd = open(dirname(dir_copy), O_RDONLY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    } else {
        unlink(tmp);
        *error = fw_xasprintf("%s: cannot replace the file: %s; left untouched", path, strerror(saved));
    }
    free(dir_copy);
    free(tmp);
    return ok;
}

bool fw_svc_backup_once(const char *path, char **error)
{
    char *backup = fw_xasprintf("%s.fwsvc-backup", path);
    struct stat st;
    bool ok = true;
    if (stat(backup, &st) != 0) {
        size_t size = 0;
        char *data = fw_svc_read(path, &size, error);
        ok = data != NULL;
        if (ok) {
            FILE *f = fopen(backup, "wb");
            ok = f && fwrite(data, 1, size, f) == size;
            if (f)
                ok = fclose(f) == 0 && ok;
            if (!ok)
                *error = fw_xasprintf("%s: cannot write the backup", backup);
        }
        free(data);
    }
    free(backup);
    return ok;
}
