/* Scheduling: round robin among equals, priorities, idle time. */
#include "vtest.h"

struct spinner {
	volatile uint64_t count;
	volatile int stop;
};

static void spin(void *arg)
{
	struct spinner *s = arg;

	while (!s->stop)
		s->count++;
}

VTEST(sched_round_robin_shares_the_cpu_among_equals)
{
	static struct spinner a, b;
	vireo_cap_t ta, tb;

	a = (struct spinner){ 0 };
	b = (struct spinner){ 0 };
	EXPECT(vt_thread(&ta, spin, &a));
	EXPECT(vt_thread(&tb, spin, &b));
	vt_sleep_us(60000); /* several 10 ms slices */
	a.stop = b.stop = 1;
	vt_sleep_us(30000);
	EXPECT(a.count > 0 && b.count > 0);
	/* Neither may have had (nearly) all of it. */
	EXPECT(a.count > b.count / 8 && b.count > a.count / 8);
	return true;
}

VTEST(sched_higher_priority_spinner_starves_lower)
{
	static struct spinner hi, lo;
	vireo_cap_t th, tl;

	hi = (struct spinner){ 0 };
	lo = (struct spinner){ 0 };
	EXPECT(vt_thread_at(&tl, spin, &lo, VT_PRIORITY - 5));
	EXPECT(vt_thread_at(&th, spin, &hi, VT_PRIORITY - 1));
	vt_sleep_us(30000);
	EXPECT(hi.count > 0 && lo.count == 0);
	hi.stop = 1;
	vt_sleep_us(20000); /* now the low one runs */
	EXPECT(lo.count > 0);
	lo.stop = 1;
	vt_sleep_us(20000);
	return true;
}
