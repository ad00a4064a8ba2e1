/*
 * The kernel lock: one ticket lock that every hart holds while it runs
 * kernel code on behalf of threads (docs/locking.md). A hart takes it on
 * every entry from user mode and gives it up on the way back out (in the
 * architecture's exit code) and while it idles. Kernel paths are short and
 * never sleep, so one lock costs little and keeps every kernel structure
 * consistent without per-object locks; tickets make it fair under
 * contention.
 */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include <stddef.h>
#include <stdint.h>

struct klock {
	uint32_t next;  /* the next ticket to hand out */
	uint32_t owner; /* the ticket being served */
};

/* The system-call entry and the exit code (entry.S) use these offsets. */
_Static_assert(offsetof(struct klock, next) == 0 && offsetof(struct klock, owner) == 4,
	       "struct klock layout");

extern struct klock klock;

static inline void cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* The lock is busy: wait for `ticket` (kernel/smp.c). */
void klock_wait(uint32_t ticket);

/* Wait for this hart's turn (inline on every kernel entry). */
static inline __attribute__((always_inline)) void klock_acquire(void)
{
	uint32_t ticket = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);

	if (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != ticket)
		klock_wait(ticket);
}

/* Pass the lock on (the holder's critical section is complete before). */
static inline void klock_release(void)
{
	__atomic_fetch_add(&klock.owner, 1, __ATOMIC_RELEASE);
}

#endif
