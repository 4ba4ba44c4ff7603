/* The write-access check (service/host/admin_only.c) on constructed
 * security descriptors, and on real objects under Wine: a folder whose DACL
 * Wine maps onto Unix mode bits, and registry keys, whose descriptors Wine
 * keeps. Windows build (under Wine). */
#include <winsock2.h>
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "admin_only.h"

static char *verdict(const wchar_t *sddl, fw_obj_kind kind)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
        fail_msg("%ls: not SDDL (error %lu)", sddl, GetLastError());
    char *problem = fw_who_else_can_write(sd, kind);
    LocalFree(sd);
    return problem;
}

static void expect_ok(const wchar_t *sddl, fw_obj_kind kind)
{
    char *problem = verdict(sddl, kind);
    if (problem)
        fail_msg("%ls: refused: %s", sddl, problem);
}

static void expect_refused(const wchar_t *sddl, fw_obj_kind kind, const char *naming)
{
    char *problem = verdict(sddl, kind);
    if (!problem)
        fail_msg("%ls: accepted", sddl);
    if (!strstr(problem, naming))
        fail_msg("%ls: '%s' does not name %s", sddl, problem, naming);
    free(problem);
}

static void administrators_only_is_accepted(void **state)
{
    (void)state;
    /* Program Files as installed: admins and SYSTEM full, Users read and execute. */
    expect_ok(L"O:BAD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)(A;;0x1200a9;;;WD)", FW_OBJ_FILE);
    expect_ok(L"O:BAD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)", FW_OBJ_FOLDER);
    /* Users may not change what they do not own: an inherit-only grant applies to children only. */
    expect_ok(L"O:BAD:(A;;FA;;;BA)(A;CIOIIO;GA;;;CO)(A;OICIIO;GA;;;BU)", FW_OBJ_FOLDER);
    expect_ok(L"O:BAD:(A;;KA;;;BA)(A;CIIO;GR;;;BU)", FW_OBJ_KEY);
    /* Owned by TrustedInstaller or SYSTEM. */
    expect_ok(L"O:S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464D:(A;;FA;;;BA)", FW_OBJ_FILE);
    expect_ok(L"O:SYD:(A;;FA;;;SY)", FW_OBJ_FILE);
}

/* Every right the issue lists, per kind, granted to Users alone. */
static void each_right_that_changes_an_object_is_refused(void **state)
{
    (void)state;
    static const struct {
        const wchar_t *right;
        fw_obj_kind kind;
    } refused[] = {
        {L"0x2", FW_OBJ_FILE},      /* write data */
        {L"0x4", FW_OBJ_FILE},      /* append data */
        {L"0x10000", FW_OBJ_FILE},  /* delete */
        {L"0x40000", FW_OBJ_FILE},  /* write DAC */
        {L"0x80000", FW_OBJ_FILE},  /* write owner */
        {L"0x2", FW_OBJ_FOLDER},    /* add a file */
        {L"0x4", FW_OBJ_FOLDER},    /* add a subfolder */
        {L"0x40", FW_OBJ_FOLDER},   /* delete a child */
        {L"0x40000", FW_OBJ_FOLDER},
        {L"0x80000", FW_OBJ_FOLDER},
        {L"0x40", FW_OBJ_ANCESTOR}, /* delete a child: replace what is under it */
        {L"0x10000", FW_OBJ_ANCESTOR},
        {L"0x40000", FW_OBJ_ANCESTOR},
        {L"0x80000", FW_OBJ_ANCESTOR},
        {L"0x2", FW_OBJ_KEY},       /* set a value */
        {L"0x4", FW_OBJ_KEY},       /* create a subkey */
        {L"0x20", FW_OBJ_KEY},      /* create a link */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        wchar_t sddl[128];
        swprintf(sddl, 128, L"O:BAD:(A;;%ls;;;SY)(A;;%ls;;;BU)", refused[i].kind == FW_OBJ_KEY ? L"KA" : L"FA",
                 refused[i].right);
        expect_refused(sddl, refused[i].kind, "S-1-5-32-545");
    }
}

static void anyone_else_who_can_write_is_named(void **state)
{
    (void)state;
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;0x40000;;;AU)", FW_OBJ_FILE, "S-1-5-11"); /* Authenticated Users: WRITE_DAC */
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;GA;;;WD)", FW_OBJ_FILE, "S-1-1-0");       /* Everyone: all (generic) */
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;GW;;;BU)", FW_OBJ_FOLDER, "S-1-5-32-545"); /* generic write: add a file */
    expect_refused(L"O:BUD:(A;;FA;;;BA)", FW_OBJ_FILE, "owned by");
    /* A NULL DACL (everyone may do anything), built by hand. */
    SECURITY_DESCRIPTOR null_dacl;
    BYTE admins[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof admins;
    assert_true(InitializeSecurityDescriptor(&null_dacl, SECURITY_DESCRIPTOR_REVISION));
    assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size));
    assert_true(SetSecurityDescriptorOwner(&null_dacl, admins, FALSE));
    assert_true(SetSecurityDescriptorDacl(&null_dacl, TRUE, NULL, FALSE));
    char *problem = fw_who_else_can_write(&null_dacl, FW_OBJ_FILE);
    assert_non_null(problem);
    assert_non_null(strstr(problem, "no DACL"));
    free(problem);
}

static void a_read_right_is_not_a_write_right(void **state)
{
    (void)state;
    expect_ok(L"O:BAD:(A;;FA;;;BA)(A;;FR;;;BU)", FW_OBJ_FILE);
    expect_ok(L"O:BAD:(A;;KA;;;BA)(A;;KR;;;BU)", FW_OBJ_KEY);
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;FW;;;BU)", FW_OBJ_FILE, "S-1-5-32-545");
}

/* A deny entry is not credited: a later allow still counts. */
static void deny_entries_are_not_credited(void **state)
{
    (void)state;
    expect_refused(L"O:BAD:(D;;FA;;;BU)(A;;FA;;;BA)(A;;FW;;;BU)", FW_OBJ_FILE, "S-1-5-32-545");
    expect_ok(L"O:BAD:(D;;FA;;;WD)(A;;FA;;;BA)", FW_OBJ_FILE);
}

/* C:\ as Windows installs it: Authenticated Users may create folders in
 * the root itself. Creating one beside the path replaces nothing: fine for
 * an ancestor, not for the folder that holds the program. */
static void the_volume_root_passes_as_an_ancestor_only(void **state)
{
    (void)state;
    const wchar_t *root = L"O:S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
                          L"D:(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)(A;OICIIO;SDGXGWGR;;;AU)"
                          L"(A;;0x4;;;AU)";
    expect_ok(root, FW_OBJ_ANCESTOR);
    expect_refused(root, FW_OBJ_FOLDER, "S-1-5-11");
    /* Modify inherited from a data volume's root: refused everywhere. */
    expect_refused(L"O:BAD:(A;OICIID;FA;;;BA)(A;OICIID;0x1301bf;;;AU)", FW_OBJ_ANCESTOR, "S-1-5-11");
}

/* An allow entry of a type the checker does not fully evaluate fails
 * closed, whoever it names: a callback (conditional) entry granting
 * Everyone write "if member of Administrators" is refused. */
static void entries_not_understood_fail_closed(void **state)
{
    (void)state;
    static const BYTE types[] = {ACCESS_ALLOWED_CALLBACK_ACE_TYPE, ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0x7E};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        BYTE everyone[SECURITY_MAX_SID_SIZE], admins[SECURITY_MAX_SID_SIZE];
        DWORD es = sizeof everyone, as = sizeof admins;
        assert_true(CreateWellKnownSid(WinWorldSid, NULL, everyone, &es));
        assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &as));
        /* Header, mask, SID, then a condition's bytes ("artx" and a body). */
        BYTE ace[64] = {0};
        ACE_HEADER *h = (ACE_HEADER *)ace;
        h->AceType = types[t];
        h->AceSize = (WORD)(sizeof(ACE_HEADER) + 4 + es + 8);
        *(DWORD *)(ace + 4) = FILE_WRITE_DATA;
        memcpy(ace + 8, everyone, es);
        memcpy(ace + 8 + es, "artx\0\0\0\0", 8);
        BYTE acl_buf[256];
        PACL acl = (PACL)acl_buf;
        assert_true(InitializeAcl(acl, sizeof acl_buf, ACL_REVISION_DS));
        assert_true(AddAccessAllowedAce(acl, ACL_REVISION_DS, FILE_ALL_ACCESS, admins));
        assert_true(AddAce(acl, ACL_REVISION_DS, MAXDWORD, ace, h->AceSize));
        SECURITY_DESCRIPTOR sd;
        assert_true(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
        assert_true(SetSecurityDescriptorOwner(&sd, admins, FALSE));
        assert_true(SetSecurityDescriptorDacl(&sd, TRUE, acl, FALSE));
        char *problem = fw_who_else_can_write(&sd, FW_OBJ_FILE);
        if (!problem)
            fail_msg("an allow entry of type 0x%02X was accepted", types[t]);
        assert_non_null(strstr(problem, "does not evaluate"));
        free(problem);
    }
}

/* The wiring on real objects: Wine reports a folder's DACL from its mode
 * bits, and a folder made writable for Everyone is refused, as the folder
 * of a program and as any folder above one. */
static void a_real_folder_everyone_can_change_is_refused(void **state)
{
    (void)state;
    CreateDirectoryW(L"C:\\fwsvc-test-trust", NULL);
    CreateDirectoryW(L"C:\\fwsvc-test-trust\\app", NULL);
    HANDLE f = CreateFileW(L"C:\\fwsvc-test-trust\\app\\x.exe", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(f != INVALID_HANDLE_VALUE);
    CloseHandle(f);
    char *problem = fw_admin_only_path("C:\\fwsvc-test-trust\\app\\x.exe", FW_OBJ_FILE);
    if (problem)
        fail_msg("a freshly created program was refused: %s", problem);
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;WD)",
                                                                     SDDL_REVISION_1, &sd, NULL));
    BOOL present, defaulted;
    PACL dacl;
    assert_true(GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted));
    assert_int_equal(SetNamedSecurityInfoW(L"C:\\fwsvc-test-trust", SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                           NULL, NULL, dacl, NULL),
                     ERROR_SUCCESS);
    LocalFree(sd);
    problem = fw_admin_only_path("C:\\fwsvc-test-trust\\app\\x.exe", FW_OBJ_FILE);
    assert_non_null(problem);
    assert_non_null(strstr(problem, "C:\\fwsvc-test-trust: "));
    assert_non_null(strstr(problem, "S-1-1-0"));
    free(problem);
    problem = fw_admin_only_path("\\\\server\\share\\x.exe", FW_OBJ_FILE);
    assert_non_null(strstr(problem, "network or device path"));
    free(problem);
    DeleteFileW(L"C:\\fwsvc-test-trust\\app\\x.exe");
    RemoveDirectoryW(L"C:\\fwsvc-test-trust\\app");
    RemoveDirectoryW(L"C:\\fwsvc-test-trust");
}

/* Registry keys: the tree is checked, a subkey included. */
static void a_subkey_anyone_can_change_is_refused(void **state)
{
    (void)state;
    HKEY key, sub;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\fwsvc-test-tree\\child", 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &sub, NULL),
                     ERROR_SUCCESS);
    char *problem = fw_admin_only_key_tree(L"SOFTWARE\\fwsvc-test-tree");
    if (problem)
        fail_msg("a new key was refused: %s", problem);
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:(A;;KA;;;BA)(A;;KA;;;WD)", SDDL_REVISION_1,
                                                                     &sd, NULL));
    assert_int_equal(RegSetKeySecurity(sub, DACL_SECURITY_INFORMATION, sd), ERROR_SUCCESS);
    LocalFree(sd);
    RegCloseKey(sub);
    problem = fw_admin_only_key_tree(L"SOFTWARE\\fwsvc-test-tree");
    assert_non_null(problem);
    assert_non_null(strstr(problem, "HKLM\\SOFTWARE\\fwsvc-test-tree\\child: "));
    free(problem);
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE", 0, KEY_ALL_ACCESS, &key), ERROR_SUCCESS);
    RegDeleteTreeW(key, L"fwsvc-test-tree");
    RegCloseKey(key);
    /* A key that does not exist passes: its parent, which would hold it, is checked. */
    assert_null(fw_admin_only_key_tree(L"SOFTWARE\\fwsvc-test-absent"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(administrators_only_is_accepted),
        cmocka_unit_test(each_right_that_changes_an_object_is_refused),
        cmocka_unit_test(anyone_else_who_can_write_is_named),
        cmocka_unit_test(a_read_right_is_not_a_write_right),
        cmocka_unit_test(deny_entries_are_not_credited),
        cmocka_unit_test(the_volume_root_passes_as_an_ancestor_only),
        cmocka_unit_test(entries_not_understood_fail_closed),
        cmocka_unit_test(a_real_folder_everyone_can_change_is_refused),
        cmocka_unit_test(a_subkey_anyone_can_change_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
