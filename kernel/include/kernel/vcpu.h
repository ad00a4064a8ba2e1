/*
 * The vCPU (DESIGN.md §5, docs/abi/vcpu.md): a thread with a state area
 * shared with its task, executed interrupt-style. Events (Irqs, IPC, and in
 * virtual user mode every trap) save the interrupted registers into the
 * state area and enter the thread at its entry point; Thread.vcpu_resume
 * loads them back, in the thread's own task or in a user task.
 */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include <arch/trap.h>
#include <arch/vcpu.h>
#include <kernel/compiler.h>
#include <kernel/thread.h>
#include <vireo/vcpu.h>

/* Thread.vcpu_enable: the state area at `addr` in t's task (one-way). */
must_check enum vireo_status vcpu_enable(struct thread *t, uintptr_t addr);

struct msg;

/*
 * Thread.vcpu_resume on the caller itself: checked now (memory items in m
 * mapped into the user task), carried out on the way out.
 */
must_check enum vireo_status vcpu_resume(struct thread *t, const struct msg *m);

/*
 * The general system-call path of a vCPU thread: if the call is exactly
 * vcpu_resume on itself and it succeeds, it is decoded here, without the
 * generic invocation path (true); anything else is left to it (false).
 */
bool vcpu_quick_resume(struct thread *t);

/* An Irq or a sender now waits for t: set its sticky flag, interrupt it if it takes events. */
void vcpu_event_queued(struct thread *t);

/*
 * The last step before t (a vCPU, the running thread) runs again: finish a
 * resume, or enter for a waiting event. False if t no longer runs (an
 * event it received deleted it): schedule again.
 */
must_check bool vcpu_before_user(struct thread *t);

/* A trap of t in virtual user mode: an event for its guest kernel. */
void vcpu_user_trap(struct thread *t);

/* Leave the kernel to t, a vCPU: in virtual user mode its registers come from the state area. */
noreturn_fn void vcpu_return_to_user(struct thread *t);

/* Thread.vcpu_guest_mem on the caller itself: the guest's memory, through its translation. */
must_check enum vireo_status vcpu_guest_mem(struct thread *t, struct msg *m);

/* A guest exit (trap_vcpu_guest, lock held): the guest's CSRs into the state area. */
void vcpu_guest_exit(struct thread *t, const struct trap_frame *tf);

/* This hart no longer runs a guest (every guest exit, lock held). */
void vcpu_guest_left(void);

/* A dying vCPU thread lets go of its user task. */
void vcpu_thread_gone(struct thread *t);

/*
 * Architecture: the frame to r and back (arch/vcpu.h has the small inline
 * ones: an event's entry, a frame's sp, user mode on/off).
 */
void arch_vcpu_save(const struct trap_frame *tf, struct vireo_vcpu_regs *r);
void arch_vcpu_load(struct trap_frame *tf, const struct vireo_vcpu_regs *r);
/* The frame learns where its thread's state-area registers are (enable). */
void arch_vcpu_frame_init(struct trap_frame *tf, struct vireo_vcpu_regs *r);
/*
 * Into virtual user mode: every trap saves all registers into the state
 * area; the frame keeps the guest kernel's registers (tp and gp too) for
 * the next event. Back: system calls are system calls again.
 */
static inline void arch_vcpu_to_user(struct trap_frame *tf)
{
	arch_vcpu_enter_user_mode(tf);
}

/* Virtual user mode always takes events: the guest kernel must see every one. */
/*
 * thread.vcpu_fast_resumed: what the fast path set up for the exit. The
 * exit code tells them apart by sign (arch/riscv64/entry.S).
 */
#define VCPU_FAST_USER 1     /* virtual user mode: load r from the state area */
#define VCPU_FAST_GUEST -1   /* a guest: vcpu_return_to_user */

#define VCPU_USER_MODE_SETS (VIREO_VCPU_IRQ | VIREO_VCPU_PAGE_FAULTS | VIREO_VCPU_EXCEPTIONS)

#endif
