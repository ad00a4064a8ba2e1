/*
 * The portable kernel after architecture setup: report what was found, list
 * the boot archive, run requested self-tests, then idle.
 */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/cpio.h>
#include <kernel/crc32.h>
#include <kernel/fastpath.h>
#include <kernel/debugger.h>
#include <kernel/icu.h>
#include <kernel/kmain.h>
#include <kernel/smp.h>
#include <kernel/platform.h>
#include <kernel/ktest.h>
#include <kernel/pages.h>
#include <kernel/root.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/vcon.h>

#define VIREO_VERSION "0.1"
#define IDLE_POLL_US 20000

const struct boot_info *kernel_boot_info;

static uint64_t memory_total(const struct boot_info *bi)
{
	uint64_t total = 0;

	for (size_t i = 0; i < bi->nmemory; i++)
		total += bi->memory[i].size;
	return total;
}

static void print_banner(const struct boot_info *bi)
{
	kprintf("\nVireo %s microkernel (riscv64, Sv39), boot hart %lu\n", VIREO_VERSION,
		hartid_val(arch_hart_this()));
	kprintf("cpus: %zu harts, timebase %lu Hz, timer %s, H extension %s\n", bi->nharts,
		bi->timebase_hz, arch_timer_kind(), bi->all_harts_h ? "yes" : "no");
	kprintf("memory: %lu MiB in %zu range(s), %lu of %lu pages free\n",
		memory_total(bi) >> 20, bi->nmemory, pages_free_count(), pages_total_count());
	for (size_t i = 0; i < bi->nmemory; i++)
		kprintf("  ram      0x%09lx-0x%09lx\n", pa_val(bi->memory[i].base),
			pa_val(pa_range_end(bi->memory[i])) - 1);
	for (size_t i = 0; i < bi->nreserved; i++)
		kprintf("  reserved 0x%09lx-0x%09lx\n", pa_val(bi->reserved[i].base),
			pa_val(pa_range_end(bi->reserved[i])) - 1);
	if (bi->uart.present)
		kprintf("uart: ns16550a at 0x%lx\n", pa_val(bi->uart.reg.base));
	if (bi->plic.present)
		kprintf("plic: at 0x%lx, %u sources\n", pa_val(bi->plic.reg.base), bi->plic.ndev);
	kprintf("cmdline: \"%s\"\n", bi->bootargs);
}

static void list_archive(const struct boot_info *bi)
{
	struct cpio_iter it;
	struct cpio_entry e;
	struct parse_error err;
	unsigned files = 0;
	int r;

	if (!bi->has_initrd) {
		kprintf("boot archive: none\n");
		return;
	}
	kprintf("boot archive: 0x%lx, %lu bytes\n", pa_val(bi->initrd.base), bi->initrd.size);
	cpio_iter_init(&it, va_ptr(phys_to_virt(bi->initrd.base)), (size_t)bi->initrd.size);
	while ((r = cpio_next(&it, &e, &err)) > 0) {
		if (!cpio_entry_is_file(&e))
			continue;
		files++;
		kprintf("  module %.*s size %zu crc32 0x%08x\n", (int)e.name_len, e.name, e.size,
			crc32(e.data, e.size));
	}
	if (r < 0)
		kprintf("boot archive: rejected: %s at offset %zu\n", err.what, err.offset);
	else
		kprintf("boot archive: %u file(s)\n", files);
}

static void run_selftests(const struct boot_info *bi)
{
	struct cmdline_value sel;

	if (!cmdline_find(bi->bootargs, "ktest", &sel))
		return;
	unsigned failed = ktest_run(sel.text, sel.len);

	kprintf("ktest: done, %u failed\n", failed);
}

/*
 * Deliberate faults (crash=load, crash=trap) so the tests can check the
 * report of an unexpected trap.
 */
static void crash_if_asked(const struct boot_info *bi)
{
	struct cmdline_value v;

	if (!cmdline_find(bi->bootargs, "crash", &v))
		return;
	if (v.len == 4 && memcmp(v.text, "load", 4) == 0) {
		uintptr_t unmapped = 0x10;

		__asm__("" : "+r"(unmapped)); /* hide the constant from the optimizer */
		(void)*(volatile uint64_t *)unmapped;
	}
	if (v.len == 4 && memcmp(v.text, "trap", 4) == 0)
		__builtin_trap();
	kprintf("crash: unknown kind \"%.*s\"\n", (int)v.len, v.text);
}

static struct timer quit_poll;

static void quit_poll_tick(struct timer *t)
{
	if (vcon_getc() == 'q')
		arch_poweroff();
	timer_arm(t, arch_time_now() + clock_ticks_from_us(IDLE_POLL_US), quit_poll_tick);
}

void kernel_offer_quit_key(const char *why)
{
	kprintf("idle: %s. Press q to power off (Ctrl-A x leaves QEMU).\n", why);
	timer_arm(&quit_poll, arch_time_now() + clock_ticks_from_us(IDLE_POLL_US), quit_poll_tick);
}

noreturn_fn void kernel_main(const struct boot_info *bi)
{
	struct cmdline_value v;

	kernel_boot_info = bi;
	clock_init(bi->timebase_hz);
	/* The objects there is one of exist from the start (the debugger lists them). */
	vcon_boot();
	scheduler_boot();
	platform_boot();
	icu_boot();
	debugger_boot();
	print_banner(bi);
	list_archive(bi);
	run_selftests(bi);
	crash_if_asked(bi);
	fastpath_boot(cmdline_find(bi->bootargs, "nofastpath", &v));
	smp_boot();
	if (root_start(bi))
		sched_exit();
	if (cmdline_find(bi->bootargs, "poweroff", &v))
		arch_poweroff();
	kernel_offer_quit_key("nothing to run");
	sched_exit();
}
