/* The kernel's address space (see arch/mmu.h for the page-table format). */
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <kernel/console.h>
#include <kernel/memory.h>
#include <kernel/pages.h>
#include <kernel/string.h>

extern char _start[], _etext[], _rodata[], _erodata[], _data[], _end[];

static uintptr_t image_va_pa_offset; /* link address - load address */
static pte_t *kernel_root;
static paddr_t kernel_root_pa;
static uintptr_t io_next = IO_MAP_BASE;

void mmu_set_load_address(paddr_t load)
{
	image_va_pa_offset = KERNEL_LINK_BASE - pa_val(load);
}

struct pa_range mmu_kernel_image(void)
{
	return (struct pa_range){ pa((uintptr_t)_start - image_va_pa_offset),
				  (uint64_t)(_end - _start) };
}

vaddr_t phys_to_virt(paddr_t p)
{
	check(pa_val(p) < DIRECT_MAP_SIZE);
	return va(DIRECT_MAP_BASE + pa_val(p));
}

paddr_t virt_to_phys(vaddr_t v)
{
	uintptr_t x = va_val(v);

	if (x >= DIRECT_MAP_BASE && x < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
		return pa(x - DIRECT_MAP_BASE);
	check(x >= (uintptr_t)_start && x < (uintptr_t)_end);
	return pa(x - image_va_pa_offset);
}

static pte_t *table_alloc(void *ctx)
{
	paddr_t p = pages_alloc_or_panic(0);
	pte_t *t = va_ptr(phys_to_virt(p));

	(void)ctx;
	memset(t, 0, PAGE_SIZE);
	return t;
}

pte_t *pt_walk(pte_t *root, uintptr_t v, unsigned level, pte_t *(*alloc)(void *ctx), void *ctx)
{
	pte_t *t = root;

	for (unsigned l = PT_LEVELS - 1; l > level; l--) {
		pte_t *e = &t[pt_index(v, l)];

		if (!pte_valid(*e)) {
			pte_t *next = alloc ? alloc(ctx) : 0;

			if (!next)
				return 0;
			*e = pte_table(virt_to_phys(va_of_ptr(next)));
		}
		if (pte_is_leaf(*e))
			return 0;
		t = pte_next_table(*e);
	}
	return t;
}

static pte_t *walk_create(pte_t *root, uintptr_t v, unsigned level)
{
	pte_t *t = pt_walk(root, v, level, table_alloc, 0);

	check(t);
	return t;
}

/* The largest page level that v, p and the remaining size allow. */
static unsigned best_level(uintptr_t v, paddr_t p, uint64_t size)
{
	for (unsigned level = 2; level > 0; level--) {
		uint64_t page = PAGE_SIZE << (9 * level);

		if (IS_ALIGNED(v, page) && IS_ALIGNED(pa_val(p), page) && size >= page)
			return level;
	}
	return 0;
}

static void map_range(pte_t *root, uintptr_t v, paddr_t p, uint64_t size, uint64_t perm)
{
	check(IS_ALIGNED(v, PAGE_SIZE) && IS_ALIGNED(pa_val(p), PAGE_SIZE));
	while (size) {
		unsigned level = best_level(v, p, ALIGN_UP(size, PAGE_SIZE));
		uint64_t page = PAGE_SIZE << (9 * level);
		pte_t *e = &walk_create(root, v, level)[pt_index(v, level)];

		check(!pte_valid(*e));
		*e = pte_leaf(p, perm);
		v += page;
		p = pa_add(p, page);
		size = size > page ? size - page : 0;
	}
}

static void map_image_section(char *start, char *end, uint64_t perm)
{
	uintptr_t v = (uintptr_t)start;

	map_range(kernel_root, v, virt_to_phys(va(v)), (uint64_t)(end - start), perm);
}

/* The direct map's alias of an image section: same rights, never executable. */
static void alias_image_section(char *start, char *end, uint64_t perm)
{
	paddr_t p = virt_to_phys(va((uintptr_t)start));

	map_range(kernel_root, va_val(phys_to_virt(p)), p, (uint64_t)(end - start),
		  perm & ~PTE_X);
}

static void map_direct_piece(struct pa_range piece, void *ctx)
{
	(void)ctx;
	map_range(kernel_root, va_val(phys_to_virt(piece.base)), piece.base, piece.size, KPERM_RW);
}

void mmu_init(const struct pa_range *ram, size_t nram, const struct pa_range *firmware,
	      size_t nfirmware)
{
	struct pa_range holes[MEMORY_MAX_HOLES + 1];

	check(nfirmware <= MEMORY_MAX_HOLES);
	kernel_root = table_alloc(0);
	kernel_root_pa = virt_to_phys(va_of_ptr(kernel_root));

	map_image_section(_start, _etext, KPERM_RX);
	map_image_section(_rodata, _erodata, KPERM_R);
	map_image_section(_data, _end, KPERM_RW);

	for (size_t i = 0; i < nfirmware; i++)
		holes[i] = firmware[i];
	holes[nfirmware] = mmu_kernel_image();
	memory_for_each_free(ram, nram, holes, nfirmware + 1, map_direct_piece, 0);
	alias_image_section(_start, _etext, KPERM_R);
	alias_image_section(_rodata, _erodata, KPERM_R);
	alias_image_section(_data, _end, KPERM_RW);

	csr_write(satp, SATP_MODE_SV39 | (pa_val(kernel_root_pa) >> PAGE_SHIFT));
	__asm__ volatile("sfence.vma" ::: "memory");
}

paddr_t mmu_kernel_root(void)
{
	return kernel_root_pa;
}

const pte_t *mmu_kernel_root_table(void)
{
	return kernel_root;
}

vaddr_t mmu_map_io(struct pa_range r)
{
	uint64_t first = ALIGN_DOWN(pa_val(r.base), PAGE_SIZE);
	uint64_t size = ALIGN_UP(pa_val(r.base) + r.size, PAGE_SIZE) - first;
	uintptr_t v = io_next;

	check(kernel_root && size <= IO_MAP_BASE + IO_MAP_SIZE - io_next);
	map_range(kernel_root, v, pa(first), size, KPERM_RW);
	io_next += size;
	__asm__ volatile("sfence.vma" ::: "memory");
	return va(v + (pa_val(r.base) - first));
}
