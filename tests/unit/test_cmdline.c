/* Host unit tests for kernel/cmdline.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cmdline.h>

static void assert_value(const char *cmdline, const char *key, const char *want)
{
	struct cmdline_value v = { 0 };

	assert_true(cmdline_find(cmdline, key, &v));
	assert_int_equal(v.len, strlen(want));
	assert_memory_equal(v.text, want, v.len);
}

static void test_key_value(void **state)
{
	(void)state;
	assert_value("ktest=all poweroff", "ktest", "all");
	assert_value("a=1 b=2 c=3", "b", "2");
	assert_value("  lead=x   trail=y  ", "trail", "y");
}

static void test_bare_key_has_empty_value(void **state)
{
	(void)state;
	assert_value("ktest=all poweroff", "poweroff", "");
	assert_value("poweroff", "poweroff", "");
	assert_value("k=", "k", "");
}

static void test_last_occurrence_wins(void **state)
{
	(void)state;
	assert_value("k=1 k=2", "k", "2");
	assert_value("k=1 k", "k", "");
}

static void test_absent_and_prefixes(void **state)
{
	struct cmdline_value v;

	(void)state;
	assert_false(cmdline_find("", "k", &v));
	assert_false(cmdline_find("   ", "k", &v));
	assert_false(cmdline_find("kk=1 xk=2 k1", "k", &v));
	assert_false(cmdline_find("ktest=all", "ktes", &v));
	assert_false(cmdline_find("=k", "k", &v));
}

static void test_value_keeps_equals(void **state)
{
	(void)state;
	assert_value("a=b=c", "a", "b=c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_bare_key_has_empty_value),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_absent_and_prefixes),
		cmocka_unit_test(test_value_keeps_equals),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
