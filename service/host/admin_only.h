/* Only administrators may change what can change the firewall: the catalog
 * folder, its files, and the configuration keys. A catalog that Users can
 * write is a way to open the firewall (docs/security.md). These checks read
 * an object's owner and DACL: anyone but Administrators, SYSTEM,
 * TrustedInstaller (or this process's own user, when it is an
 * administrator: SYSTEM for the service) holding a right that changes the
 * object, or owning it (an owner may rewrite the DACL), or a NULL DACL,
 * fails the check. Deny ACEs are not credited (failing closed);
 * inherit-only ACEs do not apply to the object itself. Windows only. */
#ifndef FW_ADMIN_ONLY_H
#define FW_ADMIN_ONLY_H

#include <winsock2.h>
#include <windows.h>
#include <stdbool.h>

/* NULL if only administrators can change the object; else a sentence
 * naming who else can (allocated). key: a registry key, else a file or
 * folder. */
char *fw_who_else_can_write(PSECURITY_DESCRIPTOR sd, bool key);
/* The same for a file or folder by path (UTF-8), and a key under HKLM. An
 * object that cannot be read is reported too. */
char *fw_admin_only_path(const char *path);
char *fw_admin_only_key(const wchar_t *hklm_subkey);
/* A catalog folder and every *.yaml in it: NULL, or "PATH: problem". */
char *fw_admin_only_catalog(const char *dir);

#endif
