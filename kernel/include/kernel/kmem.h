/*
 * Kernel heap for objects: power-of-two size classes from 32 bytes to one
 * page, carved from pages of the page allocator. Freed blocks go back to
 * their class's free list; pages are not returned to the page allocator.
 * Quota charges use kmem_charge_size(), the exact amount a request takes.
 */
#ifndef KERNEL_KMEM_H
#define KERNEL_KMEM_H

#include <kernel/compiler.h>
#include <stddef.h>

/* Bytes a request of `size` really occupies (its size class). */
size_t kmem_charge_size(size_t size);

/* Zeroed memory of `size` bytes (<= one page), or NULL when memory is out. */
must_check void *kmem_alloc(size_t size);

/* Return a block from kmem_alloc with the same size. */
void kmem_free(void *p, size_t size);

#endif
