/*
 * The FPU (F and D extensions): each thread has its own registers, saved in
 * its struct thread. sstatus.FS (priv spec §10.1.1) does the bookkeeping:
 *
 *   Off     the hart's f registers are nobody's: the running thread's first
 *           FP instruction traps, and the kernel loads its registers
 *   Clean   they are the running thread's, as saved
 *   Dirty   they are the running thread's, changed since: save on switch
 *
 * A switch to another thread saves a dirty state and turns FS Off, so a
 * thread's FP state is always in memory while it does not run and can move
 * between harts freely; it is loaded only when the thread uses the FPU.
 * A thread that has used the FPU gets its registers back eagerly when the
 * scheduler switches to it (the IPC fast path leaves that to the trap);
 * the hart remembers whose registers it still holds, and then only turns
 * FS to Clean. FS lives in the hart's sstatus only: the exit to user mode
 * keeps it. FS is on only while a thread runs that has used the FPU
 * (fpu_state.used), so the fast path asks only those about their registers.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <arch/csr.h>
#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

struct fpu_state {
	uint64_t f[32];
	uint64_t fcsr;
	bool used;           /* it ran an FP instruction once: f[] holds its registers (entry.S reads it) */
	const void *loaded_on; /* the hart (struct cpu) that last loaded them */
};

/* The hart leaves the running thread: save its FP registers if changed, FS Off. */
void arch_fpu_leave(struct fpu_state *prev);

/* Hot paths: only when FS is on (somebody used the FPU since the last switch). */
static inline void arch_fpu_switch(struct fpu_state *prev)
{
	uint64_t sstatus;

	__asm__ volatile("csrr %0, sstatus" : "=r"(sstatus));
	if (unlikely(sstatus & SSTATUS_FS))
		arch_fpu_leave(prev);
}

/*
 * An illegal-instruction trap: if FS was Off it may be the thread's first
 * FP instruction since it was switched in, so load its registers, turn FS
 * on and let it retry (true). A real illegal instruction traps again with
 * FS on and is an exception then.
 */
bool arch_fpu_first_use(struct fpu_state *f);

/* The scheduler switches to the thread that owns f: its registers, if it uses the FPU. */
void arch_fpu_resume(struct fpu_state *f);

/* A thread dies: no hart may take its registers for another thread's later. */
void arch_fpu_forget(const struct fpu_state *f);

#endif
