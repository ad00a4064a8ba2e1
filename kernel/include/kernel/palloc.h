/*
 * Physical page allocator: a binary buddy allocator over one physical span.
 *
 * The span runs from the lowest to the highest usable RAM address; holes in it
 * (firmware, the kernel image, the initrd, the allocator's own metadata, gaps
 * between memory banks) simply stay "reserved" and are never handed out. A
 * block of order k is 2^k pages and naturally aligned in *physical* address
 * space, so an order-9 block can back a 2 MiB superpage and an order-18 block
 * a 1 GiB one, whatever the span's own alignment.
 *
 * The allocator never dereferences a physical address. It reaches a free block
 * through virt_offset (kernel virtual = physical + virt_offset), which lets
 * the host unit tests run it over a malloc'd arena. Free lists are threaded
 * through the first bytes of the free blocks themselves, doubly linked so a
 * buddy can be unlinked in O(1) when it merges.
 *
 * Per-page state lives in caller-provided metadata, one byte per page:
 *
 *   span:  | R | R | F3 T T T T T T T | A0 | A1 T | F1 T | R | ...
 *
 *   R    reserved (never added, or outside every added range)
 *   Fk   first page of a free block of order k (on free list k)
 *   Ak   first page of an allocated block of order k
 *   T    any other page of a free or allocated block
 *
 * Locking: none yet. Until the SMP work (issue #4) gives the allocator its
 * lock, the caller serializes every call on one struct palloc.
 */
#ifndef KERNEL_PALLOC_H
#define KERNEL_PALLOC_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define PALLOC_MAX_ORDER 18u /* 2^18 pages = 1 GiB; orders 0..PALLOC_MAX_ORDER */

/* Free-list link, stored in the first bytes of every free block. */
struct palloc_node {
	struct palloc_node *next;
	struct palloc_node *prev;
};

struct palloc {
	uint64_t base_pfn;   /* first page of the span */
	uint64_t npages;     /* pages in the span */
	uintptr_t virt_offset;
	uint8_t *meta;       /* npages bytes, one state byte per page */
	struct palloc_node *free_list[PALLOC_MAX_ORDER + 1];
	uint64_t free_blocks[PALLOC_MAX_ORDER + 1]; /* length of each free list */
	uint64_t free_pages; /* sum over free blocks of their size in pages */
	uint64_t total_pages; /* pages ever added with palloc_add_free */
};

/* Bytes of metadata palloc_init needs for span (one per page). */
size_t palloc_meta_size(struct pa_range span);

/*
 * Set up a over span (page aligned, non-empty) with every page reserved.
 * meta must hold palloc_meta_size(span) bytes and stay owned by a. Returns
 * false, leaving a unusable, if span or meta_size is unacceptable.
 */
must_check bool palloc_init(struct palloc *a, struct pa_range span, uintptr_t virt_offset,
			    void *meta, size_t meta_size);

/*
 * Make the whole pages inside r (clipped to the span) allocatable, merging
 * them with free buddies. Pages already free or allocated are left alone.
 */
void palloc_add_free(struct palloc *a, struct pa_range r);

/*
 * Allocate a naturally aligned block of 2^order pages into *out. Returns
 * false (and leaves *out alone) when no block that large is free.
 */
must_check bool palloc_alloc(struct palloc *a, unsigned order, paddr_t *out);

/*
 * Return the block of 2^order pages at p, merging it with free buddies.
 * Returns false, changing nothing, if p is not the start of a block currently
 * allocated with exactly this order (double free, wrong order, misaligned,
 * outside the span): always a kernel bug, the caller panics.
 */
must_check bool palloc_free(struct palloc *a, paddr_t p, unsigned order);

/* Pages currently free. */
uint64_t palloc_free_pages(const struct palloc *a);

/* Pages ever made allocatable by palloc_add_free (free plus allocated). */
uint64_t palloc_total_pages(const struct palloc *a);

/* Number of free blocks of exactly this order (0 for order > max). */
uint64_t palloc_free_blocks(const struct palloc *a, unsigned order);

/*
 * Walk all metadata and free lists and check every invariant (O(pages)).
 * Returns true when consistent. For tests and debug self-checks.
 */
must_check bool palloc_check(const struct palloc *a);

#endif
