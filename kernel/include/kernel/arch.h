/*
 * What the portable kernel needs from the architecture. Each architecture
 * implements these under arch/<arch>/.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* Physical to kernel virtual through the direct map (RAM below its limit). */
vaddr_t phys_to_virt(paddr_t p);
/* Kernel virtual (direct map or image) back to physical. */
paddr_t virt_to_phys(vaddr_t v);

/* Write one byte to the console device (polling). */
void arch_console_putc(char c);
/* Read one byte from the console if one is waiting; -1 otherwise. */
int arch_console_getc(void);

/* This hart's id. */
hartid_t arch_hart_this(void);

/* Stop this hart for good with interrupts off. */
noreturn_fn void arch_halt(void);
/* Power the machine off. */
noreturn_fn void arch_poweroff(void);
/* Reboot the machine; returns false if the firmware refuses. */
bool arch_reboot(void);

/* The free-running platform time counter, in ticks of the timebase. */
uint64_t arch_time_now(void);
/* Request a timer interrupt at absolute time `deadline` (replaces the last). */
void arch_timer_arm(uint64_t deadline);
/* Cancel a requested timer interrupt. */
void arch_timer_disarm(void);
/* Name of the timer mechanism in use ("sstc" or "sbi"). */
const char *arch_timer_kind(void);

/* Interrupts on this hart: enable, disable. */
void arch_irq_enable(void);
void arch_irq_disable(void);

/*
 * With interrupts disabled: sleep until an interrupt is pending, take it
 * (and any other pending one), and return with interrupts disabled again.
 * Callers test their wake-up condition before each call, so an interrupt
 * that arrives between the test and the sleep is not lost: it is pending,
 * and the sleep ends at once.
 */
void arch_idle(void);

/* Sleep until an interrupt is pending (interrupts disabled; it stays pending). */
void arch_wfi(void);

/*
 * Wait a little (about 10 µs, or less) for another hart, with interrupts
 * disabled and no lock needed: for wait loops that would otherwise spin.
 */
void arch_doze(void);

#endif
