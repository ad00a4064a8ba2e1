/*
 * Host unit tests for kernel/lib/fmt.c.
 *
 * Every CHECK runs the same format and arguments through the host's
 * vsnprintf and through fmt_vsnprintf, at full size and at a range of
 * truncating buffer sizes, and demands identical return values and identical
 * buffers (including the bytes after the terminator, which must be left
 * alone). The few places where we deliberately differ from glibc, or where
 * the format is not valid C, are checked against literal strings instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <sys/types.h>
#include <cmocka.h>

#include <kernel/fmt.h>

#define BUF 320
#define CANARY 0xa5

static unsigned checks;

static void compare_at(const char *file, int line, size_t size, const char *fmt, va_list ap)
{
	char want[BUF], got[BUF];
	va_list a1, a2;
	int wn, gn;

	memset(want, CANARY, sizeof(want));
	memset(got, CANARY, sizeof(got));
	va_copy(a1, ap);
	va_copy(a2, ap);
	wn = vsnprintf(want, size, fmt, a1);
	gn = fmt_vsnprintf(got, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	checks++;
	if (wn != gn || memcmp(want, got, sizeof(want)) != 0)
		fail_msg("%s:%d: format \"%s\" size %zu: want %d \"%.*s\", got %d \"%.*s\"", file,
			 line, fmt, size, wn, (int)(size ? size - 1 : 0), want, gn,
			 (int)(size ? size - 1 : 0), got);
}

/* Compare against the host at full size and every interesting truncation. */
static void __attribute__((format(printf, 3, 4)))
check(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char tmp[BUF];
	size_t sizes[] = { BUF - 16, 0, 1, 2, 3, 5, 8, 13, 0, 0, 0 };

	va_start(ap, fmt);
	{
		va_list a;
		va_copy(a, ap);
		int len = vsnprintf(tmp, sizeof(tmp), fmt, a);
		va_end(a);
		assert_true(len >= 0);
		/* The exact fit, one short of it, and one spare. */
		sizes[8] = (size_t)len < BUF - 16 ? (size_t)len : 0;
		sizes[9] = (size_t)len + 1 < BUF - 16 ? (size_t)len + 1 : 0;
		sizes[10] = (size_t)len + 2 < BUF - 16 ? (size_t)len + 2 : 0;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		compare_at(file, line, sizes[i], fmt, ap);
	va_end(ap);
}

#define CHECK(...) check(__FILE__, __LINE__, __VA_ARGS__)

/* For our deliberate deviations and for formats -Wformat rejects. */
static void expect(const char *want, const char *fmt, ...)
{
	char got[BUF];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static void test_text_and_percent(void **state)
{
	(void)state;
	CHECK("plain text");
	CHECK("%%");
	CHECK("a%%b%%%%c");
	CHECK("%s=%d (%#x)%c|%-6s|", "key", -17, 0xbeefu, '!', "ab");
	CHECK("%c%c%c", 'a', 0, 'z'); /* an embedded NUL still counts */
}

static void test_chars(void **state)
{
	(void)state;
	CHECK("%c", 'x');
	CHECK("[%5c]", 'x');
	CHECK("[%-5c]", 'x');
	CHECK("[%*c]", 4, 'y');
	CHECK("[%*c]", -4, 'y');
	CHECK("%c", 255);
	CHECK("%c", 0x141); /* converted to unsigned char */
}

static void test_strings(void **state)
{
	(void)state;
	static const char abc[3] = { 'a', 'b', 'c' }; /* not terminated */

	CHECK("%s", "");
	CHECK("%s", "hello");
	CHECK("[%10s]", "hello");
	CHECK("[%-10s]", "hello");
	CHECK("[%.3s]", "hello");
	CHECK("[%.0s]", "hello");
	CHECK("[%.10s]", "hello");
	CHECK("[%10.3s]", "hello");
	CHECK("[%-10.3s]", "hello");
	CHECK("[%2s]", "hello");
	CHECK("[%*s]", 8, "abc");
	CHECK("[%*s]", -8, "abc");
	CHECK("[%-*s]", 8, "abc");
	CHECK("[%.*s]", 2, "abc");
	CHECK("[%.*s]", -1, "abc");
	CHECK("[%*.*s]", 6, 2, "abc");
	CHECK("[%.3s]", abc); /* must not read past the precision (ASan) */
	CHECK("%s and %s", "this", "that");
}

static void test_signed(void **state)
{
	(void)state;
	static const char *const fmts[] = {
		"%d", "%i", "[%5d]", "[%-5d]", "[%05d]", "[%+d]", "[% d]", "[%+5d]",
		"[%-+5d]", "[%+05d]", "[% 05d]", "[%.3d]", "[%.0d]", "[%5.3d]", "[%-5.3d]",
		"[%05.3d]", "[%+.0d]", "[% .0d]", "[%+ d]", "[%-05d]", "[%012d]", "[%.12d]",
		"[%1d]", "[%+1.1d]",
	};
	static const int vals[] = { 0, 1, -1, 7, -7, 42, 12345, -12345, INT_MAX, INT_MIN };

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			CHECK(fmts[f], vals[v]);
#pragma GCC diagnostic pop
		}
	CHECK("[%*d]", 6, 42);
	CHECK("[%-*d]", 6, 42);
	CHECK("[%*d]", -6, 42);
	CHECK("[%.*d]", 4, -42);
	CHECK("[%.*d]", -4, -42);
	CHECK("[%0*d]", 6, -42);
	CHECK("[%*.*d]", 8, 4, -42);
}

static void test_unsigned(void **state)
{
	(void)state;
	static const char *const fmts[] = {
		"%u", "%x", "%X", "%o", "[%#x]", "[%#X]", "[%#o]", "[%8x]", "[%-8x]",
		"[%08x]", "[%#08x]", "[%#8x]", "[%-#8x]", "[%#.4x]", "[%#.0x]", "[%.0x]",
		"[%#.0o]", "[%.0o]", "[%#.5o]", "[%#5o]", "[%#05o]", "[%.10u]", "[%08.3X]",
		"[%#12.6o]", "[%-#12.6X]", "[%1x]",
	};
	static const unsigned vals[] = { 0, 1, 7, 8, 10, 15, 16, 255, 0xdead, 01234567, UINT_MAX };

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			CHECK(fmts[f], vals[v]);
#pragma GCC diagnostic pop
		}
}

static void test_lengths(void **state)
{
	(void)state;
	CHECK("%hhd %hhd %hhd", 200, -129, 127);
	CHECK("%hhu %hhx %hho", 300, -1, 511);
	CHECK("%hd %hd", 70000, -32768);
	CHECK("%hu %hx %#ho", -1, 0x12345, 0x10000);
	CHECK("%ld %ld", (long)INT64_MIN, (long)INT64_MAX);
	CHECK("%lu %lx %lo %#lX", (unsigned long)UINT64_MAX, (unsigned long)UINT64_MAX,
	      (unsigned long)UINT64_MAX, (unsigned long)UINT64_MAX);
	CHECK("%lld %lli %llu", (long long)INT64_MIN, (long long)-1, (unsigned long long)UINT64_MAX);
	CHECK("[%30lld] [%-30lld] [%030lld]", (long long)INT64_MIN, (long long)INT64_MIN,
	      (long long)INT64_MIN);
	CHECK("[%+.25lld] [%25llu]", (long long)INT64_MAX, (unsigned long long)UINT64_MAX);
	CHECK("%#llo %#llx %llX", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	      (unsigned long long)0xabcdef0123456789ull);
	CHECK("%zu %zx %zd %zd", (size_t)SIZE_MAX, (size_t)0x1234, (ssize_t)-5, (ssize_t)SSIZE_MAX);
	CHECK("%jd %jd %ju %jx", (intmax_t)INTMAX_MIN, (intmax_t)INTMAX_MAX, (uintmax_t)UINTMAX_MAX,
	      (uintmax_t)42);
	CHECK("%td %td %ti", (ptrdiff_t)-123456789, (ptrdiff_t)PTRDIFF_MAX, (ptrdiff_t)PTRDIFF_MIN);
	/* Arguments of mixed widths stay in step. */
	CHECK("%hhd %lld %d %zu %c %jd %s", 1, (long long)2, 3, (size_t)4, '5', (intmax_t)6, "7");
}

static void test_pointers(void **state)
{
	(void)state;
	int x;

	CHECK("%p", (void *)0x1234);
	CHECK("%p", (void *)&x);
	CHECK("[%20p]", (void *)0xdeadbeef);
	CHECK("[%-20p]", (void *)0xdeadbeef);
	CHECK("%p", (void *)UINTPTR_MAX);
	CHECK("%p %p", (void *)1, (void *)0x8000000000000000ull);
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];

	CHECK("[%300d]", 5);
	CHECK("%s%s%s%s", "0123456789", "abcdefghij", "ABCDEFGHIJ", "klmnopqrst");
	/* size 0 never touches the buffer, NULL included, but still counts. */
	assert_int_equal(fmt_snprintf(NULL, 0, "%d-%s", 123, "abc"), 7);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 4, "%d", 123456), 6);
	assert_memory_equal(buf, "123\0zzzz", 8);
	assert_int_equal(fmt_snprintf(buf, 1, "%s", "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '2');
}

/* Our deviations from glibc and formats the compiler would reject. */
static void test_deliberate(void **state)
{
	(void)state;
	expect("(null)", "%s", (char *)NULL);
	expect("[  (null)]", "[%8s]", (char *)NULL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
	expect("(nu", "%.3s", (char *)NULL);
	expect("0x0", "%p", (void *)NULL);
	expect("[       0x0]", "[%10p]", (void *)NULL);
	/* Unknown conversions print as written and consume nothing of their own. */
	expect("%y", "%y");
	expect("[%-5k] 3", "[%-5k] %d", 3);
	expect("%5.3ly", "%5.3ly");
	expect("abc%", "abc%");
	expect("abc%-5", "abc%-5");
	expect("%", "%5%");
	/* '+' and ' ' do not apply to unsigned conversions. */
	expect("5 5 5", "%+u % u %+x", 5u, 5u, 5u);
	expect("", "");
#pragma GCC diagnostic pop
}

struct collect {
	char buf[2048];
	size_t n;
};

static void collect_put(void *ctx, char c)
{
	struct collect *col = ctx;

	if (col->n < sizeof(col->buf))
		col->buf[col->n] = c;
	col->n++;
}

static size_t vformat_into(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vformat(collect_put, col, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vformat_sink(void **state)
{
	(void)state;
	struct collect col = { .n = 0 };
	char want[2048];
	int wn = snprintf(want, sizeof(want), "%1000d|%s|%#llx", -1, "tail", 0x1234ull);

	assert_int_equal(vformat_into(&col, "%1000d|%s|%#llx", -1, "tail", 0x1234ull), wn);
	assert_int_equal(col.n, wn);
	assert_memory_equal(col.buf, want, (size_t)wn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_percent),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_deliberate),
		cmocka_unit_test(test_vformat_sink),
	};
	int failed;

	cmocka_set_message_output(CM_OUTPUT_TAP);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	printf("# %u comparisons against the host snprintf\n", checks);
	return failed;
}
