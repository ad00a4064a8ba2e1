/* Factories and kernel-memory quotas (see kernel/factory.h). */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/gate.h>
#include <kernel/irq.h>
#include <kernel/kmem.h>
#include <kernel/msg.h>
#include <kernel/pages.h>
#include <kernel/string.h>
#include <kernel/task.h>
#include <kernel/thread.h>

static struct factory boot_factory;

void factory_boot_init(uint64_t limit)
{
	kobject_init(&boot_factory.obj, VIREO_KIND_FACTORY);
	boot_factory.quota = (struct quota){ .limit = limit };
}

struct factory *factory_boot(void)
{
	return &boot_factory;
}

enum vireo_status factory_charge(struct factory *f, uint64_t bytes)
{
	return quota_charge(&f->quota, bytes) ? VIREO_OK : VIREO_E_QUOTA;
}

void factory_uncharge(struct factory *f, uint64_t bytes)
{
	check(quota_uncharge(&f->quota, bytes));
}

enum vireo_status factory_alloc_pages(struct factory *f, unsigned order, void **out)
{
	uint64_t bytes = PAGE_SIZE << order;
	enum vireo_status st = factory_charge(f, bytes);
	paddr_t p;

	if (st != VIREO_OK)
		return st;
	if (!pages_alloc(order, &p)) {
		factory_uncharge(f, bytes);
		return VIREO_E_NOMEM;
	}
	*out = va_ptr(phys_to_virt(p));
	memset(*out, 0, bytes);
	return VIREO_OK;
}

void factory_free_pages(struct factory *f, void *block, unsigned order)
{
	pages_free(virt_to_phys(va_of_ptr(block)), order);
	factory_uncharge(f, PAGE_SIZE << order);
}

enum vireo_status factory_alloc_page(struct factory *f, void **out)
{
	return factory_alloc_pages(f, 0, out);
}

void factory_free_page(struct factory *f, void *page)
{
	factory_free_pages(f, page, 0);
}

enum vireo_status factory_alloc_object(struct factory *f, size_t size, enum vireo_kind kind,
				       struct kobject **out)
{
	size_t charge = kmem_charge_size(size);
	enum vireo_status st = factory_charge(f, charge);
	struct kobject *obj;

	if (st != VIREO_OK)
		return st;
	obj = kmem_alloc(size);
	if (!obj) {
		factory_uncharge(f, charge);
		return VIREO_E_NOMEM;
	}
	kobject_init(obj, kind);
	obj->factory = f;
	obj->charged = charge;
	kobject_get(&f->obj); /* the factory outlives what it paid for */
	*out = obj;
	return VIREO_OK;
}

void factory_free_object(struct kobject *obj, size_t size)
{
	struct factory *f = obj->factory;

	kobject_unlist(obj);
	factory_uncharge(f, obj->charged);
	kmem_free(obj, size);
	kobject_put(&f->obj);
}

static enum vireo_status create_factory(struct factory *parent, uint64_t limit,
					struct kobject **out)
{
	struct quota child;
	enum vireo_status st;

	if (!quota_split(&parent->quota, &child, limit))
		return VIREO_E_QUOTA;
	st = factory_alloc_object(parent, sizeof(struct factory), VIREO_KIND_FACTORY, out);
	if (st != VIREO_OK) {
		check(quota_join(&parent->quota, &child));
		return st;
	}
	((struct factory *)*out)->quota = child;
	return VIREO_OK;
}

static void factory_release(struct kobject *obj)
{
	struct factory *f = (struct factory *)obj;

	if (!obj->factory)
		return; /* the boot factory */
	check(quota_join(&obj->factory->quota, &f->quota));
	factory_free_object(obj, sizeof(*f));
}

static enum vireo_status create_object(struct factory *f, struct thread *caller,
				       const struct msg *m, struct kobject **out)
{
	switch (msg_word(m, 1)) {
	case VIREO_KIND_FACTORY:
		return create_factory(f, msg_word(m, 3), out);
	case VIREO_KIND_TASK:
		return task_create(f, msg_word(m, 3), (unsigned)msg_word(m, 4), out);
	case VIREO_KIND_THREAD:
		return thread_create(f, out);
	case VIREO_KIND_IPC_GATE:
		return gate_create(f, caller, msg_word(m, 3), msg_word(m, 4), out);
	case VIREO_KIND_IRQ:
		return irq_create(f, out);
	case VIREO_KIND_VM:
		return task_create_vm(f, out);
	default:
		return VIREO_E_ARG;
	}
}

static enum vireo_status factory_invoke(struct kobject *obj, unsigned rights,
					struct thread *caller, struct msg *m)
{
	struct factory *f = (struct factory *)obj;
	struct kobject *created;
	enum vireo_status st;

	switch (msg_op(m)) {
	case VIREO_FACTORY_QUOTA:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		msg_reply(m, 2);
		msg_set(m, 0, f->quota.limit);
		msg_set(m, 1, f->quota.used);
		return VIREO_OK;
	case VIREO_FACTORY_CREATE:
		if (!(rights & VIREO_CAP_WRITE))
			return VIREO_E_RIGHTS;
		if (msg_words(m) < 3)
			return VIREO_E_ARG;
		if (msg_word(m, 2) >= CSPACE_MAX_SELECTORS)
			return VIREO_E_RANGE;
		st = create_object(f, caller, m, &created);
		if (st != VIREO_OK)
			return st;
		kobject_get(created); /* hold it across the insert */
		st = cspace_insert(&caller->task->cspace, msg_word(m, 2), created, VIREO_CAP_ALL);
		if (st != VIREO_OK)
			kobject_delete(created);
		kobject_put(created);
		return st;
	default:
		return VIREO_E_OP;
	}
}

const struct kobject_ops factory_ops = {
	.invoke = factory_invoke,
	.release = factory_release,
};
