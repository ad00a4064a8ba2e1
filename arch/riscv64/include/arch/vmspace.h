/* A user address space on riscv64: an Sv39 tree whose upper half is the kernel's. */
#ifndef ARCH_VMSPACE_H
#define ARCH_VMSPACE_H

#include <arch/mmu.h>

/* User virtual addresses: the lower half of Sv39. */
#define ARCH_USER_END 0x4000000000UL

struct vmspace {
	pte_t *root;
	uint64_t satp;           /* the value that makes this space current (hgatp for a guest) */
	struct factory *factory; /* pays for the page tables */
	uint16_t asid;
	bool gstage;             /* a guest-physical space (Sv39x4), never in satp */
	/*
	 * A guest-physical space: its VMID (in satp too), 0 if the harts have
	 * none to spare; the CPUs that may still hold stale translations
	 * tagged with it, one bit per CPU id (they flush on their next entry).
	 */
	uint16_t vmid;
	uint64_t vmid_stale;
};

/* The end of a guest-physical space: Sv39x4 has 41-bit addresses (§18.5.1). */
#define ARCH_GSTAGE_END ((uintptr_t)1 << 41)

/* The end of the addresses vs can map (hot: inline). */
static inline uintptr_t vmspace_limit(const struct vmspace *vs)
{
	return vs->gstage ? ARCH_GSTAGE_END : ARCH_USER_END;
}

/* This hart's guest-physical translations tagged with vmid; VMID 0: all of them. */
static inline void arch_gstage_flush(uint16_t vmid)
{
	if (vmid)
		__asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, %0\n"
				 ".option pop" ::"r"((uint64_t)vmid) : "memory");
	else
		__asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, zero\n"
				 ".option pop" ::: "memory");
}

/* Make vs the address space of this hart's user mode (hot: inline). */
static inline void vmspace_activate(const struct vmspace *vs)
{
	__asm__ volatile("csrw satp, %0\n\tsfence.vma" ::"r"(vs->satp) : "memory");
}

#endif
