/*
 * Boot entry and the trap vector.
 *
 * OpenSBI enters _start in S-mode (HS when the H extension is present) with
 * the MMU off, a0 = this hart's id and a1 = the physical address of the
 * device tree.
 */
#include <arch/csr.h>
#include <arch/layout.h>
#include <generated/asm-offsets.h>

/*
 * A user thread's frame (struct trap_frame in its struct thread), reached
 * from the thread: in user mode sscratch holds the thread, and the entry
 * and exit code pass threads.
 */
#define U_REGS (THREAD_TF + TF_REGS)
#define U_SEPC (THREAD_TF + TF_SEPC)
#define U_SCAUSE (THREAD_TF + TF_SCAUSE)
#define U_STVAL (THREAD_TF + TF_STVAL)
#define U_KERNEL_SP (THREAD_TF + TF_KERNEL_SP)
#define U_KERNEL_TP (THREAD_TF + TF_KERNEL_TP)
#define U_TRAP_ENTRY (THREAD_TF + TF_TRAP_ENTRY)
#define U_VCPU_REGS (THREAD_TF + TF_VCPU_REGS)

	.section .text.boot, "ax"
	.globl _start
_start:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* device tree, physical */
	lla	s2, _start		/* where we were loaded, physical */
	lla	sp, boot_stack_top

	/* Zero .bss (physical addresses: the MMU is still off). */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	mv	a0, s2
	lla	a1, _end
	sub	a1, a1, s2		/* image size */
	call	boot_vm_setup
	beqz	a0, boot_fail
	sfence.vma
	csrw	satp, a0
	sfence.vma
	ld	t0, .Lhigh_entry	/* the link-time (virtual) address */
	jr	t0

boot_fail:
	wfi
	j	boot_fail

	.balign 8
.Lhigh_entry:
	.dword	high_entry

/*
 * A secondary hart, started through SBI HSM (arch/riscv64/smp.c): MMU off,
 * a0 = hart id, a1 = its struct cpu (virtual). The boot page table still
 * maps the image at its physical address, so the MMU can go on here.
 */
	.globl _start_secondary
_start_secondary:
	csrw	sie, zero
	csrci	sstatus, SSTATUS_SIE
	lla	t0, boot_root
	srli	t0, t0, PAGE_SHIFT_BITS
	li	t1, SATP_SV39_MODE
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	ld	t0, .Lsecondary_high_entry
	jr	t0

	.balign 8
.Lsecondary_high_entry:
	.dword	secondary_high_entry

	.text
high_entry:
	/* Now at the link address: move sp to the image's virtual mapping. */
	li	t0, KERNEL_LINK_BASE
	sub	t0, t0, s2
	add	sp, sp, t0
	lla	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	arch_boot
	j	boot_fail

secondary_high_entry:
	mv	tp, a1
	ld	sp, PERCPU_STACK_TOP(tp)
	lla	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero
	call	arch_secondary_boot
	j	boot_fail

/*
 * Give up the kernel lock (kernel/klock.h) on the way out to user mode,
 * once everything of the kernel's, the frames included, is written.
 * Uses t0 and t1.
 */
.macro klock_release_asm
	ld	t0, PERCPU_KLOCK_OWNER(tp)
	li	t1, 1
	amoadd.w.rl zero, t1, (t0)
.endm

/*
 * Trap vector (direct mode). sscratch tells where the trap came from:
 *   0                  the kernel itself: save below the current sp
 *   a thread           a user thread: save into its frame, then switch to
 *                      this hart's kernel stack and per-CPU tp
 */
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, from_user
from_kernel:
	csrrw	sp, sscratch, sp	/* from the kernel: sp back, sscratch 0 */
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_REGS + 1*8(sp)
	.irp	n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_REGS + \n*8(sp)
	.endr
	addi	t0, sp, TF_SIZE
	sd	t0, TF_REGS + 2*8(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)

	mv	a0, sp
	call	trap_kernel

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, TF_REGS + 1*8(sp)
	.irp	n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_REGS + \n*8(sp)
	.endr
	addi	sp, sp, TF_SIZE
	sret

from_user:
	sd	t0, U_REGS + 5*8(sp)
	csrr	t0, scause
	addi	t0, t0, -8		/* environment call from U-mode? */
	bnez	t0, trap_from_user
	/*
	 * A system call. Saved now: what the C code may clobber (ra, tp,
	 * a0..a7) and the user sp. s0..s11 stay live in their registers (C
	 * preserves them), and so does gp (the kernel never uses it); they and
	 * the return pc are stored only if this thread does not simply
	 * continue. t0..t6 are not preserved across a system call
	 * (include/vireo/syscall.h): their slots keep this thread's older
	 * values, so nothing of the kernel or another thread leaks into them.
	 * sstatus is the frame's constant value (U-mode, interrupts on).
	 */
	sd	x1, U_REGS + 1*8(sp)
	.irp	n, 4,10,11,12,13,14,15,16,17
	sd	x\n, U_REGS + \n*8(sp)
	.endr
	csrrw	t0, sscratch, zero	/* the user's sp; sscratch 0 while in the kernel */
	sd	t0, U_REGS + 2*8(sp)
	mv	a5, a1			/* the fast path's arguments (arch/trap.h) */
	mv	a1, sp
	ld	tp, U_KERNEL_TP(sp)
	ld	sp, U_KERNEL_SP(sp)
	/* Take the kernel lock here, so that the fast path stays a leaf. */
	ld	t0, PERCPU_KLOCK_NEXT(tp)
	li	t1, 1
	amoadd.w t1, t1, (t0)		/* t1: this hart's ticket */
	lw	t2, 4(t0)		/* klock.owner */
	fence	r, rw			/* acquire: the kernel's reads come after */
	bne	t1, t2, syscall_lock_busy
syscall_locked:
	call	fastpath_entry		/* a0: thread to resume or 0; a1: this thread */
	beq	a0, a1, arch_resume_same
	/* Another thread runs, or the general path: the rest of this one's state goes home. */
	csrr	t0, sepc
	addi	t0, t0, 4		/* the call returns past the ecall */
	sd	t0, U_SEPC(a1)
	.irp	n, 3,8,9,18,19,20,21,22,23,24,25,26,27
	sd	x\n, U_REGS + \n*8(a1)
	.endr
	beqz	a0, syscall_general
	/*
	 * A switch: if the caller ever used the FPU, its registers may be
	 * loaded and changed, and go home first (FS is Off while a thread that
	 * never did runs: arch/fpu.h).
	 */
	lbu	t0, THREAD_FPU_USED(a1)
	beqz	t0, arch_resume_fast
	addi	sp, sp, -16
	sd	a0, 0(sp)
	addi	a0, a1, THREAD_FPU
	call	arch_fpu_leave
	ld	a0, 0(sp)
	addi	sp, sp, 16
	j	arch_resume_fast
syscall_general:
	/* The fast path set up a vcpu_resume (kernel/fastpath.h): straight out. */
	lb	t0, THREAD_VCPU_FAST_RESUMED(a1)
	bnez	t0, vcpu_fast_resume
	mv	a0, a1
	call	trap_syscall		/* the general path; does not return */
	j	boot_fail
vcpu_fast_resume:
	sb	zero, THREAD_VCPU_FAST_RESUMED(a1)
	bltz	t0, 1f			/* VCPU_FAST_GUEST: into a guest */
	mv	a0, a1
	ld	a1, U_VCPU_REGS(a0)
	j	arch_resume_vcpu_user
1:	mv	a0, a1
	call	trap_enter_guest	/* does not return */
	j	boot_fail

/*
 * The vector while a vCPU thread runs in virtual user mode (kernel/vcpu.c).
 * Every trap there is its guest kernel's business, so the registers, pc,
 * cause and tval go straight into the state area's r (the frame's
 * vcpu_regs: a kernel pointer; kernel sp and tp still come from the frame,
 * never from memory the task can write). The kernel decides on the copy
 * of scause in the frame. The ecall is not a system call: nothing is
 * skipped.
 */
/* Save a trap's registers, pc, cause and tval into the state area (t0 = its r). */
.macro save_to_state_area
	sd	t0, U_REGS + 5*8(sp)
	ld	t0, U_VCPU_REGS(sp)
	sd	x1, VR_X + 1*8(t0)
	.irp	n, 3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, VR_X + \n*8(t0)
	.endr
	ld	t1, U_REGS + 5*8(sp)
	sd	t1, VR_X + 5*8(t0)
	csrrw	t1, sscratch, zero
	sd	t1, VR_X + 2*8(t0)
	csrr	t1, sepc
	sd	t1, VR_PC(t0)
	csrr	t1, scause
	sd	t1, VR_CAUSE(t0)
	sd	t1, U_SCAUSE(sp)
	csrr	t1, stval
	sd	t1, VR_TVAL(t0)
	mv	a0, sp
	ld	tp, U_KERNEL_TP(sp)
	ld	sp, U_KERNEL_SP(sp)
.endm

	.balign 4
	.globl trap_entry_full
trap_entry_full:
	csrrw	sp, sscratch, sp
	beqz	sp, from_kernel
	save_to_state_area
	call	trap_vcpu_user		/* does not return */
	j	boot_fail

/*
 * The vector while a vCPU runs a guest (extended mode, kernel/vcpu.c): the
 * same save, and first of all back to V=0 for every later sret: hstatus.SPV
 * says where the trap came from, and stays so until cleared.
 */
	.balign 4
	.globl trap_entry_guest
trap_entry_guest:
	csrrw	sp, sscratch, sp
	beqz	sp, from_kernel
	save_to_state_area
	li	t1, HSTATUS_SPV
	csrc	CSR_HSTATUS, t1
	call	trap_vcpu_guest		/* does not return */
	j	boot_fail

syscall_lock_busy:			/* gp, s0..s11 still hold the user's values: C keeps them */
	addi	sp, sp, -16
	sd	a1, 0(sp)
	mv	a0, t1
	call	klock_wait
	ld	a1, 0(sp)
	addi	sp, sp, 16
	.irp	n, 10,12,13,14		/* the fast path's arguments again */
	ld	x\n, U_REGS + \n*8(a1)
	.endr
	ld	a5, U_REGS + 11*8(a1)
	j	syscall_locked

	/* Interrupts and exceptions: save everything (t0 is saved already). */
trap_from_user:
	sd	x1, U_REGS + 1*8(sp)
	.irp	n, 3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, U_REGS + \n*8(sp)
	.endr
	csrrw	t0, sscratch, zero
	sd	t0, U_REGS + 2*8(sp)
	csrr	t0, scause
	sd	t0, U_SCAUSE(sp)
	csrr	t0, sepc
	sd	t0, U_SEPC(sp)
	csrr	t0, stval
	sd	t0, U_STVAL(sp)
	mv	a0, sp
	ld	tp, U_KERNEL_TP(sp)
	ld	sp, U_KERNEL_SP(sp)
	call	trap_user		/* does not return */
	j	boot_fail

/*
 * The next trap of thread a0 comes to its vector (trap_entry, or the vCPU
 * ones) and runs on this hart's kernel stack and per-CPU data. Uses t0.
 */
.macro enter_on_this_hart
	ld	t0, U_TRAP_ENTRY(a0)
	csrw	stvec, t0
	ld	t0, PERCPU_STACK_TOP(tp)
	sd	t0, U_KERNEL_SP(a0)
	sd	tp, U_KERNEL_TP(a0)
.endm

/*
 * Out of the kernel with thread a0 and the registers of its state area
 * (a1, a kernel address); sstatus (and hstatus) are set. The lock goes
 * before the loads: they read the task's own memory only.
 */
.macro resume_from_state_area
	csrw	sscratch, a0
	ld	t0, VR_PC(a1)
	csrw	sepc, t0
	klock_release_asm
	ld	x1, VR_X + 1*8(a1)
	.irp	n, 2,3,4,5,6,7,8,9,10,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, VR_X + \n*8(a1)
	.endr
	ld	a1, VR_X + 11*8(a1)
	sret
.endm

/*
 * arch_return_to_user(thread): the next user trap saves into its frame and
 * runs on the current kernel stack's top (every kernel entry from user mode
 * starts afresh: the kernel keeps no state on the stack between entries).
 */
	.globl arch_return_to_user
arch_return_to_user:
	enter_on_this_hart
	/* U-mode with interrupts on after sret; FS stays (arch/fpu.h). */
	li	t0, SSTATUS_SPP
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	/* falls through: the rest is arch_resume_fast */

/*
 * arch_resume_fast(thread): the fast path's way out. It comes straight from
 * a system call of a user thread on this hart, so sstatus already says
 * U-mode with interrupts on, and the frame of the thread it resumes (which
 * entered the kernel through a system call on this hart, or was moved here
 * while blocked: arch_thread_moved) already holds this hart's kernel sp and tp.
 */
	.globl arch_resume_fast
arch_resume_fast:
	klock_release_asm
	csrw	sscratch, a0
	ld	t0, U_SEPC(a0)
	csrw	sepc, t0
	ld	x1, U_REGS + 1*8(a0)
	ld	x2, U_REGS + 2*8(a0)
	.irp	n, 3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, U_REGS + \n*8(a0)
	.endr
	ld	a0, U_REGS + 10*8(a0)
	sret

/*
 * arch_resume_vcpu_user(thread, regs): into virtual user mode with the
 * registers of the state area (regs, a kernel address); the next trap
 * saves there again (trap_entry_full).
 */
	.globl arch_resume_vcpu_user
arch_resume_vcpu_user:
	enter_on_this_hart
	li	t0, SSTATUS_SPP
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	resume_from_state_area

/*
 * arch_resume_guest(thread, regs): into the guest (VS-mode, V=1) with the
 * registers of the state area; the caller has loaded the VS CSRs and
 * hgatp. The next trap comes to trap_entry_guest.
 */
	.globl arch_resume_guest
arch_resume_guest:
	enter_on_this_hart
	li	t0, SSTATUS_SPIE	/* SPP says VS or VU (arch_guest_load) */
	csrs	sstatus, t0
	li	t0, HSTATUS_SPV
	csrs	CSR_HSTATUS, t0
	resume_from_state_area

/*
 * arch_resume_same(thread): the fast path's way back into the thread that
 * made the system call. Its gp and s0..s11 were never stored and are still
 * live, and sepc still points at its ecall: only what the kernel may have
 * changed comes from the frame.
 */
arch_resume_same:
	klock_release_asm
	csrw	sscratch, a0
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	ld	x1, U_REGS + 1*8(a0)
	ld	x2, U_REGS + 2*8(a0)
	.irp	n, 4,5,6,7,11,12,13,14,15,16,17,28,29,30,31
	ld	x\n, U_REGS + \n*8(a0)
	.endr
	ld	a0, U_REGS + 10*8(a0)
	sret

	.section .bss.stack, "aw", @nobits
	.balign 16
boot_stack:
	.space	KERNEL_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
