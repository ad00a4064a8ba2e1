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

VTEST(sched_info_and_idle_time)
{
	unsigned ncpus, here;
	uint64_t hz, online, idle0, idle1;

	EXPECT_ST(vireo_sched_info(VIREO_SEL_SCHEDULER, &ncpus, &hz, &online), VIREO_OK);
	EXPECT(ncpus == (unsigned)vireo_boot_info->ncpus && hz == vireo_boot_info->timebase_hz);
	EXPECT(online == (1UL << ncpus) - 1); /* every hart came up */
	EXPECT_ST(vireo_sched_this_cpu(VIREO_SEL_SCHEDULER, &here), VIREO_OK);
	EXPECT(here == 0); /* threads start on CPU 0 */
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, 0, &idle0), VIREO_OK);
	vt_sleep_us(5000); /* nothing else runs: the hart idles */
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, 0, &idle1), VIREO_OK);
	EXPECT(idle1 - idle0 >= hz * 4 / 1000);
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, ncpus, &idle1), VIREO_E_ARG);
	return true;
}

VTEST(sched_run_thread_sets_priority_and_checks_arguments)
{
	static struct spinner lo;
	vireo_cap_t t;

	lo = (struct spinner){ 0 };
	EXPECT(vt_thread_at(&t, spin, &lo, VT_PRIORITY - 1));
	vt_sleep_us(2000);
	EXPECT(lo.count > 0); /* it ran while we slept */
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, (unsigned)vireo_boot_info->ncpus, 5, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, 0, 256, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, 0, 5, 2000000), VIREO_E_ARG);
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, VIREO_SEL_TASK, 0, 5, 0), VIREO_E_ARG);
	/*
	 * Raised above us it runs at once, sees the stop flag and ends (deleting
	 * itself) before this thread gets the CPU back.
	 */
	lo.stop = 1;
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, 0, VT_PRIORITY + 1, 1000),
		  VIREO_OK);
	{
		unsigned kind, rights;

		EXPECT_ST(vireo_kobject_info(t, &kind, &rights), VIREO_E_CAP);
	}
	return true;
}

VTEST(platform_control_needs_write)
{
	vireo_cap_t ro = vt_sel();

	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK,
				 vireo_fpage_cap(VIREO_SEL_PLATFORM, 0, VIREO_CAP_READ), ro),
		  VIREO_OK);
	EXPECT_ST(vireo_platform_op(ro, VIREO_PLATFORM_POWEROFF), VIREO_E_RIGHTS);
	EXPECT_ST(vireo_platform_op(VIREO_SEL_PLATFORM, 77), VIREO_E_OP);
	return true;
}

struct ping {
	vireo_cap_t self;
	volatile unsigned *log;
	volatile unsigned *n;
	unsigned id;
};

static void yielder(void *arg)
{
	struct ping *p = arg;

	for (int i = 0; i < 3; i++) {
		p->log[(*p->n)++] = p->id;
		vireo_thread_yield(p->self);
	}
}

VTEST(sched_yield_alternates_equals)
{
	static volatile unsigned log[16], n;
	static struct ping a, b;
	vireo_cap_t ta, tb;
	static const unsigned want[6] = { 1, 2, 1, 2, 1, 2 };

	n = 0;
	a = (struct ping){ 0, log, &n, 1 };
	b = (struct ping){ 0, log, &n, 2 };
	/* Below us: they start only when we sleep, then share the CPU by yielding. */
	EXPECT(vt_thread_at(&ta, yielder, &a, VT_PRIORITY - 1));
	EXPECT(vt_thread_at(&tb, yielder, &b, VT_PRIORITY - 1));
	a.self = ta;
	b.self = tb;
	vt_sleep_us(2000);
	EXPECT(n == 6);
	for (unsigned i = 0; i < 6; i++)
		EXPECT(log[i] == want[i]);
	EXPECT_ST(vireo_thread_yield(VIREO_SEL_THREAD), VIREO_OK); /* nobody equal: returns */
	EXPECT_ST(vireo_thread_yield(VIREO_SEL_FACTORY), VIREO_E_PROTOCOL);
	return true;
}
