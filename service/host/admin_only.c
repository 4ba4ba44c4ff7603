#include "admin_only.h"

#include "fw_alloc.h"
#include "fw_win32_text.h"

#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>

#define FILE_CHANGE_RIGHTS                                                                                     \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_DELETE_CHILD | FILE_WRITE_ATTRIBUTES | DELETE | \
     WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)
#define KEY_CHANGE_RIGHTS \
    (KEY_SET_VALUE | KEY_CREATE_SUB_KEY | KEY_CREATE_LINK | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)

static bool is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type)
{
    return IsWellKnownSid(sid, type) != FALSE;
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
    return is_well_known(sid, WinBuiltinAdministratorsSid) || is_well_known(sid, WinLocalSystemSid) ||
           is_trusted_installer(sid) || is_own_admin_user(sid);
}

static char *sid_text(PSID sid)
{
    wchar_t *text = NULL;
    char *out = ConvertSidToStringSidW(sid, &text) ? fw_wide_to_utf8(text) : fw_xstrdup("?");
    if (text)
        LocalFree(text);
    return out;
}

char *fw_who_else_can_write(PSECURITY_DESCRIPTOR sd, bool key)
{
    PSID owner = NULL;
    BOOL defaulted = FALSE, present = FALSE;
    PACL dacl = NULL;
    if (!GetSecurityDescriptorOwner(sd, &owner, &defaulted) || !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
        return fw_xstrdup("its security descriptor cannot be read");
    if (!present || !dacl)
        return fw_xstrdup("it has no DACL: everyone may change it");
    if (owner && !is_administrative(owner)) {
        char *who = sid_text(owner);
        char *text = fw_xasprintf("it is owned by %s, who may change its permissions", who);
        free(who);
        return text;
    }
    ACCESS_MASK change = key ? KEY_CHANGE_RIGHTS : FILE_CHANGE_RIGHTS;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *ace;
        if (!GetAce(dacl, i, (void **)&ace) || ace->AceType != ACCESS_ALLOWED_ACE_TYPE ||
            (ace->AceFlags & INHERIT_ONLY_ACE))
            continue;
        ACCESS_ALLOWED_ACE *allowed = (ACCESS_ALLOWED_ACE *)ace;
        PSID sid = (PSID)&allowed->SidStart;
        if ((allowed->Mask & change) && !is_administrative(sid)) {
            char *who = sid_text(sid);
            char *text = fw_xasprintf("%s may change it (rights 0x%08lX)", who, (unsigned long)allowed->Mask);
            free(who);
            return text;
        }
    }
    return NULL;
}

static char *check(const wchar_t *name, SE_OBJECT_TYPE type, bool key)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD e = GetNamedSecurityInfoW(name, type, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL, NULL,
                                    NULL, NULL, &sd);
    if (e)
        return fw_xasprintf("its permissions cannot be read (error %lu)", (unsigned long)e);
    char *problem = fw_who_else_can_write(sd, key);
    LocalFree(sd);
    return problem;
}

char *fw_admin_only_path(const char *path)
{
    wchar_t *w = fw_utf8_to_wide(path);
    char *problem = check(w, SE_FILE_OBJECT, false);
    free(w);
    return problem;
}

char *fw_admin_only_key(const wchar_t *hklm_subkey)
{
    wchar_t name[512];
    swprintf(name, 512, L"MACHINE\\%ls", hklm_subkey);
    return check(name, SE_REGISTRY_KEY, true);
}

static char *named(const char *path, char *problem)
{
    if (!problem)
        return NULL;
    char *text = fw_xasprintf("%s: %s", path, problem);
    free(problem);
    return text;
}

char *fw_admin_only_catalog(const char *dir)
{
    char *problem = named(dir, fw_admin_only_path(dir));
    char *pattern = fw_xasprintf("%s\\*.yaml", dir);
    wchar_t *w = fw_utf8_to_wide(pattern);
    WIN32_FIND_DATAW found;
    HANDLE h = problem ? INVALID_HANDLE_VALUE : FindFirstFileW(w, &found);
    for (BOOL more = h != INVALID_HANDLE_VALUE; more && !problem; more = FindNextFileW(h, &found)) {
        char *name = fw_wide_to_utf8(found.cFileName);
        char *path = fw_xasprintf("%s\\%s", dir, name);
        problem = named(path, fw_admin_only_path(path));
        free(path);
        free(name);
    }
    if (h != INVALID_HANDLE_VALUE)
        FindClose(h);
    free(w);
    free(pattern);
    return problem;
}
