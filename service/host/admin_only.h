/* Only administrators may change what can change the firewall or what
 * SYSTEM writes: the catalog, the host configuration, the programs fwsvc
 * permits, the service's data folder (docs/security.md). One checker reads
 * an object's owner and DACL and names anyone but Administrators, SYSTEM,
 * TrustedInstaller (or this process's own user, when it is an
 * administrator: SYSTEM for the service) who could change it:
 *   - an owner outside that set (an owner may rewrite the DACL);
 *   - a NULL DACL;
 *   - an allow entry for anyone else that holds a right that changes the
 *     object, by kind (below); generic rights are mapped first;
 *   - any allow-type entry it does not fully understand (object, callback,
 *     conditional, compound, or a type it does not know), whoever it names:
 *     it fails closed.
 * Deny entries are not credited (failing closed); inherit-only entries do
 * not apply to the object itself. Windows only. */
#ifndef FW_ADMIN_ONLY_H
#define FW_ADMIN_ONLY_H

#include <winsock2.h>
#include <windows.h>
#include <accctrl.h>
#include <stdbool.h>

typedef enum {
    /* A registry key: set a value, create a subkey or link, delete, or
     * change its permissions or owner. */
    FW_OBJ_KEY,
    /* A file fwsvc reads or permits (a catalog file, a program): write or
     * append data, write extended attributes or attributes, delete, or
     * change its permissions or owner. */
    FW_OBJ_FILE,
    /* A folder whose entries matter: the one holding a program (a DLL
     * planted beside it is loaded by it), the catalog folder, the data
     * folder, and the nearest folder of a program not installed yet (the
     * rest of its path can be created there): add a file or a subfolder,
     * delete a child, delete, or change its permissions or owner. */
    FW_OBJ_FOLDER,
    /* A folder further up the path: what is under it can be replaced
     * (delete a child, delete or rename it) or re-permissioned. Adding an
     * entry beside the path cannot replace one that exists, which is why
     * C:\, where Authenticated Users may create folders, passes. */
    FW_OBJ_ANCESTOR,
} fw_obj_kind;

/* NULL if only administrators can change the object; else a sentence
 * naming who else can (allocated). */
char *fw_who_else_can_write(PSECURITY_DESCRIPTOR sd, fw_obj_kind kind);
/* The same for an open handle (GetSecurityInfo: the object the handle is,
 * whatever its name now points to). */
char *fw_admin_only_handle(HANDLE h, SE_OBJECT_TYPE type, fw_obj_kind kind);

/* A path fwsvc must trust: the object itself (kind), the folder holding it
 * (FW_OBJ_FOLDER) and every folder up to the volume root
 * (FW_OBJ_ANCESTOR), each opened without following a reparse point; when
 * the path goes through one, the path it resolves to is checked the same
 * way. UNC and device paths are refused. NULL, or "PATH: problem". An
 * object that does not exist is reported as such. */
char *fw_admin_only_path(const char *path, fw_obj_kind kind);
/* A key under HKLM and every subkey under it (bounded), and the keys above
 * it: NULL, or "HKLM\...: problem". A key that does not exist passes (its
 * parent, which would hold it, is checked). */
char *fw_admin_only_key_tree(const wchar_t *hklm_subkey);
/* Both configuration keys (HKLM\SOFTWARE\fwsvc, HKLM\SOFTWARE\Policies\
 * fwsvc), as the service and the commands that change WFP check them. */
char *fw_admin_only_config_keys(void);

/* Whether the object at path, opened as h without following it, is a
 * reparse point (a junction or link): its handle's attributes or the
 * path's say so. Windows reports it both ways; Wine only by path for a
 * link to a folder. */
bool fw_is_reparse_point(const wchar_t *path, HANDLE h);

/* UNC (\\server\share, \\?\UNC\...) or device (\\.\, \\?\GLOBALROOT) path:
 * not a folder fwsvc will trust. */
bool fw_path_is_remote_or_device(const char *path);

#endif
