/*
 * Physical memory at boot: which pages are free, and the kernel's page
 * allocator built over them.
 */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <kernel/compiler.h>
#include <kernel/palloc.h>
#include <kernel/types.h>

#define MEMORY_MAX_HOLES 64

/*
 * Call fn(range) for every page-aligned piece of the `ram` ranges that no
 * `holes` range touches (holes are widened to whole pages, may overlap each
 * other and may lie partly outside RAM). Pieces come in ascending order per
 * RAM range.
 */
void memory_for_each_free(const struct pa_range *ram, size_t nram,
			  const struct pa_range *holes, size_t nholes,
			  void (*fn)(struct pa_range piece, void *ctx), void *ctx);

/*
 * Set up `alloc` over `ram` minus `holes` (firmware, kernel image, device
 * tree, boot archive). The allocator's metadata is placed in the first free
 * piece large enough, and is itself kept out of the free pages. Returns false
 * with a reason when there is no usable memory or too many holes.
 */
must_check bool memory_init(struct palloc *alloc, const struct pa_range *ram, size_t nram,
			    const struct pa_range *holes, size_t nholes, uintptr_t virt_offset,
			    const char **why);

#endif
