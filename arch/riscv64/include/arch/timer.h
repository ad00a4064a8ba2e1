/* The supervisor timer: Sstc's stimecmp when available, SBI otherwise. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdbool.h>

/* Choose the mechanism: Sstc only when the device tree names it and the CSR is accessible. */
void timer_init(bool dt_has_sstc);

/* Whether the harts have Sstc (then guests have vstimecmp too); set once by timer_init. */
extern bool arch_timer_sstc;

static inline bool arch_timer_has_sstc(void)
{
	return arch_timer_sstc;
}

/* A secondary hart: the same mechanism, nothing armed, its interrupt enabled. */
void timer_hart_init(void);

/* Timer interrupt: silence it and tell the portable clock. */
void timer_interrupt(void);

#endif
