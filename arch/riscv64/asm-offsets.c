/*
 * Offsets of C structures for assembly. Compiled to assembly only; the build
 * turns each "->NAME value" marker into a #define in asm-offsets.h.
 */
#include <arch/csr.h>
#include <arch/trap.h>
#include <kernel/cpu.h>
#include <kernel/thread.h>
#include <vireo/vcpu.h>
#include <stddef.h>

#define DEFINE(sym, val) __asm__ volatile("\n->" #sym " %0" ::"i"(val))

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(TF_REGS, offsetof(struct trap_frame, regs));
	DEFINE(TF_SEPC, offsetof(struct trap_frame, sepc));
	DEFINE(TF_SSTATUS, offsetof(struct trap_frame, sstatus));
	DEFINE(TF_SCAUSE, offsetof(struct trap_frame, scause));
	DEFINE(TF_STVAL, offsetof(struct trap_frame, stval));
	DEFINE(TF_KERNEL_SP, offsetof(struct trap_frame, kernel_sp));
	DEFINE(TF_KERNEL_TP, offsetof(struct trap_frame, kernel_tp));
	DEFINE(TF_TRAP_ENTRY, offsetof(struct trap_frame, trap_entry));
	DEFINE(TF_VCPU_REGS, offsetof(struct trap_frame, vcpu_regs));
	DEFINE(THREAD_TF, offsetof(struct thread, regs));
	DEFINE(THREAD_VCPU_FAST_RESUMED, offsetof(struct thread, vcpu_fast_resumed));
	DEFINE(VR_X, offsetof(struct vireo_vcpu_regs, x));
	DEFINE(VR_PC, offsetof(struct vireo_vcpu_regs, pc));
	DEFINE(VR_CAUSE, offsetof(struct vireo_vcpu_regs, cause));
	DEFINE(VR_TVAL, offsetof(struct vireo_vcpu_regs, tval));
	DEFINE(TF_SIZE, sizeof(struct trap_frame));
	DEFINE(PERCPU_STACK_TOP, offsetof(struct cpu, arch.stack_top));
	DEFINE(PERCPU_KLOCK_NEXT, offsetof(struct cpu, arch.klock_next));
	DEFINE(PERCPU_KLOCK_OWNER, offsetof(struct cpu, arch.klock_owner));
	DEFINE(SATP_SV39_MODE, SATP_MODE_SV39);
	DEFINE(PAGE_SHIFT_BITS, PAGE_SHIFT);
	DEFINE(THREAD_FPU, offsetof(struct thread, fpu));
	DEFINE(THREAD_FPU_USED, offsetof(struct thread, fpu.used));
}
