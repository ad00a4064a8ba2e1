/*
 * User address spaces on Sv39 (see kernel/vmspace.h). The root's upper 256
 * entries are copies of the kernel's: the kernel creates all its top-level
 * entries at boot, before any user space exists, and never adds more.
 *
 * Every user page table is an order-1 block: the table itself, then a
 * companion page with one pointer per entry, the mapping's node:
 *
 *   block + 0     pte_t  entries[512]
 *   block + 4096  void  *nodes[512]     nodes[i] belongs to entries[i]
 *
 * A guest-physical space (Sv39x4, priv spec §18.5.1) has a 16 KiB root of
 * 2048 entries for 41-bit addresses, in an order-3 block; below it, the
 * tables are as above. The root works as four Sv39 roots side by side,
 * one per 512 GiB (address bits 40..39), with their companions 16 KiB on:
 *
 *   block + 0      entries[2048]   (hgatp points here; 16 KiB aligned)
 *   block + 16384  nodes[2048]
 */
#include <arch/csr.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/smp.h>
#include <kernel/factory.h>
#include <kernel/string.h>
#include <kernel/vmspace.h>
#include <vireo/fpage.h>

#define USER_ROOT_ENTRIES (PT_ENTRIES / 2)
#define TABLE_ORDER 1
#define GSTAGE_ROOT_ORDER 3
#define GSTAGE_ROOT_ENTRIES (4 * PT_ENTRIES)
#define HGATP_MODE_SV39X4 (8UL << 60)
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK (0x3fffUL << HGATP_VMID_SHIFT)
#define VMID_MAX (1u << 14)

_Static_assert(CPU_MAX <= 64, "vmid_stale has one bit per CPU");

/*
 * VMIDs (priv spec §18.2.8): every Vm gets its own while they last, so
 * that a guest's translations survive other guests and the host. A hart
 * implements VMIDLEN bits, maybe none; vmid_count is 2^VMIDLEN, probed on
 * the first Vm. VMID 0 is for Vms that found none: their entries flush
 * everything.
 */
static unsigned vmid_count;
static uint64_t vmid_used[VMID_MAX / 64];

static unsigned vmid_probe(void)
{
	uint64_t v;
	unsigned count = 1;

	csr_write(CSR_HGATP, HGATP_VMID_MASK);
	v = (csr_read(CSR_HGATP) & HGATP_VMID_MASK) >> HGATP_VMID_SHIFT;
	csr_write(CSR_HGATP, 0);
	/* The implemented bits are the low VMIDLEN ones (§18.2.8). */
	for (; v & 1; v >>= 1)
		count *= 2;
	return count;
}

static uint16_t vmid_alloc(void)
{
	if (!vmid_count) {
		vmid_count = vmid_probe();
		kprintf("vm: %u VMIDs\n", vmid_count - 1);
	}
	for (unsigned id = 1; id < vmid_count; id++) {
		if (!(vmid_used[id / 64] & (1UL << (id % 64)))) {
			vmid_used[id / 64] |= 1UL << (id % 64);
			return (uint16_t)id;
		}
	}
	return 0;
}

/*
 * A freed VMID may still tag translations on any hart; its next Vm starts
 * with every CPU stale (vmspace_init_gstage), so they go before its first
 * entry anywhere.
 */
static void vmid_free(uint16_t id)
{
	vmid_used[id / 64] &= ~(1UL << (id % 64));
}

static bool in_gstage_root(const struct vmspace *vs, const pte_t *table)
{
	return vs->gstage && table >= vs->root && table < vs->root + GSTAGE_ROOT_ENTRIES;
}

static void **companion(const struct vmspace *vs, pte_t *table)
{
	return (void **)((char *)table + (in_gstage_root(vs, table) ? 4 * PAGE_SIZE : PAGE_SIZE));
}

/* The Sv39-shaped root covering va: the root itself, or a quarter of a guest root. */
static pte_t *root_for(const struct vmspace *vs, uintptr_t va)
{
	return vs->gstage ? vs->root + PT_ENTRIES * ((va >> 39) & 3) : vs->root;
}



static pte_t *charged_table(void *ctx)
{
	void *block;

	return factory_alloc_pages(ctx, TABLE_ORDER, &block) == VIREO_OK ? block : 0;
}

enum vireo_status vmspace_init(struct vmspace *vs, struct factory *f)
{
	enum vireo_status st = factory_alloc_pages(f, TABLE_ORDER, (void **)&vs->root);

	if (st != VIREO_OK)
		return st;
	vs->factory = f;
	vs->asid = 0;
	vs->satp = SATP_MODE_SV39 | (pa_val(virt_to_phys(va_of_ptr(vs->root))) >> PAGE_SHIFT);
	memcpy(vs->root + USER_ROOT_ENTRIES, mmu_kernel_root_table() + USER_ROOT_ENTRIES,
	       USER_ROOT_ENTRIES * sizeof(pte_t));
	return VIREO_OK;
}

enum vireo_status vmspace_init_gstage(struct vmspace *vs, struct factory *f)
{
	enum vireo_status st =
		factory_alloc_pages(f, GSTAGE_ROOT_ORDER, (void **)&vs->root);

	if (st != VIREO_OK)
		return st;
	vs->factory = f;
	vs->asid = 0;
	vs->gstage = true;
	vs->vmid = vmid_alloc();
	vs->vmid_stale = ~0UL;
	/* hgatp (§18.2.8): Sv39x4, the VMID, the root's page number. */
	vs->satp = HGATP_MODE_SV39X4 | (uint64_t)vs->vmid << HGATP_VMID_SHIFT |
		   (pa_val(virt_to_phys(va_of_ptr(vs->root))) >> PAGE_SHIFT);
	return VIREO_OK;
}

static void free_tables(struct factory *f, pte_t *table, unsigned level, unsigned entries,
			unsigned order)
{
	for (unsigned i = 0; i < entries; i++) {
		pte_t e = table[i];

		if (pte_valid(e) && !pte_is_leaf(e) && level > 0)
			free_tables(f, pte_next_table(e), level - 1, PT_ENTRIES,
				    TABLE_ORDER);
	}
	factory_free_pages(f, table, order);
}

/* Whether a table (at `level`) and all tables below it map nothing. */
static bool subtree_empty(const pte_t *table, unsigned level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if (!pte_valid(e))
			continue;
		if (pte_is_leaf(e) || level == 0 ||
		    !subtree_empty(pte_next_table(e), level - 1))
			return false;
	}
	return true;
}

void vmspace_destroy(struct vmspace *vs)
{
	if (!vs->root)
		return;
	if (vs->gstage) {
		free_tables(vs->factory, vs->root, PT_LEVELS - 1, GSTAGE_ROOT_ENTRIES,
			    GSTAGE_ROOT_ORDER);
		if (vs->vmid)
			vmid_free(vs->vmid);
	} else
		free_tables(vs->factory, vs->root, PT_LEVELS - 1, USER_ROOT_ENTRIES, TABLE_ORDER);
	vs->root = 0;
}

static void for_each_node(const struct vmspace *vs, pte_t *table, unsigned level,
			  unsigned entries, void (*fn)(void *node, void *ctx), void *ctx)
{
	for (unsigned i = 0; i < entries; i++) {
		pte_t e = table[i];

		if (!pte_valid(e))
			continue;
		if (pte_is_leaf(e)) {
			if (companion(vs, table)[i])
				fn(companion(vs, table)[i], ctx);
		} else if (level > 0) {
			for_each_node(vs, pte_next_table(e), level - 1, PT_ENTRIES, fn,
				      ctx);
		}
	}
}

void vmspace_for_each_node(struct vmspace *vs, void (*fn)(void *node, void *ctx), void *ctx)
{
	if (vs->root)
		for_each_node(vs, vs->root, PT_LEVELS - 1,
			      vs->gstage ? GSTAGE_ROOT_ENTRIES : USER_ROOT_ENTRIES, fn, ctx);
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

/*
 * TLB maintenance after a change to vs: here, and on every other hart whose
 * satp holds vs (under the kernel lock their satp cannot change meanwhile).
 * Without ASIDs every satp switch flushes, so no other hart caches entries
 * of vs. smp_remote_flush returns once the other hart has flushed, so the
 * page, or the table, can be reused as soon as this returns. (Not the SBI
 * remote fence: under QEMU's -icount, OpenSBI 1.2 was seen to hang in it
 * with both harts in M-mode.)
 */
static void flush(struct vmspace *vs, uintptr_t va, bool all)
{
	if (vs->gstage) {
		/*
		 * Guest-physical translations (§18.3.2: hfence.gvma for the VMID,
		 * or all of them without one): here; at once on every hart that
		 * runs a guest of this space right now; and on the others before
		 * they next enter one (vmid_stale, arch_guest_load).
		 */
		arch_gstage_flush(vs->vmid);
		vs->vmid_stale = ~(1UL << cpu_val(cpu_this()->id));
		for (unsigned i = 0; i < cpu_count; i++) {
			struct cpu *c = &cpus[i];

			if (c != cpu_this() && c->active_guest == vs) {
				smp_remote_flush(c);
				vs->vmid_stale &= ~(1UL << cpu_val(c->id));
			}
		}
		return;
	}
	if (all)
		__asm__ volatile("sfence.vma zero, zero" ::: "memory");
	else
		__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
	for (unsigned i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];

		if (c != cpu_this() && c->active_vm == vs)
			smp_remote_flush(c);
	}
}

/* The leaf entry covering va, its table and level; NULL if none. */
static pte_t *find_leaf(const struct vmspace *vs, uintptr_t va, pte_t **table, unsigned *level)
{
	pte_t *t = root_for(vs, va);

	if (va >= vmspace_limit(vs))
		return 0;
	for (unsigned l = PT_LEVELS - 1;; l--) {
		pte_t *e = &t[pt_index(va, l)];

		if (!pte_valid(*e))
			return 0;
		if (pte_is_leaf(*e)) {
			*level = l;
			*table = t;
			return e;
		}
		if (l == 0)
			return 0;
		t = pte_next_table(*e);
	}
}

enum vireo_status vmspace_map(struct vmspace *vs, uintptr_t va, paddr_t pa, unsigned order,
			      unsigned rights, void *node)
{
	unsigned level = order / 9;
	struct vm_mapping old;
	pte_t *t;
	unsigned i = pt_index(va, level);

	check(vmspace_order_ok(order) && (rights & VIREO_MEM_RWX));
	check(IS_ALIGNED(va, PAGE_SIZE << order) && va < vmspace_limit(vs));
	t = pt_walk(root_for(vs, va), va, level, charged_table, vs->factory);
	if (!t) /* a larger mapping on the way, or no table could be paid for */
		return vmspace_lookup(vs, va, &old) ? VIREO_E_EXISTS : VIREO_E_QUOTA;
	if (pte_valid(t[i])) {
		pte_t *below;

		if (pte_is_leaf(t[i]))
			return VIREO_E_EXISTS;
		/* A table below: reuse the slot for the superpage if nothing is left in it. */
		below = pte_next_table(t[i]);
		if (!subtree_empty(below, level - 1))
			return VIREO_E_EXISTS;
		t[i] = pte_leaf(pa, pte_perm(rights));
		companion(vs, t)[i] = node;
		/*
		 * A non-leaf entry changed: a cached walk through the old table
		 * must go before the table's memory can be reused (priv spec
		 * §10.2.1: sfence.vma with rs1 = x0 after non-leaf PTE updates).
		 */
		flush(vs, 0, true);
		free_tables(vs->factory, below, level - 1, PT_ENTRIES, TABLE_ORDER);
		return VIREO_OK;
	}
	t[i] = pte_leaf(pa, pte_perm(rights));
	companion(vs, t)[i] = node;
	return VIREO_OK;
}

uintptr_t vmspace_hole_end(const struct vmspace *vs, uintptr_t va)
{
	pte_t *t = root_for(vs, va);

	if (va >= vmspace_limit(vs))
		return vmspace_limit(vs);
	for (unsigned l = PT_LEVELS - 1;; l--) {
		pte_t *e = &t[pt_index(va, l)];
		uint64_t span = (uint64_t)PAGE_SIZE << (9 * l);

		if (!pte_valid(*e) || l == 0 || pte_is_leaf(*e))
			return ALIGN_DOWN(va, span) + span;
		t = pte_next_table(*e);
	}
}

bool vmspace_lookup(const struct vmspace *vs, uintptr_t va, struct vm_mapping *m)
{
	unsigned level;
	pte_t *t;
	pte_t *e = find_leaf(vs, va, &t, &level);

	if (!e)
		return false;
	m->order = 9 * level;
	m->start = ALIGN_DOWN(va, PAGE_SIZE << m->order);
	m->pa = pte_pa(*e);
	m->rights = pte_rights(*e);
	m->node = companion(vs, t)[e - t];
	return true;
}

bool vmspace_protect(struct vmspace *vs, uintptr_t va, unsigned rights)
{
	unsigned level;
	pte_t *t;
	pte_t *e = find_leaf(vs, va, &t, &level);

	if (!e)
		return false;
	*e = pte_leaf(pte_pa(*e), pte_perm(rights));
	flush(vs, va, false);
	return true;
}

void vmspace_unmap(struct vmspace *vs, uintptr_t va)
{
	unsigned level;
	pte_t *t;
	pte_t *e = find_leaf(vs, va, &t, &level);

	if (!e)
		return;
	*e = 0;
	companion(vs, t)[e - t] = 0;
	flush(vs, va, false);
}

void vmspace_activate_kernel(void)
{
	csr_write(satp, SATP_MODE_SV39 | (pa_val(mmu_kernel_root()) >> PAGE_SHIFT));
	__asm__ volatile("sfence.vma" ::: "memory");
}
