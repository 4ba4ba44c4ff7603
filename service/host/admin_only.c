#include "admin_only.h"

#include "fw_alloc.h"
#include "fw_strings.h"
#include "fw_win32_text.h"

#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>
#include <wchar.h>

/* ACE types newer than some headers. */
#ifndef SYSTEM_MANDATORY_LABEL_ACE_TYPE
#define SYSTEM_MANDATORY_LABEL_ACE_TYPE 0x11
#endif
#define RESOURCE_ATTRIBUTE_ACE 0x12
#define SCOPED_POLICY_ID_ACE 0x13
#define PROCESS_TRUST_LABEL_ACE 0x14
#define ACCESS_FILTER_ACE 0x15

#define KEY_TREE_MAX_KEYS 512
#define KEY_TREE_MAX_DEPTH 8

static const GENERIC_MAPPING file_mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                                             FILE_ALL_ACCESS};
static const GENERIC_MAPPING key_mapping = {KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS};

static ACCESS_MASK change_rights(fw_obj_kind kind)
{
    switch (kind) {
    case FW_OBJ_KEY:
        return KEY_SET_VALUE | KEY_CREATE_SUB_KEY | KEY_CREATE_LINK | DELETE | WRITE_DAC | WRITE_OWNER;
    case FW_OBJ_FILE:
        return FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC |
               WRITE_OWNER;
    case FW_OBJ_FOLDER:
        return FILE_ADD_FILE | FILE_ADD_SUBDIRECTORY | FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER;
    case FW_OBJ_ANCESTOR:
        break;
    }
    return FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER;
}

/* An entry's rights with generic bits mapped to the object's own. */
static ACCESS_MASK mapped(ACCESS_MASK mask, fw_obj_kind kind)
{
    if (mask & MAXIMUM_ALLOWED)
        return ~(ACCESS_MASK)0; /* not meaningful in an entry: assume everything */
    MapGenericMask(&mask, kind == FW_OBJ_KEY ? (PGENERIC_MAPPING)&key_mapping : (PGENERIC_MAPPING)&file_mapping);
    return mask;
}

/* TrustedInstaller: NT SERVICE\TrustedInstaller. */
static bool is_trusted_installer(PSID sid)
{
    PSID ti = NULL;
    bool same = ConvertStringSidToSidW(L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", &ti) &&
                EqualSid(sid, ti);
    if (ti)
        LocalFree(ti);
    return same;
}

/* This process's user, if its token is an administrator's. */
static bool is_own_admin_user(PSID sid)
{
    HANDLE token;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return false;
    BYTE buffer[256];
    DWORD size = 0;
    bool same = GetTokenInformation(token, TokenUser, buffer, sizeof buffer, &size) &&
                EqualSid(sid, ((TOKEN_USER *)buffer)->User.Sid);
    CloseHandle(token);
    if (!same)
        return false;
    BYTE admins[SECURITY_MAX_SID_SIZE];
    DWORD admins_size = sizeof admins;
    BOOL member = FALSE;
    return CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &admins_size) &&
           CheckTokenMembership(NULL, admins, &member) && member;
}

static bool is_administrative(PSID sid)
{
    return IsWellKnownSid(sid, WinBuiltinAdministratorsSid) || IsWellKnownSid(sid, WinLocalSystemSid) ||
           is_trusted_installer(sid) || is_own_admin_user(sid);
}

/* "BUILTIN\Users (S-1-5-32-545)", or the SID alone when it has no name. */
static char *sid_text(PSID sid)
{
    wchar_t *text = NULL, name[128], domain[128];
    DWORD name_len = 128, domain_len = 128;
    SID_NAME_USE use;
    char *s = ConvertSidToStringSidW(sid, &text) ? fw_wide_to_utf8(text) : fw_xstrdup("?");
    if (text)
        LocalFree(text);
    if (!LookupAccountSidW(NULL, sid, name, &name_len, domain, &domain_len, &use))
        return s;
    char *n = fw_wide_to_utf8(name), *d = fw_wide_to_utf8(domain);
    char *out = d[0] ? fw_xasprintf("%s\\%s (%s)", d, n, s) : fw_xasprintf("%s (%s)", n, s);
    free(n);
    free(d);
    free(s);
    return out;
}

/* Entries that grant nothing: denials, audits, labels, attributes. */
static bool grants_nothing(BYTE type)
{
    switch (type) {
    case ACCESS_DENIED_ACE_TYPE:
    case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_ACE_TYPE:
    case SYSTEM_ALARM_ACE_TYPE:
    case SYSTEM_AUDIT_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_MANDATORY_LABEL_ACE_TYPE:
    case RESOURCE_ATTRIBUTE_ACE:
    case SCOPED_POLICY_ID_ACE:
    case PROCESS_TRUST_LABEL_ACE:
    case ACCESS_FILTER_ACE:
        return true;
    default:
        return false;
    }
}

/* Allow entries whose meaning depends on more than a SID and a mask. */
static bool allow_not_understood(BYTE type)
{
    return type == ACCESS_ALLOWED_OBJECT_ACE_TYPE || type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
           type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE || type == ACCESS_ALLOWED_COMPOUND_ACE_TYPE;
}

char *fw_who_else_can_write(PSECURITY_DESCRIPTOR sd, fw_obj_kind kind)
{
    PSID owner = NULL;
    BOOL defaulted = FALSE, present = FALSE;
    PACL dacl = NULL;
    if (!GetSecurityDescriptorOwner(sd, &owner, &defaulted) || !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
        return fw_xstrdup("its security descriptor cannot be read");
    if (!owner)
        return fw_xstrdup("it has no owner fwsvc can read");
    if (!is_administrative(owner)) {
        char *who = sid_text(owner);
        char *text = fw_xasprintf("it is owned by %s, who may change its permissions", who);
        free(who);
        return text;
    }
    if (!present || !dacl)
        return fw_xstrdup("it has no DACL: everyone may change it");
    ACCESS_MASK change = change_rights(kind);
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *ace;
        if (!GetAce(dacl, i, (void **)&ace))
            return fw_xstrdup("its DACL cannot be read");
        if ((ace->AceFlags & INHERIT_ONLY_ACE) || grants_nothing(ace->AceType))
            continue;
        if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE) {
            /* Every mask-carrying entry starts header, mask; an unknown type
             * is taken to grant everything. */
            ACCESS_MASK mask = allow_not_understood(ace->AceType) && ace->AceSize >= sizeof(ACE_HEADER) + 4
                                   ? mapped(((ACCESS_ALLOWED_ACE *)ace)->Mask, kind)
                                   : ~(ACCESS_MASK)0;
            if (mask & change)
                return fw_xasprintf("an allow entry of type 0x%02X (object, callback, conditional or unknown), "
                                    "which fwsvc does not evaluate, grants rights that change it (0x%08lX)",
                                    ace->AceType, (unsigned long)mask);
            continue;
        }
        ACCESS_ALLOWED_ACE *allowed = (ACCESS_ALLOWED_ACE *)ace;
        PSID sid = (PSID)&allowed->SidStart;
        size_t room = ace->AceSize > offsetof(ACCESS_ALLOWED_ACE, SidStart)
                          ? ace->AceSize - offsetof(ACCESS_ALLOWED_ACE, SidStart)
                          : 0;
        if (room < 8 || !IsValidSid(sid) || GetLengthSid(sid) > room)
            return fw_xstrdup("its DACL holds a malformed entry");
        ACCESS_MASK mask = mapped(allowed->Mask, kind);
        if ((mask & change) && !is_administrative(sid)) {
            char *who = sid_text(sid);
            char *text = fw_xasprintf("%s may change it (rights 0x%08lX)", who, (unsigned long)allowed->Mask);
            free(who);
            return text;
        }
    }
    return NULL;
}

char *fw_admin_only_handle(HANDLE h, SE_OBJECT_TYPE type, fw_obj_kind kind)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD e = GetSecurityInfo(h, type, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL, NULL, NULL,
                              NULL, &sd);
    if (e)
        return fw_xasprintf("its permissions cannot be read (error %lu)", (unsigned long)e);
    char *problem = fw_who_else_can_write(sd, kind);
    LocalFree(sd);
    return problem;
}

bool fw_path_is_remote_or_device(const char *path)
{
    return (path[0] == '\\' && path[1] == '\\') || (path[0] == '/' && path[1] == '/');
}

bool fw_is_reparse_point(const wchar_t *path, HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION info;
    DWORD by_path = GetFileAttributesW(path);
    return (h != INVALID_HANDLE_VALUE && GetFileInformationByHandle(h, &info) &&
            (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) ||
           (by_path != INVALID_FILE_ATTRIBUTES && (by_path & FILE_ATTRIBUTE_REPARSE_POINT));
}

/* "PREFIXPATH: problem", taking the problem; NULL stays NULL. */
static char *named_as(const char *prefix, const wchar_t *path, char *problem)
{
    if (!problem)
        return NULL;
    char *p = fw_wide_to_utf8(path);
    char *text = fw_xasprintf("%s%s: %s", prefix, p, problem);
    free(p);
    free(problem);
    return text;
}

static char *named(const wchar_t *path, char *problem)
{
    return named_as("", path, problem);
}

/* Checks one object by path without following it if it is a reparse point;
 * *reparse tells whether it is one. */
static char *check_one(const wchar_t *path, fw_obj_kind kind, bool *reparse)
{
    HANDLE h = CreateFileW(path, READ_CONTROL | FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        return named(path, e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND
                               ? fw_xstrdup("does not exist")
                               : fw_xasprintf("cannot be opened to read its permissions (error %lu)", (unsigned long)e));
    }
    *reparse = fw_is_reparse_point(path, h);
    char *problem = fw_admin_only_handle(h, SE_FILE_OBJECT, kind);
    CloseHandle(h);
    return named(path, problem);
}

/* The object, then each folder above it up to the volume root. */
static char *check_chain(const wchar_t *full, fw_obj_kind kind, bool *any_reparse)
{
    bool reparse = false;
    char *problem = check_one(full, kind, &reparse);
    *any_reparse = reparse;
    wchar_t *buf = fw_xcalloc(wcslen(full) + 2, sizeof *buf);
    wcscpy(buf, full);
    fw_obj_kind parent_kind = kind == FW_OBJ_FILE ? FW_OBJ_FOLDER : FW_OBJ_ANCESTOR;
    for (wchar_t *cut = wcsrchr(buf, L'\\'); !problem && cut && cut > buf; cut = wcsrchr(buf, L'\\')) {
        if (cut == buf + 2 && buf[1] == L':') {
            if (!cut[1])
                break; /* "C:\" itself was just checked */
            cut[1] = 0; /* the volume root: "C:\" */
        } else {
            *cut = 0;
        }
        problem = check_one(buf, parent_kind, &reparse);
        *any_reparse |= reparse;
        parent_kind = FW_OBJ_ANCESTOR;
        if (buf[wcslen(buf) - 1] == L'\\')
            break;
    }
    free(buf);
    return problem;
}

/* Where the path resolves to through its reparse points, without "\\?\";
 * NULL if it cannot be resolved or is on the network. */
static wchar_t *final_path(const wchar_t *full)
{
    HANDLE h = CreateFileW(full, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    wchar_t buf[MAX_PATH * 4];
    DWORD n = GetFinalPathNameByHandleW(h, buf, MAX_PATH * 4, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    CloseHandle(h);
    if (!n || n >= MAX_PATH * 4 || wcsncmp(buf, L"\\\\?\\UNC\\", 8) == 0)
        return NULL;
    const wchar_t *p = wcsncmp(buf, L"\\\\?\\", 4) == 0 ? buf + 4 : buf;
    return _wcsdup(p);
}

char *fw_admin_only_path(const char *path, fw_obj_kind kind)
{
    if (fw_path_is_remote_or_device(path))
        return fw_xasprintf("%s: a network or device path; fwsvc trusts local folders only", path);
    wchar_t *w = fw_utf8_to_wide(path), full[MAX_PATH * 4];
    DWORD n = GetFullPathNameW(w, MAX_PATH * 4, full, NULL);
    free(w);
    if (!n || n >= MAX_PATH * 4)
        return fw_xasprintf("%s: not a usable path", path);
    bool reparse = false;
    char *problem = check_chain(full, kind, &reparse);
    if (!problem && reparse) {
        /* Through a junction or link: where it leads must be as safe. */
        wchar_t *target = final_path(full);
        if (!target)
            return fw_xasprintf("%s: goes through a reparse point fwsvc cannot resolve to a local path", path);
        problem = _wcsicmp(target, full) == 0 ? NULL : check_chain(target, kind, &reparse);
        free(target);
    }
    return problem;
}

static char *key_problem(const wchar_t *path, char *problem)
{
    return named_as("HKLM\\", path, problem);
}

/* The key and its subkeys, depth-first, within bounds. */
static char *check_key(HKEY parent, const wchar_t *name, const wchar_t *path, int depth, size_t *seen)
{
    HKEY key;
    LSTATUS e = RegOpenKeyExW(parent, name, 0, READ_CONTROL | KEY_ENUMERATE_SUB_KEYS | KEY_WOW64_64KEY, &key);
    if (e == ERROR_FILE_NOT_FOUND)
        return NULL;
    if (e)
        return key_problem(path, fw_xasprintf("cannot be opened to read its permissions (error %ld)", (long)e));
    char *problem = key_problem(path, fw_admin_only_handle(key, SE_REGISTRY_KEY, FW_OBJ_KEY));
    if (++*seen > KEY_TREE_MAX_KEYS || depth > KEY_TREE_MAX_DEPTH)
        problem = problem ? problem : key_problem(path, fw_xstrdup("holds more subkeys than fwsvc reads"));
    for (DWORD i = 0; !problem; i++) {
        wchar_t child[256];
        DWORD len = 256;
        e = RegEnumKeyExW(key, i, child, &len, NULL, NULL, NULL, NULL);
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e) {
            problem = key_problem(path, fw_xasprintf("its subkeys cannot be listed (error %ld)", (long)e));
            break;
        }
        size_t size = wcslen(path) + len + 2;
        wchar_t *child_path = fw_xcalloc(size, sizeof *child_path);
        swprintf(child_path, size, L"%ls\\%ls", path, child);
        problem = check_key(key, child, child_path, depth + 1, seen);
        free(child_path);
    }
    RegCloseKey(key);
    return problem;
}

char *fw_admin_only_key_tree(const wchar_t *hklm_subkey)
{
    /* The keys above: whoever could create or replace this one. */
    wchar_t *buf = _wcsdup(hklm_subkey);
    char *problem = NULL;
    for (wchar_t *cut = wcsrchr(buf, L'\\'); !problem && cut; cut = wcsrchr(buf, L'\\')) {
        *cut = 0;
        HKEY key;
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, buf, 0, READ_CONTROL | KEY_WOW64_64KEY, &key) == ERROR_SUCCESS) {
            problem = key_problem(buf, fw_admin_only_handle(key, SE_REGISTRY_KEY, FW_OBJ_KEY));
            RegCloseKey(key);
        }
    }
    free(buf);
    size_t seen = 0;
    return problem ? problem : check_key(HKEY_LOCAL_MACHINE, hklm_subkey, hklm_subkey, 0, &seen);
}

char *fw_admin_only_config_keys(void)
{
    char *problem = fw_admin_only_key_tree(L"SOFTWARE\\fwsvc");
    return problem ? problem : fw_admin_only_key_tree(L"SOFTWARE\\Policies\\fwsvc");
}
