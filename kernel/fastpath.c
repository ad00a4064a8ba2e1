/* The IPC fast path (see kernel/fastpath.h). */
#include <kernel/cspace.h>
#include <kernel/fastpath.h>
#include <kernel/gate.h>
#include <kernel/sched.h>
#include <kernel/task.h>
#include <vireo/syscall.h>

#define FAST_WORDS 4

static bool disabled;

void fastpath_disable(void)
{
	disabled = true;
}

/* The message fits in registers and carries no items; the label is not a kernel protocol. */
static bool simple_tag(vireo_tag_t tag)
{
	return (tag & ((VIREO_TAG_ITEMS_MASK << VIREO_TAG_ITEMS_SHIFT) | VIREO_TAG_WORDS_MASK)) <=
		       FAST_WORDS;
}

static void copy_message(struct thread *from, struct thread *to, vireo_word_t label)
{
	to->regs.regs[REG_A0] = VIREO_OK;
	to->regs.regs[REG_A1] = from->regs.regs[REG_A1];
	to->regs.regs[REG_A2] = label;
	to->regs.regs[REG_A4] = from->regs.regs[REG_A4];
	to->regs.regs[REG_A4 + 1] = from->regs.regs[REG_A4 + 1];
	to->regs.regs[REG_A4 + 2] = from->regs.regs[REG_A4 + 2];
	to->regs.regs[REG_A4 + 3] = from->regs.regs[REG_A4 + 3];
}

static struct thread *fast_call(struct thread *t)
{
	struct cap_slot *s = cspace_lookup(&t->task->cspace, t->regs.regs[REG_A0]);
	vireo_tag_t tag = t->regs.regs[REG_A1];
	struct ipc_gate *g;
	struct thread *r;

	/* Guards: a gate we may send through, a plain message, a receiver ready for it. */
	if (!s || s->obj->kind != VIREO_KIND_IPC_GATE || !(s->rights & VIREO_CAP_SEND) ||
	    !simple_tag(tag) || gate_is_management(tag, s->rights) ||
	    (t->regs.regs[REG_A3] >> 32) != VIREO_TIMEOUT_NEVER)
		return 0;
	g = (struct ipc_gate *)s->obj;
	r = g->thread;
	if (!r || r->state != THREAD_RECV_BLOCKED || r->reply_from || r->recv_from || r->caller ||
	    r->timeout.armed || (int)r->priority < sched_top_priority())
		return 0;

	/* Point of no return. */
	copy_message(t, r, g->label | (s->rights & GATE_LABEL_RIGHTS_MASK));
	r->state = THREAD_READY;
	t->state = THREAD_RECV_BLOCKED;
	t->reply_from = r;
	r->caller = t;
	return r;
}

static struct thread *fast_reply_wait(struct thread *t)
{
	struct thread *c = t->caller;

	if (!c || c->state != THREAD_RECV_BLOCKED || c->reply_from != t || c->kmsg_tag ||
	    c->timeout.armed || !simple_tag(t->regs.regs[REG_A1]) || t->sendq_head ||
	    (t->regs.regs[REG_A3] >> 32) != VIREO_TIMEOUT_NEVER ||
	    (int)c->priority < sched_top_priority())
		return 0;

	/* Point of no return. */
	copy_message(t, c, 0);
	c->state = THREAD_READY;
	c->reply_from = 0;
	t->caller = 0;
	t->state = THREAD_RECV_BLOCKED;
	return c;
}

struct thread *fastpath_syscall(struct thread *t)
{
	switch (t->regs.regs[REG_A2]) {
	case VIREO_IPC_CALL:
		return disabled ? 0 : fast_call(t);
	case VIREO_IPC_REPLY_WAIT:
		return disabled ? 0 : fast_reply_wait(t);
	default:
		return 0;
	}
}
