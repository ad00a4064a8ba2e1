/* riscv64 self-tests: the kernel address space is W^X and exact. */
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <kernel/kmain.h>
#include <kernel/ktest.h>
#include <kernel/pages.h>
#include <kernel/string.h>

extern char _start[], _rodata[], _data[];

/* A function return instruction (jalr x0, 0(ra)) in writable data. */
static uint32_t data_ret_insn = 0x00008067;
static const uint32_t rodata_ret_insn = 0x00008067;

KTEST(wx_text_not_writable)
{
	KTEST_EXPECT(arch_probe_read(_start));
	KTEST_EXPECT(!arch_probe_write(_start));
	return true;
}

KTEST(wx_rodata_not_writable_or_executable)
{
	KTEST_EXPECT(arch_probe_read(&rodata_ret_insn));
	KTEST_EXPECT(!arch_probe_write((void *)(uintptr_t)&rodata_ret_insn));
	KTEST_EXPECT(!arch_probe_exec(&rodata_ret_insn));
	return true;
}

KTEST(wx_data_not_executable)
{
	KTEST_EXPECT(arch_probe_write(&data_ret_insn));
	KTEST_EXPECT(!arch_probe_exec(&data_ret_insn));
	return true;
}

KTEST(wx_stack_not_executable)
{
	volatile uint32_t insn = 0x00008067;

	KTEST_EXPECT(!arch_probe_exec((const void *)&insn));
	return true;
}

KTEST(wx_direct_map_alias_of_text_read_only)
{
	void *alias = va_ptr(phys_to_virt(virt_to_phys(va_of_ptr(_start))));

	KTEST_EXPECT(arch_probe_read(alias));
	KTEST_EXPECT(!arch_probe_write(alias));
	KTEST_EXPECT(!arch_probe_exec(alias));
	return true;
}

KTEST(direct_map_free_page_rw_not_executable)
{
	paddr_t p;
	uint32_t *page;

	KTEST_EXPECT(pages_alloc(0, &p));
	page = va_ptr(phys_to_virt(p));
	KTEST_EXPECT(arch_probe_write(page));
	page[0] = 0x00008067;
	KTEST_EXPECT(!arch_probe_exec(page));
	pages_free(p, 0);
	return true;
}

KTEST(user_half_unmapped)
{
	KTEST_EXPECT(!arch_probe_read((void *)0x1000));
	KTEST_EXPECT(!arch_probe_read((void *)0x80200000));
	return true;
}

KTEST(firmware_regions_unmapped)
{
	const struct boot_info *bi = kernel_boot_info;

	for (size_t i = 0; i < bi->nreserved; i++)
		KTEST_EXPECT(!arch_probe_read(va_ptr(phys_to_virt(bi->reserved[i].base))));
	return true;
}

KTEST(timer_uses_sstc_when_present)
{
	KTEST_EXPECT(!kernel_boot_info->all_harts_sstc || strcmp(arch_timer_kind(), "sstc") == 0);
	return true;
}
