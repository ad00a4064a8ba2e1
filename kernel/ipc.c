/* Message passing (see kernel/ipc.h). */
#include <kernel/arch.h>
#include <kernel/gate.h>
#include <kernel/ipc.h>
#include <kernel/msg.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <vireo/syscall.h>

/* Copy the message in `from`'s registers and UTCB to `to`; label to a2. */
static enum vireo_status transfer(struct thread *from, struct thread *to, vireo_word_t label)
{
	vireo_tag_t tag = from->regs.regs[REG_A1];
	unsigned words = vireo_tag_words(tag);

	if (words > VIREO_MR_COUNT || vireo_tag_items(tag))
		return VIREO_E_ARG; /* typed items arrive with memory mapping */
	if (words > MSG_REG_WORDS) {
		if (!from->utcb)
			return VIREO_E_ARG;
		if (!to->utcb)
			return VIREO_E_OVERFLOW;
		memcpy(&to->utcb->mr[MSG_REG_WORDS], &from->utcb->mr[MSG_REG_WORDS],
		       (words - MSG_REG_WORDS) * sizeof(vireo_word_t));
	}
	for (unsigned i = 0; i < MSG_REG_WORDS; i++)
		to->regs.regs[REG_A4 + i] = from->regs.regs[REG_A4 + i];
	to->regs.regs[REG_A1] = tag;
	to->regs.regs[REG_A2] = label;
	return VIREO_OK;
}

static void on_timeout(struct timer *tm)
{
	struct thread *t = (struct thread *)((char *)tm - offsetof(struct thread, timeout));

	ipc_abort(t, VIREO_E_TIMEOUT);
}

/* Block t (state already set) until woken or the relative timeout expires. */
static void block(struct thread *t, uint32_t timeout)
{
	sched_remove(t);
	if ((timeout & VIREO_TIMEOUT_KIND_MASK) == VIREO_TIMEOUT_REL) {
		uint64_t ns = (uint64_t)(timeout & 0xffff) << ((timeout >> 16) & 63);

		timer_arm(&t->timeout, arch_time_now() + clock_ticks_from_ns(ns), on_timeout);
	}
}

static void wake(struct thread *t, enum vireo_status st)
{
	timer_cancel(&t->timeout);
	thread_set_status(t, st);
	t->state = THREAD_READY;
	t->reply_from = 0;
	if (t->recv_from)
		kobject_put(t->recv_from);
	t->recv_from = 0;
}

static void sendq_remove(struct thread *r, struct thread *s)
{
	if (s->sq_prev)
		s->sq_prev->sq_next = s->sq_next;
	else
		r->sendq_head = s->sq_next;
	if (s->sq_next)
		s->sq_next->sq_prev = s->sq_prev;
	else
		r->sendq_tail = s->sq_prev;
	s->sq_next = s->sq_prev = 0;
	s->send_to = 0;
	s->send_via = 0;
}

static void sendq_append(struct thread *r, struct thread *s)
{
	s->sq_next = 0;
	s->sq_prev = r->sendq_tail;
	if (r->sendq_tail)
		r->sendq_tail->sq_next = s;
	else
		r->sendq_head = s;
	r->sendq_tail = s;
	s->send_to = r;
}

static vireo_word_t gate_label(struct ipc_gate *g, unsigned rights)
{
	return g->label | (rights & GATE_LABEL_RIGHTS_MASK);
}

/*
 * Deliver s's message to the waiting receiver r. On success r is ready; s
 * is ready too, or waits for r's reply if it called. On failure only s
 * learns of it (r keeps waiting).
 */
static bool deliver(struct thread *s, struct thread *r, vireo_word_t label, bool call,
		    uint32_t recv_timeout)
{
	enum vireo_status st = transfer(s, r, label);

	if (st != VIREO_OK) {
		wake(s, st);
		return false;
	}
	wake(r, VIREO_OK);
	if (call) {
		s->state = THREAD_RECV_BLOCKED;
		s->reply_from = r;
		r->caller = s;
		block(s, recv_timeout);
	} else {
		wake(s, VIREO_OK);
	}
	return true;
}

static bool accepts(const struct thread *r, const struct ipc_gate *g)
{
	return r->state == THREAD_RECV_BLOCKED && !r->reply_from &&
	       (!r->recv_from || r->recv_from == &g->obj);
}

void ipc_send(struct thread *t, struct ipc_gate *g, unsigned rights, bool call,
	      uint32_t send_timeout, uint32_t recv_timeout)
{
	struct thread *r = g->thread;

	if (!r || r->obj.dead) {
		thread_set_status(t, VIREO_E_CAP);
		return;
	}
	if (accepts(r, g)) {
		if (deliver(t, r, gate_label(g, rights), call, recv_timeout))
			sched_handoff(r);
		return;
	}
	if (send_timeout == VIREO_TIMEOUT_ZERO) {
		thread_set_status(t, VIREO_E_TIMEOUT);
		return;
	}
	t->state = THREAD_SEND_BLOCKED;
	t->send_via = g;
	t->send_rights = rights;
	t->send_then_recv = call;
	kobject_get(&g->obj);
	sendq_append(r, t);
	/* a3 keeps both timeouts: the receive part of a call starts after the send. */
	block(t, send_timeout);
}

bool ipc_reply(struct thread *t)
{
	struct thread *c = t->caller;
	enum vireo_status st;

	t->caller = 0;
	if (!c || c->state != THREAD_RECV_BLOCKED || c->reply_from != t) {
		thread_set_status(t, VIREO_E_NO_REPLY);
		return false;
	}
	st = transfer(t, c, 0);
	if (st != VIREO_OK) {
		thread_set_status(t, st);
		wake(c, VIREO_E_CANCELED);
		sched_ready(c);
		return false;
	}
	wake(c, VIREO_OK);
	sched_ready(c);
	thread_set_status(t, VIREO_OK);
	return true;
}

static struct thread *find_sender(struct thread *r, struct kobject *from)
{
	for (struct thread *s = r->sendq_head; s; s = s->sq_next)
		if (!from || &s->send_via->obj == from)
			return s;
	return 0;
}

void ipc_receive(struct thread *t, struct kobject *from, uint32_t timeout)
{
	struct thread *s;

	while ((s = find_sender(t, from))) {
		struct ipc_gate *g = s->send_via;

		sendq_remove(t, s);
		timer_cancel(&s->timeout);
		t->state = THREAD_RECV_BLOCKED; /* what deliver() expects of a receiver */
		deliver(s, t, gate_label(g, s->send_rights), s->send_then_recv,
			(uint32_t)(s->regs.regs[REG_A3] >> 32));
		if (s->state == THREAD_READY)
			sched_ready(s);
		kobject_put(&g->obj);
		if (t->state == THREAD_READY)
			return;
		/* That sender's message was bad; it has been told. Try the next. */
	}
	if (timeout == VIREO_TIMEOUT_ZERO) {
		thread_set_status(t, VIREO_E_TIMEOUT);
		t->state = THREAD_READY;
		return;
	}
	t->state = THREAD_RECV_BLOCKED;
	t->recv_from = from;
	if (from)
		kobject_get(from);
	block(t, timeout);
}

void ipc_abort(struct thread *t, enum vireo_status st)
{
	if (t->state == THREAD_SEND_BLOCKED) {
		struct ipc_gate *g = t->send_via;

		sendq_remove(t->send_to, t);
		kobject_put(&g->obj);
	} else if (t->state == THREAD_RECV_BLOCKED) {
		if (t->reply_from && t->reply_from->caller == t)
			t->reply_from->caller = 0;
	} else {
		return;
	}
	wake(t, st);
	sched_ready(t);
}

void ipc_thread_gone(struct thread *t)
{
	ipc_abort(t, VIREO_E_CANCELED);
	while (t->sendq_head)
		ipc_abort(t->sendq_head, VIREO_E_CANCELED);
	if (t->caller && t->caller->reply_from == t)
		ipc_abort(t->caller, VIREO_E_CANCELED);
	t->caller = 0;
}

void ipc_gate_gone(struct ipc_gate *g)
{
	struct thread *r = g->thread;

	if (!r)
		return;
	for (struct thread *s = r->sendq_head, *next; s; s = next) {
		next = s->sq_next;
		if (s->send_via == g)
			ipc_abort(s, VIREO_E_CANCELED);
	}
	if (r->state == THREAD_RECV_BLOCKED && r->recv_from == &g->obj)
		ipc_abort(r, VIREO_E_CANCELED);
}
