/*
 * Factories create every kind of object and charge the kernel memory it
 * takes (the object itself, its page tables, capability tables, UTCB pages)
 * to a quota. A sub-factory's whole limit is charged to its parent when it
 * is created, so a quota can never be overdrawn through children; destroying
 * an object returns exactly what it was charged.
 */
#ifndef KERNEL_FACTORY_H
#define KERNEL_FACTORY_H

#include <kernel/kobject.h>
#include <kernel/quota.h>
#include <kernel/types.h>

struct factory {
	struct kobject obj;
	struct quota quota; /* what this factory may have charged at once */
};

/* Create the boot factory (the root task's) with a quota of `limit` bytes. */
void factory_boot_init(uint64_t limit);
struct factory *factory_boot(void);

/* Charge `bytes` to f; VIREO_E_QUOTA (and no charge) if over the limit. */
must_check enum vireo_status factory_charge(struct factory *f, uint64_t bytes);
void factory_uncharge(struct factory *f, uint64_t bytes);

/* A zeroed block of 2^order pages charged to f (kernel virtual address in *out). */
must_check enum vireo_status factory_alloc_pages(struct factory *f, unsigned order, void **out);
void factory_free_pages(struct factory *f, void *block, unsigned order);

/* A zeroed page charged to f (kernel virtual address in *out). */
must_check enum vireo_status factory_alloc_page(struct factory *f, void **out);
void factory_free_page(struct factory *f, void *page);

/* A zeroed object of `size` bytes charged to f, its kobject header initialized. */
must_check enum vireo_status factory_alloc_object(struct factory *f, size_t size,
						  enum vireo_kind kind, struct kobject **out);
/* Free an object made by factory_alloc_object and return its charge. */
void factory_free_object(struct kobject *obj, size_t size);

extern const struct kobject_ops factory_ops;

#endif
