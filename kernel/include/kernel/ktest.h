/*
 * In-kernel self-tests. Each KTEST registers itself in the "ktests" section;
 * ktest_run() runs a selection and reports in TAP, which tests/run reads:
 *
 *   1..3
 *   ok 1 - wx_text_readonly
 *   not ok 2 - timer_oneshot
 *   # kernel/selftest.c:40: expected fired
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <kernel/console.h>
#include <stdbool.h>
#include <stddef.h>

struct ktest {
	const char *name;
	bool (*fn)(void);
};

#define KTEST(name_)                                                                 \
	static bool ktest_fn_##name_(void);                                          \
	static const struct ktest ktest_##name_                                      \
		__attribute__((used, section("ktests"), aligned(8))) = { #name_,      \
									  ktest_fn_##name_ }; \
	static bool ktest_fn_##name_(void)

/* Inside a KTEST: fail the test with a diagnostic when cond is false. */
#define KTEST_EXPECT(cond)                                                            \
	do {                                                                          \
		if (!(cond)) {                                                        \
			kprintf("# %s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
			return false;                                                 \
		}                                                                     \
	} while (0)

/*
 * Run the tests named in `selection` ("all", or names separated by commas,
 * `len` bytes). Unknown names are reported as failures. Returns the number
 * of failures.
 */
unsigned ktest_run(const char *selection, size_t len);

#endif
