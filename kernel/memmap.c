/* Memory mappings through the mapping database (see kernel/memmap.h). */
#include <kernel/console.h>
#include <kernel/factory.h>
#include <kernel/kmem.h>
#include <kernel/mapdb.h>
#include <kernel/memmap.h>

static struct mapdb db;
static bool db_ready;
static struct factory *charge_to; /* who pays for the node being allocated */

static struct task *task_of(const struct mapdb_node *n)
{
	return (struct task *)n->space;
}

static struct mapdb_node *node_alloc(void *ctx)
{
	size_t bytes = kmem_charge_size(sizeof(struct mapdb_node));
	struct mapdb_node *n;

	(void)ctx;
	if (factory_charge(charge_to, bytes) != VIREO_OK)
		return 0;
	n = kmem_alloc(sizeof(*n));
	if (!n)
		factory_uncharge(charge_to, bytes);
	return n;
}

static void node_free(void *ctx, struct mapdb_node *n)
{
	(void)ctx;
	factory_uncharge(task_of(n)->obj.factory, kmem_charge_size(sizeof(*n)));
	kmem_free(n, sizeof(*n));
}

static void node_unmap(void *ctx, struct mapdb_node *n)
{
	(void)ctx;
	vmspace_unmap(&task_of(n)->vm, n->vaddr);
}

static void node_protect(void *ctx, struct mapdb_node *n)
{
	(void)ctx;
	vmspace_protect(&task_of(n)->vm, n->vaddr, n->rights);
}

static const struct mapdb_ops ops = {
	.alloc_node = node_alloc,
	.free_node = node_free,
	.unmap = node_unmap,
	.protect = node_protect,
};

static struct mapdb *database(void)
{
	if (!db_ready) {
		mapdb_init(&db, &ops, 0);
		db_ready = true;
	}
	return &db;
}

static enum vireo_status status_of(enum mapdb_status st)
{
	return st == MAPDB_OK ? VIREO_OK : st == MAPDB_E_NOMEM ? VIREO_E_QUOTA : VIREO_E_ARG;
}

enum vireo_status memmap_root(struct task *t, uintptr_t va, paddr_t pa, unsigned order,
			      unsigned rights)
{
	struct mapdb_node *n;
	enum vireo_status st;

	charge_to = t->obj.factory;
	st = status_of(mapdb_root(database(), (struct mapdb_space *)t, va, order, rights, pa, &n));
	if (st != VIREO_OK)
		return st;
	st = vmspace_map(&t->vm, va, pa, order, rights, n);
	if (st != VIREO_OK)
		mapdb_remove(database(), n); /* its unmap finds nothing; the node is freed */
	return st;
}

/* The largest page order that fits at both addresses and in `room` bytes. */
static unsigned piece_order(uintptr_t src, uintptr_t dst, uint64_t room, unsigned max)
{
	static const unsigned orders[] = { 18, 9, 0 };

	for (unsigned i = 0; i < ARRAY_SIZE(orders); i++) {
		uint64_t size = PAGE_SIZE << orders[i];

		if (orders[i] <= max && IS_ALIGNED(src, size) && IS_ALIGNED(dst, size) &&
		    size <= room)
			return orders[i];
	}
	return 0;
}

/* Make room at dst va: unmap whatever dst has there (and all derived from it). */
static enum vireo_status clear_target(struct task *dst, uintptr_t va, unsigned order)
{
	for (uintptr_t a = va; a < va + (PAGE_SIZE << order);) {
		struct vm_mapping m;

		if (!vmspace_lookup(&dst->vm, a, &m)) {
			a += PAGE_SIZE;
			continue;
		}
		if (!m.node)
			return VIREO_E_EXISTS; /* kernel-made (UTCB area, image): never replaced */
		if (m.start < va || m.order > order)
			return VIREO_E_EXISTS; /* a larger mapping covers it: unmap that first */
		mapdb_remove(database(), m.node);
		a = m.start + (PAGE_SIZE << m.order);
	}
	return VIREO_OK;
}

/*
 * Whether the source mapping n, or any mapping it derives from, lies in dst
 * inside [va, va + size): clearing the target would then remove the source
 * itself (onto itself, or onto an ancestor).
 */
static bool derived_from_target(const struct mapdb_node *n, const struct task *dst, uintptr_t va,
				uint64_t size)
{
	for (; n; n = n->parent)
		if (task_of(n) == dst && n->vaddr < va + size &&
		    va < n->vaddr + mapdb_node_size(n))
			return true;
	return false;
}

static enum vireo_status grant_piece(struct task *src, const struct vm_mapping *m,
				     struct task *dst, uintptr_t dva)
{
	struct mapdb_node *n = m->node;
	size_t bytes = kmem_charge_size(sizeof(*n));
	enum vireo_status st;

	/* The node's charge moves with it. */
	st = factory_charge(dst->obj.factory, bytes);
	if (st != VIREO_OK)
		return st;
	st = vmspace_map(&dst->vm, dva, m->pa, m->order, n->rights, n);
	if (st != VIREO_OK) {
		factory_uncharge(dst->obj.factory, bytes);
		return st;
	}
	vmspace_unmap(&src->vm, m->start);
	factory_uncharge(src->obj.factory, bytes);
	check(mapdb_grant(database(), n, (struct mapdb_space *)dst, dva) == MAPDB_OK);
	return VIREO_OK;
}

static enum vireo_status map_piece(const struct vm_mapping *m, uintptr_t sva, struct task *dst,
				   uintptr_t dva, unsigned order, unsigned rights)
{
	uint64_t off = sva - m->start;
	struct mapdb_node *child;
	enum vireo_status st;

	charge_to = dst->obj.factory;
	st = status_of(mapdb_map(database(), m->node, off, order, rights, (struct mapdb_space *)dst,
				 dva, &child));
	if (st != VIREO_OK)
		return st;
	st = vmspace_map(&dst->vm, dva, pa_add(m->pa, off), order, child->rights, child);
	if (st != VIREO_OK)
		mapdb_remove(database(), child);
	return st;
}

/* The range of a memory flexpage, if it lies within a space that ends at `end`. */
static bool fpage_range(vireo_fpage_t fp, uintptr_t end, uintptr_t *base, uint64_t *size)
{
	unsigned order = vireo_fpage_order(fp);

	if (order < PAGE_SHIFT || order >= 63)
		return false;
	*size = (uint64_t)1 << order;
	*base = vireo_fpage_addr(fp);
	return IS_ALIGNED(*base, *size) && *base < end && *size <= end - *base;
}

enum vireo_status memmap_map(struct task *src, vireo_fpage_t fp, struct task *dst,
			     uintptr_t dst_base, bool grant)
{
	unsigned rights = vireo_fpage_rights(fp) & VIREO_MEM_RWX;
	uintptr_t base, dst_end = vmspace_limit(&dst->vm);
	uint64_t size;

	if (!fpage_range(fp, vmspace_limit(&src->vm), &base, &size) ||
	    !IS_ALIGNED(dst_base, size) || dst_base >= dst_end || size > dst_end - dst_base ||
	    !rights)
		return VIREO_E_ARG;
	for (uint64_t off = 0; off < size;) {
		struct vm_mapping m;
		unsigned order;
		enum vireo_status st;

		/* Holes and kernel-made mappings are not passed on. */
		if (!vmspace_lookup(&src->vm, base + off, &m)) {
			off = vmspace_hole_end(&src->vm, base + off) - base;
			continue;
		}
		if (!m.node) {
			off = m.start + (PAGE_SIZE << m.order) - base;
			continue;
		}
		order = piece_order(base + off, dst_base + off,
				    m.start + (PAGE_SIZE << m.order) - (base + off), m.order);
		if (size - off < (PAGE_SIZE << order))
			order = piece_order(base + off, dst_base + off, size - off, order);
		if (derived_from_target(m.node, dst, dst_base + off, PAGE_SIZE << order))
			return VIREO_E_ARG; /* it would unmap its own source first */
		st = clear_target(dst, dst_base + off, order);
		if (st == VIREO_OK && grant)
			st = order == m.order && m.start == base + off
				     ? grant_piece(src, &m, dst, dst_base + off)
				     : VIREO_E_ARG; /* only whole mappings move */
		else if (st == VIREO_OK)
			st = map_piece(&m, base + off, dst, dst_base + off, order, rights);
		if (st != VIREO_OK)
			return st;
		off += PAGE_SIZE << order;
	}
	return VIREO_OK;
}

enum vireo_status memmap_unmap(struct task *t, vireo_fpage_t fp, unsigned rights, bool self)
{
	uintptr_t base;
	uint64_t size;

	rights &= VIREO_MEM_RWX;
	if (!fpage_range(fp, vmspace_limit(&t->vm), &base, &size))
		return VIREO_E_ARG;
	for (uintptr_t a = base; a < base + size;) {
		struct vm_mapping m;
		uint64_t msize, lo, hi;

		if (!vmspace_lookup(&t->vm, a, &m)) {
			a = vmspace_hole_end(&t->vm, a);
			continue;
		}
		msize = PAGE_SIZE << m.order;
		lo = a - m.start;
		hi = (base + size < m.start + msize ? base + size : m.start + msize) - m.start;
		if (m.node)
			check(mapdb_revoke(database(), m.node, lo, hi - lo, rights,
					   self ? MAPDB_SELF_AND_DESCENDANTS : MAPDB_DESCENDANTS) ==
			      MAPDB_OK);
		a = m.start + msize;
	}
	return VIREO_OK;
}

static void remove_node(void *node, void *ctx)
{
	(void)ctx;
	mapdb_remove(database(), node);
}

void memmap_task_gone(struct task *t)
{
	vmspace_for_each_node(&t->vm, remove_node, 0);
}
