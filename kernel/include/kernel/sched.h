/*
 * Scheduling on one hart: fixed priorities 0..255 (higher runs first),
 * round robin with 10 ms time slices within a priority. The running thread
 * is not in the ready queue. CPU placement and SMP come with issue #4.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/compiler.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vmspace.h>

/* The thread whose user registers the current kernel entry belongs to (or NULL). */
struct thread *sched_current(void);

/* Make a READY thread runnable (queued behind its priority's others). */
void sched_ready(struct thread *t);

/* Take a thread out of the ready queue (it blocks). */
void sched_remove(struct thread *t);

/* Forget a dying thread: out of the queue, and no longer current. */
void sched_drop(struct thread *t);

/*
 * Hand the CPU to `t` (just made READY by IPC) if nothing of higher priority
 * waits; otherwise queue it. The current thread, if still READY, is queued.
 */
void sched_handoff(struct thread *t);

/* Set a thread's priority and time slice (µs, 0 = default), requeueing it if ready. */
void sched_set_params(struct thread *t, uint8_t priority, uint32_t slice_us);

/* The running thread gives up the rest of its slice to its equals. */
void sched_yield(void);

/* Timer ticks this hart spent idle. */
uint64_t sched_idle_ticks(void);

/* An address space is being destroyed: make sure the hart no longer uses it. */
void sched_vm_gone(const struct vmspace *vm);

/* The highest priority with a queued thread, -1 if none (the fast path's guard). */
extern int sched_top;

static inline int sched_top_priority(void)
{
	return sched_top;
}

/* The running thread and the address space the hart uses (see sched.c). */
extern struct thread *sched_running;
extern const struct vmspace *sched_active_vm;

/* The ready queues (kernel/sched.c); inline users below. */
#define SCHED_PRIORITIES 256
extern struct thread *sched_queue_head[SCHED_PRIORITIES];
extern uint64_t sched_nonempty[SCHED_PRIORITIES / 64];

/* Put t (ready, not queued) at the tail of its priority's queue. */
static inline void sched_enqueue(struct thread *t)
{
	struct thread **head = &sched_queue_head[t->priority];

	if (!*head) {
		t->rq_next = t->rq_prev = t;
		*head = t;
		sched_nonempty[t->priority / 64] |= 1UL << (t->priority % 64);
		if (t->priority > sched_top)
			sched_top = t->priority;
		return;
	}
	t->rq_next = *head;
	t->rq_prev = (*head)->rq_prev;
	t->rq_prev->rq_next = t;
	(*head)->rq_prev = t;
}

/*
 * Make `next`, which the fast path made ready (it was blocked in a system
 * call, it is not queued), the running thread in its address space; the
 * caller then resumes it with arch_resume_fast.
 */
static inline void sched_fast_switch(struct thread *next)
{
	const struct vmspace *vm = &next->task->vm;

	if (sched_active_vm != vm) {
		vmspace_activate(vm);
		sched_active_vm = vm;
	}
	sched_running = next;
}

/* Leave the kernel: return to the best READY thread, idling until there is one. */
noreturn_fn void sched_exit(void);

/*
 * Watch the root task's first thread: when it dies the kernel reports it
 * (and powers off with the `poweroff` command-line flag).
 */
void sched_set_root_thread(struct thread *t);

#endif
