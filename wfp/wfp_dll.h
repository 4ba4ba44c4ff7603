/* fwsvc loads fwpuclnt.dll itself, from System32 only. It is no KnownDLL,
 * so a static import would be found in the executable's folder first: a
 * DLL planted beside fwsvc.exe would then run as SYSTEM and decide what
 * "WFP" says (docs/security.md). fwsvc.exe imports nothing from it; the
 * Fwpm* functions it calls are defined in wfp_dll.c, each forwarding to
 * the System32 DLL's export, loaded on first use with
 * LoadLibraryExW(LOAD_LIBRARY_SEARCH_SYSTEM32). When it cannot be loaded,
 * every call fails with the loader's error, which is reported like any WFP
 * error (fw_wfp_dll_problem says why). Windows only. */
#ifndef FW_WFP_DLL_H
#define FW_WFP_DLL_H

#include <winsock2.h>
#include <windows.h>

/* NULL while fwpuclnt.dll loads from System32; else why not (static text,
 * "fwpuclnt.dll cannot be loaded from C:\Windows\system32 (error 126)"). */
const char *fw_wfp_dll_problem(void);

#endif
