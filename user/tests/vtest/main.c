/* The vtest runner and its helpers (see vtest.h). */
#include <string.h>

#include "vtest.h"

#define MAX_THREADS 8
#define STACK_SIZE 16384
#define UTCB_SLOTS (1u << (VIREO_ROOT_UTCB_LOG2 - 10))

extern const struct vtest __start_vtests[], __stop_vtests[];

static vireo_cap_t next_sel = VIREO_SEL_FIRST_FREE;
static unsigned next_utcb = 1; /* slot 0 is the main thread's */
static unsigned next_stack;
static char stacks[MAX_THREADS][STACK_SIZE] __attribute__((aligned(16)));

vireo_cap_t vt_sel(void)
{
	return next_sel++;
}

void vt_sels_ready(unsigned n)
{
	vireo_cap_t first = next_sel;

	/* A capability in each slot makes the kernel allocate (and keep) their tables. */
	for (unsigned i = 0; i < n; i++)
		(void)vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(VIREO_SEL_VCON, 0, VIREO_CAP_READ),
				     first + i);
	for (unsigned i = 0; i < n; i++)
		(void)vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_cap(first + i, 0, 0), 0, 0);
}

uintptr_t vt_utcb(void)
{
	if (next_utcb >= UTCB_SLOTS)
		return 0;
	return VIREO_ROOT_UTCB_AREA + 1024 * next_utcb++;
}

void vt_reset(void)
{
	next_utcb = 1;
	next_stack = 0;
}

bool vt_thread_on(vireo_cap_t *thread, void (*fn)(void *arg), void *arg, unsigned cpu,
		  unsigned priority)
{
	uintptr_t utcb = vt_utcb();

	*thread = vt_sel();
	if (!utcb || next_stack == MAX_THREADS)
		return false;
	return vireo_factory_create_thread(VIREO_SEL_FACTORY, *thread) == VIREO_OK &&
	       vireo_thread_bind(*thread, VIREO_SEL_TASK, utcb) == VIREO_OK &&
	       vireo_sched_run_thread(VIREO_SEL_SCHEDULER, *thread, cpu, priority, 0) ==
		       VIREO_OK &&
	       vireo_thread_run(*thread, *thread, utcb, fn, arg, stacks[next_stack++],
				STACK_SIZE) == VIREO_OK;
}

bool vt_thread_at(vireo_cap_t *thread, void (*fn)(void *arg), void *arg, unsigned priority)
{
	return vt_thread_on(thread, fn, arg, 0, priority);
}

bool vt_thread(vireo_cap_t *thread, void (*fn)(void *arg), void *arg)
{
	return vt_thread_at(thread, fn, arg, VT_PRIORITY);
}

/* Sleeping is a closed receive on a gate nobody sends through: it takes no messages. */
static vireo_cap_t sleep_gate = VIREO_CAP_INVALID;

void vt_sleep_us(uint64_t us)
{
	(void)vireo_recv(sleep_gate, vireo_timeout_ns(us * 1000));
}

static bool selected(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);

	/*
	 * "all" leaves out tests that need someone at the console, -icount, or
	 * minutes (the race_ stress tests have scenarios of their own).
	 */
	if (len == 3 && memcmp(list, "all", 3) == 0)
		return strncmp(name, "interactive_", 12) != 0 && strncmp(name, "icount_", 7) != 0 &&
		       strncmp(name, "race_", 5) != 0;
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

/* The vtest= option of the kernel command line, "all" if absent. */
static const char *selection(size_t *len)
{
	const char *c = vireo_boot_info ? vireo_boot_info->cmdline : "";
	const char *p = strstr(c, "vtest=");

	if (p && (p == c || p[-1] == ' ')) {
		p += 6;
		*len = strcspn(p, " ");
		return p;
	}
	*len = 3;
	return "all";
}

int main(int argc, char **argv)
{
	size_t len;
	const char *sel = selection(&len);
	unsigned planned = 0, n = 0, failed = 0;

	(void)argc;
	(void)argv;
	sleep_gate = vt_sel();
	if (vireo_factory_create_gate(VIREO_SEL_FACTORY, sleep_gate, VIREO_CAP_INVALID, 0) !=
	    VIREO_OK) {
		printf("vtest: cannot create the sleep gate\n");
		return 1;
	}
	for (const struct vtest *t = __start_vtests; t < __stop_vtests; t++)
		planned += selected(sel, len, t->name);
	printf("1..%u\n", planned);
	for (const struct vtest *t = __start_vtests; t < __stop_vtests; t++) {
		if (!selected(sel, len, t->name))
			continue;
		vt_reset();
		bool ok = t->fn();

		failed += !ok;
		printf("%sok %u - %s\n", ok ? "" : "not ", ++n, t->name);
	}
	printf("vtest: done, %u failed\n", failed);
	/* vtest_end=poweroff: end the machine through Platform_control (tests it too). */
	if (strstr(vireo_boot_info->cmdline, "vtest_end=poweroff")) {
		enum vireo_status st = vireo_platform_op(VIREO_SEL_PLATFORM, VIREO_PLATFORM_POWEROFF);

		printf("vtest: power off failed: %s\n", vireo_status_name(st));
	}
	return 0;
}
