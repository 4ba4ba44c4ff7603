/* Reading and replacing the services file safely. A file that is missing,
 * larger than FW_SVC_MAX_BYTES, not text, or read-only is refused with a
 * clear error and left untouched. A replacement is atomic: a new file is
 * written and flushed in the same folder, then renamed over the old one
 * (MoveFileEx with REPLACE_EXISTING | WRITE_THROUGH on Windows; rename and
 * a folder fsync elsewhere), keeping the original's attributes. */
#ifndef FW_SERVICES_IO_H
#define FW_SERVICES_IO_H

#include <stdbool.h>
#include <stddef.h>

/* The real services file is about 17 KB. */
#define FW_SVC_MAX_BYTES (1024u * 1024u)

/* %SystemRoot%\System32\drivers\etc\services on Windows, /etc/services elsewhere. */
char *fw_svc_default_path(void);

/* Reads the whole file; on refusal returns NULL and an allocated *error. */
char *fw_svc_read(const char *path, size_t *size, char **error);
/* Refuses a read-only file. */
bool fw_svc_check_writable(const char *path, char **error);
bool fw_svc_write_atomic(const char *path, const char *data, size_t size, char **error);
/* Copies the file to PATH.fwsvc-backup once, the first time fwsvc changes it. */
bool fw_svc_backup_once(const char *path, char **error);

/* Shared check: NUL or other control bytes (but tab, CR, LF, FF, VT, and the
 * old end-of-file mark 0x1A) mean the file is not text. */
bool fw_svc_is_text(const char *data, size_t size);

#endif
