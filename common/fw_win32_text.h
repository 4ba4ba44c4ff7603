/* UTF-8 <-> UTF-16 and Win32 error text. Windows only. */
#ifndef FW_WIN32_TEXT_H
#define FW_WIN32_TEXT_H

#include <wchar.h>

wchar_t *fw_utf8_to_wide(const char *s);
char *fw_wide_to_utf8(const wchar_t *w);

/* "<what>: <system message> (error N)". */
char *fw_win32_error_text(const char *what, unsigned long code);

#endif
