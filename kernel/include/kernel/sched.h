/*
 * Scheduling: per CPU, fixed priorities 0..255 (higher runs first), round
 * robin with time slices (10 ms by default) within a priority. Every thread
 * has a home CPU (thread->cpu) and runs only there; a queued thread is in
 * its home CPU's run queue. The running thread is not queued.
 *
 * All of it runs under the kernel lock (kernel/klock.h). A thread made
 * ready for another CPU is queued there and that CPU is kicked with an IPI
 * if the thread should run at once.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/compiler.h>
#include <kernel/cpu.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vmspace.h>

/* The task whose address space t runs in: its own, or a vCPU's user task. */
static inline struct task *sched_space_task(const struct thread *t)
{
	return t->vcpu_task ? t->vcpu_task : t->task;
}

static inline const struct vmspace *sched_space(const struct thread *t)
{
	return &sched_space_task(t)->vm;
}

/* Make a READY thread runnable (queued on its CPU behind its priority's others). */
void sched_ready(struct thread *t);

/* Take a thread out of its run queue (it blocks). */
void sched_remove(struct thread *t);

/*
 * Forget a dying thread: out of the queue, and no longer running. If another
 * hart runs it right now, that hart keeps the thread and its task alive
 * until it has left them (it is kicked to do so at once).
 */
void sched_drop(struct thread *t);

/*
 * Hand the CPU to `t` (just made READY by IPC) if it lives on this CPU and
 * nothing of higher priority waits; otherwise queue it. The current thread,
 * if still READY, is queued.
 */
void sched_handoff(struct thread *t);

/*
 * Place a thread: home CPU (an online one), priority and time slice (µs, 0 =
 * default). A queued thread moves to its new queue's tail; a thread running
 * on another hart is kicked off it and continues on its new CPU.
 */
void sched_set_params(struct thread *t, struct cpu *c, uint8_t priority, uint32_t slice_us);

/* The running thread gives up the rest of its slice to its equals. */
void sched_yield(void);

/* Timer ticks a CPU spent idle. */
uint64_t sched_idle_ticks(const struct cpu *c);

/* The CPU whose hart runs t right now (see struct cpu's `running`), or NULL. */
struct cpu *sched_running_on(const struct thread *t);

/*
 * Stop t from running anywhere and keep it stopped, so that its registers
 * are all in its frame, until sched_unhold. If another hart runs it, that
 * hart is kicked and this one waits for it with the kernel lock released:
 * anything may change meanwhile (t itself stays allocated, but may die).
 */
void sched_hold(struct thread *t);
void sched_unhold(struct thread *t);

/*
 * At the end of a system call that deleted threads other harts were
 * running: wait until those harts have left them, so that the deletion is
 * complete when the call returns (the kernel lock is released meanwhile).
 */
void sched_wait_reaped(void);

/* An address space is being destroyed: make sure no hart uses it any more. */
void sched_vm_gone(const struct vmspace *vm);

/*
 * Change the thread this CPU runs. An atomic store (a plain one on the
 * hardware): sched_hold polls `running` of other CPUs without the lock.
 */
static inline void sched_set_running(struct cpu *c, struct thread *t)
{
	if (c->running != t)
		arch_fpu_switch(c->running ? &c->running->fpu : 0);
	__atomic_store_n(&c->running, t, __ATOMIC_RELAXED);
}

/* Put t (ready, not queued, homed on this CPU) at the tail of its priority's queue. */
static inline void sched_enqueue_local(struct cpu *c, struct thread *t)
{
	struct run_queue *rq = &c->rq;
	struct thread **head = &rq->head[t->priority];

	if (!*head) {
		t->rq_next = t->rq_prev = t;
		*head = t;
		rq->nonempty[t->priority / 64] |= 1UL << (t->priority % 64);
		if (t->priority > rq->top)
			rq->top = t->priority;
		return;
	}
	t->rq_next = *head;
	t->rq_prev = (*head)->rq_prev;
	t->rq_prev->rq_next = t;
	(*head)->rq_prev = t;
}

/* Put vm in this CPU's satp unless it is there already. */
static inline void sched_activate(struct cpu *c, const struct vmspace *vm)
{
	if (c->active_vm != vm) {
		vmspace_activate(vm);
		c->active_vm = vm;
	}
}

/*
 * Make `next`, which the fast path made ready (it was blocked in a system
 * call on this CPU, it is not queued), the running thread in its address
 * space; the caller then resumes it with arch_resume_fast.
 */
static inline void sched_fast_switch(struct cpu *c, struct thread *next)
{
	sched_activate(c, next->space);
	/*
	 * A plain store, unlike sched_set_running: as an atomic store it costs
	 * an instruction on the fast path (the compiler may not move it), and an
	 * aligned doubleword store is single-copy atomic on RISC-V anyway.
	 */
	c->running = next; /* (the entry code saves the caller's FP registers, arch/fpu.h) */
}

/*
 * A short way out for t, the running thread, when nothing else should run
 * now (no thread of higher priority, slice not over, nothing to clean up):
 * to user mode without returning. Otherwise it returns: use sched_exit.
 */
void sched_continue(struct thread *t);

/* Whether t, running on c, simply goes on (sched_continue's test). */
static inline bool sched_may_continue(const struct cpu *c, const struct thread *t)
{
	int top = c->rq.top;

	return c->running == t && t->state == THREAD_READY && !t->held && !t->doomed &&
	       t->cpu == c && cpu_online(c) && !c->zombie &&
	       ((int)t->priority > top || ((int)t->priority == top && !c->slice_over));
}

/* Switch to t's address space and leave the kernel to it (t may go on: see above). */
noreturn_fn void sched_leave_to(struct cpu *c, struct thread *t);

/* Leave the kernel: return to the best READY thread, idling until there is one. */
noreturn_fn void sched_exit(void);

/* Set up a CPU's scheduling state (before its hart first schedules). */
void sched_cpu_init(struct cpu *c);

/*
 * Watch the root task's first thread: when it dies the kernel reports it
 * (and powers off with the `poweroff` command-line flag).
 */
void sched_set_root_thread(struct thread *t);

#endif
