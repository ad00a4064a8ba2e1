/*
 * Timer interrupts. With Sstc the kernel writes stimecmp itself (one CSR
 * write, no firmware call); without it every arming is an SBI call. The
 * pending bit clears when the compare value moves past the current time.
 */
#include <arch/csr.h>
#include <arch/sbi.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/clock.h>

static bool use_sstc;

void timer_init(bool dt_has_sstc)
{
	uint64_t ignored;

	use_sstc = dt_has_sstc && arch_probe_stimecmp(&ignored);
	arch_timer_disarm();
	csr_set(sie, SIE_STIE);
}

const char *arch_timer_kind(void)
{
	return use_sstc ? "sstc" : "sbi";
}

uint64_t arch_time_now(void)
{
	return csr_read(time);
}

void arch_timer_arm(uint64_t deadline)
{
	if (use_sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

void arch_timer_disarm(void)
{
	arch_timer_arm(UINT64_MAX);
}

void timer_interrupt(void)
{
	arch_timer_disarm();
	clock_interrupt();
}
