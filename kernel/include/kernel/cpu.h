/*
 * The CPUs: one struct cpu per hart that runs threads, reached on the hart
 * itself through cpu_this() (the architecture keeps it in a register).
 *
 * Locking (docs/locking.md): everything here except `arch` and `started`
 * is protected by the kernel lock. A CPU's own hart is the only one that
 * changes `running` and `active_vm`, and only while it holds the lock;
 * other harts read them, and change the run queue, under the same lock.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <arch/percpu.h>
#include <kernel/clock.h>
#include <kernel/types.h>

#define CPU_MAX 8
#define SCHED_PRIORITIES 256

struct thread;
struct task;
struct vmspace;

enum cpu_state {
	CPU_ABSENT,        /* no hart, or it never came up */
	CPU_OFFLINE,       /* its hart is stopped (Platform_control) */
	CPU_ONLINE,
	CPU_GOING_OFFLINE, /* asked to stop: it stops when it next idles */
};

/*
 * The system-call operations the IPC fast path takes (kernel/fastpath.c);
 * while it is off, values no call has. Every CPU has a copy, one load from
 * tp, where a global costs two.
 */
struct fastpath_ops {
	uint64_t call, reply_wait, send;
};

/* Ready threads of one CPU: a ring per priority and a bitmap of non-empty rings. */
struct run_queue {
	int top; /* highest non-empty priority, -1 if none (the fast path's guard: first) */
	uint64_t nonempty[SCHED_PRIORITIES / 64];
	struct thread *head[SCHED_PRIORITIES];
};

struct cpu {
	struct cpu_arch arch;   /* first: the trap entry finds its fields at tp + offset */
	struct fastpath_ops fastpath;
	cpu_t id;
	enum cpu_state state;
	bool started;           /* set by the hart itself once it runs kernel code (no lock) */

	/*
	 * The thread whose registers this hart holds: it runs in user mode, or
	 * the hart is in the kernel on its behalf. NULL when idle.
	 */
	struct thread *running;
	/* The address space in this hart's satp; NULL: the kernel's own. */
	const struct vmspace *active_vm;
	/* The guest-physical space of the guest this hart runs right now (hgatp), or NULL. */
	const struct vmspace *active_guest;
	/* The vCPU that last entered a guest here (compared only, never followed). */
	const struct thread *last_guest_vcpu;

	/* Timers armed on this CPU, by deadline; the compare register holds the first. */
	struct timer *timers;
	uint64_t timer_interrupts;

	/* Round robin (kernel/sched.c). */
	struct timer slice_timer;
	bool slice_over;
	uint64_t idle_ticks;    /* time spent idle, up to idle_since */
	uint64_t idle_since;    /* when it went idle, 0 while it runs something */

	/*
	 * `running` was deleted by another hart while this one ran it: this
	 * hart drops the thread and its task when it next schedules.
	 */
	struct thread *zombie;
	uint64_t zombies_made;     /* CPUs whose running thread this hart's current call deleted */
	struct task *zombie_task;  /* its own task */
	struct task *zombie_space; /* the task whose space it runs in (a vCPU's user task) */
	/* In sched_hold's wait, lock released: `running`'s registers are all in its frame. */
	bool waiting;
	/* An IPI is on its way and not yet taken. */
	bool kicked;
	/*
	 * Set by a hart that holds the kernel lock and waits for this one to
	 * flush its TLB; this hart clears it when done, without the lock
	 * (smp_relax). Atomic accesses only.
	 */
	bool flush_pending;

	/* Last: 2 KiB of queue heads would push the fields above out of 12-bit offsets. */
	struct run_queue rq;
};

extern struct cpu cpus[CPU_MAX];
extern unsigned cpu_count; /* CPUs that exist (online or not): cpus[0 .. cpu_count) */

static inline struct cpu *cpu_boot(void)
{
	return &cpus[0];
}

static inline bool cpu_online(const struct cpu *c)
{
	return c->state == CPU_ONLINE;
}

#endif
