/*
 * Sv39 page tables (RISC-V Privileged Architecture §10.4 "Sv39").
 *
 *   VA[38:30] -> root table (512 PTEs) -> 1 GiB leaf, or
 *   VA[29:21] -> level-1 table         -> 2 MiB leaf, or
 *   VA[20:12] -> level-0 table         -> 4 KiB leaf
 *
 * A PTE is a leaf when any of R/W/X is set, a pointer to the next table when
 * only V is set. PTE bits are reached only through the helpers below.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

typedef uint64_t pte_t;

/* PTE bits, §10.3.1 Figure "Sv32/39 page table entry". */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

#define PT_ENTRIES 512
#define PT_LEVELS 3
#define GIGA_SIZE (1UL << 30)
#define MEGA_SIZE (1UL << 21)

/* Kernel mapping permissions: leaf bits without V (added by the mapper). */
#define KPERM_RX (PTE_R | PTE_X | PTE_A | PTE_G)
#define KPERM_R (PTE_R | PTE_A | PTE_G)
#define KPERM_RW (PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)

static inline pte_t pte_leaf(paddr_t p, uint64_t perm)
{
	return ((pa_val(p) >> PAGE_SHIFT) << PTE_PPN_SHIFT) | perm | PTE_V;
}

static inline pte_t pte_table(paddr_t p)
{
	return ((pa_val(p) >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
}

static inline bool pte_valid(pte_t e) { return e & PTE_V; }
static inline bool pte_is_leaf(pte_t e) { return e & (PTE_R | PTE_W | PTE_X); }
static inline paddr_t pte_pa(pte_t e) { return pa((e >> PTE_PPN_SHIFT) << PAGE_SHIFT); }

/*
 * The table a valid non-leaf entry points to. Only the kernel writes such
 * entries, with pages of its own from the direct map, so this needs none
 * of phys_to_virt's checks (walks do it at every level).
 */
static inline pte_t *pte_next_table(pte_t e)
{
	return (pte_t *)(DIRECT_MAP_BASE + pa_val(pte_pa(e)));
}

/* Index of `v` in a table at `level` (2 = root, 0 = last). */
static inline unsigned pt_index(uintptr_t v, unsigned level)
{
	return (unsigned)((v >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1));
}

/* Record where the image was loaded; called first thing at boot. */
void mmu_set_load_address(paddr_t load);

/* The kernel image's physical extent. */
struct pa_range mmu_kernel_image(void);

/*
 * Build the kernel's final address space and switch to it: the image's
 * sections W^X at their link addresses, and a no-execute direct map of `ram`
 * minus `firmware` (regions the firmware protects; never touched). The direct
 * map's alias of the image gets the image's permissions without X. Page
 * tables come from the page allocator; running out panics (boot only).
 */
void mmu_init(const struct pa_range *ram, size_t nram, const struct pa_range *firmware,
	      size_t nfirmware);

/*
 * Map a device's registers into the device window and return the virtual
 * address of r.base. Only after mmu_init. (Sv39 without Svpbmt has no
 * cacheability bits: the platform's PMAs make the region I/O.)
 */
vaddr_t mmu_map_io(struct pa_range r);

/* The kernel's root page table: physical address, and its entries. */
paddr_t mmu_kernel_root(void);
const pte_t *mmu_kernel_root_table(void);

/*
 * The table at `level` (0..2) holding v's entry in the tree at `root`,
 * creating missing tables with alloc(ctx) (NULL: create none). Returns NULL
 * when a table is missing and cannot be made, or a superpage is in the way.
 */
pte_t *pt_walk(pte_t *root, uintptr_t v, unsigned level, pte_t *(*alloc)(void *ctx), void *ctx);

#endif
