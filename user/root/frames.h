/*
 * The root task's page allocator over the memory the kernel gave it
 * (vireo_boot_info->mem[], mapped virtual == physical, read-write). It
 * keeps a sorted list of free extents; allocations are contiguous runs
 * taken first-fit, and freed runs merge with their neighbours.
 */
#ifndef ROOT_FRAMES_H
#define ROOT_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include <vireo/bootinfo.h>

#define FRAMES_MAX_EXTENTS 128

/* Take every range of bi->mem[] (page-aligned inward) as free memory. */
void frames_init(const struct vireo_boot_info *bi);

/* A run of `pages` contiguous free pages (not zeroed); 0 if none is that large. */
uintptr_t frames_alloc(uint64_t pages);

/*
 * Give back a run from frames_alloc(). Returns false if the extent list is
 * full and the run could not be recorded (it is then lost, not corrupted).
 */
__attribute__((warn_unused_result)) bool frames_free(uintptr_t addr, uint64_t pages);

/* Free pages in all. */
uint64_t frames_available(void);

#endif
