/*
 * The boot page table: enough mapping to leave physical addressing.
 *
 * boot_vm_setup() runs with the MMU off at the physical load address. It may
 * use only PC-relative addressing (-mcmodel=medany gives that for code and
 * data) and must not follow pointers stored in initialized data, which hold
 * link-time (virtual) addresses. It builds:
 *
 *   root[load_pa >> 30]   1 GiB identity page around the image, so the
 *                         instruction after the satp write still fetches
 *   root[256 .. 383]      the direct map of physical 0 .. 128 GiB as 1 GiB
 *                         pages (RW, no X), so early C code can read the
 *                         device tree and RAM before the real map exists
 *   root[510] -> l1       the image at KERNEL_LINK_BASE in 2 MiB pages (RWX)
 *
 * mmu_init() replaces all of this with exact, W^X mappings.
 */
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/mmu.h>

uint64_t boot_vm_setup(uint64_t load_pa, uint64_t image_size);

/* Also the first page table of every secondary hart (entry.S). */
extern pte_t boot_root[PT_ENTRIES];

pte_t boot_root[PT_ENTRIES] aligned_to(PAGE_SIZE);
static pte_t boot_kernel_l1[PT_ENTRIES] aligned_to(PAGE_SIZE);

/* Returns the satp value that enables the boot map, 0 if the image cannot be mapped. */
uint64_t boot_vm_setup(uint64_t load_pa, uint64_t image_size)
{
	const uint64_t rwx = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G;
	uint64_t megas = (image_size + MEGA_SIZE - 1) / MEGA_SIZE;
	unsigned first = pt_index(KERNEL_LINK_BASE, 1);

	if (!IS_ALIGNED(load_pa, MEGA_SIZE) || first + megas > PT_ENTRIES)
		return 0;

	boot_root[pt_index(load_pa, 2)] = pte_leaf(pa(ALIGN_DOWN(load_pa, GIGA_SIZE)), rwx);
	for (uint64_t g = 0; g < DIRECT_MAP_SIZE / GIGA_SIZE; g++)
		boot_root[pt_index(DIRECT_MAP_BASE, 2) + g] = pte_leaf(pa(g * GIGA_SIZE), KPERM_RW);
	boot_root[pt_index(KERNEL_LINK_BASE, 2)] = pte_table(pa((uintptr_t)boot_kernel_l1));
	for (uint64_t i = 0; i < megas; i++)
		boot_kernel_l1[first + i] = pte_leaf(pa(load_pa + i * MEGA_SIZE), rwx);

	return SATP_MODE_SV39 | ((uintptr_t)boot_root >> PAGE_SHIFT);
}
