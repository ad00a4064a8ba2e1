/*
 * Host unit tests for the mapping database (kernel/mapdb.c).
 *
 * Each test plays the kernel: fake address spaces hold a small fake page
 * table (a hash from vaddr to phys, order, rights and the node pointer the
 * kernel would keep beside a PTE), which the database's unmap and protect
 * callbacks update. The callbacks check that they only ever touch entries
 * that exist and belong to the node they are given, so a stale node or a
 * wrong callback fails at once. A counting node allocator with a limit
 * injects quota exhaustion; every test ends by removing every tree and
 * proving each allocated node was freed exactly once.
 *
 * When a revoke's outcome is "armed", the callbacks also compare every
 * unmap and protect with an independent model of the expected result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/mapdb.h>

#define R MAPDB_R
#define W MAPDB_W
#define X MAPDB_X
#define RW (MAPDB_R | MAPDB_W)
#define RX (MAPDB_R | MAPDB_X)
#define RWX MAPDB_RWX

#define KIB 1024ull
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

#define MAX_SPACES 8
#define MAX_ROOTS 16
#define UNLIMITED UINT64_MAX

/* One fake page-table entry: what the kernel keeps per mapping. */
struct pte {
	bool used;
	uint64_t vaddr;
	uint64_t phys;
	unsigned order;
	unsigned rights;
	struct mapdb_node *node;
	/* The model's prediction for an armed revoke. */
	bool expect_gone;
	unsigned expect_rights;
};

/* The kernel's address space, as far as these tests need one. */
struct mapdb_space {
	unsigned id;
	struct pte *slots; /* open addressing, linear probing */
	size_t cap;        /* power of two */
	size_t count;
	uint64_t next_vaddr; /* bump allocator for fresh addresses */
};

struct env {
	struct mapdb db;
	struct mapdb_space spaces[MAX_SPACES];
	unsigned nspaces;
	struct mapdb_node *roots[MAX_ROOTS];
	uint64_t allocs, frees, alloc_failures, limit;
	uint64_t unmaps, protects;
	bool armed; /* check callbacks against the pte expectations */
	/* Optional log of unmapped nodes, in callback order. */
	struct mapdb_node **log;
	size_t log_len, log_cap;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* --- the fake page table --- */

static size_t pte_home(const struct mapdb_space *s, uint64_t vaddr)
{
	return (size_t)(((vaddr >> 12) * 0x9e3779b97f4a7c15ull) >> 20) & (s->cap - 1);
}

static struct pte *pte_find(struct mapdb_space *s, uint64_t vaddr)
{
	for (size_t i = pte_home(s, vaddr);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slots[i].used)
			return NULL;
		if (s->slots[i].vaddr == vaddr)
			return &s->slots[i];
	}
}

static void pte_insert(struct mapdb_space *s, struct mapdb_node *n)
{
	size_t i = pte_home(s, n->vaddr);

	assert_true(s->count + 1 < s->cap);
	while (s->slots[i].used) {
		assert_true(s->slots[i].vaddr != n->vaddr); /* the kernel unmaps first */
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = (struct pte){ .used = true, .vaddr = n->vaddr, .phys = pa_val(n->phys),
				    .order = n->order, .rights = n->rights, .node = n,
				    .expect_rights = n->rights };
	s->count++;
}

/* Remove the entry at vaddr, shifting back later entries of its probe run. */
static void pte_remove(struct mapdb_space *s, uint64_t vaddr)
{
	struct pte *p = pte_find(s, vaddr);
	size_t mask = s->cap - 1;

	assert_non_null(p);
	size_t hole = (size_t)(p - s->slots);
	p->used = false;
	s->count--;
	for (size_t j = (hole + 1) & mask; s->slots[j].used; j = (j + 1) & mask) {
		size_t home = pte_home(s, s->slots[j].vaddr);

		/* Move j into the hole unless its home lies cyclically in (hole, j]. */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			s->slots[hole] = s->slots[j];
			s->slots[j].used = false;
			hole = j;
		}
	}
}

static struct pte *pte_of(struct mapdb_node *n)
{
	struct pte *p = pte_find(n->space, n->vaddr);

	assert_non_null(p);
	assert_ptr_equal(p->node, n);
	return p;
}

/* A fresh address in s, aligned to 2^order pages. */
static uint64_t fresh_vaddr(struct mapdb_space *s, unsigned order)
{
	uint64_t size = PAGE_SIZE << order;
	uint64_t v = (s->next_vaddr + size - 1) & ~(size - 1);

	s->next_vaddr = v + size;
	return v;
}

/* --- the kernel's side of the interface --- */

static struct mapdb_node *fake_alloc(void *ctx)
{
	struct env *e = ctx;

	if (e->allocs - e->frees >= e->limit) {
		e->alloc_failures++;
		return NULL;
	}
	struct mapdb_node *n = malloc(sizeof(*n));
	assert_non_null(n);
	memset(n, 0xa5, sizeof(*n)); /* the database must initialize every field */
	e->allocs++;
	return n;
}

static void fake_free(void *ctx, struct mapdb_node *n)
{
	struct env *e = ctx;

	struct pte *p = pte_find(n->space, n->vaddr);

	/* Its entry must be gone: the unmap callback ran first. */
	assert_true(p == NULL || p->node != n);
	memset(n, 0x5a, sizeof(*n));
	free(n);
	e->frees++;
}

static void fake_unmap(void *ctx, struct mapdb_node *n)
{
	struct env *e = ctx;
	struct pte *p = pte_of(n);

	assert_int_equal(p->phys, pa_val(n->phys));
	assert_int_equal(p->order, n->order);
	assert_int_equal(p->rights, n->rights);
	if (e->armed) {
		assert_true(p->expect_gone);
		/* Parents go first: a parent still mapped now must survive. */
		struct pte *pp = n->parent ? pte_find(n->parent->space, n->parent->vaddr) : NULL;
		if (pp && pp->node == n->parent)
			assert_false(pp->expect_gone);
	}
	pte_remove(n->space, n->vaddr);
	for (unsigned i = 0; i < MAX_ROOTS; i++)
		if (e->roots[i] == n)
			e->roots[i] = NULL;
	if (e->log) {
		assert_true(e->log_len < e->log_cap);
		e->log[e->log_len++] = n;
	}
	e->unmaps++;
}

static void fake_protect(void *ctx, struct mapdb_node *n)
{
	struct env *e = ctx;
	struct pte *p = pte_of(n);

	/* Strictly fewer rights, never empty, never W without R. */
	assert_int_equal(n->rights & ~p->rights, 0);
	assert_int_not_equal(n->rights, p->rights);
	assert_int_not_equal(n->rights, 0);
	assert_true(!(n->rights & W) || (n->rights & R));
	if (e->armed) {
		assert_false(p->expect_gone);
		assert_int_equal(n->rights, p->expect_rights);
	}
	p->rights = n->rights;
	e->protects++;
}

static const struct mapdb_ops fake_ops = {
	.alloc_node = fake_alloc,
	.free_node = fake_free,
	.unmap = fake_unmap,
	.protect = fake_protect,
};

/* --- environment --- */

static void env_init_cap(struct env *e, unsigned nspaces, size_t cap)
{
	memset(e, 0, sizeof(*e));
	assert_true(nspaces <= MAX_SPACES);
	e->nspaces = nspaces;
	e->limit = UNLIMITED;
	for (unsigned i = 0; i < nspaces; i++) {
		struct mapdb_space *s = &e->spaces[i];

		s->id = i;
		s->cap = cap;
		s->slots = calloc(cap, sizeof(*s->slots));
		assert_non_null(s->slots);
		s->next_vaddr = 1ull << 32; /* above the tests' fixed addresses */
	}
	mapdb_init(&e->db, &fake_ops, e);
}

static void env_init(struct env *e, unsigned nspaces)
{
	env_init_cap(e, nspaces, 1024);
}

static void env_log(struct env *e, size_t cap)
{
	free(e->log);
	e->log = calloc(cap, sizeof(*e->log));
	assert_non_null(e->log);
	e->log_cap = cap;
	e->log_len = 0;
}

static unsigned env_root_count(const struct env *e)
{
	unsigned count = 0;

	for (unsigned i = 0; i < MAX_ROOTS; i++)
		count += e->roots[i] != NULL;
	return count;
}

/*
 * Every tree passes mapdb_check; the trees, the fake page tables, the live
 * count and the allocator agree; each node's entry matches it.
 */
static void check_all(struct env *e)
{
	uint64_t nodes = 0, ptes = 0;

	for (unsigned i = 0; i < MAX_ROOTS; i++) {
		struct mapdb_node *root = e->roots[i];

		if (!root)
			continue;
		assert_null(root->parent);
		assert_true(mapdb_check(&e->db, root));
		for (struct mapdb_node *n = root; n; n = mapdb_walk_next(root, n)) {
			struct pte *p = pte_of(n);

			assert_int_equal(p->phys, pa_val(n->phys));
			assert_int_equal(p->order, n->order);
			assert_int_equal(p->rights, n->rights);
			nodes++;
		}
	}
	for (unsigned i = 0; i < e->nspaces; i++)
		ptes += e->spaces[i].count;
	assert_int_equal(nodes, ptes);
	assert_int_equal(nodes, mapdb_node_count(&e->db));
	assert_int_equal(nodes, e->allocs - e->frees);
}

/* Remove every tree, then prove every node was freed once. */
static void env_fini(struct env *e)
{
	check_all(e);
	free(e->log);
	e->log = NULL;
	for (unsigned i = 0; i < MAX_ROOTS; i++)
		if (e->roots[i])
			mapdb_remove(&e->db, e->roots[i]);
	assert_int_equal(env_root_count(e), 0);
	assert_int_equal(mapdb_node_count(&e->db), 0);
	assert_int_equal(e->allocs, e->frees);
	for (unsigned i = 0; i < e->nspaces; i++) {
		assert_int_equal(e->spaces[i].count, 0);
		free(e->spaces[i].slots);
	}
}

/* A digest of every node, link and entry: equal digests mean "no change". */
static uint64_t fingerprint(struct env *e)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint64_t words[8];

	for (unsigned i = 0; i < MAX_ROOTS; i++) {
		struct mapdb_node *root = e->roots[i];

		for (struct mapdb_node *n = root; n; n = mapdb_walk_next(root, n)) {
			words[0] = (uintptr_t)n;
			words[1] = (uintptr_t)n->parent;
			words[2] = (uintptr_t)n->first_child ^ ((uintptr_t)n->next_sibling << 1);
			words[3] = (uintptr_t)n->prev_sibling;
			words[4] = (uintptr_t)n->space ^ n->vaddr;
			words[5] = pa_val(n->phys);
			words[6] = (uint64_t)n->order << 8 | n->rights;
			words[7] = pte_of(n)->rights;
			for (unsigned k = 0; k < 8; k++)
				h = (h ^ words[k]) * 0x100000001b3ull;
		}
	}
	h ^= mapdb_node_count(&e->db) * 31 + e->allocs * 7 + e->frees + e->unmaps * 3 +
	     e->protects * 5;
	for (unsigned i = 0; i < e->nspaces; i++)
		h = (h ^ e->spaces[i].count) * 0x100000001b3ull;
	return h;
}

static struct mapdb_space *sp(struct env *e, unsigned i)
{
	assert_true(i < e->nspaces);
	return &e->spaces[i];
}

static struct mapdb_node *root(struct env *e, unsigned space, uint64_t vaddr, unsigned order,
			       unsigned rights, uint64_t phys)
{
	struct mapdb_node *n = NULL;

	assert_int_equal(mapdb_root(&e->db, sp(e, space), vaddr, order, rights, pa(phys), &n),
			 MAPDB_OK);
	assert_non_null(n);
	pte_insert(n->space, n);
	for (unsigned i = 0; i < MAX_ROOTS; i++) {
		if (!e->roots[i]) {
			e->roots[i] = n;
			return n;
		}
	}
	fail_msg("too many roots");
	return NULL;
}

/* mapdb_map, plus the kernel's page-table entry on success. */
static enum mapdb_status try_map(struct env *e, struct mapdb_node *parent, uint64_t offset,
				 unsigned order, unsigned rights, unsigned space, uint64_t vaddr,
				 struct mapdb_node **out)
{
	enum mapdb_status st =
		mapdb_map(&e->db, parent, offset, order, rights, sp(e, space), vaddr, out);

	if (st == MAPDB_OK)
		pte_insert((*out)->space, *out);
	return st;
}

static struct mapdb_node *map(struct env *e, struct mapdb_node *parent, uint64_t offset,
			      unsigned order, unsigned rights, unsigned space, uint64_t vaddr)
{
	struct mapdb_node *n = NULL;

	assert_int_equal(try_map(e, parent, offset, order, rights, space, vaddr, &n), MAPDB_OK);
	assert_ptr_equal(n->parent, parent);
	assert_int_equal(pa_val(n->phys), pa_val(parent->phys) + offset);
	assert_int_equal(n->rights, rights & parent->rights);
	return n;
}

/* Map into a fresh address of the space. */
static struct mapdb_node *map_any(struct env *e, struct mapdb_node *parent, uint64_t offset,
				  unsigned order, unsigned rights, unsigned space)
{
	return map(e, parent, offset, order, rights, space, fresh_vaddr(sp(e, space), order));
}

/* Grant as the kernel does it: drop the sender's entry, move, enter the receiver's. */
static void grant(struct env *e, struct mapdb_node *n, unsigned space, uint64_t vaddr)
{
	struct mapdb_space *old = n->space;
	uint64_t old_vaddr = n->vaddr;

	pte_of(n);
	assert_int_equal(mapdb_grant(&e->db, n, sp(e, space), vaddr), MAPDB_OK);
	pte_remove(old, old_vaddr);
	pte_insert(n->space, n);
	assert_ptr_equal(n->space, sp(e, space));
	assert_int_equal(n->vaddr, vaddr);
}

static void revoke(struct env *e, struct mapdb_node *n, uint64_t offset, uint64_t size,
		   unsigned rights, enum mapdb_scope scope)
{
	assert_int_equal(mapdb_revoke(&e->db, n, offset, size, rights, scope), MAPDB_OK);
	check_all(e);
}

static void revoke_all(struct env *e, struct mapdb_node *n, unsigned rights, enum mapdb_scope scope)
{
	revoke(e, n, 0, mapdb_node_size(n), rights, scope);
}

static bool is_mapped(struct mapdb_space *s, uint64_t vaddr)
{
	return pte_find(s, vaddr) != NULL;
}

static unsigned rights_at(struct mapdb_space *s, uint64_t vaddr)
{
	struct pte *p = pte_find(s, vaddr);

	assert_non_null(p);
	return p->rights;
}

/* --- tests --- */

static void test_root_and_map(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 3);
	struct mapdb_node *s0 = root(&e, 0, 0x80000000, 9, RWX, 0x80000000);
	assert_null(s0->parent);
	assert_null(s0->first_child);
	assert_int_equal(mapdb_node_size(s0), 2 * MIB);

	struct mapdb_node *a = map(&e, s0, 0, 9, RW, 1, 0x400000);
	struct mapdb_node *b = map(&e, s0, 0x1000, 0, RX, 2, 0x200000);
	struct mapdb_node *c = map(&e, a, 0x3000, 0, R, 2, 0x10000);

	assert_int_equal(pa_val(c->phys), 0x80003000);
	assert_int_equal(c->order, 0);
	assert_int_equal(mapdb_child_count(s0), 2);
	assert_int_equal(mapdb_child_count(a), 1);
	assert_int_equal(mapdb_child_count(b), 0);
	assert_int_equal(mapdb_subtree_count(s0), 4);
	assert_int_equal(mapdb_subtree_count(a), 2);
	assert_int_equal(mapdb_node_count(&e.db), 4);
	/* Newest child first; pre-order walk. */
	assert_ptr_equal(s0->first_child, b);
	assert_ptr_equal(mapdb_walk_next(s0, s0), b);
	assert_ptr_equal(mapdb_walk_next(s0, b), a);
	assert_ptr_equal(mapdb_walk_next(s0, a), c);
	assert_null(mapdb_walk_next(s0, c));
	assert_null(mapdb_walk_next(a, c));
	assert_true(mapdb_check(&e.db, a));
	assert_true(mapdb_check(&e.db, c));
	check_all(&e);
	env_fini(&e);
}

/* root -> A -> B -> C, one 4 KiB page passed along four spaces. */
struct chain {
	struct mapdb_node *root, *a, *b, *c;
};

static void build_chain(struct env *e, struct chain *ch)
{
	ch->root = root(e, 0, 0x80000000, 0, RWX, 0x80000000);
	ch->a = map(e, ch->root, 0, 0, RWX, 1, 0x1000);
	ch->b = map(e, ch->a, 0, 0, RWX, 2, 0x2000);
	ch->c = map(e, ch->b, 0, 0, RWX, 3, 0x3000);
}

static void test_three_level_unmap(void **state)
{
	(void)state;
	struct env e;
	struct chain ch;

	env_init(&e, 4);
	build_chain(&e, &ch);
	env_log(&e, 8);
	revoke_all(&e, ch.a, RWX, MAPDB_DESCENDANTS);
	assert_true(is_mapped(sp(&e, 1), 0x1000));
	assert_false(is_mapped(sp(&e, 2), 0x2000));
	assert_false(is_mapped(sp(&e, 3), 0x3000));
	assert_int_equal(mapdb_subtree_count(ch.root), 2);
	/* Parents are unmapped before their children. */
	assert_int_equal(e.log_len, 2);
	assert_ptr_equal(e.log[0], ch.b);
	assert_ptr_equal(e.log[1], ch.c);

	/* Unmap at B leaves A and B. */
	ch.b = map(&e, ch.a, 0, 0, RWX, 2, 0x2000);
	ch.c = map(&e, ch.b, 0, 0, RWX, 3, 0x3000);
	revoke_all(&e, ch.b, R, MAPDB_DESCENDANTS);
	assert_true(is_mapped(sp(&e, 1), 0x1000));
	assert_true(is_mapped(sp(&e, 2), 0x2000));
	assert_false(is_mapped(sp(&e, 3), 0x3000));
	assert_int_equal(mapdb_child_count(ch.b), 0);
	assert_int_equal(mapdb_subtree_count(ch.root), 3);
	env_fini(&e);
}

static void test_revoke_write_only(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 4);
	struct mapdb_node *s0 = root(&e, 0, 0, 2, RWX, 0x80000000);
	struct mapdb_node *a = map(&e, s0, 0, 2, RWX, 1, 0x10000);
	struct mapdb_node *b = map(&e, a, 0, 1, RWX, 2, 0x20000);
	struct mapdb_node *c = map(&e, b, 0, 0, RW, 3, 0x30000);
	struct mapdb_node *d = map(&e, b, 0x1000, 0, RX, 3, 0x31000);
	struct mapdb_node *x = map(&e, b, 0x1000, 0, X, 3, 0x32000); /* execute-only */

	revoke_all(&e, a, W, MAPDB_DESCENDANTS);
	assert_int_equal(a->rights, RWX); /* not itself */
	assert_int_equal(b->rights, RX);
	assert_int_equal(c->rights, R);
	assert_int_equal(d->rights, RX);
	assert_int_equal(x->rights, X);
	assert_int_equal(rights_at(sp(&e, 3), 0x30000), R);
	/* Only B and C had W: D and the X-only page get no callback. */
	assert_int_equal(e.protects, 2);
	assert_int_equal(e.unmaps, 0);

	/* Removing X: C is untouched, D and B keep R, the X-only page dies. */
	revoke_all(&e, a, X, MAPDB_DESCENDANTS);
	assert_int_equal(b->rights, R);
	assert_int_equal(c->rights, R);
	assert_int_equal(d->rights, R);
	assert_false(is_mapped(sp(&e, 3), 0x32000));
	assert_int_equal(e.protects, 4);
	assert_int_equal(e.unmaps, 1);

	/* Removing W from read-only mappings changes nothing at all. */
	uint64_t before = fingerprint(&e);
	revoke_all(&e, b, W, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(fingerprint(&e), before);
	/* So does removing no rights. */
	revoke_all(&e, s0, 0, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(fingerprint(&e), before);
	env_fini(&e);
}

static void test_include_self(void **state)
{
	(void)state;
	struct env e;
	struct chain ch;

	env_init(&e, 4);
	build_chain(&e, &ch);
	revoke_all(&e, ch.a, W, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(ch.root->rights, RWX);
	assert_int_equal(ch.a->rights, RX);
	assert_int_equal(ch.b->rights, RX);
	assert_int_equal(ch.c->rights, RX);
	assert_int_equal(rights_at(sp(&e, 1), 0x1000), RX);

	revoke_all(&e, ch.b, R, MAPDB_SELF_AND_DESCENDANTS);
	assert_true(is_mapped(sp(&e, 1), 0x1000));
	assert_false(is_mapped(sp(&e, 2), 0x2000));
	assert_false(is_mapped(sp(&e, 3), 0x3000));
	assert_int_equal(mapdb_child_count(ch.a), 0);

	/* Removing the root itself empties the tree. */
	revoke_all(&e, ch.root, R, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(env_root_count(&e), 0);
	assert_int_equal(mapdb_node_count(&e.db), 0);
	env_fini(&e);
}

static void test_grant(void **state)
{
	(void)state;
	struct env e;
	struct chain ch;

	env_init(&e, 5);
	build_chain(&e, &ch);
	struct mapdb_node *b2 = map(&e, ch.b, 0, 0, R, 1, 0x9000);

	/* B moves from space 2 to space 4, keeping rights, subtree and parent. */
	grant(&e, ch.b, 4, 0x44000);
	assert_false(is_mapped(sp(&e, 2), 0x2000));
	assert_true(is_mapped(sp(&e, 4), 0x44000));
	assert_ptr_equal(ch.b->parent, ch.a);
	assert_int_equal(mapdb_child_count(ch.b), 2);
	assert_int_equal(ch.b->rights, RWX);
	assert_int_equal(pa_val(ch.b->phys), 0x80000000);
	check_all(&e);

	/* Invalid grants change nothing. */
	uint64_t before = fingerprint(&e);
	assert_int_equal(mapdb_grant(&e.db, ch.b, sp(&e, 1), 0x44800), MAPDB_E_INVALID);
	assert_int_equal(mapdb_grant(&e.db, ch.b, NULL, 0x44000), MAPDB_E_INVALID);
	assert_int_equal(mapdb_grant(&e.db, NULL, sp(&e, 1), 0x44000), MAPDB_E_INVALID);
	assert_int_equal(fingerprint(&e), before);

	/* A granted root: sigma0 hands its memory on. */
	grant(&e, ch.root, 3, 0x70000);
	check_all(&e);

	/* Revoking the old parent still reaches the granted subtree. */
	revoke_all(&e, ch.a, RWX, MAPDB_DESCENDANTS);
	assert_false(is_mapped(sp(&e, 4), 0x44000));
	assert_false(is_mapped(sp(&e, 3), 0x3000));
	assert_false(is_mapped(sp(&e, 1), 0x9000));
	assert_true(is_mapped(sp(&e, 1), 0x1000));
	assert_int_equal(mapdb_subtree_count(ch.root), 2);
	(void)b2;
	env_fini(&e);
}

static void test_siblings_untouched(void **state)
{
	(void)state;
	struct env e;
	struct mapdb_node *kid[5], *grandkid[5];

	env_init(&e, 4);
	struct mapdb_node *s0 = root(&e, 0, 0, 3, RWX, 0x80000000);
	for (unsigned i = 0; i < 5; i++) {
		kid[i] = map_any(&e, s0, i * PAGE_SIZE, 0, RWX, 1 + i % 3);
		grandkid[i] = map_any(&e, kid[i], 0, 0, RW, 3);
	}

	/* Middle, newest (list head) and oldest (list tail) siblings. */
	unsigned order[3] = { 2, 4, 0 };
	for (unsigned k = 0; k < 3; k++) {
		unsigned i = order[k];
		uint64_t gv = grandkid[i]->vaddr;

		revoke_all(&e, kid[i], R, MAPDB_SELF_AND_DESCENDANTS);
		assert_false(is_mapped(sp(&e, 3), gv));
		kid[i] = grandkid[i] = NULL;
		for (unsigned j = 0; j < 5; j++) {
			if (!kid[j])
				continue;
			assert_int_equal(kid[j]->rights, RWX);
			assert_int_equal(grandkid[j]->rights, RW);
			assert_ptr_equal(grandkid[j]->parent, kid[j]);
		}
		assert_int_equal(mapdb_child_count(s0), 5 - (k + 1));
	}
	/* Protecting one sibling leaves its neighbours' rights alone. */
	revoke_all(&e, kid[1], W, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(kid[1]->rights, RX);
	assert_int_equal(grandkid[1]->rights, R);
	assert_int_equal(kid[3]->rights, RWX);
	assert_int_equal(grandkid[3]->rights, RW);
	env_fini(&e);
}

static void test_superpage_children(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 4);
	struct mapdb_node *s0 = root(&e, 0, 0x80000000, 9, RWX, 0x80000000);
	struct mapdb_node *a = map(&e, s0, 0, 9, RWX, 1, 0x200000);
	struct mapdb_node *p0 = map(&e, a, 0x0000, 0, RW, 2, 0x10000);
	struct mapdb_node *p1 = map(&e, a, 0x1000, 0, RW, 2, 0x11000);
	struct mapdb_node *p5 = map(&e, a, 0x5000, 0, RW, 2, 0x15000);
	struct mapdb_node *big = map(&e, a, 0x10000, 4, RW, 3, 0x100000); /* 64 KiB */
	struct mapdb_node *in_big = map(&e, big, 0xf000, 0, R, 2, 0x40000);

	/* A 4 KiB range removes just the child there. */
	revoke(&e, a, 0x1000, PAGE_SIZE, RWX, MAPDB_DESCENDANTS);
	assert_false(is_mapped(sp(&e, 2), 0x11000));
	assert_true(is_mapped(sp(&e, 2), 0x10000));
	assert_true(is_mapped(sp(&e, 2), 0x15000));
	assert_true(is_mapped(sp(&e, 3), 0x100000));
	assert_int_equal(mapdb_child_count(a), 3);
	(void)p1;

	/* A range over nothing changes nothing. */
	uint64_t before = fingerprint(&e);
	revoke(&e, a, 0x8000, 0x8000, RWX, MAPDB_DESCENDANTS);
	revoke(&e, a, 0x20000, 2 * MIB - 0x20000, RWX, MAPDB_DESCENDANTS);
	assert_int_equal(fingerprint(&e), before);

	/* Write-protect a 8 KiB range: only the child at 0x5000 is in it. */
	revoke(&e, a, 0x4000, 0x2000, W, MAPDB_DESCENDANTS);
	assert_int_equal(p5->rights, R);
	assert_int_equal(p0->rights, RW);
	assert_int_equal(big->rights, RW);
	assert_int_equal(a->rights, RWX);

	/* From the root, a range inside A's 2 MiB touches the whole of A. */
	revoke(&e, s0, 0x10000, PAGE_SIZE, X, MAPDB_DESCENDANTS);
	assert_int_equal(a->rights, RW);
	assert_int_equal(p0->rights, RW);
	assert_int_equal(in_big->rights, R);
	env_fini(&e);
}

static void test_partial_overlap(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 4);
	struct mapdb_node *s0 = root(&e, 0, 0, 18, RWX, 0x40000000); /* 1 GiB */
	struct mapdb_node *a = map(&e, s0, 2 * MIB, 9, RWX, 1, 0x200000);
	struct mapdb_node *a_lo = map(&e, a, 0, 0, RW, 2, 0x1000);
	struct mapdb_node *a_hi = map(&e, a, 2 * MIB - PAGE_SIZE, 0, RW, 2, 0x2000);
	struct mapdb_node *b = map(&e, s0, 4 * MIB, 9, RWX, 3, 0x400000);
	struct mapdb_node *b_kid = map(&e, b, 0x3000, 0, RWX, 2, 0x3000);

	/*
	 * Write-protect the last page of A only: A is larger than the range, so
	 * all of A loses W, and so do all its children, even the one outside.
	 */
	revoke(&e, s0, 4 * MIB - PAGE_SIZE, PAGE_SIZE, W, MAPDB_DESCENDANTS);
	assert_int_equal(a->rights, RX);
	assert_int_equal(a_lo->rights, R);
	assert_int_equal(a_hi->rights, R);
	assert_int_equal(b->rights, RWX);

	/* A range straddling A's end and B's start unmaps both whole. */
	revoke(&e, s0, 4 * MIB - PAGE_SIZE, 2 * PAGE_SIZE, R, MAPDB_DESCENDANTS);
	assert_int_equal(mapdb_child_count(s0), 0);
	assert_int_equal(mapdb_node_count(&e.db), 1);
	(void)b_kid;

	/* With the node itself included, the range does not matter: all of it goes. */
	a = map(&e, s0, 2 * MIB, 9, RWX, 1, 0x200000);
	a_lo = map(&e, a, 0, 0, RW, 2, 0x1000);
	revoke(&e, a, 2 * MIB - PAGE_SIZE, PAGE_SIZE, W, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(a->rights, RX);
	assert_int_equal(a_lo->rights, R);
	revoke(&e, a, 0x100000, PAGE_SIZE, R, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(mapdb_node_count(&e.db), 1);
	env_fini(&e);
}

static void test_map_reduces_rights(void **state)
{
	(void)state;
	struct env e;
	struct mapdb_node *n = NULL;

	env_init(&e, 2);
	struct mapdb_node *ro = root(&e, 0, 0x10000, 2, R, 0x80000000);
	struct mapdb_node *rx = root(&e, 0, 0x20000, 2, RX, 0x80010000);
	struct mapdb_node *rw = root(&e, 0, 0x30000, 2, RW, 0x80020000);

	assert_int_equal(map_any(&e, ro, 0, 0, RWX, 1)->rights, R);
	assert_int_equal(map_any(&e, rx, 0, 0, RW, 1)->rights, R);
	assert_int_equal(map_any(&e, rx, 0, 0, RWX, 1)->rights, RX);
	assert_int_equal(map_any(&e, rx, 0, 0, X, 1)->rights, X);
	assert_int_equal(map_any(&e, rw, 0, 0, RWX, 1)->rights, RW);
	struct mapdb_node *r2 = map_any(&e, rw, 0, 1, R, 1);
	/* A child of a reduced child cannot get the rights back. */
	assert_int_equal(map_any(&e, r2, 0, 0, RWX, 1)->rights, R);

	uint64_t before = fingerprint(&e);
	/* Nothing left, or W without R: invalid, nothing created. */
	assert_int_equal(try_map(&e, ro, 0, 0, W | X, 1, 0x90000, &n), MAPDB_E_INVALID);
	assert_int_equal(try_map(&e, rw, 0, 0, W, 1, 0x90000, &n), MAPDB_E_INVALID);
	assert_int_equal(try_map(&e, rw, 0, 0, W | X, 1, 0x90000, &n), MAPDB_E_INVALID);
	assert_int_equal(try_map(&e, rw, 0, 0, 0, 1, 0x90000, &n), MAPDB_E_INVALID);
	assert_int_equal(try_map(&e, rw, 0, 0, R | 8, 1, 0x90000, &n), MAPDB_E_INVALID);
	assert_null(n);
	assert_int_equal(fingerprint(&e), before);
	env_fini(&e);
}

static void test_invalid_args(void **state)
{
	(void)state;
	struct env e;
	struct mapdb_node *n = NULL;

	env_init(&e, 2);
	struct mapdb_node *p = root(&e, 0, 2 * MIB, 9, RWX, 0x80000000);
	struct mapdb_node *small = map(&e, p, 0x3000, 0, RW, 1, 0x5000);
	struct mapdb_space *s1 = sp(&e, 1);
	uint64_t before = fingerprint(&e);
	uint64_t allocs = e.allocs;

	/* Roots. */
	assert_int_equal(mapdb_root(&e.db, s1, 0, 9, RWX, pa(0x80001000), &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0x1000, 9, RWX, pa(0x80000000), &n),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0, MAPDB_MAX_ORDER + 1, RWX, pa(0), &n),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0, 0, 0, pa(0), &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0, 0, W, pa(0), &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0, 0, 0x9, pa(0), &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, NULL, 0, 0, R, pa(0), &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_root(&e.db, s1, 0, 0, R, pa(0x123), &n), MAPDB_E_INVALID);

	/* Maps: larger than the parent, misaligned, outside, bad address or space. */
	assert_int_equal(mapdb_map(&e.db, small, 0, 1, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0, 10, R, s1, 0, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0x1000, 1, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0x800, 0, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 2 * MIB, 0, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 4 * MIB, 0, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, UINT64_MAX & ~0xfffull, 0, R, s1, 0x8000, &n),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, small, PAGE_SIZE, 0, R, s1, 0x8000, &n),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0, 9, R, s1, 0x1000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0, 0, R, s1, 0x8010, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0, 0, R, NULL, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, NULL, 0, 0, R, s1, 0x8000, &n), MAPDB_E_INVALID);
	assert_int_equal(mapdb_map(&e.db, p, 0, 0, 0, s1, 0x8000, &n), MAPDB_E_INVALID);
	/* Misaligned at the top of the address space. */
	assert_int_equal(mapdb_map(&e.db, p, 0, 0, R, s1, UINT64_MAX, &n), MAPDB_E_INVALID);

	/* Revokes: misaligned, empty, outside, unknown rights or scope. */
	assert_int_equal(mapdb_revoke(&e.db, p, 0x10, PAGE_SIZE, R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, 0, 0x10, R, MAPDB_DESCENDANTS), MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, 0, 0, R, MAPDB_DESCENDANTS), MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, 2 * MIB, PAGE_SIZE, R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, 0, 4 * MIB, R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, PAGE_SIZE, 2 * MIB, R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, PAGE_SIZE, UINT64_MAX & ~0xfffull, R,
				      MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, small, 0, PAGE_SIZE, 0x8 | R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, p, 0, PAGE_SIZE, R, (enum mapdb_scope)7),
			 MAPDB_E_INVALID);
	assert_int_equal(mapdb_revoke(&e.db, NULL, 0, PAGE_SIZE, R, MAPDB_DESCENDANTS),
			 MAPDB_E_INVALID);

	assert_null(n);
	assert_int_equal(e.allocs, allocs);
	assert_int_equal(fingerprint(&e), before);
	env_fini(&e);
}

/* A root at the very top of the physical and virtual address space. */
static void test_top_of_address_space(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 2);
	uint64_t top = 0ull - 2 * MIB;
	struct mapdb_node *s0 = root(&e, 0, top, 9, RWX, top);
	struct mapdb_node *a = map(&e, s0, 2 * MIB - PAGE_SIZE, 0, RW, 1, 0ull - PAGE_SIZE);

	assert_int_equal(pa_val(a->phys), 0ull - PAGE_SIZE);
	check_all(&e);
	revoke(&e, s0, 2 * MIB - PAGE_SIZE, PAGE_SIZE, W, MAPDB_DESCENDANTS);
	assert_int_equal(a->rights, R);
	revoke(&e, s0, 0, PAGE_SIZE, R, MAPDB_DESCENDANTS);
	assert_int_equal(mapdb_child_count(s0), 1);
	revoke(&e, s0, 2 * MIB - PAGE_SIZE, PAGE_SIZE, R, MAPDB_DESCENDANTS);
	assert_int_equal(mapdb_child_count(s0), 0);
	env_fini(&e);
}

/*
 * A script of roots, maps and grants. When `fail_step` is reached, the
 * allocation of that step is made to fail first: it must report
 * MAPDB_E_NOMEM and leave everything as it was; then it is retried.
 */
struct script {
	struct env *e;
	unsigned step;
	unsigned fail_step;
	unsigned failures;
};

static struct mapdb_node *script_map(struct script *s, struct mapdb_node *parent,
				     uint64_t offset, unsigned order, unsigned rights,
				     unsigned space)
{
	struct env *e = s->e;
	struct mapdb_node *n = (struct mapdb_node *)&n; /* must stay untouched */
	uint64_t vaddr = fresh_vaddr(sp(e, space), order);

	if (s->step++ == s->fail_step) {
		uint64_t before = fingerprint(e);

		e->limit = e->allocs - e->frees;
		assert_int_equal(try_map(e, parent, offset, order, rights, space, vaddr, &n),
				 MAPDB_E_NOMEM);
		assert_ptr_equal(n, (struct mapdb_node *)&n);
		assert_int_equal(fingerprint(e), before);
		check_all(e);
		e->limit = UNLIMITED;
		s->failures++;
	}
	return map(e, parent, offset, order, rights, space, vaddr);
}

static struct mapdb_node *script_root(struct script *s, uint64_t phys, unsigned order)
{
	struct env *e = s->e;
	struct mapdb_node *n = NULL;

	if (s->step++ == s->fail_step) {
		uint64_t before = fingerprint(e);

		e->limit = e->allocs - e->frees;
		assert_int_equal(mapdb_root(&e->db, sp(e, 0), phys, order, RWX, pa(phys), &n),
				 MAPDB_E_NOMEM);
		assert_null(n);
		assert_int_equal(fingerprint(e), before);
		e->limit = UNLIMITED;
		s->failures++;
	}
	return root(e, 0, phys, order, RWX, phys);
}

#define SCRIPT_STEPS 12

static void run_script(struct script *s)
{
	struct mapdb_node *r1 = script_root(s, 0x80000000, 9);
	struct mapdb_node *a = script_map(s, r1, 0, 9, RW, 1);
	struct mapdb_node *b = script_map(s, a, 0x1000, 0, RWX, 2);
	struct mapdb_node *c = script_map(s, b, 0, 0, R, 3);
	struct mapdb_node *d = script_map(s, a, 0x10000, 4, RW, 3);

	grant(s->e, d, 2, fresh_vaddr(sp(s->e, 2), 4));
	struct mapdb_node *d1 = script_map(s, d, 0x2000, 0, RW, 1);
	struct mapdb_node *r2 = script_root(s, 0x80200000, 0);
	struct mapdb_node *f = script_map(s, r2, 0, 0, RX, 1);
	script_map(s, f, 0, 0, X, 2);
	script_map(s, c, 0, 0, R, 1);
	script_map(s, d1, 0, 0, R, 2);
	script_map(s, r1, 0x1ff000, 0, RWX, 3);
	assert_int_equal(s->step, SCRIPT_STEPS);
	check_all(s->e);
	assert_int_equal(mapdb_subtree_count(r1), 9);
	assert_int_equal(mapdb_subtree_count(r2), 3);
}

static void test_alloc_exhaustion(void **state)
{
	(void)state;

	/* Fail each step in turn (and none, at SCRIPT_STEPS). */
	for (unsigned k = 0; k <= SCRIPT_STEPS; k++) {
		struct env e;
		struct script s = { .e = &e, .fail_step = k };

		env_init(&e, 4);
		run_script(&s);
		assert_int_equal(s.failures, k < SCRIPT_STEPS ? 1 : 0);
		assert_int_equal(e.alloc_failures, s.failures);
		env_fini(&e);
	}

	/* A hard limit: mapping stops, then works again once nodes are freed. */
	struct env e;
	struct mapdb_node *n = NULL;

	env_init(&e, 2);
	e.limit = 4;
	struct mapdb_node *r = root(&e, 0, 0, 2, RWX, 0x80000000);
	for (unsigned i = 0; i < 3; i++)
		map_any(&e, r, i * PAGE_SIZE, 0, RW, 1);
	uint64_t before = fingerprint(&e);
	assert_int_equal(try_map(&e, r, 0, 0, RW, 1, 0x900000, &n), MAPDB_E_NOMEM);
	assert_int_equal(mapdb_root(&e.db, sp(&e, 0), 0x800000, 0, R, pa(0x90000000), &n),
			 MAPDB_E_NOMEM);
	assert_null(n);
	assert_int_equal(fingerprint(&e), before);
	revoke(&e, r, 0, PAGE_SIZE, R, MAPDB_DESCENDANTS);
	map_any(&e, r, 3 * PAGE_SIZE, 0, RW, 1);
	assert_int_equal(mapdb_node_count(&e.db), 4);
	env_fini(&e);
}

#define DEEP 100000u

static void test_deep_chain(void **state)
{
	(void)state;
	struct env e;

	env_init_cap(&e, 2, 1u << 17);
	struct mapdb_node *r = root(&e, 0, 0, 9, RWX, 0x80000000);
	struct mapdb_node *n = r, *mid = NULL;

	/* One 4 KiB page passed down the chain, alternating between two spaces. */
	n = map_any(&e, n, 0x5000, 0, RWX, 1);
	for (unsigned i = 1; i < DEEP; i++) {
		n = map_any(&e, n, 0, 0, RWX, i % 2);
		if (i == DEEP / 2)
			mid = n;
	}
	struct mapdb_node *leaf = n;
	assert_int_equal(mapdb_subtree_count(r), DEEP + 1);
	assert_int_equal(mapdb_subtree_count(mid), DEEP - DEEP / 2);
	check_all(&e);

	/* Protect the whole chain, then grant deep inside it. */
	revoke_all(&e, r, W, MAPDB_DESCENDANTS);
	assert_int_equal(e.protects, DEEP);
	assert_int_equal(leaf->rights, RX);
	grant(&e, mid, 1, fresh_vaddr(sp(&e, 1), 0));

	/* Unmapping from the middle removes the lower half, leaf last. */
	env_log(&e, DEEP);
	revoke_all(&e, mid, R, MAPDB_SELF_AND_DESCENDANTS);
	assert_int_equal(e.log_len, DEEP - DEEP / 2);
	assert_ptr_equal(e.log[e.log_len - 1], leaf);
	assert_int_equal(mapdb_subtree_count(r), DEEP / 2 + 1);

	/* And the rest from the root. */
	revoke(&e, r, 0x5000, PAGE_SIZE, R, MAPDB_DESCENDANTS);
	assert_int_equal(mapdb_node_count(&e.db), 1);
	env_fini(&e);
}

/* A wide tree: removing many siblings of a superpage is linear. */
static void test_wide_tree(void **state)
{
	(void)state;
	struct env e;

	env_init_cap(&e, 2, 1u << 11);
	struct mapdb_node *r = root(&e, 0, 0, 9, RWX, 0x80000000);
	for (unsigned i = 0; i < 512; i++)
		map_any(&e, r, i * PAGE_SIZE, 0, i % 2 ? RW : RX, 1);
	revoke(&e, r, 0x100000, 0x100000, W, MAPDB_DESCENDANTS);
	assert_int_equal(e.protects, 128);
	revoke(&e, r, 0, 0x100000, R, MAPDB_DESCENDANTS);
	assert_int_equal(mapdb_child_count(r), 256);
	assert_int_equal(e.unmaps, 256);
	env_fini(&e);
}

/* --- randomized stress against a model --- */

#define STRESS_OPS 20000
#define STRESS_MAX_NODES 600

/* Every live node, in pre-order per tree. */
static size_t collect(struct env *e, struct mapdb_node **out, size_t cap)
{
	size_t n = 0;

	for (unsigned i = 0; i < MAX_ROOTS; i++) {
		struct mapdb_node *root = e->roots[i];

		for (struct mapdb_node *m = root; m; m = mapdb_walk_next(root, m)) {
			assert_true(n < cap);
			out[n++] = m;
		}
	}
	return n;
}

/* Walk sub in pre-order through the raw links, without mapdb_walk_next. */
static struct mapdb_node *raw_next(struct mapdb_node *sub, struct mapdb_node *n)
{
	if (n->first_child)
		return n->first_child;
	while (n != sub) {
		if (n->next_sibling)
			return n->next_sibling;
		n = n->parent;
	}
	return NULL;
}

/* Predict the outcome of revoking `rights` from the subtree at top. */
static unsigned model_subtree(struct mapdb_node *top, unsigned rights)
{
	unsigned gone = 0;

	for (struct mapdb_node *n = top; n; n = raw_next(top, n)) {
		struct pte *p = pte_of(n);
		bool parent_gone = n != top && pte_of(n->parent)->expect_gone;

		if (parent_gone || (rights & R) || (n->rights & ~rights) == 0) {
			p->expect_gone = true;
			gone++;
		} else {
			p->expect_rights = n->rights & ~rights;
		}
	}
	return gone;
}

static unsigned model_revoke(struct env *e, struct mapdb_node *node, uint64_t offset,
			     uint64_t size, unsigned rights, enum mapdb_scope scope)
{
	for (unsigned i = 0; i < e->nspaces; i++) {
		for (size_t j = 0; j < e->spaces[i].cap; j++) {
			struct pte *p = &e->spaces[i].slots[j];

			p->expect_gone = false;
			p->expect_rights = p->rights;
		}
	}
	if (rights == 0)
		return 0;
	if (scope == MAPDB_SELF_AND_DESCENDANTS)
		return model_subtree(node, rights);

	uint64_t lo = pa_val(node->phys) + offset, hi = lo + size;
	unsigned gone = 0;

	for (struct mapdb_node *c = node->first_child; c; c = c->next_sibling) {
		uint64_t clo = pa_val(c->phys), chi = clo + mapdb_node_size(c);

		if (clo < hi && lo < chi)
			gone += model_subtree(c, rights);
	}
	return gone;
}

/* After an armed revoke: every survivor has the predicted rights. */
static void model_verify(struct env *e)
{
	for (unsigned i = 0; i < e->nspaces; i++) {
		for (size_t j = 0; j < e->spaces[i].cap; j++) {
			struct pte *p = &e->spaces[i].slots[j];

			if (!p->used)
				continue;
			assert_false(p->expect_gone);
			assert_int_equal(p->rights, p->expect_rights);
			assert_int_equal(p->node->rights, p->expect_rights);
		}
	}
}

static unsigned random_rights(void)
{
	return (unsigned)(rng() % 8);
}

static void stress_map(struct env *e, struct mapdb_node *parent)
{
	unsigned order = (unsigned)(rng() % (parent->order + 1u));
	uint64_t pieces = 1ull << (parent->order - order);
	uint64_t offset = (rng() % pieces) * (PAGE_SIZE << order);
	unsigned rights = random_rights();
	unsigned space = (unsigned)(rng() % e->nspaces);
	uint64_t vaddr = fresh_vaddr(sp(e, space), order);
	unsigned eff = rights & parent->rights;
	bool valid = eff != 0 && (!(eff & W) || (eff & R));
	bool starve = rng() % 16 == 0;
	uint64_t before = fingerprint(e);
	struct mapdb_node *n = NULL;

	if (starve)
		e->limit = e->allocs - e->frees;
	enum mapdb_status st = try_map(e, parent, offset, order, rights, space, vaddr, &n);
	e->limit = UNLIMITED;

	if (!valid) {
		assert_int_equal(st, MAPDB_E_INVALID);
	} else if (starve) {
		assert_int_equal(st, MAPDB_E_NOMEM);
	} else {
		assert_int_equal(st, MAPDB_OK);
		assert_int_equal(n->rights, eff);
		return;
	}
	assert_null(n);
	assert_int_equal(fingerprint(e), before);
}

static void stress_revoke(struct env *e, struct mapdb_node *node)
{
	uint64_t pages = mapdb_node_size(node) / PAGE_SIZE;
	uint64_t first = rng() % pages;
	uint64_t count = 1 + rng() % (pages - first);
	unsigned rights = random_rights();
	enum mapdb_scope scope = rng() % 4 == 0 ? MAPDB_SELF_AND_DESCENDANTS : MAPDB_DESCENDANTS;
	uint64_t unmaps = e->unmaps;

	/* Roots stay (removing them is covered elsewhere), so the trees stay busy. */
	if (!node->parent)
		scope = MAPDB_DESCENDANTS;
	unsigned gone = model_revoke(e, node, first * PAGE_SIZE, count * PAGE_SIZE, rights, scope);
	e->armed = true;
	assert_int_equal(mapdb_revoke(&e->db, node, first * PAGE_SIZE, count * PAGE_SIZE, rights,
				      scope),
			 MAPDB_OK);
	e->armed = false;
	assert_int_equal(e->unmaps - unmaps, gone);
	model_verify(e);
}

static void stress_grant(struct env *e, struct mapdb_node *node)
{
	unsigned space = (unsigned)(rng() % e->nspaces);

	grant(e, node, space, fresh_vaddr(sp(e, space), node->order));
}

static void test_stress(void **state)
{
	(void)state;
	struct env e;
	struct mapdb_node **live = calloc(STRESS_MAX_NODES + 1, sizeof(*live));

	assert_non_null(live);
	rng_state = 0x9e3779b97f4a7c15ull;
	env_init_cap(&e, 6, 1u << 12);
	root(&e, 0, 0, 9, RWX, 0x80000000);
	root(&e, 0, 0x40000000, 18, RWX, 0x40000000);
	root(&e, 0, 0x200000, 4, RX, 0x80200000);

	for (unsigned op = 0; op < STRESS_OPS; op++) {
		size_t n = collect(&e, live, STRESS_MAX_NODES + 1);
		struct mapdb_node *pick = live[rng() % n];
		unsigned what = (unsigned)(rng() % 10);

		if (what < 6 && n < STRESS_MAX_NODES)
			stress_map(&e, pick);
		else if (what < 7)
			stress_grant(&e, pick);
		else
			stress_revoke(&e, pick);
		if (op % 16 == 0 || what >= 7)
			check_all(&e);
	}
	env_fini(&e);
	free(live);
}

/* mapdb_check catches broken invariants (the structure is public). */
static void test_check_detects_corruption(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 2);
	struct mapdb_node *r = root(&e, 0, 0, 9, RWX, 0x80000000);
	struct mapdb_node *a = map(&e, r, 0x10000, 4, RW, 1, 0x100000);
	struct mapdb_node *b = map(&e, a, 0x1000, 0, R, 1, 0x1000);
	struct mapdb_node *c = map(&e, r, 0, 0, R, 1, 0x2000);
	struct mapdb_node saved = *a;

	assert_true(mapdb_check(&e.db, r));
	a->rights = RWX; /* any rights between the parent's and the children's pass */
	assert_true(mapdb_check(&e.db, r));
	a->rights = R;
	assert_true(mapdb_check(&e.db, r));
	b->rights = RW; /* child has more than its parent */
	assert_false(mapdb_check(&e.db, r));
	assert_false(mapdb_check(&e.db, b));
	b->rights = R;
	a->rights = W; /* W without R */
	assert_false(mapdb_check(&e.db, r));
	*a = saved;
	a->order = 10; /* larger than its parent */
	assert_false(mapdb_check(&e.db, r));
	*a = saved;
	a->phys = pa(0x80200000); /* outside its parent */
	assert_false(mapdb_check(&e.db, r));
	*a = saved;
	a->phys = pa(0x80011000); /* misaligned for 64 KiB */
	assert_false(mapdb_check(&e.db, r));
	*a = saved;
	b->parent = r; /* wrong parent link */
	assert_false(mapdb_check(&e.db, r));
	b->parent = a;
	c->prev_sibling = c; /* broken sibling list */
	assert_false(mapdb_check(&e.db, r));
	c->prev_sibling = NULL;
	a->next_sibling = a; /* a cycle must not hang the check */
	assert_false(mapdb_check(&e.db, r));
	*a = saved;
	assert_true(mapdb_check(&e.db, r));
	assert_true(mapdb_check(&e.db, b));
	assert_false(mapdb_check(&e.db, NULL));
	env_fini(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_map),
		cmocka_unit_test(test_three_level_unmap),
		cmocka_unit_test(test_revoke_write_only),
		cmocka_unit_test(test_include_self),
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_siblings_untouched),
		cmocka_unit_test(test_superpage_children),
		cmocka_unit_test(test_partial_overlap),
		cmocka_unit_test(test_map_reduces_rights),
		cmocka_unit_test(test_invalid_args),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_alloc_exhaustion),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_wide_tree),
		cmocka_unit_test(test_stress),
		cmocka_unit_test(test_check_detects_corruption),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
