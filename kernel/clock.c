/* Time and the single per-hart alarm (see kernel/clock.h). */
#include <kernel/arch.h>
#include <kernel/clock.h>

static uint64_t timebase_hz;
static uint64_t interrupts;
static void (*alarm_fn)(void *arg);
static void *alarm_arg;

void clock_init(uint64_t hz)
{
	timebase_hz = hz;
}

uint64_t clock_timebase_hz(void)
{
	return timebase_hz;
}

/*
 * a * b / c without a 128-bit product: split a at c. Exact while b * c fits
 * in 64 bits, which holds for any timebase below 18 THz.
 */
static uint64_t scale(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

uint64_t clock_ticks_from_us(uint64_t us)
{
	return scale(us, timebase_hz, 1000000);
}

uint64_t clock_us_from_ticks(uint64_t ticks)
{
	return scale(ticks, 1000000, timebase_hz);
}

void clock_set_alarm(uint64_t deadline, void (*fn)(void *arg), void *arg)
{
	alarm_fn = fn;
	alarm_arg = arg;
	arch_timer_arm(deadline);
}

void clock_cancel_alarm(void)
{
	arch_timer_disarm();
	alarm_fn = 0;
}

uint64_t clock_interrupt_count(void)
{
	return interrupts;
}

void clock_interrupt(void)
{
	void (*fn)(void *) = alarm_fn;

	interrupts++;
	alarm_fn = 0;
	if (fn)
		fn(alarm_arg);
}
