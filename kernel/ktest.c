/* The self-test runner (see kernel/ktest.h). */
#include <kernel/ktest.h>
#include <kernel/string.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool list_contains(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && list[j] != ',')
			j++;
		if (j - i == n && memcmp(list + i, name, n) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

static const struct ktest *ktest_find(const char *name, size_t n)
{
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		if (strlen(t->name) == n && memcmp(t->name, name, n) == 0)
			return t;
	return 0;
}

static unsigned count_unknown(const char *list, size_t len, bool print, unsigned *number)
{
	unsigned unknown = 0;

	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && list[j] != ',')
			j++;
		if (j > i && !ktest_find(list + i, j - i)) {
			unknown++;
			if (print)
				kprintf("not ok %u - %.*s # no such test\n", ++*number, (int)(j - i),
					list + i);
		}
		i = j + 1;
	}
	return unknown;
}

unsigned ktest_run(const char *selection, size_t len)
{
	bool all = len == 3 && memcmp(selection, "all", 3) == 0;
	unsigned planned = 0, number = 0, failed = 0;

	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		planned += all || list_contains(selection, len, t->name);
	if (!all)
		planned += count_unknown(selection, len, false, &number);

	kprintf("1..%u\n", planned);
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		if (!all && !list_contains(selection, len, t->name))
			continue;
		bool ok = t->fn();

		failed += !ok;
		kprintf("%sok %u - %s\n", ok ? "" : "not ", ++number, t->name);
	}
	if (!all)
		failed += count_unknown(selection, len, true, &number);
	return failed;
}
