/*
 * The IPC fast path: call and reply-and-wait between two threads when
 * nothing unusual is going on. It is a flat list of guard checks; any that
 * fails falls through to the general path (kernel/syscall.c), which handles
 * every case. Past the checks nothing can fail. Both paths give identical
 * results: vtest runs the same IPC tests with the fast path on and off
 * (the `nofastpath` kernel command-line option).
 *
 * It is inline so that the system-call entry (trap_syscall) runs it without
 * a call: that keeps the whole path free of register spills.
 */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <kernel/cspace.h>
#include <kernel/gate.h>
#include <kernel/irq.h>
#include <kernel/sched.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vcpu.h>
#include <vireo/syscall.h>

/* At boot: the fast path on, or off for good (`nofastpath`, for comparing both paths). */
void fastpath_boot(bool off);
/* Turn the fast path off for a while (the debugger's IPC tracing) and on again. */
void fastpath_disable(void);
void fastpath_enable(void);

/*
 * The caller's a0..a4 as they were at its ecall: the entry code passes
 * them in registers (they are in its frame too), which spares the loads.
 */
struct fastpath_in {
	vireo_cap_t sel;       /* a0: the capability invoked */
	vireo_tag_t tag;       /* a1 */
	vireo_word_t op;       /* a2: VIREO_OP_* */
	uint64_t timeouts;     /* a3 */
	vireo_word_t mr0;      /* a4 */
};

/* The message is at most four words, no items, no flags. */
static inline bool fastpath_simple_tag(vireo_tag_t tag)
{
	return (tag & 0xffff) <= 4;
}

/*
 * The slot for sel in t's space if it holds a capability, else NULL: the
 * lookup of cspace.h, inline, with the first table one load away.
 */
static inline struct cap_slot *fastpath_slot(const struct thread *t, vireo_cap_t sel)
{
	struct cap_slot *s;

	if (likely(sel < CSPACE_L2_SLOTS)) {
		s = &t->cspace_low[sel];
		return s->obj ? s : 0;
	}
	return cspace_lookup_l1(t->cspace_l1, sel);
}

/* Status, tag, label, and exactly the message's words (MRs beyond it stay as they were). */
static inline void fastpath_copy(struct thread *from, struct thread *to, vireo_tag_t tag,
				 vireo_word_t label)
{
	uint64_t *f = from->regs.regs, *r = to->regs.regs;
	unsigned words = vireo_tag_words(tag);

	r[REG_A0] = VIREO_OK;
	r[REG_A1] = tag;
	r[REG_A2] = label;
	if (words == 0)
		return;
	r[REG_A4] = f[REG_A4];
	if (words == 1)
		return;
	r[REG_A4 + 1] = f[REG_A4 + 1];
	if (words == 2)
		return;
	r[REG_A4 + 2] = f[REG_A4 + 2];
	if (words == 3)
		return;
	r[REG_A4 + 3] = f[REG_A4 + 3];
}

/*
 * Kobject info on an object other than a gate (through a gate it may be
 * IPC), the generic query every object answers: done here, the caller
 * resumes at once. Anything else on a kernel object takes the general path.
 */
static inline struct thread *fastpath_kobject_info(struct thread *t, const struct cap_slot *s,
						   const struct fastpath_in *in)
{
	uint64_t *r = t->regs.regs;

	/* Exactly the one-word request; longer ones (also valid) take the general path. */
	if (unlikely(in->tag != vireo_tag(VIREO_PROTO_KOBJECT, 1, 0) ||
		     in->mr0 != VIREO_KOBJECT_INFO))
		return 0;
	r[REG_A0] = VIREO_OK;
	r[REG_A1] = vireo_tag(VIREO_PROTO_KOBJECT, 2, 0);
	/* Kinds are small and positive: as a signed value the loaded word needs no zero-extension. */
	r[REG_A4] = (vireo_word_t)(int32_t)s->obj->kind;
	r[REG_A4 + 1] = s->rights;
	return t;
}

/*
 * Irq trigger to a handler in an open wait that outranks the caller:
 * deliver and switch at once (a driver or timer thread signalling a
 * higher-priority handler). Everything else on an Irq takes the general path.
 */
static inline struct thread *fastpath_irq_trigger(struct cpu *c, struct thread *t,
						  const struct cap_slot *s,
						  const struct fastpath_in *in)
{
	struct irq *irq = (struct irq *)s->obj;
	struct thread *h = irq->thread;
	uint64_t *r = t->regs.regs;

	if (unlikely(in->tag != vireo_tag(VIREO_PROTO_IRQ, 1, 0) || in->mr0 != VIREO_IRQ_TRIGGER ||
		     !(s->rights & VIREO_CAP_SEND) ||
		     irq->masked || irq->pending || !h || h->state != THREAD_RECV_BLOCKED ||
		     h->reply_from || h->recv_from || !arch_frame_enters_on(&h->regs, c) ||
		     t->cpu != c || t->held ||
		     h->timeout.armed || h->priority <= t->priority || (int)h->priority < c->rq.top))
		return 0;

	/* Point of no return: the caller's call is answered, the handler gets the Irq. */
	r[REG_A0] = VIREO_OK;
	r[REG_A1] = vireo_tag(VIREO_PROTO_IRQ, 0, 0);
	h->regs.regs[REG_A0] = VIREO_OK;
	h->regs.regs[REG_A1] = vireo_tag(VIREO_PROTO_IRQ, 0, 0);
	h->regs.regs[REG_A2] = irq->label;
	h->state = THREAD_READY;
	h->open_wait = false;
	irq->masked = true;
	sched_enqueue_local(c, t); /* the caller stays ready behind the handler */
	sched_fast_switch(c, h);
	return h;
}

static inline struct thread *fastpath_call(struct cpu *c, struct thread *t,
					  const struct fastpath_in *in)
{
	vireo_tag_t tag = in->tag;
	struct cap_slot *s = fastpath_slot(t, in->sel);
	struct ipc_gate *g;
	struct thread *r;

	/* Guards: a capability, ... */
	if (unlikely(!s))
		return 0;
	if (unlikely(s->obj->kind != VIREO_KIND_IPC_GATE))
		return s->obj->kind == VIREO_KIND_IRQ ? fastpath_irq_trigger(c, t, s, in)
						      : fastpath_kobject_info(t, s, in);
	/*
	 * ... a gate we may send through, a plain message of a user protocol
	 * (label >= 0: a gate's own management, like every kernel protocol,
	 * has a negative label), no timeout to arm for the reply.
	 */
	if (unlikely(!(s->rights & VIREO_CAP_SEND) || (int64_t)tag < 0 ||
		     !fastpath_simple_tag(tag) || (in->timeouts >> 32) != VIREO_TIMEOUT_NEVER))
		return 0;
	g = (struct ipc_gate *)s->obj;
	r = g->thread;
	/*
	 * A receiver in an open wait (no timeout, no caller of its own) that
	 * last ran on this hart (or was moved here while blocked), with
	 * nothing of higher priority ready.
	 */
	if (unlikely(!r || !r->open_wait || !arch_frame_enters_on(&r->regs, c) ||
		     (int)r->priority < c->rq.top))
		return 0;

	/* Point of no return. */
	fastpath_copy(t, r, tag, g->label | (s->rights & GATE_LABEL_RIGHTS_MASK));
	r->state = THREAD_READY;
	r->open_wait = false;
	t->state = THREAD_RECV_BLOCKED;
	t->reply_from = r;
	r->caller = t;
	sched_fast_switch(c, r);
	return r;
}

static inline struct thread *fastpath_reply_wait(struct cpu *cpu, struct thread *t,
						 const struct fastpath_in *in)
{
	struct thread *c = t->caller;

	/*
	 * A caller that last ran on this hart (or was moved here) waiting for
	 * exactly this reply (so it is RECV_BLOCKED: thread.reply_from), and
	 * no sender queued for the next receive. Not a vCPU: events that came
	 * while it waited enter on its way out.
	 */
	if (unlikely(!c || c->reply_from != t ||
		     !arch_frame_enters_on(&c->regs, cpu) ||
		     c->reply_slow || c->timeout.armed ||
		     t->sendq_head ||
		     t->irq_head || !fastpath_simple_tag(in->tag) ||
		     (in->timeouts >> 32) != VIREO_TIMEOUT_NEVER ||
		     (int)c->priority <= cpu->rq.top))
		return 0; /* (an equal ready thread: the general path's order decides) */

	/* Point of no return. */
	fastpath_copy(t, c, in->tag, 0);
	c->state = THREAD_READY;
	c->reply_from = 0;
	t->caller = 0;
	t->state = THREAD_RECV_BLOCKED;
	t->open_wait = true; /* (the receive is open, no timeout) */
	sched_fast_switch(cpu, c);
	return c;
}

/* A fast vcpu_resume's first step: the state area says it left its kernel mode. */
static inline void fastpath_vcpu_leave_kernel_mode(struct vireo_vcpu_state *v, uint32_t state)
{
	__atomic_store_n(&v->state, state | VCPU_USER_MODE_SETS, __ATOMIC_RELAXED);
	if (v->sticky)
		__atomic_fetch_and(&v->sticky, ~VIREO_VCPU_STICKY_PENDING, __ATOMIC_RELAXED);
}

/*
 * The same into the guest of the Vm the vCPU entered last (extended mode):
 * the exit loads the guest's state (vcpu_return_to_user).
 */
static inline void fastpath_guest_resume(struct cpu *c, struct thread *t, uint32_t state,
					 const struct cap_slot *s)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct task *vm = t->vcpu_cached_vm;

	(void)c;
	if (unlikely((state & VIREO_VCPU_USER_MODE) || !vm || !s || s->obj != &vm->obj ||
		     !(s->rights & VIREO_CAP_WRITE) || t->irq_head || t->sendq_head))
		return;
	/* Point of no return. */
	fastpath_vcpu_leave_kernel_mode(v, state);
	arch_vcpu_enter_guest_mode(&t->regs);
	t->vcpu_vm = vm;
	t->vcpu_fast_resumed = VCPU_FAST_GUEST;
}

/*
 * A vCPU's vcpu_resume into virtual user mode, sent (it does not return)
 * to its own thread capability, when nothing waits for it and its user
 * task is the one it resumed into last: set up here; the general path's
 * exit only loads the state area's registers (vcpu_fast_resumed). Anything
 * else, every error included, is the general path's.
 */
static inline void fastpath_vcpu_resume(struct cpu *c, struct thread *t,
					const struct fastpath_in *in)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct task *task = t->vcpu_cached_task;
	struct cap_slot *s;
	uint32_t state;

	if (unlikely(!v || in->tag != vireo_tag(VIREO_PROTO_THREAD, 1, 0) ||
		     in->mr0 != VIREO_THREAD_VCPU_RESUME))
		return;
	s = fastpath_slot(t, in->sel);
	if (unlikely(!s || s->obj != &t->obj || !(s->rights & VIREO_CAP_WRITE)))
		return;
	/* The guest may write its area at any time: each field is read once. */
	state = __atomic_load_n(&v->saved_state, __ATOMIC_RELAXED);
	s = fastpath_slot(t, __atomic_load_n(&v->user_task, __ATOMIC_RELAXED));
	if (unlikely((state & (VIREO_VCPU_USER_MODE | VIREO_VCPU_EXTENDED)) != VIREO_VCPU_USER_MODE)) {
		if (state & VIREO_VCPU_EXTENDED)
			fastpath_guest_resume(c, t, state, s);
		return;
	}
	if (unlikely(!task || !s || s->obj != &task->obj ||
		     !(s->rights & VIREO_CAP_WRITE) || t->irq_head || t->sendq_head))
		return;
	/* Point of no return. */
	fastpath_vcpu_leave_kernel_mode(v, state);
	arch_vcpu_enter_user_mode(&t->regs);
	t->vcpu_task = task;
	sched_activate(c, &task->vm);
	t->vcpu_fast_resumed = VCPU_FAST_USER;
}

/* Try t's system call (in: its a0..a4); the thread to resume, or NULL for the general path. */
static inline struct thread *fastpath_syscall(struct cpu *c, struct thread *t,
					      const struct fastpath_in *in)
{
	if (in->op == c->fastpath.call)
		return fastpath_call(c, t, in);
	if (in->op == c->fastpath.reply_wait)
		return fastpath_reply_wait(c, t, in);
	if (in->op == c->fastpath.send)
		fastpath_vcpu_resume(c, t, in);
	return 0;
}

#endif
