/*
 * vtest: the in-system test suite, run as the root task. Tests register
 * themselves in the "vtests" section, run one after another in a fresh
 * state (each cleans up what it made), and report in TAP. The command line
 * option vtest=name,name selects some; the default is all.
 */
#ifndef VTEST_H
#define VTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <vireo.h>

struct vtest {
	const char *name;
	bool (*fn)(void);
};

#define VTEST(name_)                                                                    \
	static bool vtest_fn_##name_(void);                                             \
	static const struct vtest vtest_##name_                                         \
		__attribute__((used, section("vtests"), aligned(8))) = { #name_,         \
									  vtest_fn_##name_ }; \
	static bool vtest_fn_##name_(void)

#define EXPECT(cond)                                                                     \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("# %s:%d: expected %s\n", __FILE__, __LINE__, #cond);     \
			return false;                                                    \
		}                                                                        \
	} while (0)

/* Expect a status; on mismatch print both names. */
#define EXPECT_ST(expr, want)                                                            \
	do {                                                                             \
		enum vireo_status got_ = (expr);                                         \
		if (got_ != (want)) {                                                    \
			printf("# %s:%d: %s gave %s, expected %s\n", __FILE__, __LINE__, \
			       #expr, vireo_status_name(got_), vireo_status_name(want)); \
			return false;                                                    \
		}                                                                        \
	} while (0)

/*
 * Make sure the next n selectors have capability tables, so a test that
 * checks quota returns exactly is not charged for a table that stays.
 */
void vt_sels_ready(unsigned n);

/* A fresh capability selector; a UTCB slot and stack for one test (vt_reset frees those). */
vireo_cap_t vt_sel(void);
uintptr_t vt_utcb(void);
void vt_reset(void);

/* The priority of the suite's main thread (the root task's, the kernel default). */
#define VT_PRIORITY 10

/* A thread in this task running fn(arg); its capability in *thread. */
bool vt_thread(vireo_cap_t *thread, void (*fn)(void *arg), void *arg);

/* The same at a given priority (set before it first runs). */
bool vt_thread_at(vireo_cap_t *thread, void (*fn)(void *arg), void *arg, unsigned priority);

/* The same on a given CPU. */
bool vt_thread_on(vireo_cap_t *thread, void (*fn)(void *arg), void *arg, unsigned cpu,
		  unsigned priority);

/* Poll `cond` every 100 us for up to `ms` milliseconds; whether it came true. */
#define VT_WAIT_UNTIL(cond, ms)                                              \
	({                                                                   \
		for (unsigned vt_i_ = 0; !(cond) && vt_i_ < (ms) * 10; vt_i_++) \
			vt_sleep_us(100);                                    \
		(bool)(cond);                                                \
	})

/* Naturally aligned pages from the root task's memory (never given back). */
uintptr_t vt_pages(unsigned order);

/*
 * A helper task running this program's code (text and constants mapped,
 * data shared) with one thread, whose own capabilities sit at
 * VIREO_SEL_TASK and VIREO_SEL_THREAD in it. One helper at a time.
 */
struct vt_helper {
	vireo_cap_t task, thread;
};

bool vt_helper_task(struct vt_helper *h);
bool vt_helper_run(struct vt_helper *h, void (*fn)(void *arg), void *arg);
bool vt_helper_done(struct vt_helper *h);

/* VIREO_MEM_* rights mapped at addr in task (0: none; ~0u: the query failed). */
unsigned vt_rights_at(vireo_cap_t task, uintptr_t addr, unsigned *log2_size);

/* Wait about `us` microseconds (an IPC receive that times out). */
void vt_sleep_us(uint64_t us);

/* The time counter (timebase ticks). */
static inline uint64_t vt_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

#endif
