/*
 * Tasks that run this program's own image: text and constants mapped with
 * the same rights, data shared. Tests and benchmarks use them to put a
 * thread into another address space without loading another program.
 */
#include "vireo.h"

extern char __image_start[], __text_end[], __rodata_end[], __end[];

enum vireo_status vireo_map_range(vireo_cap_t task, uintptr_t start, uintptr_t end,
				  unsigned rights)
{
	while (start < end) {
		unsigned order = 12;
		enum vireo_status st;

		while (order < 30 && !(start & ((1ULL << (order + 1)) - 1)) &&
		       start + (1ULL << (order + 1)) <= end)
			order++;
		st = vireo_task_map(task, vireo_fpage_mem(start, order, rights), start);
		if (st != VIREO_OK)
			return st;
		start += 1ULL << order;
	}
	return VIREO_OK;
}

enum vireo_status vireo_image_task(vireo_cap_t factory, vireo_cap_t task, vireo_cap_t thread,
				   uintptr_t utcb_area, unsigned utcb_log2)
{
	enum vireo_status st;

	if ((st = vireo_factory_create_task(factory, task, utcb_area, utcb_log2)) ||
	    (st = vireo_factory_create_thread(factory, thread)) ||
	    (st = vireo_thread_bind(thread, task, utcb_area)) ||
	    (st = vireo_map_range(task, (uintptr_t)__image_start, (uintptr_t)__text_end,
				  VIREO_MEM_R | VIREO_MEM_X)) ||
	    (st = vireo_map_range(task, (uintptr_t)__text_end, (uintptr_t)__rodata_end,
				  VIREO_MEM_R)) ||
	    (st = vireo_map_range(task, (uintptr_t)__rodata_end, (uintptr_t)__end,
				  VIREO_MEM_R | VIREO_MEM_W)) ||
	    (st = vireo_task_map(task, vireo_fpage_cap(thread, 0, VIREO_CAP_ALL),
				 VIREO_SEL_THREAD)))
		return st;
	return vireo_task_map(task, vireo_fpage_cap(task, 0, VIREO_CAP_ALL), VIREO_SEL_TASK);
}
