/* The service's data folder, %ProgramData%\fwsvc: the text log and
 * status.json. SYSTEM creates, truncates, renames and (at uninstall)
 * deletes fixed names there, so the folder must be SYSTEM's and
 * Administrators' alone: a folder a user created or could write would let a
 * junction and an object-manager link turn those writes into an arbitrary
 * file overwrite, move or delete (docs/security.md). So:
 *   - the service creates it, when missing, with a protected DACL (SYSTEM
 *     and Administrators, nothing inherited); the MSI creates it the same
 *     way (MsiLockPermissionsEx);
 *   - before every write it is checked: not a reparse point, owned by
 *     SYSTEM or Administrators, a DACL that lets no one else add or delete
 *     an entry (admin_only.h, FW_OBJ_FOLDER); if not, nothing is written
 *     there;
 *   - files are created new (CREATE_NEW) or opened without following a
 *     reparse point, and a file that is one is not written;
 *   - nothing here is created by a reader (`fwsvc service status`).
 * Windows only. */
#ifndef FW_DATA_FOLDER_H
#define FW_DATA_FOLDER_H

#include <winsock2.h>
#include <windows.h>
#include <stdbool.h>
#include <stddef.h>

/* The folder, or a file in it (allocated, UTF-8). Creates nothing. */
char *fw_data_path(const char *file);
/* NULL when the folder is safe to write (created first when missing and
 * create is set); else why not (allocated). */
char *fw_data_folder_check(bool create);
/* A new file in the folder for writing (CREATE_NEW; a leftover of that name
 * is deleted first, as itself), or appending to a file that is no reparse
 * point; INVALID_HANDLE_VALUE otherwise. The caller checked the folder. */
HANDLE fw_data_create(const char *file);
HANDLE fw_data_append(const char *file);
/* A file's contents (at most max bytes), read only if the folder passes
 * the check and the file is no reparse point; NULL with *error otherwise,
 * and *missing when there is simply no such file. */
char *fw_data_read(const char *file, size_t max, size_t *size, bool *missing, char **error);
/* Deletes the files fwsvc keeps there, each as itself, then the folder if
 * it is empty; absent is success. Refuses a folder that fails the check
 * (its names could point anywhere). NULL, or what was left (allocated). */
char *fw_data_folder_forget(void);

#endif
