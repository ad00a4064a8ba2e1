/*
 * User address spaces: the page tables of one task. Tables are charged to
 * the task's factory. Mappings come in the architecture's page sizes
 * (orders 0, 9 and 18 on riscv64: 4 KiB, 2 MiB, 1 GiB).
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

/* Free every page table (not the mapped memory). */
void vmspace_destroy(struct vmspace *vs);

/* Whether `order` is a page size this architecture maps in one entry. */
bool vmspace_order_ok(unsigned order);

/*
 * Map [va, va + 2^order pages) to pa with VIREO_MEM_* rights. VIREO_E_EXISTS
 * if anything is mapped there; VIREO_E_QUOTA/NOMEM for page tables.
 */
must_check enum vireo_status vmspace_map(struct vmspace *vs, uintptr_t va, paddr_t pa,
					 unsigned order, unsigned rights);

/* Change the rights of an existing mapping found at va (returns false if none). */
bool vmspace_protect(struct vmspace *vs, uintptr_t va, unsigned rights);

/* Remove the mapping that starts at va (if any). */
void vmspace_unmap(struct vmspace *vs, uintptr_t va);

/* Find the mapping covering va: its start, physical base, order and rights. */
bool vmspace_lookup(const struct vmspace *vs, uintptr_t va, uintptr_t *start, paddr_t *pa,
		    unsigned *order, unsigned *rights);

/* Make vs the address space of this hart's user mode. */
void vmspace_activate(const struct vmspace *vs);

#endif
