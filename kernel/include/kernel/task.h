/*
 * Tasks: a capability space, an address space, and the UTCB area where its
 * threads' UTCBs live (memory the kernel allocates at creation, charged to
 * the factory, and maps into the task read-write). A task owns the threads
 * bound to it: deleting the task deletes them, since they cannot run
 * without it.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <kernel/cspace.h>
#include <kernel/vmspace.h>
#include <vireo/fpage.h>

struct task {
	struct kobject obj;
	struct thread *threads;  /* bound threads (linked by thread.task_next) */
	struct cspace cspace;
	struct vmspace vm;
	uintptr_t utcb_base;   /* user address of the UTCB area */
	unsigned utcb_order;   /* its size: 2^utcb_order pages */
	paddr_t utcb_pa;       /* physically contiguous */
};

/*
 * A task with a UTCB area of 2^utcb_log2 bytes (>= one page, at most 64 KiB)
 * at utcb_base; utcb_log2 = 0 means none (a task whose threads have no UTCB).
 */
must_check enum vireo_status task_create(struct factory *f, uintptr_t utcb_base,
					 unsigned utcb_log2, struct kobject **out);

/*
 * A Vm (VIREO_KIND_VM): a task whose address space is guest-physical
 * (G-stage) and that no thread binds to. VIREO_E_ARG without the H
 * extension.
 */
must_check enum vireo_status task_create_vm(struct factory *f, struct kobject **out);

/* The kernel's pointer to the UTCB at user address `addr`, or NULL if not in the area. */
struct vireo_utcb *task_utcb(struct task *t, uintptr_t addr);

/*
 * Capability map: copy src's capabilities in the flexpage to t, from slot
 * dst_base on, with rights reduced to the flexpage's. Capabilities have no
 * derivation tree: a copy is independent of its source, and deleting the
 * object (DELETE right) removes every copy.
 */
must_check enum vireo_status task_copy_caps(struct task *src, vireo_fpage_t fp, struct task *t,
					    vireo_cap_t dst_base);

extern const struct kobject_ops task_ops;

#endif
