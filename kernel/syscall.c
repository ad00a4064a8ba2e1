/* Decoding invocations (see kernel/syscall.h and include/vireo/syscall.h). */
#include <kernel/cspace.h>
#include <kernel/gate.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/msg.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <vireo/syscall.h>

#define OP_MASK (VIREO_OP_SEND | VIREO_OP_RECV | VIREO_OP_OPEN | VIREO_OP_REPLY)

/* Operations every object has. */
static enum vireo_status kobject_invoke(struct kobject *obj, unsigned rights, struct msg *m)
{
	switch (msg_op(m)) {
	case VIREO_KOBJECT_INFO:
		msg_reply(m, 2);
		msg_set(m, 0, obj->kind);
		msg_set(m, 1, rights);
		return VIREO_OK;
	case VIREO_KOBJECT_DELETE:
		if (!(rights & VIREO_CAP_DELETE))
			return VIREO_E_RIGHTS;
		kobject_delete(obj);
		return VIREO_OK;
	default:
		return VIREO_E_OP;
	}
}

static const int64_t kind_protocol[VIREO_KIND_COUNT] = {
	[VIREO_KIND_FACTORY] = VIREO_PROTO_FACTORY, [VIREO_KIND_TASK] = VIREO_PROTO_TASK,
	[VIREO_KIND_THREAD] = VIREO_PROTO_THREAD,   [VIREO_KIND_IPC_GATE] = VIREO_PROTO_IPC_GATE,
	[VIREO_KIND_VCON] = VIREO_PROTO_VCON,	    [VIREO_KIND_IRQ] = VIREO_PROTO_IRQ,
	[VIREO_KIND_SCHEDULER] = VIREO_PROTO_SCHEDULER, [VIREO_KIND_PLATFORM] = VIREO_PROTO_PLATFORM,
	[VIREO_KIND_ICU] = VIREO_PROTO_ICU,	    [VIREO_KIND_DEBUGGER] = VIREO_PROTO_DEBUGGER,
	[VIREO_KIND_VM] = VIREO_PROTO_TASK,
};

/* A send to a kernel object: carry out the operation, reply in place. */
static void invoke_object(struct thread *t, struct kobject *obj, unsigned rights)
{
	vireo_tag_t tag = t->regs.regs[REG_A1];
	struct msg m = { tag, vireo_tag(vireo_tag_label(tag), 0, 0), &t->regs.regs[REG_A4], t->utcb };
	int64_t label = vireo_tag_label(m.tag);
	enum vireo_status st;

	kobject_get(obj); /* the operation may delete it */
	if (label == VIREO_PROTO_KOBJECT)
		st = kobject_invoke(obj, rights, &m);
	else if (label != kind_protocol[obj->kind])
		st = VIREO_E_PROTOCOL;
	else if (!(rights & (VIREO_CAP_SEND | VIREO_CAP_WRITE | VIREO_CAP_READ)))
		st = VIREO_E_RIGHTS;
	else
		st = kobject_ops_of(obj->kind)->invoke(obj, rights, t, &m);
	if (st != VIREO_OK)
		msg_reply(&m, 0);
	t->regs.regs[REG_A1] = m.reply;
	thread_set_status(t, st);
	kobject_put(obj);
}

static void do_send(struct thread *t, unsigned op)
{
	vireo_cap_t sel = t->regs.regs[REG_A0];
	uint64_t timeouts = t->regs.regs[REG_A3];
	struct cap_slot *s = cspace_lookup(&t->task->cspace, sel);

	if (!s) {
		thread_set_status(t, VIREO_E_CAP);
		return;
	}
	if (s->obj->kind != VIREO_KIND_IPC_GATE ||
	    gate_is_management(t->regs.regs[REG_A1], s->rights)) {
		invoke_object(t, s->obj, s->rights);
		return;
	}
	if (!(s->rights & VIREO_CAP_SEND)) {
		thread_set_status(t, VIREO_E_RIGHTS);
		return;
	}
	ipc_send(t, (struct ipc_gate *)s->obj, s->rights, op & VIREO_OP_RECV, (uint32_t)timeouts,
		 (uint32_t)(timeouts >> 32));
}

static void do_receive(struct thread *t, unsigned op)
{
	uint32_t timeout = (uint32_t)(t->regs.regs[REG_A3] >> 32);
	struct kobject *from = 0;

	if (!(op & VIREO_OP_OPEN)) {
		struct cap_slot *s = cspace_lookup(&t->task->cspace, t->regs.regs[REG_A0]);

		/* Closed receive: through a gate, or from an Irq bound to this thread. */
		if (!s || (s->obj->kind != VIREO_KIND_IPC_GATE &&
			   (s->obj->kind != VIREO_KIND_IRQ || ((struct irq *)s->obj)->thread != t))) {
			thread_set_status(t, s ? VIREO_E_ARG : VIREO_E_CAP);
			return;
		}
		from = s->obj;
	}
	ipc_receive(t, from, timeout);
}

static void dispatch(struct thread *t)
{
	unsigned op = (unsigned)t->regs.regs[REG_A2];

	if (!op || (op & ~OP_MASK) || ((op & VIREO_OP_REPLY) && !(op & VIREO_OP_SEND))) {
		thread_set_status(t, VIREO_E_ARG);
		return;
	}
	if (op & VIREO_OP_REPLY) {
		/*
		 * A server's reply may find its caller gone (timed out, deleted);
		 * that must not keep it from taking the next request, so with
		 * RECV the status is the receive's.
		 */
		(void)ipc_reply(t);
		if (op & VIREO_OP_RECV)
			do_receive(t, op);
		return;
	}
	if (op & VIREO_OP_SEND) {
		do_send(t, op);
		return;
	}
	do_receive(t, op);
}

void syscall(struct thread *t)
{
	/*
	 * The call may delete the caller, or clear its last capability (an
	 * unmap, a replaced slot, a capability item): it stays allocated until
	 * the call is done; the last reference then tears it down.
	 */
	kobject_get(&t->obj);
	dispatch(t);
	kobject_put(&t->obj);
}
