#include "fw_win32_text.h"

#include "fw_alloc.h"

#include <windows.h>

wchar_t *fw_utf8_to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0)
        return fw_xcalloc(1, sizeof(wchar_t));
    wchar_t *w = fw_xmalloc((size_t)n * sizeof(wchar_t));
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

char *fw_wide_to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return fw_xstrdup("");
    char *s = fw_xmalloc((size_t)n);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

char *fw_win32_error_text(const char *what, unsigned long code)
{
    wchar_t *msg = NULL;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                 FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, (DWORD)code, 0, (LPWSTR)&msg, 0, NULL);
    char *text;
    if (n == 0 || !msg) {
        text = fw_xasprintf("%s: error %lu", what, code);
    } else {
        while (n > 0 && (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.'))
            msg[--n] = L'\0';
        char *utf8 = fw_wide_to_utf8(msg);
        text = fw_xasprintf("%s: %s (error %lu)", what, utf8, code);
        free(utf8);
    }
    if (msg)
        LocalFree(msg);
    return text;
}
