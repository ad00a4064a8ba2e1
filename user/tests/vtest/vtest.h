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

/* A fresh capability selector; a UTCB slot and stack for one test (vt_reset frees those). */
vireo_cap_t vt_sel(void);
uintptr_t vt_utcb(void);
void vt_reset(void);

/* A thread in this task running fn(arg); its capability in *thread. */
bool vt_thread(vireo_cap_t *thread, void (*fn)(void *arg), void *arg);

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
