/*
 * The FPU: every thread has FP registers of its own (f0..f31 and fcsr),
 * kept across switches, preemption and migration to another hart.
 */
#include "../common/fpregs.h"
#include "vtest.h"

#define FP_ROUNDS 200

struct fp_thread {
	vireo_cap_t self;
	uint64_t seed;
	volatile unsigned errors, rounds;
	volatile int done, stop;
	int yield; /* yield each round (else: spin, and get preempted or moved) */
};

static void fp_worker(void *arg)
{
	struct fp_thread *f = arg;

	fp_set(f->seed);
	while (f->rounds < FP_ROUNDS || (!f->yield && !f->stop)) {
		if (f->yield)
			vireo_thread_yield(f->self);
		else
			for (volatile unsigned i = 0; i < 2000; i++)
				;
		if (!fp_check(f->seed))
			f->errors++;
		f->rounds++;
	}
	f->done = 1;
}

VTEST(fpu_registers_are_each_threads_own)
{
	static struct fp_thread a, b;

	a = (struct fp_thread){ .seed = 11, .yield = 1 };
	b = (struct fp_thread){ .seed = 23, .yield = 1 };
	/* Below this thread, one CPU: they run in turn while it sleeps, switching on every yield. */
	EXPECT(vt_thread_at(&a.self, fp_worker, &a, VT_PRIORITY - 1));
	EXPECT(vt_thread_at(&b.self, fp_worker, &b, VT_PRIORITY - 1));
	EXPECT(VT_WAIT_UNTIL(a.done && b.done, 2000));
	EXPECT(a.errors == 0 && b.errors == 0);
	/* This thread's own FP registers are its own too. */
	fp_set(5);
	vt_sleep_us(100);
	EXPECT(fp_check(5));
	return true;
}

VTEST(fpu_registers_survive_preemption_and_migration)
{
	static struct fp_thread a, b;
	unsigned last = (unsigned)vireo_boot_info->ncpus - 1;

	a = (struct fp_thread){ .seed = 31 };
	b = (struct fp_thread){ .seed = 47 };
	EXPECT(vt_thread_on(&a.self, fp_worker, &a, last, VT_PRIORITY - 1));
	EXPECT(vt_thread_on(&b.self, fp_worker, &b, last, VT_PRIORITY - 1));
	for (unsigned i = 0; i < 20; i++) {
		unsigned to = i % 2 ? last : 0;

		EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, a.self, to, VT_PRIORITY - 1, 1000),
			  VIREO_OK);
		vt_sleep_us(3000);
	}
	a.stop = b.stop = 1;
	EXPECT(VT_WAIT_UNTIL(a.done && b.done, 2000));
	EXPECT(a.rounds >= FP_ROUNDS && b.rounds >= FP_ROUNDS);
	EXPECT(a.errors == 0 && b.errors == 0);
	return true;
}
