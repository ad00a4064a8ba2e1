/* Memory and helper tasks for the vtests. */
#include "vtest.h"

static uintptr_t next_page;

uintptr_t vt_pages(unsigned order)
{
	const struct vireo_mem_range *m = &vireo_boot_info->mem[0];
	uint64_t size = 4096ULL << order;
	uintptr_t p;

	if (!next_page)
		next_page = m->addr;
	p = (next_page + size - 1) & ~(size - 1);
	if (p + size > m->addr + m->size)
		return 0;
	next_page = p + size;
	return p;
}

bool vt_helper_task(struct vt_helper *h)
{
	h->task = vt_sel();
	h->thread = vt_sel();
	return vireo_image_task(VIREO_SEL_FACTORY, h->task, h->thread, VIREO_ROOT_UTCB_AREA,
				VIREO_ROOT_UTCB_LOG2) == VIREO_OK;
}

bool vt_helper_run(struct vt_helper *h, void (*fn)(void *arg), void *arg)
{
	static char stack[16384] __attribute__((aligned(16)));

	return vireo_thread_run(h->thread, VIREO_SEL_THREAD, VIREO_ROOT_UTCB_AREA, fn, arg, stack,
				sizeof(stack)) == VIREO_OK;
}

bool vt_helper_done(struct vt_helper *h)
{
	unsigned kind, rights;

	/* The thread may have ended (and deleted itself) already. */
	if (vireo_kobject_info(h->thread, &kind, &rights) == VIREO_OK &&
	    vireo_kobject_delete(h->thread) != VIREO_OK)
		return false;
	return vireo_kobject_delete(h->task) == VIREO_OK;
}

unsigned vt_rights_at(vireo_cap_t task, uintptr_t addr, unsigned *log2_size)
{
	unsigned rights = 0, size = 0;

	if (vireo_task_mem_info(task, addr, &rights, &size) != VIREO_OK)
		return ~0u;
	if (log2_size)
		*log2_size = size;
	return rights;
}
