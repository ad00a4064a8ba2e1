/* Kernel console output: formatted printing, panics. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/compiler.h>
#include <stdarg.h>

/* Print to the console ("\n" becomes CR LF). */
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);

/* Print "panic: <message>" and stop this hart. */
__attribute__((format(printf, 1, 2))) noreturn_fn void panic(const char *fmt, ...);

/* Always-on check for invariants that protect isolation or memory safety. */
#define check(cond)                                                              \
	do {                                                                     \
		if (unlikely(!(cond)))                                           \
			panic("check failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
