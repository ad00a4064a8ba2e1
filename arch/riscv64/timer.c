/*
 * Timer interrupts. With Sstc the kernel writes stimecmp itself (one CSR
 * write, no firmware call); without it every arming is an SBI call. The
 * pending bit clears when the compare value moves past the current time.
 */
#include <arch/csr.h>
#include <arch/percpu.h>
#include <arch/sbi.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cpu.h>

#define DOZE_US 10

bool arch_timer_sstc;

void timer_init(bool dt_has_sstc)
{
	uint64_t ignored;

	arch_timer_sstc = dt_has_sstc && arch_probe_stimecmp(&ignored);
	timer_hart_init();
}

void timer_hart_init(void)
{
	arch_timer_disarm();
	csr_set(sie, SIE_STIE);
}

const char *arch_timer_kind(void)
{
	return arch_timer_sstc ? "sstc" : "sbi";
}

uint64_t arch_time_now(void)
{
	return csr_read(time);
}

static void set_compare(uint64_t deadline)
{
	if (arch_timer_sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

void arch_timer_arm(uint64_t deadline)
{
	cpu_this()->arch.timer_deadline = deadline;
	set_compare(deadline);
}

/*
 * A short wfi with the timer as alarm clock, then the compare register as
 * it was. Needs no lock: only this hart touches its compare register. On
 * an emulator that runs all harts in turn on one host thread (QEMU with
 * -icount), wfi is what lets the others run, instead of burning virtual
 * time in a spin loop.
 */
void arch_doze(void)
{
	uint64_t deadline = cpu_this()->arch.timer_deadline;
	uint64_t soon = arch_time_now() + clock_ticks_from_us(DOZE_US);

	if (soon < deadline)
		set_compare(soon);
	__asm__ volatile("wfi" ::: "memory");
	set_compare(deadline);
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
