/* What the bare test guests share: SBI calls and whole-line console output. */
#ifndef BAREGUEST_BARE_H
#define BAREGUEST_BARE_H

#include <stdint.h>

struct sbiret {
	long error, value;
};

static inline struct sbiret sbi(long eid, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid, r7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

/*
 * n bytes to the console in one call (DBCN console_write), so another VM's
 * output does not split them; where the SBI has no DBCN (KVM keeps it to
 * itself), byte by byte through the legacy putchar.
 */
static inline void console_write(const char *s, unsigned long n)
{
	if (sbi(0x4442434e, 0, (long)n, (long)(uintptr_t)s, 0).error != 0)
		for (unsigned long i = 0; i < n; i++)
			sbi(0x01, 0, s[i], 0, 0);
}

#endif
