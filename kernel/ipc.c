/* Message passing (see kernel/ipc.h). */
#include <kernel/arch.h>
#include <kernel/debugger.h>
#include <kernel/fault.h>
#include <kernel/gate.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/vcpu.h>
#include <kernel/memmap.h>
#include <kernel/msg.h>
#include <kernel/task.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <vireo/syscall.h>

static enum vireo_status fault_reply(struct thread *s, struct thread *r, unsigned words,
				     unsigned items);

/* The tag and words of what `s` sends: its own message, or one the kernel made for it. */
static vireo_tag_t sent_tag(const struct thread *s)
{
	return s->kmsg_tag ? s->kmsg_tag : s->regs.regs[REG_A1];
}

static vireo_word_t sent_word(const struct thread *s, unsigned i)
{
	if (s->kmsg_tag)
		return i < VIREO_EXC_WORDS ? s->kmsg[i] : 0;
	if (i < MSG_REG_WORDS)
		return s->regs.regs[REG_A4 + i];
	return s->utcb ? s->utcb->mr[i] : 0;
}

static void put_word(struct thread *r, unsigned i, vireo_word_t v)
{
	if (i < MSG_REG_WORDS)
		r->regs.regs[REG_A4 + i] = v;
	else
		r->utcb->mr[i] = v;
}

/*
 * Where a typed item lands in the receiver: inside its receive window
 * (buffer register `br`), at the send base taken modulo the window and
 * rounded down to the item's size. A page-fault reply has the whole address
 * space as its window and the fault address as its send base.
 */
static bool item_target(struct thread *r, vireo_word_t ctl, vireo_fpage_t fp, uint64_t *dst)
{
	unsigned order = vireo_fpage_order(fp), worder;
	bool mem = vireo_fpage_type(fp) == VIREO_FPAGE_MEM;
	vireo_fpage_t window;
	uint64_t base, send_base;

	if (r->kmsg_tag) {
		/* Only a page-fault reply maps, and only memory, at the fault address. */
		if (vireo_tag_label(r->kmsg_tag) != VIREO_PROTO_PAGE_FAULT || !mem || order >= 64)
			return false;
		*dst = ALIGN_DOWN(r->kmsg[0], (uint64_t)1 << order);
		return true;
	}
	if (!r->utcb)
		return false;
	window = r->utcb->br[mem ? VIREO_BR_MEM_WINDOW : VIREO_BR_CAP_WINDOW];
	worder = vireo_fpage_order(window);
	if (vireo_fpage_type(window) != vireo_fpage_type(fp) || order > worder || worder >= 64)
		return false;
	/* Control word bits 63..12: a byte offset for memory, a slot offset for capabilities. */
	base = mem ? vireo_fpage_addr(window) : vireo_fpage_slot(window);
	send_base = mem ? ctl & ~(vireo_word_t)0xfff : ctl >> 12;
	*dst = base + ALIGN_DOWN(send_base & (((uint64_t)1 << worder) - 1), (uint64_t)1 << order);
	return true;
}

/* Map or grant every typed item of s's message into r's task. */
static enum vireo_status transfer_items(struct thread *s, struct thread *r, unsigned first,
					unsigned items)
{
	for (unsigned i = 0; i < items; i++) {
		vireo_word_t ctl = sent_word(s, first + 2 * i);
		vireo_fpage_t fp = sent_word(s, first + 2 * i + 1);
		enum vireo_status st;
		uint64_t dst;

		if (vireo_fpage_type(fp) == VIREO_FPAGE_NIL)
			continue;
		if (!item_target(r, ctl, fp, &dst))
			st = VIREO_E_MAP;
		else if (vireo_fpage_type(fp) == VIREO_FPAGE_MEM)
			st = memmap_map(s->task, fp, r->task, dst, ctl & VIREO_ITEM_GRANT);
		else
			st = task_copy_caps(s->task, fp, r->task, dst);
		if (st != VIREO_OK) {
			if (s->utcb)
				s->utcb->tcr[VIREO_TCR_ERROR_ITEM] = i;
			return VIREO_E_MAP;
		}
	}
	return VIREO_OK;
}

/*
 * Move s's message to r: the words into r's registers and UTCB (the typed
 * items' words too, so r sees what arrived), the tag to a1, the label to
 * a2, then the items. A thread waiting for the reply to a kernel message
 * (page fault, exception) gets only what that reply means for it.
 */
static enum vireo_status transfer(struct thread *s, struct thread *r, vireo_word_t label)
{
	vireo_tag_t tag = sent_tag(s);
	unsigned words = vireo_tag_words(tag), items = vireo_tag_items(tag);
	unsigned total = words + 2 * items;

	if (total > VIREO_MR_COUNT || (items && s->kmsg_tag))
		return VIREO_E_ARG;
	if (total > MSG_REG_WORDS && !s->kmsg_tag && !s->utcb)
		return VIREO_E_ARG;
	if (r->kmsg_tag)
		return fault_reply(s, r, words, items);
	if (total > MSG_REG_WORDS && !r->utcb)
		return VIREO_E_OVERFLOW;
	for (unsigned i = 0; i < total; i++)
		put_word(r, i, sent_word(s, i));
	r->regs.regs[REG_A1] = tag;
	r->regs.regs[REG_A2] = label;
	return transfer_items(s, r, words, items);
}

/*
 * The reply to a page fault or exception message: items map into the
 * faulting task; an exception reply of VIREO_EXC_WORDS words sets the
 * registers.
 */
static enum vireo_status fault_reply(struct thread *s, struct thread *r, unsigned words,
				     unsigned items)
{
	if (vireo_tag_label(r->kmsg_tag) == VIREO_PROTO_EXCEPTION && words == VIREO_EXC_WORDS) {
		vireo_word_t regs[VIREO_EXC_WORDS];

		for (unsigned i = 0; i < VIREO_EXC_WORDS; i++)
			regs[i] = sent_word(s, i);
		arch_exception_set_regs(&r->regs, regs);
	}
	return transfer_items(s, r, words, items);
}

static void on_timeout(struct timer *tm)
{
	struct thread *t = (struct thread *)((char *)tm - offsetof(struct thread, timeout));

	ipc_abort(t, VIREO_E_TIMEOUT);
}

/*
 * Block t (state already set) until woken or the timeout expires; a zero
 * timeout (the receive half of a call that must not wait) expires at once.
 */
static void block(struct thread *t, uint32_t timeout)
{
	sched_remove(t);
	if (timeout == VIREO_TIMEOUT_ZERO) {
		ipc_abort(t, VIREO_E_TIMEOUT);
		return;
	}
	if ((timeout & VIREO_TIMEOUT_KIND_MASK) == VIREO_TIMEOUT_REL) {
		uint64_t m = timeout & 0xffff, ticks, now = arch_time_now();
		unsigned e = (timeout >> 16) & 63;

		/* A timeout too long to count (over about 584 years) never expires. */
		if (m && e > 63 - high_bit64(m))
			return;
		ticks = clock_ticks_from_ns(m << e);
		if (ticks > UINT64_MAX - now)
			return;
		timer_arm(&t->timeout, now + ticks, on_timeout);
	}
}

static void wake(struct thread *t, enum vireo_status st)
{
	timer_cancel(&t->timeout);
	if (t->kmsg_tag) {
		/* A faulting thread's registers are its own: it retries, or it dies. */
		t->doomed = st != VIREO_OK;
		thread_set_kmsg(t, 0);
	} else {
		thread_set_status(t, st);
	}
	t->state = THREAD_READY;
	t->open_wait = false;
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
	vcpu_event_queued(r);
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
/*
 * Typed items can clear the last capability to either thread (a capability
 * item landing on its slot): callers of deliver() hold a reference to both
 * until they are done with them (hold()/unhold()).
 */
static void hold(struct thread *a, struct thread *b)
{
	kobject_get(&a->obj);
	kobject_get(&b->obj);
}

static void unhold(struct thread *a, struct thread *b)
{
	kobject_put(&b->obj);
	kobject_put(&a->obj);
}

static bool deliver(struct thread *s, struct thread *r, vireo_word_t label, bool call,
		    uint32_t recv_timeout)
{
	enum vireo_status st = transfer(s, r, label);

	if (st != VIREO_OK) {
		wake(s, st);
		return false;
	}
	if (unlikely(debugger_tracing))
		debugger_trace_ipc(s, r, label, sent_tag(s));
	wake(r, VIREO_OK);
	if (call) {
		/*
		 * r has one reply capability. A caller still waiting on the old one
		 * can never be answered now: tell it, rather than leave it waiting
		 * on a thread that may later vanish.
		 */
		if (r->caller && r->caller->reply_from == r)
			ipc_abort(r->caller, VIREO_E_CANCELED);
		s->state = THREAD_RECV_BLOCKED;
		s->reply_from = r;
		r->caller = s;
		block(s, recv_timeout);
	} else {
		wake(s, VIREO_OK);
	}
	return true;
}

/* A send that fails at once: a status for a thread's own message, death for a fault. */
static void fail(struct thread *t, enum vireo_status st)
{
	if (t->kmsg_tag) {
		t->doomed = true;
		thread_set_kmsg(t, 0);
	} else {
		thread_set_status(t, st);
	}
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
		fail(t, VIREO_E_CAP);
		return;
	}
	if (accepts(r, g)) {
		hold(t, r);
		if (deliver(t, r, gate_label(g, rights), call, recv_timeout) && !r->obj.dead)
			sched_handoff(r);
		unhold(t, r);
		return;
	}
	if (send_timeout == VIREO_TIMEOUT_ZERO) {
		fail(t, VIREO_E_TIMEOUT);
		return;
	}
	t->state = THREAD_SEND_BLOCKED;
	t->send_via = g;
	t->send_rights = rights;
	t->send_then_recv = call;
	kobject_get(&g->obj);
	sendq_append(r, t);
	/* The receive half of a call gets its timeout when the send is done. */
	t->call_recv_timeout = recv_timeout;
	block(t, send_timeout);
}

static bool reply_held(struct thread *t, struct thread *c)
{
	enum vireo_status st = transfer(t, c, 0);

	if (unlikely(debugger_tracing) && st == VIREO_OK)
		debugger_trace_ipc(t, c, 0, sent_tag(t));
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

bool ipc_reply(struct thread *t)
{
	struct thread *c = t->caller;
	bool ok;

	t->caller = 0;
	if (!c || c->state != THREAD_RECV_BLOCKED || c->reply_from != t) {
		thread_set_status(t, VIREO_E_NO_REPLY);
		return false;
	}
	/* As in deliver(): the reply's items may clear the caller's last capability. */
	kobject_get(&c->obj);
	ok = reply_held(t, c);
	kobject_put(&c->obj);
	return ok;
}

static struct thread *find_sender(struct thread *r, struct kobject *from)
{
	for (struct thread *s = r->sendq_head; s; s = s->sq_next)
		if (!from || &s->send_via->obj == from)
			return s;
	return 0;
}

bool ipc_irq_deliver(struct thread *t, struct irq *irq)
{
	if (t->state != THREAD_RECV_BLOCKED || t->reply_from || t->kmsg_tag ||
	    (t->recv_from && t->recv_from != &irq->obj))
		return false;
	t->regs.regs[REG_A1] = vireo_tag(VIREO_PROTO_IRQ, 0, 0);
	t->regs.regs[REG_A2] = irq->label;
	wake(t, VIREO_OK);
	sched_ready(t);
	return true;
}

void ipc_object_gone(struct kobject *obj)
{
	struct irq *irq = obj->kind == VIREO_KIND_IRQ ? (struct irq *)obj : 0;
	struct thread *t = irq ? irq->thread : 0;

	if (t && t->state == THREAD_RECV_BLOCKED && t->recv_from == obj)
		ipc_abort(t, VIREO_E_CANCELED);
}

/* Take a pending Irq (through `from`, or any): received at once. */
static bool take_irq(struct thread *t, struct kobject *from)
{
	struct irq *irq = irq_take(t, from);

	if (!irq)
		return false;
	t->regs.regs[REG_A1] = vireo_tag(VIREO_PROTO_IRQ, 0, 0);
	t->regs.regs[REG_A2] = irq->label;
	thread_set_status(t, VIREO_OK);
	t->state = THREAD_READY;
	return true;
}

void ipc_receive_irq(struct thread *t)
{
	if (!take_irq(t, 0)) {
		thread_set_status(t, VIREO_E_TIMEOUT);
		t->state = THREAD_READY;
	}
}

bool ipc_reply_pending(const struct thread *t)
{
	return t->caller && t->caller->reply_from == t &&
	       t->caller->state == THREAD_RECV_BLOCKED;
}

void ipc_receive(struct thread *t, struct kobject *from, uint32_t timeout)
{
	struct thread *s;

	if (take_irq(t, from))
		return;

	while ((s = find_sender(t, from))) {
		struct ipc_gate *g = s->send_via;

		sendq_remove(t, s);
		timer_cancel(&s->timeout);
		t->state = THREAD_RECV_BLOCKED; /* what deliver() expects of a receiver */
		hold(s, t);
		deliver(s, t, gate_label(g, s->send_rights), s->send_then_recv,
			s->call_recv_timeout);
		if (s->state == THREAD_READY)
			sched_ready(s);
		unhold(s, t);
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
	t->open_wait = t->state == THREAD_RECV_BLOCKED && !from && !t->caller && !t->reply_from &&
		       !t->timeout.armed;
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
	irq_thread_gone(t);
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
