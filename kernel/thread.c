/* Threads (see kernel/thread.h). */
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/ipc.h>
#include <kernel/msg.h>
#include <kernel/sched.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vcpu.h>

#define DEFAULT_PRIORITY 10

enum vireo_status thread_create(struct factory *f, struct kobject **out)
{
	enum vireo_status st =
		factory_alloc_object(f, sizeof(struct thread), VIREO_KIND_THREAD, out);
	struct thread *t;

	if (st != VIREO_OK)
		return st;
	t = (struct thread *)*out;
	t->state = THREAD_INACTIVE;
	t->priority = DEFAULT_PRIORITY;
	t->cpu = cpu_boot();
	arch_thread_init_regs(&t->regs);
	return VIREO_OK;
}

enum vireo_status thread_bind(struct thread *t, struct task *task, uintptr_t utcb)
{
	struct vireo_utcb *k = 0;

	if (t->task)
		return VIREO_E_BUSY;
	if (task->obj.dead)
		return VIREO_E_CAP;
	if (task->utcb_base) {
		k = task_utcb(task, utcb);
		if (!k)
			return VIREO_E_ARG;
		for (struct thread *o = task->threads; o; o = o->task_next)
			if (o->utcb == k || (void *)o->vcpu == (void *)k)
				return VIREO_E_EXISTS; /* one UTCB, one thread */
	}
	kobject_get(&task->obj);
	t->task = task;
	t->cspace_l1 = task->cspace.l1;
	t->cspace_low = cspace_low(&task->cspace);
	t->space = &task->vm;
	t->task_next = task->threads;
	task->threads = t;
	t->utcb = k;
	t->utcb_user = k ? utcb : 0;
	return VIREO_OK;
}

void thread_start(struct thread *t, uintptr_t ip, uintptr_t sp)
{
	t->regs.sepc = ip;
	t->regs.regs[REG_SP] = sp;
	if (t->state == THREAD_INACTIVE && t->task) {
		t->state = THREAD_READY;
		sched_ready(t);
	}
}

static void set_handler(struct kobject **slot, struct kobject *obj)
{
	if (*slot)
		kobject_put(*slot);
	*slot = obj;
	if (obj)
		kobject_get(obj);
}

static void thread_destroy(struct kobject *obj)
{
	struct thread *t = (struct thread *)obj;

	ipc_thread_gone(t);
	timer_cancel(&t->timeout);
	sched_drop(t);
	arch_fpu_forget(&t->fpu);
	vcpu_thread_gone(t);
	t->state = THREAD_DEAD;
	set_handler(&t->pager, 0);
	set_handler(&t->exc_handler, 0);
	if (t->task) {
		struct thread **p = &t->task->threads;

		while (*p != t)
			p = &(*p)->task_next;
		*p = t->task_next;
		kobject_put(&t->task->obj);
	}
	t->task = 0;
	/* The fast path may still look up capabilities for it on another hart (sched_drop). */
	t->cspace_l1 = cspace_no_l1;
	t->cspace_low = cspace_no_low;
	t->space = 0;
	t->utcb = 0;
}

static void thread_release(struct kobject *obj)
{
	factory_free_object(obj, sizeof(struct thread));
}

/* A handler capability from the caller's space: a gate (or nothing for VIREO_CAP_INVALID). */
static enum vireo_status lookup_handler(struct thread *caller, vireo_cap_t sel,
					struct kobject **out)
{
	enum vireo_status st;

	*out = 0;
	if (sel == VIREO_CAP_INVALID)
		return VIREO_OK;
	st = cspace_get(&caller->task->cspace, sel, VIREO_CAP_SEND, out, 0);
	if (st == VIREO_OK && (*out)->kind != VIREO_KIND_IPC_GATE)
		st = VIREO_E_ARG;
	return st;
}

static enum vireo_status thread_control(struct thread *t, struct thread *caller, struct msg *m)
{
	unsigned which = (unsigned)msg_word(m, 1);
	struct kobject *pager = 0, *exc = 0;
	enum vireo_status st = VIREO_OK;

	if (which & ~(VIREO_THREAD_CTL_PAGER | VIREO_THREAD_CTL_EXC_HANDLER |
		      VIREO_THREAD_CTL_PRIORITY))
		return VIREO_E_ARG;
	if ((which & VIREO_THREAD_CTL_PRIORITY) && msg_word(m, 4) > 255)
		return VIREO_E_ARG;
	/*
	 * No thread raises another above itself: a thread capability is not
	 * the authority over CPU time (the Scheduler is: run_thread).
	 */
	if ((which & VIREO_THREAD_CTL_PRIORITY) && msg_word(m, 4) > caller->priority)
		return VIREO_E_RIGHTS;
	if (which & VIREO_THREAD_CTL_PAGER)
		st = lookup_handler(caller, msg_word(m, 2), &pager);
	if (st == VIREO_OK && (which & VIREO_THREAD_CTL_EXC_HANDLER))
		st = lookup_handler(caller, msg_word(m, 3), &exc);
	if (st != VIREO_OK)
		return st;
	/* Decoded; nothing below can fail. */
	if (which & VIREO_THREAD_CTL_PAGER)
		set_handler(&t->pager, pager);
	if (which & VIREO_THREAD_CTL_EXC_HANDLER)
		set_handler(&t->exc_handler, exc);
	if (which & VIREO_THREAD_CTL_PRIORITY)
		sched_set_params(t, t->cpu, (uint8_t)msg_word(m, 4), t->slice_us);
	return VIREO_OK;
}

static enum vireo_status thread_bind_op(struct thread *t, struct thread *caller, struct msg *m)
{
	struct kobject *obj;
	enum vireo_status st =
		cspace_get(&caller->task->cspace, msg_word(m, 1), VIREO_CAP_WRITE, &obj, 0);

	if (st != VIREO_OK)
		return st;
	if (obj->kind != VIREO_KIND_TASK)
		return VIREO_E_ARG;
	return thread_bind(t, (struct task *)obj, msg_word(m, 2));
}

static enum vireo_status thread_ex_regs(struct thread *t, struct msg *m)
{
	uintptr_t ip = msg_word(m, 1), sp = msg_word(m, 2), old_ip, old_sp;
	enum vireo_status st = VIREO_OK;

	if (!t->task)
		return VIREO_E_BUSY;
	if (msg_words(m) < 3)
		return VIREO_E_ARG;
	/* A thread running on another hart stops there first: its registers come home. */
	sched_hold(t);
	if (t->obj.dead) {
		st = VIREO_E_CAP; /* deleted while this hart waited */
	} else if (t->vcpu_task || t->vcpu_vm) {
		st = VIREO_E_BUSY; /* user mode or a guest: its registers are in the state area */
	} else {
		old_ip = t->regs.sepc;
		old_sp = t->regs.regs[REG_SP];
		thread_start(t, ip == ~0UL ? old_ip : ip, sp == ~0UL ? old_sp : sp);
		msg_reply(m, 2);
		msg_set(m, 0, old_ip);
		msg_set(m, 1, old_sp);
	}
	sched_unhold(t);
	return st;
}

static enum vireo_status thread_invoke(struct kobject *obj, unsigned rights,
				       struct thread *caller, struct msg *m)
{
	struct thread *t = (struct thread *)obj;

	if (!(rights & VIREO_CAP_WRITE))
		return VIREO_E_RIGHTS;
	switch (msg_op(m)) {
	case VIREO_THREAD_BIND:
		return thread_bind_op(t, caller, m);
	case VIREO_THREAD_CONTROL:
		return thread_control(t, caller, m);
	case VIREO_THREAD_EX_REGS:
		return thread_ex_regs(t, m);
	case VIREO_THREAD_YIELD:
		if (t != caller)
			return VIREO_E_ARG;
		sched_yield();
		return VIREO_OK;
	case VIREO_THREAD_VCPU_ENABLE:
		return msg_words(m) < 2 ? VIREO_E_ARG : vcpu_enable(t, msg_word(m, 1));
	case VIREO_THREAD_VCPU_RESUME:
		return t == caller ? vcpu_resume(t, m) : VIREO_E_ARG;
	case VIREO_THREAD_VCPU_GUEST_MEM:
		return t == caller ? vcpu_guest_mem(t, m) : VIREO_E_ARG;
	default:
		return VIREO_E_OP;
	}
}

const struct kobject_ops thread_ops = {
	.invoke = thread_invoke,
	.destroy = thread_destroy,
	.release = thread_release,
};
