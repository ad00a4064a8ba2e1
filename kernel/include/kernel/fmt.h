/*
 * printf-style formatting for the kernel, into a character sink or a buffer.
 *
 * Supported: %% %c %s %d %i %u %x %X %o %p; length modifiers hh h l ll z j t;
 * flags - 0 + space #; field width and precision, either of them '*'. The
 * output matches C99 printf for these, with two deliberate differences:
 * %s of NULL prints "(null)" (cut by the precision), and %p prints "0x"
 * and lowercase hex for every pointer, NULL included ("0x0"). There is no
 * floating point, no %n. An unknown conversion is printed verbatim, flags
 * and all, so a bad format string shows up in the output instead of
 * consuming arguments.
 */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format fmt with ap, passing each output character to put(ctx, c).
 * Returns the number of characters passed to put.
 */
size_t fmt_vformat(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

/*
 * Format into buf[size], always NUL-terminated when size > 0. Returns the
 * length the whole output would have (excluding the NUL), as C99 vsnprintf.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* As fmt_vsnprintf, with the arguments inline. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
