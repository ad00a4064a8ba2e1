/* Object lifetime (see kernel/kobject.h). */
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/gate.h>
#include <kernel/debugger.h>
#include <kernel/icu.h>
#include <kernel/irq.h>
#include <kernel/kobject.h>
#include <kernel/platform.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vcon.h>

static const struct kobject_ops *const kind_ops[VIREO_KIND_COUNT] = {
	[VIREO_KIND_FACTORY] = &factory_ops,
	[VIREO_KIND_TASK] = &task_ops,
	[VIREO_KIND_THREAD] = &thread_ops,
	[VIREO_KIND_IPC_GATE] = &gate_ops,
	[VIREO_KIND_VCON] = &vcon_ops,
	[VIREO_KIND_IRQ] = &irq_ops,
	[VIREO_KIND_SCHEDULER] = &scheduler_ops,
	[VIREO_KIND_PLATFORM] = &platform_ops,
	[VIREO_KIND_ICU] = &icu_ops,
	[VIREO_KIND_DEBUGGER] = &debugger_ops,
	[VIREO_KIND_VM] = &task_ops, /* a Vm is a task whose space is guest-physical */
};

const struct kobject_ops *kobject_ops_of(enum vireo_kind kind)
{
	return kind < VIREO_KIND_COUNT ? kind_ops[kind] : 0;
}

struct kobject *kobject_all;

void kobject_init(struct kobject *obj, enum vireo_kind kind)
{
	obj->kind = kind;
	obj->dead = false;
	obj->refs = 0;
	obj->caps = 0;
	obj->factory = 0;
	obj->charged = 0;
	obj->name[0] = 0;
	obj->all_prev = 0;
	obj->all_next = kobject_all;
	if (kobject_all)
		kobject_all->all_prev = obj;
	kobject_all = obj;
}

void kobject_unlist(struct kobject *obj)
{
	if (obj->all_prev)
		obj->all_prev->all_next = obj->all_next;
	else
		kobject_all = obj->all_next;
	if (obj->all_next)
		obj->all_next->all_prev = obj->all_prev;
}

void kobject_put(struct kobject *obj)
{
	check(obj->refs > 0);
	if (--obj->refs)
		return;
	if (!obj->dead) {
		/* Last capability gone without an explicit delete: same teardown. */
		obj->dead = true;
		if (kind_ops[obj->kind]->destroy) {
			obj->refs++;
			kind_ops[obj->kind]->destroy(obj);
			if (--obj->refs)
				return;
		}
	}
	kind_ops[obj->kind]->release(obj);
}

void kobject_delete(struct kobject *obj)
{
	if (obj->dead)
		return;
	kobject_get(obj); /* keep it while its capabilities go */
	obj->dead = true;
	while (obj->caps)
		cap_slot_clear(obj->caps);
	if (kind_ops[obj->kind]->destroy)
		kind_ops[obj->kind]->destroy(obj);
	kobject_put(obj);
}
