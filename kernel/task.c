/* Tasks (see kernel/task.h). Memory map and unmap come with the mapping database. */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/factory.h>
#include <kernel/kmain.h>
#include <kernel/memmap.h>
#include <kernel/msg.h>
#include <kernel/pages.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <vireo/fpage.h>

#define UTCB_AREA_MAX_LOG2 16

static enum vireo_status utcb_area_create(struct task *t, uintptr_t base, unsigned log2)
{
	unsigned order = log2 - PAGE_SHIFT;
	uint64_t bytes = (uint64_t)1 << log2;
	enum vireo_status st;

	if (log2 < PAGE_SHIFT || log2 > UTCB_AREA_MAX_LOG2 || !IS_ALIGNED(base, bytes) ||
	    base >= VMSPACE_USER_END || VMSPACE_USER_END - base < bytes)
		return VIREO_E_ARG;
	st = factory_charge(t->obj.factory, bytes);
	if (st != VIREO_OK)
		return st;
	if (!pages_alloc(order, &t->utcb_pa)) {
		factory_uncharge(t->obj.factory, bytes);
		return VIREO_E_NOMEM;
	}
	memset(va_ptr(phys_to_virt(t->utcb_pa)), 0, bytes);
	t->utcb_base = base;
	t->utcb_order = order;
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
		st = vmspace_map(&t->vm, base + off, pa_add(t->utcb_pa, off), 0,
				 VIREO_MEM_R | VIREO_MEM_W, 0);
		if (st != VIREO_OK)
			return st; /* the caller destroys the task, which frees the area */
	}
	return VIREO_OK;
}

static void utcb_area_free(struct task *t)
{
	if (!t->utcb_base)
		return;
	pages_free(t->utcb_pa, t->utcb_order);
	factory_uncharge(t->obj.factory, PAGE_SIZE << t->utcb_order);
	t->utcb_base = 0;
}

static void task_destroy(struct kobject *obj)
{
	struct task *t = (struct task *)obj;

	while (t->threads)
		kobject_delete(&t->threads->obj);
	memmap_task_gone(t);
}

static void task_release(struct kobject *obj)
{
	struct task *t = (struct task *)obj;

	memmap_task_gone(t);
	cspace_destroy(&t->cspace);
	sched_vm_gone(&t->vm);
	vmspace_destroy(&t->vm);
	utcb_area_free(t);
	factory_free_object(obj, sizeof(*t));
}

enum vireo_status task_create(struct factory *f, uintptr_t utcb_base, unsigned utcb_log2,
			      struct kobject **out)
{
	enum vireo_status st = factory_alloc_object(f, sizeof(struct task), VIREO_KIND_TASK, out);
	struct task *t;

	if (st != VIREO_OK)
		return st;
	t = (struct task *)*out;
	st = cspace_init(&t->cspace, f);
	if (st == VIREO_OK)
		st = vmspace_init(&t->vm, f);
	if (st == VIREO_OK && utcb_log2)
		st = utcb_area_create(t, utcb_base, utcb_log2);
	if (st != VIREO_OK)
		task_release(*out);
	return st;
}

enum vireo_status task_create_vm(struct factory *f, struct kobject **out)
{
	enum vireo_status st;
	struct task *t;

	if (!kernel_boot_info->all_harts_h)
		return VIREO_E_ARG; /* no H extension: no VMs */
	st = factory_alloc_object(f, sizeof(struct task), VIREO_KIND_VM, out);
	if (st != VIREO_OK)
		return st;
	t = (struct task *)*out;
	st = cspace_init(&t->cspace, f);
	if (st == VIREO_OK)
		st = vmspace_init_gstage(&t->vm, f);
	if (st != VIREO_OK)
		task_release(*out);
	return st;
}

struct vireo_utcb *task_utcb(struct task *t, uintptr_t addr)
{
	uint64_t off = addr - t->utcb_base;

	if (!t->utcb_base || addr < t->utcb_base || off >= (PAGE_SIZE << t->utcb_order) ||
	    !IS_ALIGNED(off, VIREO_UTCB_SIZE))
		return 0;
	return va_ptr(phys_to_virt(pa_add(t->utcb_pa, off)));
}

static enum vireo_status task_cap_info(struct task *t, struct msg *m)
{
	struct cap_slot *s = cspace_lookup(&t->cspace, msg_word(m, 1));

	msg_reply(m, 2);
	msg_set(m, 0, s ? s->obj->kind : VIREO_KIND_NONE);
	msg_set(m, 1, s ? s->rights : 0);
	return VIREO_OK;
}

static enum vireo_status task_mem_info(struct task *t, struct msg *m)
{
	struct vm_mapping map;
	bool found = vmspace_lookup(&t->vm, msg_word(m, 1), &map);

	msg_reply(m, 2);
	msg_set(m, 0, found ? map.rights : 0);
	msg_set(m, 1, found ? PAGE_SHIFT + map.order : 0);
	return VIREO_OK;
}

/* Capability unmap: clear slots of a capability flexpage in this task. */
static enum vireo_status task_unmap_caps(struct task *t, vireo_fpage_t fp)
{
	unsigned order = vireo_fpage_order(fp);
	uint64_t first = vireo_fpage_slot(fp);

	if (order >= 32 || !IS_ALIGNED(first, (uint64_t)1 << order))
		return VIREO_E_ARG;
	for (uint64_t sel = first; sel - first < ((uint64_t)1 << order); sel++) {
		if (sel >= CSPACE_MAX_SELECTORS)
			break;
		cspace_remove(&t->cspace, sel);
	}
	return VIREO_OK;
}

enum vireo_status task_copy_caps(struct task *src, vireo_fpage_t fp, struct task *t,
				vireo_cap_t dst_base)
{
	unsigned order = vireo_fpage_order(fp);
	uint64_t first = vireo_fpage_slot(fp), count;

	if (order >= 32 || !IS_ALIGNED(first, (uint64_t)1 << order))
		return VIREO_E_ARG;
	count = (uint64_t)1 << order;
	if (first >= CSPACE_MAX_SELECTORS || count > CSPACE_MAX_SELECTORS - first ||
	    dst_base >= CSPACE_MAX_SELECTORS || count > CSPACE_MAX_SELECTORS - dst_base)
		return VIREO_E_RANGE;
	for (uint64_t i = 0; i < count; i++) {
		struct cap_slot *s = cspace_lookup(&src->cspace, first + i);
		enum vireo_status st;

		if (!s)
			continue;
		st = cspace_insert(&t->cspace, dst_base + i, s->obj,
				   s->rights & vireo_fpage_rights(fp));
		if (st != VIREO_OK)
			return st;
	}
	return VIREO_OK;
}

static enum vireo_status task_invoke(struct kobject *obj, unsigned rights, struct thread *caller,
				     struct msg *m)
{
	struct task *t = (struct task *)obj;

	switch (msg_op(m)) {
	case VIREO_TASK_MAP:
		if (!(rights & VIREO_CAP_WRITE))
			return VIREO_E_RIGHTS;
		switch (vireo_fpage_type(msg_word(m, 1))) {
		case VIREO_FPAGE_CAP:
			if (obj->kind == VIREO_KIND_VM)
				return VIREO_E_ARG; /* a Vm holds memory only */
			return task_copy_caps(caller->task, msg_word(m, 1), t, msg_word(m, 2));
		case VIREO_FPAGE_MEM:
			if (msg_word(m, 3) & ~(vireo_word_t)VIREO_MAP_GRANT)
				return VIREO_E_ARG;
			return memmap_map(caller->task, msg_word(m, 1), t, msg_word(m, 2),
					  msg_word(m, 3) & VIREO_MAP_GRANT);
		default:
			return VIREO_E_ARG;
		}
	case VIREO_TASK_CAP_INFO:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		return task_cap_info(t, m);
	case VIREO_TASK_MEM_INFO:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		return task_mem_info(t, m);
	case VIREO_TASK_UNMAP:
		if (!(rights & VIREO_CAP_WRITE))
			return VIREO_E_RIGHTS;
		if (msg_word(m, 3) & ~(vireo_word_t)VIREO_UNMAP_SELF)
			return VIREO_E_ARG;
		switch (vireo_fpage_type(msg_word(m, 1))) {
		case VIREO_FPAGE_CAP:
			return task_unmap_caps(t, msg_word(m, 1));
		case VIREO_FPAGE_MEM:
			return memmap_unmap(t, msg_word(m, 1), (unsigned)msg_word(m, 2),
					    msg_word(m, 3) & VIREO_UNMAP_SELF);
		default:
			return VIREO_E_ARG;
		}
	default:
		return VIREO_E_OP;
	}
}

const struct kobject_ops task_ops = {
	.invoke = task_invoke,
	.destroy = task_destroy,
	.release = task_release,
};
