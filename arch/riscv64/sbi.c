/* SBI calls (see arch/sbi.h). */
#include <arch/sbi.h>

#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_TIME_SET_TIMER 0
#define SBI_SRST_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_REASON_NONE 0
#define SBI_EXT_LEGACY_SHUTDOWN 0x08

struct sbi_ret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbi_ret){ .error = (long)r0, .value = (long)r1 };
}

bool sbi_has_extension(unsigned long ext)
{
	struct sbi_ret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0, 0);

	return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_console_putchar(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0, 0);
}

void sbi_set_timer(uint64_t time)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, time, 0, 0, 0);
}

static void sbi_reset(unsigned long type)
{
	if (sbi_has_extension(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, type, SBI_SRST_REASON_NONE, 0, 0);
}

noreturn_fn void sbi_shutdown(void)
{
	sbi_reset(SBI_SRST_TYPE_SHUTDOWN);
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void sbi_reboot(void)
{
	sbi_reset(SBI_SRST_TYPE_COLD_REBOOT);
}

#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_STATUS 2
#define SBI_IPI_SEND 0

bool sbi_hart_start(uint64_t hart, uint64_t start, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hart, start, opaque, 0).error ==
	       SBI_SUCCESS;
}

noreturn_fn void sbi_hart_stop(void)
{
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0);
	for (;;) /* the firmware does not return from a successful stop */
		__asm__ volatile("wfi");
}

long sbi_hart_status(uint64_t hart)
{
	struct sbi_ret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STATUS, hart, 0, 0, 0);

	return r.error == SBI_SUCCESS ? r.value : -1;
}

/* Hart masks are a bitmap relative to a base (§3.1): base = the hart, mask = bit 0. */
void sbi_send_ipi(uint64_t hart)
{
	sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, 1, hart, 0, 0);
}
