/*
 * Time for the portable kernel: the platform counter in timebase ticks, and
 * the per-CPU timer queue that IPC timeouts, the idle loop and (later) timer
 * Irqs share. One hart for now; the queue becomes per-CPU with SMP (#4).
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* A pending expiry. Embedded in its owner; the owner keeps it alive while armed. */
struct timer {
	uint64_t deadline;             /* absolute, in timebase ticks */
	void (*fn)(struct timer *t);   /* called from the timer interrupt */
	struct timer *next;
	bool armed;
};

/* Remember the counter frequency from the device tree. */
void clock_init(uint64_t timebase_hz);
uint64_t clock_timebase_hz(void);

/* Conversions that neither overflow nor lose precision for realistic values. */
uint64_t clock_ticks_from_us(uint64_t us);
uint64_t clock_us_from_ticks(uint64_t ticks);
uint64_t clock_ticks_from_ns(uint64_t ns);

/* Arm t at `deadline` (re-arming moves it). fn runs once, with interrupts off. */
void timer_arm(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t));
/* Disarm t if it is armed; safe to call on an unarmed timer. */
void timer_cancel(struct timer *t);

/* Number of timer interrupts taken so far. */
uint64_t clock_interrupt_count(void);

/* Entry from the architecture's timer interrupt: run every expired timer. */
void clock_interrupt(void);

#endif
