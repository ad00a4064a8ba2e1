/*
 * User address spaces on Sv39 (see kernel/vmspace.h). The root's upper 256
 * entries are copies of the kernel's: the kernel creates all its top-level
 * entries at boot, before any user space exists, and never adds more.
 */
#include <arch/csr.h>
#include <kernel/console.h>
#include <kernel/factory.h>
#include <kernel/string.h>
#include <kernel/vmspace.h>
#include <vireo/fpage.h>

#define USER_ROOT_ENTRIES (PT_ENTRIES / 2)

static pte_t *charged_table(void *ctx)
{
	void *page;

	return factory_alloc_page(ctx, &page) == VIREO_OK ? page : 0;
}

enum vireo_status vmspace_init(struct vmspace *vs, struct factory *f)
{
	enum vireo_status st = factory_alloc_page(f, (void **)&vs->root);

	if (st != VIREO_OK)
		return st;
	vs->factory = f;
	vs->asid = 0;
	memcpy(vs->root + USER_ROOT_ENTRIES, mmu_kernel_root_table() + USER_ROOT_ENTRIES,
	       USER_ROOT_ENTRIES * sizeof(pte_t));
	return VIREO_OK;
}

static void free_tables(struct factory *f, pte_t *table, unsigned level, unsigned entries)
{
	for (unsigned i = 0; i < entries; i++) {
		pte_t e = table[i];

		if (pte_valid(e) && !pte_is_leaf(e) && level > 0)
			free_tables(f, va_ptr(phys_to_virt(pte_pa(e))), level - 1, PT_ENTRIES);
	}
	factory_free_page(f, table);
}

void vmspace_destroy(struct vmspace *vs)
{
	if (!vs->root)
		return;
	free_tables(vs->factory, vs->root, PT_LEVELS - 1, USER_ROOT_ENTRIES);
	vs->root = 0;
}

bool vmspace_order_ok(unsigned order)
{
	return order == 0 || order == 9 || order == 18;
}

static uint64_t pte_perm(unsigned rights)
{
	uint64_t perm = PTE_U | PTE_A | PTE_D;

	/* W without R is reserved in Sv39 (§10.3.1): writable implies readable. */
	if (rights & (VIREO_MEM_R | VIREO_MEM_W))
		perm |= PTE_R;
	if (rights & VIREO_MEM_W)
		perm |= PTE_W;
	if (rights & VIREO_MEM_X)
		perm |= PTE_X;
	return perm;
}

static unsigned pte_rights(pte_t e)
{
	return (e & PTE_R ? VIREO_MEM_R : 0) | (e & PTE_W ? VIREO_MEM_W : 0) |
	       (e & PTE_X ? VIREO_MEM_X : 0);
}

static void flush(uintptr_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

enum vireo_status vmspace_map(struct vmspace *vs, uintptr_t va, paddr_t pa, unsigned order,
			      unsigned rights)
{
	unsigned level = order / 9;
	pte_t *t, *e;

	check(vmspace_order_ok(order) && (rights & VIREO_MEM_RWX));
	check(IS_ALIGNED(va, PAGE_SIZE << order) && va < VMSPACE_USER_END);
	t = pt_walk(vs->root, va, level, charged_table, vs->factory);
	if (!t) {
		/* A superpage in the way, or no memory for a table. */
		uintptr_t s;

		return vmspace_lookup(vs, va, &s, &pa, &order, &rights) ? VIREO_E_EXISTS
									  : VIREO_E_QUOTA;
	}
	e = &t[pt_index(va, level)];
	if (pte_valid(*e))
		return VIREO_E_EXISTS;
	*e = pte_leaf(pa, pte_perm(rights));
	return VIREO_OK;
}

/* The leaf entry covering va, and its level; NULL if none. */
static pte_t *find_leaf(const struct vmspace *vs, uintptr_t va, unsigned *level)
{
	pte_t *t = vs->root;

	if (va >= VMSPACE_USER_END)
		return 0;
	for (unsigned l = PT_LEVELS - 1;; l--) {
		pte_t *e = &t[pt_index(va, l)];

		if (!pte_valid(*e))
			return 0;
		if (pte_is_leaf(*e)) {
			*level = l;
			return e;
		}
		if (l == 0)
			return 0;
		t = va_ptr(phys_to_virt(pte_pa(*e)));
	}
}

bool vmspace_lookup(const struct vmspace *vs, uintptr_t va, uintptr_t *start, paddr_t *pa,
		    unsigned *order, unsigned *rights)
{
	unsigned level;
	pte_t *e = find_leaf(vs, va, &level);

	if (!e)
		return false;
	*order = 9 * level;
	*start = ALIGN_DOWN(va, PAGE_SIZE << *order);
	*pa = pte_pa(*e);
	*rights = pte_rights(*e);
	return true;
}

bool vmspace_protect(struct vmspace *vs, uintptr_t va, unsigned rights)
{
	unsigned level;
	pte_t *e = find_leaf(vs, va, &level);

	if (!e)
		return false;
	*e = pte_leaf(pte_pa(*e), pte_perm(rights));
	flush(va);
	return true;
}

void vmspace_unmap(struct vmspace *vs, uintptr_t va)
{
	unsigned level;
	pte_t *e = find_leaf(vs, va, &level);

	if (!e)
		return;
	*e = 0;
	flush(va);
}

void vmspace_activate(const struct vmspace *vs)
{
	csr_write(satp, SATP_MODE_SV39 | (pa_val(virt_to_phys(va_of_ptr(vs->root))) >> PAGE_SHIFT));
	__asm__ volatile("sfence.vma" ::: "memory");
}
