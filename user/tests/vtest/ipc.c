/* IPC: call/reply, send, open and closed receive, timeouts, deletion races. */
#include <string.h>

#include "vtest.h"

#define LABEL 0x1230

/* Echo server: reply with every word plus one, until told to stop (MR0 = ~0). */
static void echo_server(void *arg)
{
	struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

	(void)arg;
	for (;;) {
		struct vireo_utcb *u = vireo_utcb();
		unsigned words = vireo_tag_words(r.tag);

		if (r.status != VIREO_OK || (words && u->mr[0] == ~0ULL))
			break;
		for (unsigned i = 0; i < words; i++)
			u->mr[i] += 1;
		u->mr[words] = r.label; /* tell the caller which label arrived */
		r = vireo_reply_wait(vireo_tag(0, words + 1, 0), VIREO_TIMEOUT_NEVER);
	}
	vireo_reply(vireo_tag(0, 0, 0));
}

struct server {
	vireo_cap_t thread, gate;
};

static bool start_echo(struct server *s)
{
	if (!vt_thread(&s->thread, echo_server, 0))
		return false;
	s->gate = vt_sel();
	return vireo_factory_create_gate(VIREO_SEL_FACTORY, s->gate, s->thread, LABEL) == VIREO_OK;
}

/* Tell the server to stop; its thread deletes itself when its function returns. */
static bool stop(struct server *s)
{
	unsigned kind, rights;

	vireo_utcb()->mr[0] = ~0ULL;
	if (vireo_call(s->gate, vireo_tag(0, 1, 0), 0).status != VIREO_OK)
		return false;
	vt_sleep_us(100);
	return vireo_kobject_info(s->thread, &kind, &rights) == VIREO_E_CAP &&
	       vireo_kobject_delete(s->gate) == VIREO_OK;
}

VTEST(ipc_call_reply_short_message)
{
	struct server s;
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r;

	EXPECT(start_echo(&s));
	u->mr[0] = 10;
	u->mr[1] = 20;
	u->mr[2] = 30;
	r = vireo_call(s.gate, vireo_tag(7, 3, 0), 0);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(vireo_tag_words(r.tag) == 4 && r.label == 0);
	EXPECT(u->mr[0] == 11 && u->mr[1] == 21 && u->mr[2] == 31);
	/* The label carries the sender's rights on the gate in its low bits. */
	EXPECT(u->mr[3] == (LABEL | VIREO_CAP_ALL));
	EXPECT(stop(&s));
	return true;
}

VTEST(ipc_call_reply_full_utcb_message)
{
	struct server s;
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r;

	EXPECT(start_echo(&s));
	for (unsigned i = 0; i < 63; i++)
		u->mr[i] = 1000 + i;
	r = vireo_call(s.gate, vireo_tag(7, 63, 0), 0);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(vireo_tag_words(r.tag) == 64);
	for (unsigned i = 0; i < 63; i++)
		EXPECT(u->mr[i] == 1001 + i);
	EXPECT(stop(&s));
	return true;
}

VTEST(ipc_label_shows_reduced_rights)
{
	struct server s;
	vireo_cap_t send_only = vt_sel();
	struct vireo_ret r;

	EXPECT(start_echo(&s));
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(s.gate, 0, VIREO_CAP_SEND),
				 send_only),
		  VIREO_OK);
	r = vireo_call(send_only, vireo_tag(0, 0, 0), 0);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(vireo_utcb()->mr[0] == (LABEL | VIREO_CAP_SEND));
	/* Without WRITE, a gate-protocol message is IPC, not management. */
	vireo_utcb()->mr[0] = VIREO_GATE_INFO;
	r = vireo_call(send_only, vireo_tag(VIREO_PROTO_IPC_GATE, 1, 0), 0);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(vireo_tag_words(r.tag) == 2 && vireo_utcb()->mr[0] == VIREO_GATE_INFO + 1);
	EXPECT(stop(&s));
	return true;
}

VTEST(ipc_send_without_rights)
{
	vireo_cap_t gate = vt_sel(), no_send = vt_sel();

	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, VIREO_CAP_INVALID, 0x40),
		  VIREO_OK);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(gate, 0, VIREO_CAP_READ), no_send),
		  VIREO_OK);
	EXPECT_ST(vireo_call(no_send, vireo_tag(0, 0, 0), 0).status, VIREO_E_RIGHTS);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), 0).status, VIREO_E_CAP); /* unbound */
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

VTEST(ipc_reply_without_caller)
{
	EXPECT_ST(vireo_reply(vireo_tag(0, 0, 0)).status, VIREO_E_NO_REPLY);
	return true;
}

VTEST(ipc_receive_timeouts)
{
	uint64_t hz = vireo_boot_info->timebase_hz, start;

	EXPECT_ST(vireo_wait(VIREO_TIMEOUT_ZERO).status, VIREO_E_TIMEOUT);
	start = vt_now();
	EXPECT_ST(vireo_wait(vireo_timeout_ns(2000000)).status, VIREO_E_TIMEOUT);
	EXPECT(vt_now() - start >= hz * 2 / 1000);
	return true;
}

/*
 * A server that waits with the timeout the test sets (0: none), counts
 * the timeouts, and answers each call with the count.
 */
struct patient {
	vireo_cap_t gate;
	volatile uint32_t timeout;
	volatile unsigned timeouts;
};

static void patient_server(void *arg)
{
	struct patient *p = arg;

	for (;;) {
		struct vireo_ret r = vireo_wait(p->timeout);

		if (r.status == VIREO_E_TIMEOUT) {
			p->timeouts++;
			continue;
		}
		vireo_utcb()->mr[0] = p->timeouts;
		vireo_reply(vireo_tag(0, 1, 0));
	}
}

/*
 * Calls reach a receiver whether it waits with a timeout (the general
 * path) or without (the fast path, when on), before its timeouts and
 * between them; a call ends the wait's timeout, and a timeout ends the
 * wait (neither outlives it).
 */
VTEST(ipc_receiver_with_timeouts_gets_every_call)
{
	static struct patient p;
	vireo_cap_t server;

	p.gate = vt_sel();
	p.timeout = vireo_timeout_ns(20000000);
	EXPECT(vt_thread(&server, patient_server, &p));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, p.gate, server, 0x40), VIREO_OK);
	vt_sleep_us(1000);
	/* Into the 20 ms wait; the next waits have no timeout: the first must not fire there. */
	p.timeout = VIREO_TIMEOUT_NEVER;
	EXPECT_ST(vireo_call(p.gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	EXPECT(vireo_utcb()->mr[0] == 0);
	vt_sleep_us(40000);
	EXPECT(p.timeouts == 0);
	/* Into a wait without timeout; the next ones time out every 2 ms. */
	p.timeout = vireo_timeout_ns(2000000);
	EXPECT_ST(vireo_call(p.gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	while (p.timeouts < 3)
		vt_sleep_us(1000);
	EXPECT_ST(vireo_call(p.gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	EXPECT(vireo_utcb()->mr[0] >= 3);
	p.timeout = VIREO_TIMEOUT_NEVER;
	vt_sleep_us(5000); /* (a timed wait under way ends) */
	for (unsigned i = 0; i < 3; i++) {
		unsigned seen = p.timeouts;

		EXPECT_ST(vireo_call(p.gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
		EXPECT(vireo_utcb()->mr[0] == seen);
	}
	EXPECT_ST(vireo_kobject_delete(server), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(p.gate), VIREO_OK);
	return true;
}

/* A thread that exists but never receives. */
static void deaf(void *arg)
{
	(void)arg;
	for (;;)
		vt_sleep_us(1000000000);
}

VTEST(ipc_send_timeouts)
{
	vireo_cap_t t, gate = vt_sel();
	uint64_t hz = vireo_boot_info->timebase_hz, start;

	EXPECT(vt_thread(&t, deaf, 0));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x40), VIREO_OK);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), vireo_timeouts(VIREO_TIMEOUT_ZERO, 0)).status,
		  VIREO_E_TIMEOUT);
	start = vt_now();
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0),
			     vireo_timeouts(vireo_timeout_ns(3000000), 0))
			  .status,
		  VIREO_E_TIMEOUT);
	EXPECT(vt_now() - start >= hz * 3 / 1000);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	return true;
}

/* Receives one call and never replies: the call's receive timeout expires. */
static void silent_server(void *arg)
{
	(void)arg;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		vt_sleep_us(1000000000);
}

VTEST(ipc_reply_timeout)
{
	vireo_cap_t t, gate = vt_sel();

	EXPECT(vt_thread(&t, silent_server, 0));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x40), VIREO_OK);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0),
			     vireo_timeouts(VIREO_TIMEOUT_NEVER, vireo_timeout_ns(2000000)))
			  .status,
		  VIREO_E_TIMEOUT);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	return true;
}

VTEST(ipc_to_deleted_thread)
{
	vireo_cap_t t, gate = vt_sel();

	EXPECT(vt_thread(&t, deaf, 0));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x40), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), 0).status, VIREO_E_CAP);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

/* Receives a call, then deletes itself without replying. */
static void vanishing_server(void *arg)
{
	vireo_cap_t self = *(vireo_cap_t *)arg;

	vireo_wait(VIREO_TIMEOUT_NEVER);
	vireo_kobject_delete(self);
}

VTEST(ipc_caller_canceled_when_server_dies)
{
	static vireo_cap_t t;
	vireo_cap_t gate = vt_sel();

	EXPECT(vt_thread(&t, vanishing_server, &t));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x40), VIREO_OK);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), 0).status, VIREO_E_CANCELED);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

struct blocked_sender {
	vireo_cap_t gate;
	volatile int status;
};

static void sender(void *arg)
{
	struct blocked_sender *b = arg;

	b->status = vireo_call(b->gate, vireo_tag(0, 0, 0), 0).status;
}

VTEST(ipc_blocked_sender_canceled_when_gate_deleted)
{
	static struct blocked_sender b;
	vireo_cap_t receiver, s;

	EXPECT(vt_thread(&receiver, deaf, 0));
	b.gate = vt_sel();
	b.status = -1;
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, b.gate, receiver, 0x40), VIREO_OK);
	EXPECT(vt_thread(&s, sender, &b));
	vt_sleep_us(1000); /* the sender runs and blocks in the receiver's queue */
	EXPECT(b.status == -1);
	EXPECT_ST(vireo_kobject_delete(b.gate), VIREO_OK);
	vt_sleep_us(1000);
	EXPECT(b.status == VIREO_E_CANCELED);
	EXPECT_ST(vireo_kobject_delete(receiver), VIREO_OK);
	return true;
}

/* Closed receive: a message through gate A is taken before one queued on B. */
struct closed {
	vireo_cap_t a, b;
	volatile vireo_word_t got[2];
};

static void closed_receiver(void *arg)
{
	struct closed *c = arg;
	struct vireo_ret r;

	vt_sleep_us(2000); /* let both senders queue up */
	r = vireo_recv(c->a, VIREO_TIMEOUT_NEVER);
	c->got[0] = r.label;
	vireo_reply(vireo_tag(0, 0, 0));
	r = vireo_wait(VIREO_TIMEOUT_NEVER);
	c->got[1] = r.label;
	vireo_reply(vireo_tag(0, 0, 0));
	for (;;)
		vt_sleep_us(1000000000);
}

static void call_b(void *arg)
{
	vireo_call(((struct closed *)arg)->b, vireo_tag(0, 0, 0), 0);
}

static void call_a(void *arg)
{
	vireo_call(((struct closed *)arg)->a, vireo_tag(0, 0, 0), 0);
}

VTEST(ipc_closed_receive_picks_its_gate)
{
	static struct closed c;
	vireo_cap_t r, sb, sa;

	c.a = vt_sel();
	c.b = vt_sel();
	c.got[0] = c.got[1] = 0;
	EXPECT(vt_thread(&r, closed_receiver, &c));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, c.a, r, 0xa0), VIREO_OK);
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, c.b, r, 0xb0), VIREO_OK);
	EXPECT(vt_thread(&sb, call_b, &c)); /* B queues first */
	vt_sleep_us(500);
	EXPECT(vt_thread(&sa, call_a, &c));
	vt_sleep_us(5000);
	EXPECT((c.got[0] & ~0xfULL) == 0xa0 && (c.got[1] & ~0xfULL) == 0xb0);
	EXPECT_ST(vireo_kobject_delete(r), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(c.a), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(c.b), VIREO_OK);
	return true;
}

VTEST(ipc_send_only_does_not_wait_for_reply)
{
	struct server s;
	struct vireo_ret r;

	EXPECT(start_echo(&s));
	vireo_utcb()->mr[0] = 5;
	r = vireo_send(s.gate, vireo_tag(0, 1, 0), VIREO_TIMEOUT_NEVER);
	EXPECT_ST(r.status, VIREO_OK);
	vt_sleep_us(1000); /* the server's reply finds no caller and it waits again */
	EXPECT(stop(&s));
	return true;
}

/* Receives two calls without replying to the first: the first caller is told. */
struct two_calls {
	vireo_cap_t gate;
	volatile int first;
};

static void forgetful_server(void *arg)
{
	(void)arg;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	vireo_wait(VIREO_TIMEOUT_NEVER);
	vireo_reply(vireo_tag(0, 0, 0));
	for (;;)
		vt_sleep_us(1000000000);
}

static void first_caller(void *arg)
{
	struct two_calls *c = arg;

	c->first = vireo_call(c->gate, vireo_tag(0, 0, 0), 0).status;
}

VTEST(ipc_unanswered_caller_canceled_when_server_takes_another_call)
{
	static struct two_calls c;
	vireo_cap_t server, caller;

	c.gate = vt_sel();
	c.first = -1;
	EXPECT(vt_thread(&server, forgetful_server, 0));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, c.gate, server, 0x40), VIREO_OK);
	EXPECT(vt_thread(&caller, first_caller, &c));
	vt_sleep_us(1000);
	EXPECT(c.first == -1); /* received, not answered */
	EXPECT_ST(vireo_call(c.gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	vt_sleep_us(1000);
	EXPECT(c.first == VIREO_E_CANCELED);
	EXPECT_ST(vireo_kobject_delete(server), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(c.gate), VIREO_OK);
	return true;
}

VTEST(ipc_call_with_zero_receive_timeout)
{
	struct server s;

	EXPECT(start_echo(&s));
	/* The message is delivered, but the caller will not wait for the answer. */
	EXPECT_ST(vireo_call(s.gate, vireo_tag(0, 0, 0),
			     vireo_timeouts(VIREO_TIMEOUT_NEVER, VIREO_TIMEOUT_ZERO))
			  .status,
		  VIREO_E_TIMEOUT);
	vt_sleep_us(100);
	EXPECT(stop(&s));
	return true;
}

/* Scheduling around IPC: a higher priority receiver runs at once; nobody is lost. */
struct order {
	vireo_cap_t gate;
	volatile unsigned seq, receiver_at;
};

static void ordered_receiver(void *arg)
{
	struct order *o = arg;

	vireo_wait(VIREO_TIMEOUT_NEVER);
	o->receiver_at = ++o->seq;
}

static bool run_order(struct order *o, unsigned priority, unsigned *main_at)
{
	vireo_cap_t t;

	o->gate = vt_sel();
	o->seq = o->receiver_at = 0;
	if (!vt_thread_at(&t, ordered_receiver, o, priority) ||
	    vireo_factory_create_gate(VIREO_SEL_FACTORY, o->gate, t, 0x40) != VIREO_OK)
		return false;
	vt_sleep_us(200); /* the receiver waits */
	if (vireo_send(o->gate, vireo_tag(0, 0, 0), VIREO_TIMEOUT_NEVER).status != VIREO_OK)
		return false;
	*main_at = ++o->seq;
	vt_sleep_us(200);
	return vireo_kobject_delete(o->gate) == VIREO_OK;
}

VTEST(ipc_higher_priority_receiver_preempts_the_sender)
{
	static struct order o;
	unsigned main_at;

	EXPECT(run_order(&o, 20, &main_at));
	EXPECT(o.receiver_at == 1 && main_at == 2);
	return true;
}

VTEST(ipc_lower_priority_receiver_waits_for_the_sender)
{
	static struct order o;
	unsigned main_at;

	EXPECT(run_order(&o, 5, &main_at));
	EXPECT(main_at == 1 && o.receiver_at == 2);
	return true;
}

/* Message registers beyond the message's length keep the receiver's values (both paths). */
struct short_msg {
	vireo_cap_t gate;
	volatile vireo_word_t seen[4];
};

static void short_receiver(void *arg)
{
	struct short_msg *m = arg;
	vireo_word_t mr[4] = { 0xb0, 0xb1, 0xb2, 0xb3 };

	vireo_syscall_regs(VIREO_CAP_INVALID, 0, VIREO_IPC_WAIT, 0, mr);
	for (int i = 0; i < 4; i++)
		m->seen[i] = mr[i];
	mr[1] = mr[2] = mr[3] = 0xc0;
	mr[0] = 0x77;
	vireo_syscall_regs(VIREO_CAP_INVALID, vireo_tag(0, 1, 0), VIREO_IPC_REPLY,
			   vireo_timeouts(VIREO_TIMEOUT_ZERO, 0), mr);
}

VTEST(ipc_registers_beyond_the_message_are_untouched)
{
	static struct short_msg m;
	vireo_word_t mr[4] = { 0xa0, 0xa1, 0xa2, 0xa3 };
	vireo_cap_t t;

	m.gate = vt_sel();
	EXPECT(vt_thread_at(&t, short_receiver, &m, VT_PRIORITY + 1));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, m.gate, t, 0x40), VIREO_OK);
	EXPECT_ST(vireo_syscall_regs(m.gate, vireo_tag(0, 1, 0), VIREO_IPC_CALL, 0, mr).status,
		  VIREO_OK);
	EXPECT(m.seen[0] == 0xa0 && m.seen[1] == 0xb1 && m.seen[2] == 0xb2 && m.seen[3] == 0xb3);
	EXPECT(mr[0] == 0x77 && mr[1] == 0xa1 && mr[2] == 0xa2 && mr[3] == 0xa3);
	EXPECT_ST(vireo_kobject_delete(m.gate), VIREO_OK);
	return true;
}
