/* Host unit tests for kernel/lib/crc32.c against values from zlib.crc32(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/crc32.h>

static void test_check_value(void **state)
{
	(void)state;
	/* The standard "check" value of the CRC-32 catalogue. */
	assert_int_equal(crc32("123456789", 9), 0xCBF43926u);
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(crc32("", 0), 0);
	assert_int_equal(crc32(NULL, 0), 0);
}

static void test_known_strings(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	(void)state;
	assert_int_equal(crc32("a", 1), 0xE8B7BE43u);
	assert_int_equal(crc32(fox, sizeof(fox) - 1), 0x414FA339u);
}

static void test_all_byte_values(void **state)
{
	uint8_t buf[256];
	uint8_t zeros[32] = { 0 };
	uint8_t ones[32];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(crc32(buf, sizeof(buf)), 0x29058C73u);
	assert_int_equal(crc32(zeros, sizeof(zeros)), 0x190A55ADu);
	assert_int_equal(crc32(ones, sizeof(ones)), 0xFF6CAB0Bu);
}

/* Splitting the input anywhere must not change the result. */
static void test_update_splits(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	size_t n = sizeof(fox) - 1;

	(void)state;
	assert_int_equal(crc32_update(0, fox, n), crc32(fox, n));
	for (size_t cut = 0; cut <= n; cut++) {
		uint32_t c = crc32(fox, cut);

		assert_int_equal(crc32_update(c, fox + cut, n - cut), 0x414FA339u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_known_strings),
		cmocka_unit_test(test_all_byte_values),
		cmocka_unit_test(test_update_splits),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
