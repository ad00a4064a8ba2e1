/*
 * Mapping database; see kernel/include/kernel/mapdb.h for the model, the
 * invariants and the locking plan.
 *
 * Every walk is iterative: the parent and sibling links are the walk's
 * stack, so a chain of any depth costs no kernel stack. Removal visits a
 * subtree in pre-order (unmap callbacks, parents first) and frees in
 * post-order (a node once its children are gone), keeping the tree linked
 * and consistent at every callback.
 *
 * Each exported operation validates everything first and then performs a
 * change that cannot fail, so a failed call leaves no trace.
 */
#include <kernel/compiler.h>
#include <kernel/mapdb.h>
#include <kernel/types.h>

_Static_assert(MAPDB_MAX_ORDER < 64 - PAGE_SHIFT, "mapping size must fit 64 bits");

static inline uint64_t order_bytes(unsigned order)
{
	return PAGE_SIZE << order;
}

/* Last byte (inclusive, so a range may end at 2^64) of node's physical range. */
static inline uint64_t phys_last(const struct mapdb_node *n)
{
	return pa_val(n->phys) + (mapdb_node_size(n) - 1);
}

/* Non-empty, only RWX, and never W without R. */
static bool rights_valid(unsigned rights)
{
	if (rights == 0 || (rights & ~MAPDB_RWX) != 0)
		return false;
	return !(rights & MAPDB_W) || (rights & MAPDB_R);
}

/* base is aligned to 2^order pages and the range does not wrap. */
static bool range_valid(uint64_t base, unsigned order)
{
	uint64_t size = order_bytes(order);

	return IS_ALIGNED(base, size) && size - 1 <= UINT64_MAX - base;
}

static void node_fill(struct mapdb_node *n, struct mapdb_space *space, uint64_t vaddr,
		      unsigned order, unsigned rights, paddr_t phys)
{
	n->parent = NULL;
	n->first_child = NULL;
	n->next_sibling = NULL;
	n->prev_sibling = NULL;
	n->space = space;
	n->vaddr = vaddr;
	n->phys = phys;
	n->order = (uint8_t)order;
	n->rights = (uint8_t)rights;
}

/* Make child the newest child of parent. */
static void link_child(struct mapdb_node *parent, struct mapdb_node *child)
{
	child->parent = parent;
	child->prev_sibling = NULL;
	child->next_sibling = parent->first_child;
	if (parent->first_child)
		parent->first_child->prev_sibling = child;
	parent->first_child = child;
}

/* Take n out of its parent's child list (no-op for a root). */
static void unlink_node(struct mapdb_node *n)
{
	if (n->prev_sibling)
		n->prev_sibling->next_sibling = n->next_sibling;
	else if (n->parent)
		n->parent->first_child = n->next_sibling;
	if (n->next_sibling)
		n->next_sibling->prev_sibling = n->prev_sibling;
	n->parent = n->next_sibling = n->prev_sibling = NULL;
}

void mapdb_init(struct mapdb *db, const struct mapdb_ops *ops, void *ctx)
{
	db->ops = ops;
	db->ctx = ctx;
	db->nodes = 0;
}

static struct mapdb_node *node_alloc(struct mapdb *db)
{
	struct mapdb_node *n = db->ops->alloc_node(db->ctx);

	if (n)
		db->nodes++;
	return n;
}

static void node_free(struct mapdb *db, struct mapdb_node *n)
{
	db->nodes--;
	db->ops->free_node(db->ctx, n);
}

enum mapdb_status mapdb_root(struct mapdb *db, struct mapdb_space *space, uint64_t vaddr,
			     unsigned order, unsigned rights, paddr_t phys, struct mapdb_node **out)
{
	if (!space || order > MAPDB_MAX_ORDER || !rights_valid(rights))
		return MAPDB_E_INVALID;
	if (!range_valid(vaddr, order) || !range_valid(pa_val(phys), order))
		return MAPDB_E_INVALID;

	struct mapdb_node *n = node_alloc(db);

	if (!n)
		return MAPDB_E_NOMEM;
	node_fill(n, space, vaddr, order, rights, phys);
	*out = n;
	return MAPDB_OK;
}

enum mapdb_status mapdb_map(struct mapdb *db, struct mapdb_node *parent, uint64_t offset,
			    unsigned order, unsigned rights, struct mapdb_space *space,
			    uint64_t vaddr, struct mapdb_node **out)
{
	if (!parent || !space || order > parent->order || (rights & ~MAPDB_RWX) != 0)
		return MAPDB_E_INVALID;
	/* order <= parent's, so an aligned offset below the parent's size fits. */
	if (!IS_ALIGNED(offset, order_bytes(order)) || offset >= mapdb_node_size(parent))
		return MAPDB_E_INVALID;
	rights &= parent->rights;
	if (!rights_valid(rights) || !range_valid(vaddr, order))
		return MAPDB_E_INVALID;

	struct mapdb_node *n = node_alloc(db);

	if (!n)
		return MAPDB_E_NOMEM;
	node_fill(n, space, vaddr, order, rights, pa_add(parent->phys, offset));
	link_child(parent, n);
	*out = n;
	return MAPDB_OK;
}

enum mapdb_status mapdb_grant(struct mapdb *db, struct mapdb_node *node, struct mapdb_space *space,
			      uint64_t vaddr)
{
	(void)db; /* the tree lock's home once there is one */
	if (!node || !space || !range_valid(vaddr, node->order))
		return MAPDB_E_INVALID;
	node->space = space;
	node->vaddr = vaddr;
	return MAPDB_OK;
}

/* Pre-order successor of n in top's subtree that does not enter n's children. */
static struct mapdb_node *walk_skip(const struct mapdb_node *top, const struct mapdb_node *n)
{
	while (n != top) {
		if (n->next_sibling)
			return n->next_sibling;
		n = n->parent;
	}
	return NULL;
}

struct mapdb_node *mapdb_walk_next(const struct mapdb_node *top, const struct mapdb_node *n)
{
	if (n->first_child)
		return n->first_child;
	return walk_skip(top, n);
}

/*
 * Free n, whose children are all gone, and then each ancestor up to sub that
 * has no child left. Returns the next node to visit (the next sibling of the
 * last node freed), or NULL once sub itself is freed. Each freed node is its
 * parent's first child by then, so unlinking keeps the tree consistent.
 */
static struct mapdb_node *free_upwards(struct mapdb *db, const struct mapdb_node *sub,
				       struct mapdb_node *n)
{
	for (;;) {
		struct mapdb_node *parent = n->parent;
		struct mapdb_node *next = n->next_sibling;
		bool last = n == sub;

		unlink_node(n);
		node_free(db, n);
		if (last)
			return NULL;
		if (next)
			return next;
		n = parent;
	}
}

/* Remove sub and its subtree: unmap callbacks in pre-order, frees in post-order. */
static void remove_subtree(struct mapdb *db, struct mapdb_node *sub)
{
	struct mapdb_node *n = sub;

	while (n) {
		db->ops->unmap(db->ctx, n);
		if (n->first_child)
			n = n->first_child;
		else
			n = free_upwards(db, sub, n);
	}
}

void mapdb_remove(struct mapdb *db, struct mapdb_node *node)
{
	remove_subtree(db, node);
}

/* Whether taking `rights` away leaves n nothing worth keeping a mapping for. */
static bool loses_mapping(const struct mapdb_node *n, unsigned rights)
{
	return (rights & MAPDB_R) != 0 || (n->rights & ~rights) == 0;
}

/* Take rights from sub and every node below it (sub is affected whole). */
static void revoke_subtree(struct mapdb *db, struct mapdb_node *sub, unsigned rights)
{
	struct mapdb_node *n = sub;

	while (n) {
		struct mapdb_node *next;

		if (loses_mapping(n, rights)) {
			next = walk_skip(sub, n); /* before n's subtree is freed */
			remove_subtree(db, n);
		} else if (n->rights & rights) {
			n->rights = (uint8_t)(n->rights & ~rights);
			db->ops->protect(db->ctx, n);
			next = mapdb_walk_next(sub, n);
		} else {
			/* Children hold subsets of n's rights: none has these either. */
			next = walk_skip(sub, n);
		}
		n = next;
	}
}

enum mapdb_status mapdb_revoke(struct mapdb *db, struct mapdb_node *node, uint64_t offset,
			       uint64_t size, unsigned rights, enum mapdb_scope scope)
{
	if (!node || (rights & ~MAPDB_RWX) != 0)
		return MAPDB_E_INVALID;
	if (scope != MAPDB_DESCENDANTS && scope != MAPDB_SELF_AND_DESCENDANTS)
		return MAPDB_E_INVALID;
	if (!IS_ALIGNED(offset, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || size == 0)
		return MAPDB_E_INVALID;
	if (offset >= mapdb_node_size(node) || size > mapdb_node_size(node) - offset)
		return MAPDB_E_INVALID;
	if (rights == 0)
		return MAPDB_OK;

	if (scope == MAPDB_SELF_AND_DESCENDANTS) {
		/* node overlaps any range inside it, so it is affected whole. */
		revoke_subtree(db, node, rights);
		return MAPDB_OK;
	}

	uint64_t first = pa_val(node->phys) + offset;
	uint64_t last = first + (size - 1);

	for (struct mapdb_node *c = node->first_child, *next; c; c = next) {
		next = c->next_sibling; /* c may be freed */
		/* Children lie inside node; an overlapping one is affected whole. */
		if (pa_val(c->phys) <= last && first <= phys_last(c))
			revoke_subtree(db, c, rights);
	}
	return MAPDB_OK;
}

uint64_t mapdb_child_count(const struct mapdb_node *node)
{
	uint64_t count = 0;

	for (const struct mapdb_node *c = node->first_child; c; c = c->next_sibling)
		count++;
	return count;
}

uint64_t mapdb_subtree_count(const struct mapdb_node *node)
{
	uint64_t count = 0;

	for (const struct mapdb_node *n = node; n; n = mapdb_walk_next(node, n))
		count++;
	return count;
}

uint64_t mapdb_node_count(const struct mapdb *db)
{
	return db->nodes;
}

/* The invariants of one node on its own. */
static bool node_valid(const struct mapdb_node *n)
{
	if (!n->space || n->order > MAPDB_MAX_ORDER || !rights_valid(n->rights))
		return false;
	return range_valid(n->vaddr, n->order) && range_valid(pa_val(n->phys), n->order);
}

/* c, found in p's child list after prev, is a proper child of p. */
static bool child_valid(const struct mapdb_node *p, const struct mapdb_node *c,
			const struct mapdb_node *prev)
{
	if (c->parent != p || c->prev_sibling != prev || c->order > p->order)
		return false;
	if ((c->rights & ~p->rights) != 0)
		return false;
	return !pa_lt(c->phys, p->phys) && phys_last(c) <= phys_last(p);
}

/* Every child of p is valid; at most `limit` of them (stops on a cycle). */
static bool children_valid(const struct mapdb_node *p, uint64_t limit)
{
	const struct mapdb_node *prev = NULL;
	uint64_t count = 0;

	for (const struct mapdb_node *c = p->first_child; c; c = c->next_sibling) {
		if (count++ == limit || !child_valid(p, c, prev))
			return false;
		prev = c;
	}
	return true;
}

/* top's place: a root stands alone; otherwise it is a valid child of its parent. */
static bool top_linked(const struct mapdb_node *top)
{
	const struct mapdb_node *p = top->parent;

	if (!p)
		return !top->prev_sibling && !top->next_sibling;
	if (top->prev_sibling ? top->prev_sibling->next_sibling != top : p->first_child != top)
		return false;
	return child_valid(p, top, top->prev_sibling);
}

bool mapdb_check(const struct mapdb *db, const struct mapdb_node *top)
{
	uint64_t seen = 0;

	if (!top || !top_linked(top))
		return false;
	/* Bounded by the live count, so a corrupted cycle cannot loop forever. */
	for (const struct mapdb_node *n = top; n; n = mapdb_walk_next(top, n)) {
		if (seen++ == db->nodes || !node_valid(n) || !children_valid(n, db->nodes))
			return false;
		if (n->next_sibling && n->next_sibling->prev_sibling != n)
			return false;
	}
	return true;
}
