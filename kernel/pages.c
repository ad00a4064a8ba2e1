/* The kernel's page allocator instance (see kernel/pages.h). */
#include <kernel/console.h>
#include <kernel/memory.h>
#include <kernel/pages.h>

static struct palloc kernel_pages;

void pages_init(const struct pa_range *ram, size_t nram, const struct pa_range *holes,
		size_t nholes, uintptr_t virt_offset)
{
	const char *why;

	if (!memory_init(&kernel_pages, ram, nram, holes, nholes, virt_offset, &why))
		panic("memory: %s", why);
}

bool pages_alloc(unsigned order, paddr_t *out)
{
	return palloc_alloc(&kernel_pages, order, out);
}

paddr_t pages_alloc_or_panic(unsigned order)
{
	paddr_t p;

	if (!pages_alloc(order, &p))
		panic("out of memory allocating 2^%u pages at boot", order);
	return p;
}

void pages_free(paddr_t p, unsigned order)
{
	if (!palloc_free(&kernel_pages, p, order))
		panic("pages_free: 0x%lx order %u was not allocated", pa_val(p), order);
}

uint64_t pages_free_count(void)
{
	return palloc_free_pages(&kernel_pages);
}

uint64_t pages_total_count(void)
{
	return palloc_total_pages(&kernel_pages);
}
