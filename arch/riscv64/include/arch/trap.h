/* The register frame saved on every trap into the kernel. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>
#include <vireo/tag.h>
#include <vireo/types.h>

/*
 * regs[i] holds x<i>; regs[0] is unused (x0 is zero) and regs[2] is the sp
 * at the time of the trap. Layout offsets reach assembly through asm-offsets.
 *
 * A user thread's frame lives in its struct thread; while the thread runs
 * in user mode sscratch points at the thread, and kernel_sp / kernel_tp say
 * where the trap entry finds this hart's kernel stack and per-CPU data.
 */
struct trap_frame {
	uint64_t regs[32];
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
	uint64_t kernel_sp;
	uint64_t kernel_tp;
	uint64_t trap_entry; /* stvec while it runs: trap_entry, or trap_entry_full */
	uint64_t vcpu_regs;  /* a vCPU's state-area registers (kernel address), or 0 */
};

_Static_assert(sizeof(struct trap_frame) % 16 == 0, "trap frames keep sp 16-byte aligned");

struct cpu;
struct thread;

/*
 * Whether the frame's next trap enters on c's stack and per-CPU data: the
 * frames the fast path resumes with arch_resume_fast must (a thread moved
 * to another CPU while it ran still has the old hart's in its frame).
 */
static inline bool arch_frame_enters_on(const struct trap_frame *tf, const struct cpu *c)
{
	return tf->kernel_tp == (uint64_t)(uintptr_t)c;
}

/* Register numbers used by the kernel's ABI code. */
#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14

/*
 * Called from trap_entry for traps taken in user mode (trap_syscall for
 * ecall, with sepc already past it); they leave through the scheduler.
 */
noreturn_fn void trap_user(struct thread *t);
noreturn_fn void trap_syscall(struct thread *t);
/* From the system-call exit: the fast path set up an entry into a guest (VCPU_FAST_GUEST). */
noreturn_fn void trap_enter_guest(struct thread *t);

/*
 * The system-call fast path, tried first (a leaf, so nothing spills) once
 * the entry code holds the kernel lock. The caller's a0 and a2..a4 are
 * still in place, its a1 (the tag) is in a5, and the calling thread is in
 * a1, where the result's second half goes (its frame holds them all too).
 * It returns two threads, in a0 and a1: the one to resume (the caller,
 * another thread, or NULL for the general path) and the caller, whose gp,
 * s0..s11 and pc the entry code then stores unless it simply continues.
 * They travel as one 128-bit value (fastpath_exit): GCC 12 gives a
 * function that returns a two-pointer struct a stack frame it never uses.
 */
typedef unsigned __int128 fastpath_exit_t;

static inline fastpath_exit_t fastpath_exit(struct thread *resume, struct thread *self)
{
	return (fastpath_exit_t)(uintptr_t)resume | (fastpath_exit_t)(uintptr_t)self << 64;
}

fastpath_exit_t fastpath_entry(vireo_cap_t sel, struct thread *t, vireo_word_t op,
				uint64_t timeouts, vireo_word_t mr0, vireo_tag_t tag);

/* Load a user thread's frame and sret into it (sets up the next trap's entry first). */
noreturn_fn void arch_return_to_user(struct thread *t);

/*
 * The same from the system-call fast path only: the current trap came from
 * user mode and t last entered the kernel by a system call on this hart,
 * so sstatus and the frame's kernel sp/tp are set.
 */
noreturn_fn void arch_resume_fast(struct thread *t);

/* A trap in virtual user mode (trap_entry_full): registers in the state area. */
noreturn_fn void trap_vcpu_user(struct thread *t);

/* Into virtual user mode with the state area's registers (regs: its kernel address). */
noreturn_fn void arch_resume_vcpu_user(struct thread *t, void *regs);

/* A trap of a guest (trap_entry_guest): registers in the state area, back at V=0. */
noreturn_fn void trap_vcpu_guest(struct thread *t);

/* Into the guest (VS CSRs and hgatp loaded: arch_guest_load) with the state area's registers. */
noreturn_fn void arch_resume_guest(struct thread *t, void *regs);

/* Called from trap_entry for traps taken in supervisor mode. */
void trap_kernel(struct trap_frame *tf);

/* Print a trap frame and stop this hart for good. */
noreturn_fn void trap_die(const struct trap_frame *tf, const char *why);

/*
 * Probes for the kernel's self-tests: touch `addr` and report whether the
 * access completed (true) or faulted (false) instead of crashing.
 * arch_probe_exec calls `addr`, which must hold a return instruction.
 */
bool arch_probe_read(const volatile void *addr);
bool arch_probe_write(volatile void *addr);
bool arch_probe_exec(const void *addr);

/* Read stimecmp; false when the CSR traps (Sstc absent or not enabled by M-mode). */
bool arch_probe_stimecmp(uint64_t *val);

#endif
