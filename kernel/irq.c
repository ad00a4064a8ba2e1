/* Irq objects (see kernel/irq.h and include/vireo/protocol.h). */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/icu.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/vcon.h>
#include <kernel/vcpu.h>
#include <kernel/msg.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <vireo/fpage.h>

#define LABEL_RIGHTS_MASK 0xfu
/* Shorter periods would let one timer take the CPU from every thread. */
#define IRQ_MIN_PERIOD_US 100

static void dequeue(struct irq *irq)
{
	struct thread *t = irq->thread;

	if (!irq->queued)
		return;
	for (struct irq **p = &t->irq_head; *p; p = &(*p)->next) {
		if (*p == irq) {
			*p = irq->next;
			break;
		}
	}
	irq->queued = false;
	irq->next = 0;
}

static void enqueue(struct irq *irq)
{
	struct irq **p = &irq->thread->irq_head;

	if (irq->queued)
		return;
	while (*p)
		p = &(*p)->next;
	irq->next = 0;
	*p = irq;
	irq->queued = true;
	vcpu_event_queued(irq->thread);
}

/* A pending, unmasked, bound Irq goes to its thread now, or waits in its queue. */
static void try_deliver(struct irq *irq)
{
	struct thread *t = irq->thread;

	if (!irq->pending || irq->masked || !t || t->obj.dead)
		return;
	if (ipc_irq_deliver(t, irq)) {
		irq->pending = false;
		irq->masked = true;
		dequeue(irq);
		return;
	}
	enqueue(irq);
}

void irq_trigger(struct irq *irq)
{
	irq->pending = true;
	try_deliver(irq);
}

struct irq *irq_take(struct thread *t, struct kobject *from)
{
	for (struct irq *irq = t->irq_head; irq; irq = irq->next) {
		if (from && from != &irq->obj)
			continue;
		dequeue(irq);
		irq->pending = false;
		irq->masked = true;
		return irq;
	}
	return 0;
}

void irq_thread_gone(struct thread *t)
{
	while (t->irq_head)
		dequeue(t->irq_head);
}

static void unbind(struct irq *irq)
{
	if (!irq->thread)
		return;
	/* Its old thread, waiting only for this Irq, would wait for nothing. */
	ipc_object_gone(&irq->obj);
	dequeue(irq);
	kobject_put(&irq->thread->obj);
	irq->thread = 0;
}

static void on_timer(struct timer *tm)
{
	struct irq *irq = (struct irq *)((char *)tm - offsetof(struct irq, timer));
	uint64_t now = arch_time_now(), next;

	if (irq->period) {
		/* The next deadline after now: periods missed meanwhile are skipped, not replayed. */
		next = tm->deadline + irq->period;
		if (next <= now)
			next = now + irq->period - (now - tm->deadline) % irq->period;
		if (next > tm->deadline) /* no wrap-around: else the timer stops */
			timer_arm(tm, next, on_timer);
	}
	irq_trigger(irq);
}

enum vireo_status irq_create(struct factory *f, struct kobject **out)
{
	return factory_alloc_object(f, sizeof(struct irq), VIREO_KIND_IRQ, out);
}

static enum vireo_status irq_bind(struct irq *irq, struct thread *caller, struct msg *m)
{
	struct kobject *obj;
	enum vireo_status st;

	if (msg_words(m) < 3 || (msg_word(m, 2) & LABEL_RIGHTS_MASK))
		return VIREO_E_ARG;
	st = cspace_get(&caller->task->cspace, msg_word(m, 1), VIREO_CAP_WRITE, &obj, 0);
	if (st != VIREO_OK)
		return st;
	if (obj->kind != VIREO_KIND_THREAD)
		return VIREO_E_ARG;
	unbind(irq);
	kobject_get(obj);
	irq->thread = (struct thread *)obj;
	irq->label = msg_word(m, 2);
	try_deliver(irq);
	return VIREO_OK;
}

static enum vireo_status irq_set_timer(struct irq *irq, struct msg *m)
{
	uint64_t mode = msg_word(m, 1), when = msg_word(m, 2), period = msg_word(m, 3);
	uint64_t now = arch_time_now();

	if (msg_words(m) < 3 ||
	    (mode == VIREO_IRQ_TIMER_PERIODIC &&
	     (msg_words(m) < 4 || period < clock_ticks_from_us(IRQ_MIN_PERIOD_US) ||
	      period > UINT64_MAX / 4)))
		return VIREO_E_ARG;
	switch (mode) {
	case VIREO_IRQ_TIMER_RELATIVE:
	case VIREO_IRQ_TIMER_PERIODIC:
		if (when > UINT64_MAX - now)
			return VIREO_E_ARG;
		when += now;
		break;
	case VIREO_IRQ_TIMER_ABSOLUTE:
		break;
	default:
		return VIREO_E_ARG;
	}
	irq->period = mode == VIREO_IRQ_TIMER_PERIODIC ? period : 0;
	timer_arm(&irq->timer, when, on_timer);
	return VIREO_OK;
}

static enum vireo_status irq_info(struct irq *irq, struct msg *m)
{
	msg_reply(m, 1);
	msg_set(m, 0, (irq->thread ? VIREO_IRQ_INFO_BOUND : 0) |
			      (irq->pending ? VIREO_IRQ_INFO_PENDING : 0) |
			      (irq->masked ? VIREO_IRQ_INFO_MASKED : 0) |
			      (irq->timer.armed ? VIREO_IRQ_INFO_TIMER : 0));
	return VIREO_OK;
}

static enum vireo_status irq_invoke(struct kobject *obj, unsigned rights, struct thread *caller,
				    struct msg *m)
{
	struct irq *irq = (struct irq *)obj;
	vireo_word_t op = msg_op(m);

	if (op == VIREO_IRQ_TRIGGER) {
		if (!(rights & VIREO_CAP_SEND))
			return VIREO_E_RIGHTS;
		irq_trigger(irq);
		return VIREO_OK;
	}
	if (op == VIREO_IRQ_INFO)
		return rights & VIREO_CAP_READ ? irq_info(irq, m) : VIREO_E_RIGHTS;
	if (op < VIREO_IRQ_BIND || op > VIREO_IRQ_STOP_TIMER)
		return VIREO_E_OP;
	if (!(rights & VIREO_CAP_WRITE))
		return VIREO_E_RIGHTS;
	switch (op) {
	case VIREO_IRQ_BIND:
		return irq_bind(irq, caller, m);
	case VIREO_IRQ_DETACH:
		unbind(irq);
		return VIREO_OK;
	case VIREO_IRQ_MASK:
		irq->masked = true;
		dequeue(irq);
		return VIREO_OK;
	case VIREO_IRQ_UNMASK:
		irq->masked = false;
		icu_irq_acked(irq);
		try_deliver(irq);
		return VIREO_OK;
	case VIREO_IRQ_SET_TIMER:
		return irq_set_timer(irq, m);
	default: /* VIREO_IRQ_STOP_TIMER */
		timer_cancel(&irq->timer);
		return VIREO_OK;
	}
}

static void irq_destroy(struct kobject *obj)
{
	struct irq *irq = (struct irq *)obj;

	timer_cancel(&irq->timer);
	icu_irq_gone(irq);
	vcon_irq_gone(irq);
	unbind(irq);
}

static void irq_release(struct kobject *obj)
{
	factory_free_object(obj, sizeof(struct irq));
}

const struct kobject_ops irq_ops = {
	.invoke = irq_invoke,
	.destroy = irq_destroy,
	.release = irq_release,
};
