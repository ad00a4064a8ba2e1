/*
 * Time for the portable kernel: the platform counter in timebase ticks, and
 * one alarm per hart. (The per-CPU timer queue that IPC timeouts and timer
 * Irqs share comes with the scheduler work, issue #4.)
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdint.h>

/* Remember the counter frequency from the device tree. */
void clock_init(uint64_t timebase_hz);
uint64_t clock_timebase_hz(void);

/* Conversions that neither overflow nor lose precision for realistic values. */
uint64_t clock_ticks_from_us(uint64_t us);
uint64_t clock_us_from_ticks(uint64_t ticks);

/* Call fn(arg) from the timer interrupt at absolute time `deadline` (ticks). */
void clock_set_alarm(uint64_t deadline, void (*fn)(void *arg), void *arg);
void clock_cancel_alarm(void);

/* Number of timer interrupts taken so far. */
uint64_t clock_interrupt_count(void);

/* Entry from the architecture's timer interrupt. */
void clock_interrupt(void);

#endif
