/*
 * User address spaces: the page tables of one task. Tables are charged to
 * the task's factory. Mappings come in the architecture's page sizes
 * (orders 0, 9 and 18 on riscv64: 4 KiB, 2 MiB, 1 GiB). Each mapping can
 * carry an opaque pointer (its mapping-database node), kept beside the
 * page-table entry, so unmap finds the node from an address in one walk.
 */
#ifndef KERNEL_VMSPACE_H
#define KERNEL_VMSPACE_H

#include <arch/vmspace.h>
#include <kernel/compiler.h>
#include <kernel/types.h>
#include <vireo/status.h>

struct factory;

#define VMSPACE_USER_END ARCH_USER_END

/* An empty user space whose page tables are charged to f. */
must_check enum vireo_status vmspace_init(struct vmspace *vs, struct factory *f);

/*
 * An empty guest-physical space (the second stage of address translation
 * for a VM; addresses below vmspace_limit), tables charged to f.
 */
must_check enum vireo_status vmspace_init_gstage(struct vmspace *vs, struct factory *f);

/* vmspace_limit(vs), from arch/vmspace.h: the end of the addresses vs can map. */

/* Free every page table (not the mapped memory). */
void vmspace_destroy(struct vmspace *vs);

/* Whether `order` is a page size this architecture maps in one entry. */
bool vmspace_order_ok(unsigned order);

/*
 * Map [va, va + 2^order pages) to pa with VIREO_MEM_* rights. VIREO_E_EXISTS
 * if anything is mapped there; VIREO_E_QUOTA/NOMEM for page tables.
 */
must_check enum vireo_status vmspace_map(struct vmspace *vs, uintptr_t va, paddr_t pa,
					 unsigned order, unsigned rights, void *node);

/* Change the rights of an existing mapping found at va (returns false if none). */
bool vmspace_protect(struct vmspace *vs, uintptr_t va, unsigned rights);

/* Remove the mapping that starts at va (if any). */
void vmspace_unmap(struct vmspace *vs, uintptr_t va);

/* What vmspace_lookup finds. */
struct vm_mapping {
	uintptr_t start; /* aligned to the mapping's size */
	paddr_t pa;
	unsigned order;
	unsigned rights;
	void *node;      /* as given to vmspace_map */
};

/* Find the mapping covering va. */
bool vmspace_lookup(const struct vmspace *vs, uintptr_t va, struct vm_mapping *m);

/*
 * Where the unmapped stretch around va ends (va is in no mapping): the end
 * of the largest empty table region that holds it, so that walks over
 * large empty ranges take few steps.
 */
uintptr_t vmspace_hole_end(const struct vmspace *vs, uintptr_t va);

/* Call fn for every mapping that carries a node (task destruction). */
void vmspace_for_each_node(struct vmspace *vs, void (*fn)(void *node, void *ctx), void *ctx);

/* Switch to the kernel's own page table (no user space at all). */
void vmspace_activate_kernel(void);

#endif
