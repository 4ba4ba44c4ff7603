/* The write-access check on constructed security descriptors (SDDL), and
 * on what Wine reports for real objects. Windows build (under Wine). */
#include <winsock2.h>
#include <windows.h>
#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "admin_only.h"

static char *verdict(const wchar_t *sddl, bool key)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL));
    char *problem = fw_who_else_can_write(sd, key);
    LocalFree(sd);
    return problem;
}

static void expect_ok(const wchar_t *sddl, bool key)
{
    char *problem = verdict(sddl, key);
    if (problem)
        fail_msg("%ls: refused: %s", sddl, problem);
}

static void expect_refused(const wchar_t *sddl, bool key, const char *naming)
{
    char *problem = verdict(sddl, key);
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
    expect_ok(L"O:BAD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)(A;;0x1200a9;;;WD)", false);
    /* Users may not change what they do not own: an inherit-only grant applies to children only. */
    expect_ok(L"O:BAD:(A;;FA;;;BA)(A;CIOIIO;GA;;;CO)", false);
    expect_ok(L"O:BAD:(A;;KA;;;BA)(A;CIIO;GR;;;BU)", true);
}

static void anyone_else_who_can_write_is_named(void **state)
{
    (void)state;
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;0x2;;;BU)", false, "S-1-5-32-545");  /* Users: write data */
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;0x40000;;;AU)", false, "S-1-5-11"); /* Authenticated Users: WRITE_DAC */
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;GA;;;WD)", false, "S-1-1-0");       /* Everyone: all */
    expect_refused(L"O:BAD:(A;;KA;;;BA)(A;;0x2;;;BU)", true, "S-1-5-32-545");  /* a key: KEY_SET_VALUE */
    expect_refused(L"O:BUD:(A;;FA;;;BA)", false, "owned by S-1-5-32-545");
    /* A NULL DACL (everyone may do anything), built by hand. */
    SECURITY_DESCRIPTOR null_dacl;
    BYTE admins[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof admins;
    assert_true(InitializeSecurityDescriptor(&null_dacl, SECURITY_DESCRIPTOR_REVISION));
    assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size));
    assert_true(SetSecurityDescriptorOwner(&null_dacl, admins, FALSE));
    assert_true(SetSecurityDescriptorDacl(&null_dacl, TRUE, NULL, FALSE));
    char *problem = fw_who_else_can_write(&null_dacl, false);
    assert_non_null(problem);
    assert_non_null(strstr(problem, "no DACL"));
    free(problem);
}

static void a_read_right_is_not_a_write_right(void **state)
{
    (void)state;
    expect_ok(L"O:BAD:(A;;FA;;;BA)(A;;FR;;;BU)", false);
    expect_ok(L"O:BAD:(A;;KA;;;BA)(A;;KR;;;BU)", true);
    expect_refused(L"O:BAD:(A;;FA;;;BA)(A;;FW;;;BU)", false, "S-1-5-32-545");
}

/* What Wine reports: HKLM\SOFTWARE (admins only) passes. */
static void wine_objects(void **state)
{
    (void)state;
    char *problem = fw_admin_only_key(L"SOFTWARE");
    if (problem)
        fail_msg("HKLM\\SOFTWARE refused: %s", problem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(administrators_only_is_accepted),
        cmocka_unit_test(anyone_else_who_can_write_is_named),
        cmocka_unit_test(a_read_right_is_not_a_write_right),
        cmocka_unit_test(wine_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
