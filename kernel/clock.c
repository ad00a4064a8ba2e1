/*
 * Time and the timer queues (see kernel/clock.h). Each CPU's queue is a list
 * sorted by deadline; its hart's compare register holds the head's deadline,
 * or nothing when the queue is empty. A timer cancelled from another hart
 * may leave that compare register early: the interrupt then finds nothing
 * due and loads the next deadline.
 */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cpu.h>

static uint64_t timebase_hz;

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

/* This hart's compare register from its own queue. */
static void program_hardware(const struct cpu *c)
{
	if (c->timers)
		arch_timer_arm(c->timers->deadline);
	else
		arch_timer_disarm();
}

void clock_reprogram(void)
{
	program_hardware(cpu_this());
}

static void unlink(struct timer *t)
{
	for (struct timer **p = &t->cpu->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->armed = false;
}

static void insert(struct cpu *c, struct timer *t)
{
	struct timer **p = &c->timers;

	while (*p && (*p)->deadline <= t->deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->cpu = c;
	t->armed = true;
}

void timer_arm(struct timer *t, uint64_t deadline, void (*fn)(struct timer *t))
{
	struct cpu *c = cpu_this();

	if (t->armed)
		unlink(t);
	t->deadline = deadline;
	t->fn = fn;
	insert(c, t);
	if (c->timers == t)
		program_hardware(c);
}

void timer_cancel(struct timer *t)
{
	struct cpu *c = t->cpu;
	bool was_head;

	if (!t->armed)
		return;
	was_head = c->timers == t;
	unlink(t);
	if (was_head && c == cpu_this())
		program_hardware(c);
}

void clock_move_timers(struct cpu *from, struct cpu *to)
{
	while (from->timers) {
		struct timer *t = from->timers;

		from->timers = t->next;
		insert(to, t);
	}
}

uint64_t clock_interrupt_count(void)
{
	return cpu_this()->timer_interrupts;
}

void clock_interrupt(void)
{
	struct cpu *c = cpu_this();
	uint64_t now = arch_time_now();

	c->timer_interrupts++;
	while (c->timers && c->timers->deadline <= now) {
		struct timer *t = c->timers;

		c->timers = t->next;
		t->armed = false;
		t->fn(t);
	}
	program_hardware(c);
}
