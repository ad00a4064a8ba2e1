/* Reading the guest's own page table (see vmm.h: vmm_guest_code_address). */
#include "vmm.h"

#define SATP_PPN_MASK ((1ULL << 44) - 1)
#define PTE_V 0x1
#define PTE_R 0x2
#define PTE_X 0x8

bool vmm_guest_code_address(const struct vmm *vm, uint64_t vsatp, uint64_t va, uint64_t *gpa)
{
	unsigned mode = (unsigned)(vsatp >> 60);
	int levels = mode == 8 ? 3 : mode == 9 ? 4 : mode == 10 ? 5 : 0; /* Sv39, Sv48, Sv57 */
	uint64_t table = (vsatp & SATP_PPN_MASK) << 12;

	if (mode == 0) { /* Bare */
		*gpa = va;
		return true;
	}
	for (int level = levels - 1; level >= 0; level--) {
		const volatile uint64_t *slot =
			vmm_ram(vm, table + 8 * ((va >> (12 + 9 * level)) & 511), 8);
		uint64_t pte, ppn, mask = (1ULL << (12 + 9 * level)) - 1;

		if (!slot || !((pte = *slot) & PTE_V))
			return false;
		ppn = (pte >> 10) & SATP_PPN_MASK;
		if (pte & (PTE_R | PTE_X)) { /* a leaf: executable, and a superpage aligned */
			if (!(pte & PTE_X) || ((ppn << 12) & mask))
				return false;
			*gpa = (ppn << 12) | (va & mask);
			return true;
		}
		table = ppn << 12;
	}
	return false;
}
