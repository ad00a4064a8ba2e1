/*
 * The kernel's physical page allocator instance: every page the kernel hands
 * out (page tables, and later kernel objects and user memory) comes from here.
 */
#ifndef KERNEL_PAGES_H
#define KERNEL_PAGES_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* Build the allocator over RAM minus holes; panics with the reason on failure. */
void pages_init(const struct pa_range *ram, size_t nram, const struct pa_range *holes,
		size_t nholes, uintptr_t virt_offset);

/* A naturally aligned block of 2^order pages; false when none is free. */
must_check bool pages_alloc(unsigned order, paddr_t *out);

/* Same, for boot-time users that cannot continue without memory. */
paddr_t pages_alloc_or_panic(unsigned order);

/* Return a block; freeing anything not allocated with this order panics. */
void pages_free(paddr_t p, unsigned order);

uint64_t pages_free_count(void);
uint64_t pages_total_count(void);

#endif
