/*
 * Mapping database: who received which piece of physical memory from whom.
 *
 * Memory moves between tasks by map (the receiver gets a share; the sender
 * keeps its mapping) and grant (the mapping moves; the sender loses it). Each
 * mapping is one node; a node's children are the mappings made from it. Unmap
 * (revoke) walks a node's subtree, so rights taken from one task are taken
 * from every task that got the memory from it, directly or indirectly.
 *
 *   sigma0 @0x80000000 2 MiB RWX          root: what the kernel gave the root task
 *     |
 *     +-- A @0x400000 2 MiB RW           map of the whole superpage
 *     |     |
 *     |     +-- C @0x10000 4 KiB R       map of the 4 KiB at offset 0x3000 of A
 *     |     |     |
 *     |     |     +-- D @0x7000 4 KiB R  (unmap at A removes C and D)
 *     |     |
 *     |     +-- E @0x20000 4 KiB RW      offset 0x8000 of A
 *     |
 *     +-- B @0x200000 4 KiB RX           offset 0x1000 of sigma0
 *
 * Links: every node points to its parent; a parent points to its first
 * child; the children form a doubly linked sibling list (newest first), so a
 * node unlinks in O(1) however many siblings it has:
 *
 *   parent.first_child --> c1 <--> c2 <--> c3     (next_sibling/prev_sibling)
 *   c1.parent = c2.parent = c3.parent = parent
 *
 * Invariants (mapdb_check verifies them):
 *  - a node's physical range [phys, phys + size) is naturally aligned, as is
 *    its vaddr; size = PAGE_SIZE << order, order <= MAPDB_MAX_ORDER;
 *  - a child's physical range lies inside its parent's and its order is <= the
 *    parent's (a 2 MiB node may have 4 KiB children, never the reverse);
 *  - a child's rights are a subset of its parent's; rights are never empty
 *    and never W without R (RISC-V reserves that PTE encoding: privileged
 *    spec, Sv32 "Encoding of PTE R/W/X fields", which Sv39/48 reuse);
 *  - a child never outlives its parent: removing a node removes its subtree;
 *  - roots have no parent and no siblings; roots of one database cover
 *    disjoint physical ranges (the kernel's duty: sigma0 owns each frame once).
 *
 * The database does not know page tables. The kernel supplies callbacks for
 * the side effects (unmap, protect) and keeps node pointers beside its own
 * page-table entries: lookup from (space, vaddr) to node is the kernel's job.
 * The unmap callback is the single place a node dies, so it is where the
 * kernel drops its pointer to that node. Node memory also comes from the
 * kernel (alloc_node/free_node), which charges it to a kernel-memory quota.
 *
 * Unmap granularity is the mapping's own size: a revoke range that covers
 * only part of a mapping (a 4 KiB range inside a 2 MiB child) affects that
 * whole mapping and its whole subtree. Mappings are never split.
 *
 * Cost: revoke is O(nodes visited) and never recursive (the kernel stack is
 * 16 KiB; a chain of maps may be thousands deep). A range revoke scans all
 * direct children of the node, so it is O(children) even for a small range.
 * Revoke is not preemptible yet.
 *
 * Locking: none yet; the caller serializes every call. With SMP (issue #4)
 * each tree gets one lock, kept with its root and found from any node's
 * physical address (every node lies inside its root's range, and roots do not
 * overlap). The tree lock protects every field of every node of the tree
 * (links, space, vaddr, rights); callbacks run with it held, so they may take
 * page-table locks (tree lock before page-table lock) but never call back into
 * the database. struct mapdb's node count then becomes an atomic counter.
 */
#ifndef KERNEL_MAPDB_H
#define KERNEL_MAPDB_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* Rights bits; the same values as the ABI's memory flexpage rights. */
#define MAPDB_R 0x1u
#define MAPDB_W 0x2u
#define MAPDB_X 0x4u
#define MAPDB_RWX 0x7u

/* Largest mapping: 2^18 pages = 1 GiB, the largest Sv39 leaf. */
#define MAPDB_MAX_ORDER 18u

/* An address space; opaque here, owned and defined by the kernel. */
struct mapdb_space;

/* One mapping. Fields are readable by the kernel; only mapdb.c writes them. */
struct mapdb_node {
	struct mapdb_node *parent;       /* NULL for a root */
	struct mapdb_node *first_child;  /* newest child, or NULL */
	struct mapdb_node *next_sibling; /* older sibling, or NULL */
	struct mapdb_node *prev_sibling; /* newer sibling, or NULL for the first child */
	struct mapdb_space *space;       /* the space holding this mapping */
	uint64_t vaddr;                  /* its address there, aligned to the size */
	paddr_t phys;                    /* first byte of the mapped memory, aligned */
	uint8_t order;                   /* size = PAGE_SIZE << order */
	uint8_t rights;                  /* MAPDB_R/W/X */
};

_Static_assert(sizeof(void *) != 8 || sizeof(struct mapdb_node) == 64,
	       "a mapping node should stay one cache line");

/*
 * What the kernel supplies. All callbacks get the ctx given to mapdb_init.
 *  alloc_node: memory for one node (contents need not be initialized), or
 *      NULL when the quota or memory is exhausted;
 *  free_node:  return a node obtained from alloc_node;
 *  unmap:      the mapping `node` is going away: remove its page-table entry
 *      and drop every pointer to the node. Called once per removed node,
 *      parents before their children; the node is still linked and its fields
 *      valid; it is freed after the call, once its subtree is gone;
 *  protect:    node->rights has just been reduced (never to empty, never
 *      W without R): rewrite the page-table entry with the new rights.
 * Callbacks must not call into the mapping database.
 */
struct mapdb_ops {
	struct mapdb_node *(*alloc_node)(void *ctx);
	void (*free_node)(void *ctx, struct mapdb_node *node);
	void (*unmap)(void *ctx, struct mapdb_node *node);
	void (*protect)(void *ctx, struct mapdb_node *node);
};

struct mapdb {
	const struct mapdb_ops *ops;
	void *ctx;
	uint64_t nodes; /* live nodes over all trees */
};

/* Results. The kernel turns them into ABI statuses (E_QUOTA, E_ARG). */
enum mapdb_status {
	MAPDB_OK = 0,
	MAPDB_E_NOMEM = 1,   /* alloc_node failed; nothing changed */
	MAPDB_E_INVALID = 2, /* bad argument; nothing changed */
};

/* Which nodes a revoke considers. */
enum mapdb_scope {
	MAPDB_DESCENDANTS = 0,          /* only mappings derived from the node */
	MAPDB_SELF_AND_DESCENDANTS = 1, /* the node itself too */
};

/* Set up an empty database; ops (all four callbacks set) stays owned by the caller. */
void mapdb_init(struct mapdb *db, const struct mapdb_ops *ops, void *ctx);

/*
 * Create a root: the mapping of [phys, phys + size) at vaddr in space (the
 * root task), size = PAGE_SIZE << order. phys and vaddr must be aligned to
 * the size, rights valid (non-empty subset of RWX, no W without R), space
 * non-NULL. Returns MAPDB_OK with *out set, MAPDB_E_INVALID, or
 * MAPDB_E_NOMEM; on failure *out is untouched and nothing changed.
 */
must_check enum mapdb_status mapdb_root(struct mapdb *db, struct mapdb_space *space,
					uint64_t vaddr, unsigned order, unsigned rights,
					paddr_t phys, struct mapdb_node **out);

/*
 * Map: a new child of parent covering `offset` (bytes into parent) for
 * PAGE_SIZE << order bytes, at vaddr in space. order <= parent's order,
 * offset aligned to the child's size and inside the parent, vaddr aligned to
 * the child's size, space non-NULL. The child gets rights & parent->rights
 * (map only ever reduces rights), which must be valid; rights outside RWX
 * are invalid. The kernel must already have removed whatever space had at
 * vaddr. Returns as mapdb_root.
 */
must_check enum mapdb_status mapdb_map(struct mapdb *db, struct mapdb_node *parent,
				       uint64_t offset, unsigned order, unsigned rights,
				       struct mapdb_space *space, uint64_t vaddr,
				       struct mapdb_node **out);

/*
 * Grant: node now belongs to space at vaddr (aligned to its size), keeping
 * its rights, its subtree and its place in the tree, so revoking its parent
 * still reaches it. The kernel removes the sender's entry itself (no
 * callback). Returns MAPDB_OK or MAPDB_E_INVALID (nothing changed).
 */
must_check enum mapdb_status mapdb_grant(struct mapdb *db, struct mapdb_node *node,
					 struct mapdb_space *space, uint64_t vaddr);

/*
 * Revoke `rights` (a subset of RWX; 0 does nothing) from the mappings derived
 * from node that overlap [offset, offset + size) of it (page aligned,
 * non-empty, inside the node), and from node itself with
 * MAPDB_SELF_AND_DESCENDANTS. Every affected mapping is affected whole with
 * its whole subtree, even if it only partly overlaps the range; so with
 * MAPDB_SELF_AND_DESCENDANTS the range does not matter. Per affected node:
 * if rights includes R, or the node would be left with no rights, the node
 * and its subtree are removed (unmap callbacks, then freed); otherwise the
 * rights are reduced (protect callback) and its children are treated the
 * same way. A node that has none of the rights is skipped with its subtree.
 * If node itself is removed, the pointer is dead on return.
 * Returns MAPDB_OK or MAPDB_E_INVALID (nothing changed). Cannot run out of
 * memory.
 */
must_check enum mapdb_status mapdb_revoke(struct mapdb *db, struct mapdb_node *node,
					  uint64_t offset, uint64_t size, unsigned rights,
					  enum mapdb_scope scope);

/* Remove node and its subtree (unmap callbacks, then freed). Cannot fail. */
void mapdb_remove(struct mapdb *db, struct mapdb_node *node);

/* Size in bytes of node's mapping. */
static inline uint64_t mapdb_node_size(const struct mapdb_node *node)
{
	return PAGE_SIZE << node->order;
}

/*
 * Pre-order successor of n in top's subtree (top itself comes first), or
 * NULL after the last node. Like strchr, returns a non-const pointer.
 */
struct mapdb_node *mapdb_walk_next(const struct mapdb_node *top, const struct mapdb_node *n);

/* Number of direct children of node. */
uint64_t mapdb_child_count(const struct mapdb_node *node);

/* Number of nodes in node's subtree, node included. */
uint64_t mapdb_subtree_count(const struct mapdb_node *node);

/* Live nodes in the database. */
uint64_t mapdb_node_count(const struct mapdb *db);

/*
 * Check every invariant above on top's subtree, and top's link to its
 * parent (O(subtree), iterative). Returns true when consistent. For tests
 * and debug self-checks.
 */
must_check bool mapdb_check(const struct mapdb *db, const struct mapdb_node *top);

#endif
