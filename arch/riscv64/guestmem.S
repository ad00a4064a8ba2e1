/*
 * Hypervisor loads and stores (priv spec §18.3.1): the kernel reads and
 * writes a guest's memory for its VMM with the guest's own translation
 * (vsatp, then the Vm's G-stage tables). A fault resumes at the fixup
 * (__ex_table, as in probe.S): the access fails, the kernel goes on.
 * Each returns 1 when the access completed, 0 when it faulted.
 */
#include <arch/csr.h>
#include <arch/extable.h>

	.option push
	.option arch, +h
	.text

	/* bool arch_hlv_d(uintptr_t gva, uint64_t *out) */
	.globl arch_hlv_d
arch_hlv_d:
1:	hlv.d	t0, (a0)
	sd	t0, 0(a1)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b

	/* bool arch_hlvx_hu(uintptr_t gva, uint64_t *out): 16 bits, as an instruction fetch */
	.globl arch_hlvx_hu
arch_hlvx_hu:
1:	hlvx.hu	t0, (a0)
	sd	t0, 0(a1)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b

	/* bool arch_hsv_d(uintptr_t gva, uint64_t value) */
	.globl arch_hsv_d
arch_hsv_d:
1:	hsv.d	a1, (a0)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b

	.option pop
