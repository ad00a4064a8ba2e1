/*
 * Memory mappings between tasks, recorded in the mapping database so that
 * unmap revokes recursively (DESIGN.md §4 "Mapping"). Every mapping node is
 * charged to the factory of the task that holds the mapping.
 *
 * Memory the kernel hands out (to the root task) becomes the roots of the
 * trees; Task.map derives children, Task.unmap revokes.
 */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <kernel/task.h>
#include <vireo/fpage.h>

/* Give t the memory [pa, pa + 2^order pages) at va, as a tree root. */
must_check enum vireo_status memmap_root(struct task *t, uintptr_t va, paddr_t pa,
					 unsigned order, unsigned rights);

/*
 * Map (or with `grant`, move) the mappings of src inside the memory flexpage
 * fp to dst at dst_base, rights reduced to the flexpage's. Holes in src are
 * skipped; what dst had in the way is unmapped first.
 */
must_check enum vireo_status memmap_map(struct task *src, vireo_fpage_t fp, struct task *dst,
					uintptr_t dst_base, bool grant);

/*
 * Revoke `rights` from every mapping derived from t's mappings inside fp,
 * and from t's own with `self`. Removing R removes the mapping.
 */
must_check enum vireo_status memmap_unmap(struct task *t, vireo_fpage_t fp, unsigned rights,
					  bool self);

/* The task dies: remove its mappings and all derived from them. */
void memmap_task_gone(struct task *t);

#endif
