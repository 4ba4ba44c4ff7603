/* Entry point of the emulator's fwpuclnt.dll. It is a test double that
 * answers like the Base Filtering Engine while enforcing nothing: on real
 * Windows, a copy in the wrong folder would have a firewall tool report
 * "in sync" over an unprotected host. So it refuses to load anywhere but
 * under Wine, and says so (docs/wfp-emulator.md). */
#include "emu.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason != DLL_PROCESS_ATTACH)
        return TRUE;
    if (!emu_running_under_wine()) {
        OutputDebugStringA("fwpuclnt.dll (the fwsvc WFP emulator): refusing to load outside Wine; this is a test "
                           "double that enforces nothing. Remove it and use Windows' own fwpuclnt.dll.\n");
        SetLastError(ERROR_DLL_INIT_FAILED);
        return FALSE; /* LoadLibrary fails: ERROR_DLL_INIT_FAILED */
    }
    emu_api_init();
    return TRUE;
}
