/* The scheduler (see kernel/sched.h). Everything here runs under the kernel lock. */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/fault.h>
#include <kernel/klock.h>
#include <kernel/kmain.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/task.h>
#include <kernel/vcpu.h>

#define SCHED_SLICE_US 10000

static struct thread *root_thread;

void sched_cpu_init(struct cpu *c)
{
	c->rq.top = -1;
}

void sched_set_root_thread(struct thread *t)
{
	kobject_get(&t->obj);
	root_thread = t;
}

struct cpu *sched_running_on(const struct thread *t)
{
	for (unsigned i = 0; i < cpu_count; i++)
		if (cpus[i].running == t)
			return &cpus[i];
	return 0;
}

void sched_vm_gone(const struct vmspace *vm)
{
	for (unsigned i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];

		if (c->active_vm != vm)
			continue;
		/*
		 * Its tables are about to be freed (and maybe reused): stop using
		 * them. No other hart has them: a hart in user mode runs a thread
		 * of a live task (a deleted thread keeps its task alive until its
		 * hart has left it), and idle harts sleep on the kernel's table.
		 */
		check(c == cpu_this());
		vmspace_activate_kernel();
		c->active_vm = 0;
	}
}

/* The highest priority with a queued thread, or -1. */
static int highest_ready(const struct run_queue *rq)
{
	for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--)
		if (rq->nonempty[w])
			return w * 64 + (int)high_bit64(rq->nonempty[w]);
	return -1;
}

static bool queued(const struct thread *t)
{
	return t->rq_next != 0;
}

/*
 * Queue t on its home CPU (a thread whose CPU went offline moves to the
 * boot CPU) and kick that CPU if t should preempt what it runs.
 */
static void enqueue(struct thread *t)
{
	struct cpu *c = t->cpu;

	if (!cpu_online(c))
		c = t->cpu = cpu_boot();
	sched_enqueue_local(c, t);
	if (c != cpu_this() && (!c->running || c->running->priority < t->priority))
		smp_kick(c);
}

/*
 * A thread that runs (here or on another hart) or is held is never queued:
 * it goes to the queue only when it stops running while still ready
 * (preempt() below) or when its hold ends.
 */
void sched_ready(struct thread *t)
{
	if (queued(t) || t->held || sched_running_on(t))
		return;
	enqueue(t);
}

/* This CPU's running thread gives way but stays ready: queue it behind its equals. */
static void preempt(struct cpu *c)
{
	struct thread *r = c->running;

	if (r && r->state == THREAD_READY && !r->held && !queued(r))
		enqueue(r);
}

void sched_remove(struct thread *t)
{
	struct run_queue *rq = &t->cpu->rq;
	struct thread **head = &rq->head[t->priority];

	if (!queued(t))
		return;
	if (t->rq_next == t) {
		*head = 0;
		rq->nonempty[t->priority / 64] &= ~(1UL << (t->priority % 64));
		if (t->priority == rq->top)
			rq->top = highest_ready(rq);
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (*head == t)
			*head = t->rq_next;
	}
	t->rq_next = t->rq_prev = 0;
}

void sched_drop(struct thread *t)
{
	struct cpu *c = sched_running_on(t);

	sched_remove(t);
	if (!c)
		return;
	if (c == cpu_this()) {
		sched_set_running(c, 0);
		return;
	}
	/*
	 * Its hart runs it in user mode (or is on its way into the kernel from
	 * there): until that hart has left it, its frame and its address space
	 * stay allocated. The hart drops both references in reap().
	 */
	check(!c->zombie);
	cpu_this()->zombies_made |= 1UL << cpu_val(c->id);
	c->zombie = t;
	c->zombie_task = t->task; /* its state area, if a vCPU, is in its task's memory */
	/* A guest's hart uses the Vm's tables: keep them too. */
	c->zombie_space = t->vcpu_vm ? t->vcpu_vm : sched_space_task(t);
	kobject_get(&t->obj);
	kobject_get(&c->zombie_task->obj);
	kobject_get(&c->zombie_space->obj);
	smp_kick(c);
}

static void reap(struct cpu *c)
{
	struct thread *z = c->zombie;

	if (!z)
		return;
	if (c->running == z)
		sched_set_running(c, 0);
	__atomic_store_n(&c->zombie, 0, __ATOMIC_RELEASE); /* sched_wait_reaped reads it */
	kobject_put(&z->obj);
	kobject_put(&c->zombie_task->obj);
	kobject_put(&c->zombie_space->obj);
	c->zombie_task = c->zombie_space = 0;
}

void sched_handoff(struct thread *t)
{
	struct cpu *c = cpu_this();
	struct thread *r = c->running;

	if (t->cpu != c || t->held || t->priority < c->rq.top || !cpu_online(c) ||
	    (r && r->state == THREAD_READY && r->priority > t->priority)) {
		sched_ready(t);
		return;
	}
	preempt(c);
	sched_set_running(c, t);
}

/* The other hart that runs t in user mode (not one waiting in sched_hold), or NULL. */
static struct cpu *live_elsewhere(const struct thread *t)
{
	struct cpu *c = sched_running_on(t);

	return c && c != cpu_this() && !c->waiting && c->zombie != t ? c : 0;
}

/*
 * Wait, with the kernel lock released, until done(c, arg) holds for c.
 * Meanwhile this hart counts as waiting: its running thread's registers
 * are all home (the FP ones saved too), so others may treat it as stopped.
 */
static void wait_for(struct cpu *c, bool (*done)(struct cpu *c, const void *arg),
		     const void *arg)
{
	struct cpu *self = cpu_this();

	if (self->running)
		arch_fpu_switch(&self->running->fpu);
	__atomic_store_n(&self->waiting, true, __ATOMIC_RELEASE);
	klock_release();
	while (!done(c, arg))
		smp_relax();
	klock_acquire();
	__atomic_store_n(&self->waiting, false, __ATOMIC_RELAXED);
}

/* c's hart no longer runs t in user mode (no lock: atomic reads). */
static bool left_thread(struct cpu *c, const void *t)
{
	return __atomic_load_n(&c->running, __ATOMIC_ACQUIRE) != t ||
	       __atomic_load_n(&c->waiting, __ATOMIC_ACQUIRE);
}

void sched_hold(struct thread *t)
{
	struct cpu *c;

	kobject_get(&t->obj);
	t->held++;
	while ((c = live_elsewhere(t))) {
		/* Its hart drops it at its next kernel entry (pick() skips held threads). */
		smp_kick(c);
		wait_for(c, left_thread, t);
	}
	sched_remove(t);
}

/* c's hart has dropped the thread deleted under it. */
static bool reaped(struct cpu *c, const void *unused)
{
	(void)unused;
	return !__atomic_load_n(&c->zombie, __ATOMIC_ACQUIRE);
}

void sched_wait_reaped(void)
{
	struct cpu *self = cpu_this();

	while (self->zombies_made) {
		struct cpu *c = &cpus[low_bit64(self->zombies_made)];

		self->zombies_made &= self->zombies_made - 1;
		if (c->zombie)
			wait_for(c, reaped, 0);
	}
}

void sched_unhold(struct thread *t)
{
	if (--t->held == 0 && t->state == THREAD_READY)
		sched_ready(t);
	kobject_put(&t->obj);
}

static void root_task_ended(void)
{
	struct cmdline_value v;

	kprintf("Vireo: root task ended\n");
	if (cmdline_find(kernel_boot_info->bootargs, "poweroff", &v))
		arch_poweroff();
	kobject_put(&root_thread->obj);
	root_thread = 0;
	kernel_offer_quit_key("the root task ended");
}

/*
 * Round robin among equals: while threads run, a slice timer ends a slice
 * every SCHED_SLICE_US; the thread running then goes behind the other ready
 * threads of its priority. A thread switched to gets what is left of the
 * current slice (IPC hands the CPU on together with its time), and an idle
 * hart lets the timer lapse, so there is no tick without work.
 */
static void slice_expired(struct timer *t)
{
	struct cpu *c = (struct cpu *)((char *)t - offsetof(struct cpu, slice_timer));

	c->slice_over = true;
}

static void start_slice(struct cpu *c, const struct thread *t)
{
	uint64_t us = t->slice_us ? t->slice_us : SCHED_SLICE_US;

	timer_arm(&c->slice_timer, arch_time_now() + clock_ticks_from_us(us), slice_expired);
}

void sched_set_params(struct thread *t, struct cpu *c, uint8_t priority, uint32_t slice_us)
{
	bool was_queued = queued(t);
	struct cpu *on = sched_running_on(t);

	sched_remove(t);
	t->priority = priority;
	t->slice_us = slice_us;
	if (t->cpu != c) {
		t->cpu = c;
		/* A thread not running resumes on c; a running one gets there through its queue. */
		if (!on)
			arch_thread_moved(&t->regs, c);
	}
	if (was_queued)
		enqueue(t);
	if (on && on != cpu_this())
		smp_kick(on); /* it decides again what to run */
}

void sched_yield(void)
{
	cpu_this()->slice_over = true; /* pick() puts the caller behind its equals */
}

uint64_t sched_idle_ticks(const struct cpu *c)
{
	/* A hart asleep right now has not added its current stretch yet. */
	return c->idle_ticks + (c->idle_since ? arch_time_now() - c->idle_since : 0);
}

static struct thread *pick(struct cpu *c)
{
	struct thread *r = c->running, *t;
	int top = c->rq.top;

	if (r && r->state == THREAD_READY && !r->held && r->cpu == c && cpu_online(c) &&
	    ((int)r->priority > top || ((int)r->priority == top && !c->slice_over)))
		return r;
	preempt(c);
	if (c->rq.top < 0 || !cpu_online(c))
		return 0;
	t = c->rq.head[c->rq.top];
	sched_remove(t);
	return t;
}

/* Nothing to run: wait for an interrupt with the kernel lock released. */
static void idle(struct cpu *c)
{
	sched_set_running(c, 0);
	if (c->state == CPU_GOING_OFFLINE)
		smp_cpu_stop(c);
	/*
	 * Sleep on the kernel's own page table: the space in satp may be freed
	 * by another hart meanwhile, and this hart walks tables while it takes
	 * the lock and its interrupts.
	 */
	if (c->active_vm) {
		vmspace_activate_kernel();
		c->active_vm = 0;
	}
	c->idle_since = arch_time_now();
	klock_release();
	arch_wfi();
	klock_acquire();
	c->idle_ticks += arch_time_now() - c->idle_since;
	c->idle_since = 0;
	arch_irq_enable(); /* take what woke the hart, under the lock */
	arch_irq_disable();
}

/* Leave the kernel to t if it is the running thread and nothing else should run now. */
void sched_continue(struct thread *t)
{
	struct cpu *c = cpu_this();

	if (!sched_may_continue(c, t) || (t->vcpu && !vcpu_before_user(t)))
		return;
	sched_leave_to(c, t);
}

noreturn_fn void sched_leave_to(struct cpu *c, struct thread *t)
{
	sched_activate(c, sched_space(t));
	if (t->vcpu)
		vcpu_return_to_user(t);
	arch_return_to_user(t);
}

noreturn_fn void sched_exit(void)
{
	struct cpu *c = cpu_this();
	struct thread *next;
	bool switched;

again:
	reap(c);
	if (root_thread && root_thread->state == THREAD_DEAD)
		root_task_ended();
	while (!(next = pick(c)) || next->doomed) {
		if (next) {
			fault_kill(next, "fault not handled");
			continue;
		}
		idle(c);
		reap(c);
	}
	/* The fast path trusts both to mean a blocked thread: never one that runs. */
	check(!next->open_wait && !next->reply_from);
	switched = next != c->running;
	sched_set_running(c, next);
	/* A vCPU's registers and address space may change here; it may even die. */
	if (next->vcpu && !vcpu_before_user(next))
		goto again;
	sched_activate(c, sched_space(next));
	if (switched) {
		c->slice_over = false;
		if (!c->slice_timer.armed)
			start_slice(c, next);
		arch_fpu_resume(&next->fpu);
	}
	if (next->vcpu)
		vcpu_return_to_user(next);
	arch_return_to_user(next);
}
