/* Portable in-kernel self-tests: the page allocator on real RAM, the timer. */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/kmain.h>
#include <kernel/ktest.h>
#include <kernel/pages.h>

#define PATTERN 0x5a5aa5a55a5aa5a5UL

static bool overlaps(paddr_t p, uint64_t size, struct pa_range r)
{
	return pa_val(p) < pa_val(r.base) + r.size && pa_val(r.base) < pa_val(p) + size;
}

static bool inside_ram(paddr_t p)
{
	const struct boot_info *bi = kernel_boot_info;

	for (size_t i = 0; i < bi->nmemory; i++)
		if (!pa_lt(p, bi->memory[i].base) && pa_lt(p, pa_range_end(bi->memory[i])))
			return true;
	return false;
}

static bool in_any_reserved(paddr_t p)
{
	const struct boot_info *bi = kernel_boot_info;

	for (size_t i = 0; i < bi->nreserved; i++)
		if (overlaps(p, PAGE_SIZE, bi->reserved[i]))
			return true;
	return bi->has_initrd && overlaps(p, PAGE_SIZE, bi->initrd);
}

/*
 * Take every free page, check it is plain RAM that nobody else owns and that
 * it holds what was written, then give them all back: the free count must
 * return exactly. The taken pages are chained through their own first word.
 */
KTEST(pages_take_all_and_return)
{
	uint64_t before = pages_free_count(), taken = 0;
	paddr_t head = pa(0), p;

	KTEST_EXPECT(before > 0);
	while (pages_alloc(0, &p)) {
		uint64_t *words = va_ptr(phys_to_virt(p));

		KTEST_EXPECT(inside_ram(p) && !in_any_reserved(p));
		words[0] = pa_val(head);
		words[1] = PATTERN ^ pa_val(p);
		head = p;
		taken++;
	}
	KTEST_EXPECT(taken == before && pages_free_count() == 0);
	while (pa_val(head)) {
		uint64_t *words = va_ptr(phys_to_virt(head));
		paddr_t next = pa(words[0]);

		KTEST_EXPECT(words[1] == (PATTERN ^ pa_val(head)));
		pages_free(head, 0);
		head = next;
	}
	KTEST_EXPECT(pages_free_count() == before);
	return true;
}

KTEST(pages_orders_aligned)
{
	uint64_t before = pages_free_count();

	for (unsigned order = 0; order <= 10; order++) {
		paddr_t p;

		KTEST_EXPECT(pages_alloc(order, &p));
		KTEST_EXPECT(IS_ALIGNED(pa_val(p), PAGE_SIZE << order));
		pages_free(p, order);
	}
	KTEST_EXPECT(pages_free_count() == before);
	return true;
}

struct alarm_probe {
	struct timer timer;
	volatile unsigned fired;
	uint64_t at;
};

static void alarm_record(struct timer *t)
{
	struct alarm_probe *probe = (struct alarm_probe *)t;

	probe->fired++;
	probe->at = arch_time_now();
}

static void guard_expired(struct timer *t)
{
	(void)t;
}

/*
 * Take interrupts until *counter reaches count or `limit` ticks pass (a
 * guard timer makes sure an interrupt comes by then, so a lost alarm fails
 * the test instead of hanging it).
 */
static void wait_for_count(volatile unsigned *counter, unsigned count, uint64_t limit)
{
	uint64_t give_up = arch_time_now() + limit;
	struct timer guard = { 0 };

	timer_arm(&guard, give_up, guard_expired);
	while (*counter < count && arch_time_now() < give_up)
		arch_idle();
	timer_cancel(&guard);
}

static void wait_for_alarm(struct alarm_probe *probe, unsigned count, uint64_t limit)
{
	wait_for_count(&probe->fired, count, limit);
}

KTEST(timer_oneshot_fires_after_deadline)
{
	struct alarm_probe probe = { 0 };
	uint64_t deadline = arch_time_now() + clock_ticks_from_us(2000);

	timer_arm(&probe.timer, deadline, alarm_record);
	wait_for_alarm(&probe, 1, clock_ticks_from_us(1000000));
	timer_cancel(&probe.timer);
	KTEST_EXPECT(probe.fired == 1);
	KTEST_EXPECT(probe.at >= deadline);
	return true;
}

KTEST(timer_cancel_prevents_interrupt)
{
	struct alarm_probe probe = { 0 };
	uint64_t start = clock_interrupt_count();

	timer_arm(&probe.timer, arch_time_now() + clock_ticks_from_us(1000), alarm_record);
	timer_cancel(&probe.timer);
	arch_irq_enable();
	for (uint64_t end = arch_time_now() + clock_ticks_from_us(5000); arch_time_now() < end;)
		;
	arch_irq_disable();
	KTEST_EXPECT(probe.fired == 0 && clock_interrupt_count() == start);
	return true;
}

/* Three timers armed out of order fire in deadline order. */
static unsigned order_seen[3];
static volatile unsigned order_count;

static void record_order(struct timer *t);

static struct timer order_timers[3];

static void record_order(struct timer *t)
{
	order_seen[order_count++] = (unsigned)(t - order_timers);
}

KTEST(timer_queue_fires_in_deadline_order)
{
	uint64_t now = arch_time_now(), step = clock_ticks_from_us(500);
	uint64_t give_up = now + clock_ticks_from_us(1000000);

	order_count = 0;
	timer_arm(&order_timers[0], now + 3 * step, record_order);
	timer_arm(&order_timers[1], now + 1 * step, record_order);
	timer_arm(&order_timers[2], now + 2 * step, record_order);
	wait_for_count(&order_count, 3, give_up - now);
	KTEST_EXPECT(order_count == 3);
	KTEST_EXPECT(order_seen[0] == 1 && order_seen[1] == 2 && order_seen[2] == 0);
	return true;
}

KTEST(timer_past_deadline_fires_at_once)
{
	struct alarm_probe probe = { 0 };

	timer_arm(&probe.timer, arch_time_now() - 1, alarm_record);
	wait_for_alarm(&probe, 1, clock_ticks_from_us(100000));
	timer_cancel(&probe.timer);
	KTEST_EXPECT(probe.fired == 1);
	return true;
}
