/* Compiler portability. On mingw, fwsvc uses mingw's C99 printf
 * (__USE_MINGW_ANSI_STDIO, set by CMake) so %zu and %lld work; format
 * checking must then use gnu_printf rather than the MSVCRT flavour. */
#ifndef FW_COMPILER_H
#define FW_COMPILER_H

#if defined(__MINGW32__)
#define FW_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
#define FW_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FW_PRINTF(fmt, args)
#endif

#endif
