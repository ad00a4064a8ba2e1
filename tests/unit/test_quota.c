/* Host unit tests for kernel/quota.c: exact accounting, limits, children. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/quota.h>

static void test_charge_up_to_the_limit(void **state)
{
	struct quota q = { .limit = 4096 };

	(void)state;
	assert_true(quota_charge(&q, 4000));
	assert_true(quota_charge(&q, 96));
	assert_int_equal(q.used, 4096);
	assert_false(quota_charge(&q, 1));
	assert_int_equal(q.used, 4096);
	assert_true(quota_charge(&q, 0));
}

static void test_huge_charges_do_not_wrap(void **state)
{
	struct quota q = { .limit = 1000, .used = 10 };

	(void)state;
	assert_false(quota_charge(&q, UINT64_MAX));
	assert_false(quota_charge(&q, UINT64_MAX - 5));
	assert_int_equal(q.used, 10);
}

static void test_uncharge_exact_and_bugs_rejected(void **state)
{
	struct quota q = { .limit = 100 };

	(void)state;
	assert_true(quota_charge(&q, 60));
	assert_false(quota_uncharge(&q, 61)); /* more than charged: a bug, no change */
	assert_int_equal(q.used, 60);
	assert_true(quota_uncharge(&q, 60));
	assert_int_equal(q.used, 0);
	assert_false(quota_uncharge(&q, 1));
}

static void test_children_charge_their_whole_limit(void **state)
{
	struct quota parent = { .limit = 10000 }, a, b, grandchild;

	(void)state;
	assert_true(quota_split(&parent, &a, 6000));
	assert_int_equal(parent.used, 6000);
	assert_false(quota_split(&parent, &b, 4001)); /* does not fit: nothing changes */
	assert_int_equal(parent.used, 6000);
	assert_true(quota_split(&parent, &b, 4000));
	assert_true(quota_split(&a, &grandchild, 6000));
	assert_false(quota_charge(&a, 1)); /* all of a went to its child */
	assert_true(quota_charge(&grandchild, 6000));
	assert_false(quota_join(&a, &grandchild)); /* still in use */
	assert_true(quota_uncharge(&grandchild, 6000));
	assert_true(quota_join(&a, &grandchild));
	assert_true(quota_join(&parent, &a));
	assert_true(quota_join(&parent, &b));
	assert_int_equal(parent.used, 0);
}

/* Random charges and returns: the books always balance exactly. */
static void test_random_accounting(void **state)
{
	struct quota q = { .limit = 1 << 20 };
	uint64_t held[64] = { 0 }, sum = 0;
	uint32_t seed = 12345;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		unsigned slot;

		seed = seed * 1103515245 + 12345;
		slot = (seed >> 8) % 64;
		if (held[slot]) {
			assert_true(quota_uncharge(&q, held[slot]));
			sum -= held[slot];
			held[slot] = 0;
		} else {
			uint64_t bytes = (seed >> 16) % 65536;

			if (quota_charge(&q, bytes)) {
				held[slot] = bytes;
				sum += bytes;
			} else {
				assert_true(sum + bytes > q.limit);
			}
		}
		assert_int_equal(q.used, sum);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charge_up_to_the_limit),
		cmocka_unit_test(test_huge_charges_do_not_wrap),
		cmocka_unit_test(test_uncharge_exact_and_bugs_rejected),
		cmocka_unit_test(test_children_charge_their_whole_limit),
		cmocka_unit_test(test_random_accounting),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
