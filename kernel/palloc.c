/*
 * Binary buddy allocator for physical pages; see kernel/include/kernel/palloc.h
 * for the model and the metadata layout.
 *
 * Invariants between calls (palloc_check verifies all of them):
 *  - every page of the span is exactly one of: reserved, the head of a free
 *    block, the head of an allocated block, or a tail page of one block;
 *  - a block of order k starts at a pfn that is a multiple of 2^k and lies
 *    wholly inside the span;
 *  - free list k holds exactly the free blocks of order k;
 *  - no free block of order k < max has a free buddy of order k (they would
 *    have merged).
 *
 * Locking: none; the caller serializes until the SMP work (issue #4).
 */
#include <kernel/compiler.h>
#include <kernel/palloc.h>
#include <kernel/string.h>
#include <kernel/types.h>

/* The free-list pointers are physical addresses moved by virt_offset. */
_Static_assert(sizeof(uintptr_t) == sizeof(uint64_t), "palloc assumes a 64-bit address space");

/* Per-page state bytes. Heads carry their order in the low bits. */
#define META_TAIL 0x00u
#define META_RESERVED 0x01u
#define META_FREE 0x40u
#define META_ALLOC 0x80u
#define META_ORDER_MASK 0x3fu

_Static_assert(PALLOC_MAX_ORDER <= META_ORDER_MASK, "order must fit the state byte");
_Static_assert(PALLOC_MAX_ORDER < 64 - PAGE_SHIFT, "block size must fit 64 bits");

static inline uint8_t meta_free(unsigned order) { return (uint8_t)(META_FREE | order); }
static inline uint8_t meta_alloc(unsigned order) { return (uint8_t)(META_ALLOC | order); }
static inline uint64_t order_pages(unsigned order) { return (uint64_t)1 << order; }

static inline uint8_t *meta_at(const struct palloc *a, uint64_t pfn)
{
	return &a->meta[pfn - a->base_pfn];
}

/* Whether the 2^order pages from pfn lie wholly inside the span. */
static bool block_in_span(const struct palloc *a, uint64_t pfn, unsigned order)
{
	if (pfn < a->base_pfn)
		return false;
	uint64_t idx = pfn - a->base_pfn;
	return idx < a->npages && a->npages - idx >= order_pages(order);
}

static struct palloc_node *node_of(const struct palloc *a, uint64_t pfn)
{
	return (struct palloc_node *)((pfn << PAGE_SHIFT) + a->virt_offset);
}

static uint64_t pfn_of_node(const struct palloc *a, const struct palloc_node *n)
{
	return ((uintptr_t)n - a->virt_offset) >> PAGE_SHIFT;
}

/* Put the block at pfn on free list `order` and mark its head free. */
static void list_push(struct palloc *a, uint64_t pfn, unsigned order)
{
	struct palloc_node *n = node_of(a, pfn);
	struct palloc_node *head = a->free_list[order];

	n->prev = NULL;
	n->next = head;
	if (head)
		head->prev = n;
	a->free_list[order] = n;
	*meta_at(a, pfn) = meta_free(order);
	a->free_blocks[order]++;
	a->free_pages += order_pages(order);
}

/* Unlink the free block at pfn; the caller rewrites its head byte. */
static void list_remove(struct palloc *a, uint64_t pfn, unsigned order)
{
	struct palloc_node *n = node_of(a, pfn);

	if (n->prev)
		n->prev->next = n->next;
	else
		a->free_list[order] = n->next;
	if (n->next)
		n->next->prev = n->prev;
	a->free_blocks[order]--;
	a->free_pages -= order_pages(order);
}

/*
 * Free the block at pfn (its head not yet on any list, its tails already
 * TAIL), merging upwards while the buddy is a free block of the same order.
 */
static void insert_free(struct palloc *a, uint64_t pfn, unsigned order)
{
	while (order < PALLOC_MAX_ORDER) {
		uint64_t buddy = pfn ^ order_pages(order);

		if (!block_in_span(a, buddy, order) || *meta_at(a, buddy) != meta_free(order))
			break;
		list_remove(a, buddy, order);
		/* The upper half's head becomes a tail of the merged block. */
		*meta_at(a, pfn > buddy ? pfn : buddy) = META_TAIL;
		pfn = pfn < buddy ? pfn : buddy;
		order++;
	}
	list_push(a, pfn, order);
}

size_t palloc_meta_size(struct pa_range span)
{
	return (size_t)(span.size >> PAGE_SHIFT);
}

bool palloc_init(struct palloc *a, struct pa_range span, uintptr_t virt_offset, void *meta,
		 size_t meta_size)
{
	uint64_t base = pa_val(span.base);

	if (!IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(span.size, PAGE_SIZE) || span.size == 0)
		return false;
	if (span.size > UINT64_MAX - base || !meta || meta_size < palloc_meta_size(span))
		return false;

	memset(a, 0, sizeof(*a));
	a->base_pfn = base >> PAGE_SHIFT;
	a->npages = span.size >> PAGE_SHIFT;
	a->virt_offset = virt_offset;
	a->meta = meta;
	memset(a->meta, META_RESERVED, (size_t)a->npages);
	return true;
}

/* Largest order whose naturally aligned block at pfn ends by `end`. */
static unsigned largest_fit(uint64_t pfn, uint64_t end)
{
	unsigned order = 0;

	/* A loop, not ctz: rv64imac has no Zbb and the kernel links no libgcc. */
	while (order < PALLOC_MAX_ORDER && IS_ALIGNED(pfn, order_pages(order + 1)))
		order++;
	while (end - pfn < order_pages(order))
		order--;
	return order;
}

/* Free the reserved pages [pfn, end) as maximal aligned blocks. */
static void add_run(struct palloc *a, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned order = largest_fit(pfn, end);
		uint64_t n = order_pages(order);

		memset(meta_at(a, pfn + 1), META_TAIL, (size_t)(n - 1));
		a->total_pages += n;
		insert_free(a, pfn, order);
		pfn += n;
	}
}

void palloc_add_free(struct palloc *a, struct pa_range r)
{
	uint64_t base = pa_val(r.base);
	uint64_t end = r.size > UINT64_MAX - base ? UINT64_MAX : base + r.size;
	/* Only whole pages: round the start up and the end down. */
	uint64_t first = (base >> PAGE_SHIFT) + (IS_ALIGNED(base, PAGE_SIZE) ? 0 : 1);
	uint64_t last = end >> PAGE_SHIFT;
	uint64_t span_end = a->base_pfn + a->npages;

	if (first < a->base_pfn)
		first = a->base_pfn;
	if (last > span_end)
		last = span_end;

	/* Add each maximal run of still-reserved pages; skip the rest. */
	while (first < last) {
		uint64_t run = first;

		while (run < last && *meta_at(a, run) == META_RESERVED)
			run++;
		add_run(a, first, run);
		first = run;
		while (first < last && *meta_at(a, first) != META_RESERVED)
			first++;
	}
}

bool palloc_alloc(struct palloc *a, unsigned order, paddr_t *out)
{
	unsigned j = order;

	if (order > PALLOC_MAX_ORDER)
		return false;
	while (j <= PALLOC_MAX_ORDER && !a->free_list[j])
		j++;
	if (j > PALLOC_MAX_ORDER)
		return false;

	uint64_t pfn = pfn_of_node(a, a->free_list[j]);

	list_remove(a, pfn, j);
	/* Split: keep the lower half, free the upper half, one order at a time. */
	while (j > order) {
		j--;
		list_push(a, pfn + order_pages(j), j);
	}
	*meta_at(a, pfn) = meta_alloc(order);
	*out = pa(pfn << PAGE_SHIFT);
	return true;
}

bool palloc_free(struct palloc *a, paddr_t p, unsigned order)
{
	uint64_t addr = pa_val(p);
	uint64_t pfn = addr >> PAGE_SHIFT;

	if (order > PALLOC_MAX_ORDER || !IS_ALIGNED(addr, PAGE_SIZE))
		return false;
	if (!IS_ALIGNED(pfn, order_pages(order)) || !block_in_span(a, pfn, order))
		return false;
	/* Catches double free, wrong order and pointers into a block's middle. */
	if (*meta_at(a, pfn) != meta_alloc(order))
		return false;

	insert_free(a, pfn, order);
	return true;
}

uint64_t palloc_free_pages(const struct palloc *a)
{
	return a->free_pages;
}

uint64_t palloc_total_pages(const struct palloc *a)
{
	return a->total_pages;
}

uint64_t palloc_free_blocks(const struct palloc *a, unsigned order)
{
	return order > PALLOC_MAX_ORDER ? 0 : a->free_blocks[order];
}

/* Per-call tallies for palloc_check. */
struct palloc_tally {
	uint64_t free_pages;
	uint64_t used_pages;
	uint64_t blocks[PALLOC_MAX_ORDER + 1];
};

/*
 * Check the block whose head is at pfn: aligned, inside the span, tails
 * marked, and (if free) not mergeable with its buddy. Returns its size in
 * pages, or 0 if the metadata is inconsistent.
 */
static uint64_t check_block(const struct palloc *a, uint64_t pfn, struct palloc_tally *t)
{
	uint8_t state = *meta_at(a, pfn);
	unsigned order = state & META_ORDER_MASK;
	bool is_free = (state & ~META_ORDER_MASK) == META_FREE;
	uint64_t n = order_pages(order);

	if ((state & ~META_ORDER_MASK) != META_FREE && (state & ~META_ORDER_MASK) != META_ALLOC)
		return 0;
	if (order > PALLOC_MAX_ORDER || !IS_ALIGNED(pfn, n) || !block_in_span(a, pfn, order))
		return 0;
	for (uint64_t i = 1; i < n; i++)
		if (*meta_at(a, pfn + i) != META_TAIL)
			return 0;
	if (!is_free) {
		t->used_pages += n;
		return n;
	}
	uint64_t buddy = pfn ^ n;
	if (order < PALLOC_MAX_ORDER && block_in_span(a, buddy, order) &&
	    *meta_at(a, buddy) == meta_free(order))
		return 0;
	t->free_pages += n;
	t->blocks[order]++;
	return n;
}

/* Walk free list `order`: links consistent, each entry a matching free head. */
static bool check_list(const struct palloc *a, unsigned order)
{
	const struct palloc_node *prev = NULL;
	uint64_t count = 0;

	for (const struct palloc_node *n = a->free_list[order]; n; n = n->next) {
		uint64_t pfn = pfn_of_node(a, n);

		/* Bounded by the count, so a cycle cannot loop forever. */
		if (count++ == a->free_blocks[order] || n->prev != prev)
			return false;
		if (!block_in_span(a, pfn, 0) || *meta_at(a, pfn) != meta_free(order))
			return false;
		prev = n;
	}
	return count == a->free_blocks[order];
}

bool palloc_check(const struct palloc *a)
{
	struct palloc_tally t;

	memset(&t, 0, sizeof(t));
	for (uint64_t i = 0; i < a->npages;) {
		if (a->meta[i] == META_RESERVED) {
			i++;
			continue;
		}
		uint64_t n = check_block(a, a->base_pfn + i, &t);
		if (n == 0)
			return false;
		i += n;
	}
	if (t.free_pages != a->free_pages || t.free_pages + t.used_pages != a->total_pages)
		return false;
	for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k++)
		if (t.blocks[k] != a->free_blocks[k] || !check_list(a, k))
			return false;
	return true;
}
