/* IPC gates (see kernel/gate.h). */
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/gate.h>
#include <kernel/ipc.h>
#include <kernel/msg.h>
#include <kernel/task.h>
#include <kernel/thread.h>

static enum vireo_status lookup_thread(struct thread *caller, vireo_cap_t sel,
				       struct thread **out)
{
	struct kobject *obj;
	enum vireo_status st = cspace_get(&caller->task->cspace, sel, VIREO_CAP_WRITE, &obj, 0);

	if (st != VIREO_OK)
		return st;
	if (obj->kind != VIREO_KIND_THREAD)
		return VIREO_E_ARG;
	*out = (struct thread *)obj;
	return VIREO_OK;
}

static void bind(struct ipc_gate *g, struct thread *t, vireo_word_t label)
{
	if (g->thread) {
		ipc_gate_gone(g); /* waiters of the old binding are canceled */
		kobject_put(&g->thread->obj);
	}
	g->thread = t;
	g->label = label;
	if (t)
		kobject_get(&t->obj);
}

enum vireo_status gate_create(struct factory *f, struct thread *caller, vireo_cap_t thread_sel,
			      vireo_word_t label, struct kobject **out)
{
	struct thread *t = 0;
	enum vireo_status st;

	if (label & GATE_LABEL_RIGHTS_MASK)
		return VIREO_E_ARG;
	if (thread_sel != VIREO_CAP_INVALID) {
		st = lookup_thread(caller, thread_sel, &t);
		if (st != VIREO_OK)
			return st;
	}
	st = factory_alloc_object(f, sizeof(struct ipc_gate), VIREO_KIND_IPC_GATE, out);
	if (st == VIREO_OK)
		bind((struct ipc_gate *)*out, t, label);
	return st;
}

static void gate_destroy(struct kobject *obj)
{
	bind((struct ipc_gate *)obj, 0, 0);
}

static void gate_release(struct kobject *obj)
{
	factory_free_object(obj, sizeof(struct ipc_gate));
}

static enum vireo_status gate_invoke(struct kobject *obj, unsigned rights,
				     struct thread *caller, struct msg *m)
{
	struct ipc_gate *g = (struct ipc_gate *)obj;
	struct thread *t = 0;
	enum vireo_status st;

	(void)rights; /* gate_is_management() checked WRITE */
	switch (msg_op(m)) {
	case VIREO_GATE_BIND:
		if (msg_word(m, 2) & GATE_LABEL_RIGHTS_MASK)
			return VIREO_E_ARG;
		st = lookup_thread(caller, msg_word(m, 1), &t);
		if (st != VIREO_OK)
			return st;
		bind(g, t, msg_word(m, 2));
		return VIREO_OK;
	case VIREO_GATE_INFO:
		msg_reply(m, 1);
		msg_set(m, 0, g->label);
		return VIREO_OK;
	default:
		return VIREO_E_OP;
	}
}

const struct kobject_ops gate_ops = {
	.invoke = gate_invoke,
	.destroy = gate_destroy,
	.release = gate_release,
};
