/*
 * Time for the portable kernel: the platform counter in timebase ticks, and
 * the per-CPU timer queues that IPC timeouts, time slices and timer Irqs
 * share. A timer is armed on the CPU that arms it and fires there (under
 * the kernel lock, like everything that touches a queue).
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* A pending expiry. Embedded in its owner; the owner keeps it alive while armed. */
struct timer {
	uint64_t deadline;             /* absolute, in timebase ticks */
	void (*fn)(struct timer *t);   /* called from the timer interrupt */
	struct timer *next;
	struct cpu *cpu;               /* whose queue it is in, while armed */
	bool armed;
};

/* Remember the counter frequency from the device tree. */
void clock_init(uint64_t timebase_hz);
uint64_t clock_timebase_hz(void);

/* Conversions that neither overflow nor lose precision for realistic values. */
uint64_t clock_ticks_from_us(uint64_t us);
uint64_t clock_us_from_ticks(uint64_t ticks);
uint64_t clock_ticks_from_ns(uint64_t ns);

/* Arm t at `deadline` on this CPU (re-arming moves it). fn runs once, with interrupts off. */
void timer_arm(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t));
/* Disarm t if it is armed; safe to call on an unarmed timer. */
void timer_cancel(struct timer *t);

/* Number of timer interrupts this CPU took so far. */
uint64_t clock_interrupt_count(void);

/* Entry from the architecture's timer interrupt: run every expired timer. */
void clock_interrupt(void);

/* Load this CPU's compare register from its queue again (timers moved here). */
void clock_reprogram(void);

/* Move every timer armed on `from` (going offline) to `to`'s queue. */
void clock_move_timers(struct cpu *from, struct cpu *to);

#endif
