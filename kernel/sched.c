/* The scheduler (see kernel/sched.h). */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/fault.h>
#include <kernel/kmain.h>
#include <kernel/sched.h>
#include <kernel/task.h>

#define SCHED_SLICE_US 10000

struct thread *sched_queue_head[SCHED_PRIORITIES];
uint64_t sched_nonempty[SCHED_PRIORITIES / 64]; /* bit p: queue p has threads */
int sched_top = -1;                         /* highest non-empty queue, -1 if none */
struct thread *sched_running;
/*
 * The address space the hart's satp holds. Not the same as sched_running's: an
 * IPC handoff changes sched_running first, the switch happens on the way out.
 */
const struct vmspace *sched_active_vm;
static struct thread *root_thread;

struct thread *sched_current(void)
{
	return sched_running;
}

void sched_set_root_thread(struct thread *t)
{
	kobject_get(&t->obj);
	root_thread = t;
}

void sched_vm_gone(const struct vmspace *vm)
{
	if (sched_active_vm != vm)
		return;
	/* Its tables are about to be freed (and maybe reused): stop using them now. */
	vmspace_activate_kernel();
	sched_active_vm = 0;
}

void sched_drop(struct thread *t)
{
	sched_remove(t);
	if (sched_running == t)
		sched_running = 0;
}

/* The highest priority with a queued thread, or -1. */
static int highest_ready(void)
{
	for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--)
		if (sched_nonempty[w])
			return w * 64 + (int)high_bit64(sched_nonempty[w]);
	return -1;
}

static bool queued(const struct thread *t)
{
	return t->rq_next != 0;
}

static void enqueue(struct thread *t)
{
	sched_enqueue(t);
}

/*
 * The running thread is never in the queue: it goes there only when it
 * stops running while still ready (preempt() below).
 */
void sched_ready(struct thread *t)
{
	if (queued(t) || t == sched_running)
		return;
	enqueue(t);
}

/* The running thread gives way but stays ready: queue it behind its equals. */
static void preempt(void)
{
	if (sched_running && sched_running->state == THREAD_READY && !queued(sched_running))
		enqueue(sched_running);
}

void sched_remove(struct thread *t)
{
	struct thread **head = &sched_queue_head[t->priority];

	if (!queued(t))
		return;
	if (t->rq_next == t) {
		*head = 0;
		sched_nonempty[t->priority / 64] &= ~(1UL << (t->priority % 64));
		if (t->priority == sched_top)
			sched_top = highest_ready();
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (*head == t)
			*head = t->rq_next;
	}
	t->rq_next = t->rq_prev = 0;
}


void sched_handoff(struct thread *t)
{
	if (t->priority < sched_top ||
	    (sched_running && sched_running->state == THREAD_READY && sched_running->priority > t->priority)) {
		sched_ready(t);
		return;
	}
	preempt();
	sched_running = t;
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
static struct timer slice_timer;
static bool slice_over;
static uint64_t idle_ticks;

static void slice_expired(struct timer *t)
{
	(void)t;
	slice_over = true;
}

static void start_slice(const struct thread *t)
{
	uint64_t us = t->slice_us ? t->slice_us : SCHED_SLICE_US;

	timer_arm(&slice_timer, arch_time_now() + clock_ticks_from_us(us), slice_expired);
}

void sched_set_params(struct thread *t, uint8_t priority, uint32_t slice_us)
{
	bool was_queued = queued(t);

	sched_remove(t);
	t->priority = priority;
	t->slice_us = slice_us;
	if (was_queued)
		enqueue(t);
}

void sched_yield(void)
{
	slice_over = true; /* pick() puts the caller behind its equals */
}

uint64_t sched_idle_ticks(void)
{
	return idle_ticks;
}

static struct thread *pick(void)
{
	int p;

	if (sched_running && sched_running->state == THREAD_READY &&
	    ((int)sched_running->priority > sched_top ||
	     ((int)sched_running->priority == sched_top && !slice_over)))
		return sched_running;
	preempt();
	p = sched_top;
	if (p < 0)
		return 0;
	struct thread *t = sched_queue_head[p];

	sched_remove(t);
	return t;
}

noreturn_fn void sched_exit(void)
{
	struct thread *next;

	if (root_thread && root_thread->state == THREAD_DEAD)
		root_task_ended();
	while (!(next = pick()) || next->doomed) {
		if (next) {
			fault_kill(next, "fault not handled");
			continue;
		}
		uint64_t start = arch_time_now();

		sched_running = 0;
		arch_idle();
		idle_ticks += arch_time_now() - start;
	}
	if (sched_active_vm != &next->task->vm) {
		vmspace_activate(&next->task->vm);
		sched_active_vm = &next->task->vm;
	}
	if (next != sched_running) {
		slice_over = false;
		if (!slice_timer.armed)
			start_slice(next);
	}
	sched_running = next;
	arch_return_to_user(&next->regs);
}
