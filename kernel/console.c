/* Kernel console output on top of the architecture's console device. */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fmt.h>

static void console_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(console_put, 0, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

noreturn_fn void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_disable();
	kprintf("\npanic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_halt();
}
