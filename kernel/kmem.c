/* Size-class allocator for kernel objects (see kernel/kmem.h). */
#include <kernel/arch.h>
#include <kernel/kmem.h>
#include <kernel/pages.h>
#include <kernel/string.h>

#define KMEM_MIN_SHIFT 5
#define KMEM_CLASSES (PAGE_SHIFT - KMEM_MIN_SHIFT + 1)

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[KMEM_CLASSES];

static unsigned size_class(size_t size)
{
	unsigned c = 0;

	while (((size_t)1 << (c + KMEM_MIN_SHIFT)) < size)
		c++;
	return c;
}

size_t kmem_charge_size(size_t size)
{
	return (size_t)1 << (size_class(size) + KMEM_MIN_SHIFT);
}

/* Split a fresh page into blocks of class c. */
static bool refill(unsigned c)
{
	size_t block = (size_t)1 << (c + KMEM_MIN_SHIFT);
	paddr_t p;
	char *page;

	if (!pages_alloc(0, &p))
		return false;
	page = va_ptr(phys_to_virt(p));
	for (size_t off = 0; off < PAGE_SIZE; off += block) {
		struct free_block *b = (struct free_block *)(page + off);

		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return true;
}

void *kmem_alloc(size_t size)
{
	unsigned c;
	struct free_block *b;

	if (size == 0 || size > PAGE_SIZE)
		return 0;
	c = size_class(size);
	if (!free_lists[c] && !refill(c))
		return 0;
	b = free_lists[c];
	free_lists[c] = b->next;
	memset(b, 0, (size_t)1 << (c + KMEM_MIN_SHIFT));
	return b;
}

void kmem_free(void *p, size_t size)
{
	unsigned c = size_class(size);
	struct free_block *b = p;

	b->next = free_lists[c];
	free_lists[c] = b;
}
