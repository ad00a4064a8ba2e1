/*
 * Time and the timer queue (see kernel/clock.h). The queue is a list sorted
 * by deadline; the hardware compare register always holds the head's
 * deadline, or nothing when the queue is empty.
 */
#include <kernel/arch.h>
#include <kernel/clock.h>

static uint64_t timebase_hz;
static uint64_t interrupts;
static struct timer *queue;

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
 * in 64 bits, which holds for any timebase below 18 GHz.
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

uint64_t clock_ticks_from_ns(uint64_t ns)
{
	return scale(ns, timebase_hz, 1000000000);
}

static void program_hardware(void)
{
	if (queue)
		arch_timer_arm(queue->deadline);
	else
		arch_timer_disarm();
}

static void unlink(struct timer *t)
{
	for (struct timer **p = &queue; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->armed = false;
}

void timer_arm(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t))
{
	struct timer **p = &queue;

	if (t->armed)
		unlink(t);
	t->deadline = deadline;
	t->fn = fn;
	while (*p && (*p)->deadline <= deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->armed = true;
	if (queue == t)
		program_hardware();
}

void timer_cancel(struct timer *t)
{
	bool was_head = queue == t;

	if (!t->armed)
		return;
	unlink(t);
	if (was_head)
		program_hardware();
}

uint64_t clock_interrupt_count(void)
{
	return interrupts;
}

void clock_interrupt(void)
{
	uint64_t now = arch_time_now();

	interrupts++;
	while (queue && queue->deadline <= now) {
		struct timer *t = queue;

		queue = t->next;
		t->armed = false;
		t->fn(t);
	}
	program_hardware();
}
