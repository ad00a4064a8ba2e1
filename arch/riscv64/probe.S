/*
 * Fault probes for the self-tests. An access that may fault has an entry in
 * __ex_table (faulting pc, resume pc); trap_kernel resumes there instead of
 * dying. Each probe returns 1 when the access completed, 0 when it faulted.
 */
#include <arch/csr.h>
#include <arch/extable.h>

	.text
	.globl arch_probe_read
arch_probe_read:
1:	lb	t0, 0(a0)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b

	.globl arch_probe_write
arch_probe_write:
1:	lb	t0, 0(a0)
3:	sb	t0, 0(a0)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b
	extable	3b, 2b

	/* a0 = where to store the value. */
	.globl arch_probe_stimecmp
arch_probe_stimecmp:
1:	csrr	t0, CSR_STIMECMP
	sd	t0, 0(a0)
	li	a0, 1
	ret
2:	li	a0, 0
	ret
	extable	1b, 2b

	/*
	 * Calling into a page that is not executable faults at the target
	 * itself, which no table entry can name: trap_kernel checks
	 * probe_exec_resume instead and continues at its value.
	 */
	.globl arch_probe_exec
arch_probe_exec:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	lla	t0, 2f
	lla	t1, probe_exec_resume
	sd	t0, 0(t1)
	jalr	a0
	li	a0, 1
	j	3f
2:	li	a0, 0
3:	lla	t1, probe_exec_resume
	sd	zero, 0(t1)
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret

	.section .bss, "aw", @nobits
	.balign	8
	.globl probe_exec_resume
probe_exec_resume:
	.space	8
