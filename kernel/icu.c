/* Device interrupt lines and the Icu object (see kernel/icu.h). */
#include <kernel/cspace.h>
#include <kernel/icu.h>
#include <kernel/irq.h>
#include <kernel/msg.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <vireo/fpage.h>

struct line {
	struct irq *irq;                        /* bound Irq (reference held) */
	void (*kernel_handler)(unsigned source); /* or the kernel's own */
	bool in_service;                        /* claimed, not yet completed */
};

static struct line lines[ICU_MAX_SOURCES];
static struct kobject icu;

struct kobject *icu_boot(void)
{
	if (icu.kind == VIREO_KIND_NONE)
		kobject_init(&icu, VIREO_KIND_ICU);
	return &icu;
}

static unsigned sources(void)
{
	unsigned n = arch_intc_sources();

	return n < ICU_MAX_SOURCES ? n : ICU_MAX_SOURCES - 1;
}

void icu_kernel_line(unsigned source, void (*handler)(unsigned source))
{
	if (source == 0 || source > sources())
		return;
	lines[source].kernel_handler = handler;
	arch_intc_enable(source);
}

void icu_line_fired(unsigned source)
{
	struct line *l = source <= sources() ? &lines[source] : 0;

	if (l && l->kernel_handler) {
		l->kernel_handler(source);
		arch_intc_complete(source);
	} else if (l && l->irq) {
		l->in_service = true;
		irq_trigger(l->irq);
	} else {
		/* Nobody wants it: keep it quiet. */
		arch_intc_disable(source);
		arch_intc_complete(source);
	}
}

void icu_irq_acked(struct irq *irq)
{
	struct line *l = &lines[irq->line];

	if (irq->line && l->in_service) {
		l->in_service = false;
		arch_intc_complete(irq->line);
	}
}

static void unbind_line(unsigned source)
{
	struct line *l = &lines[source];

	if (!l->irq)
		return;
	arch_intc_disable(source);
	if (l->in_service)
		arch_intc_complete(source);
	l->in_service = false;
	l->irq->line = 0;
	kobject_put(&l->irq->obj);
	l->irq = 0;
}

void icu_irq_gone(struct irq *irq)
{
	if (irq->line)
		unbind_line(irq->line);
}

static enum vireo_status icu_bind(struct thread *caller, struct msg *m)
{
	unsigned source = (unsigned)msg_word(m, 1);
	struct kobject *obj;
	struct irq *irq;
	enum vireo_status st;

	if (msg_words(m) < 3 || msg_word(m, 1) == 0 || msg_word(m, 1) > sources())
		return VIREO_E_ARG;
	if (lines[source].kernel_handler)
		return VIREO_E_BUSY; /* the kernel's (its console) */
	st = cspace_get(&caller->task->cspace, msg_word(m, 2), VIREO_CAP_WRITE, &obj, 0);
	if (st != VIREO_OK)
		return st;
	if (obj->kind != VIREO_KIND_IRQ)
		return VIREO_E_ARG;
	irq = (struct irq *)obj;
	if (irq->line && irq->line != source)
		return VIREO_E_BUSY; /* one line per Irq */
	unbind_line(source);
	kobject_get(obj);
	lines[source].irq = irq;
	irq->line = source;
	arch_intc_enable(source);
	return VIREO_OK;
}

static enum vireo_status icu_invoke(struct kobject *obj, unsigned rights, struct thread *caller,
				    struct msg *m)
{
	(void)obj;
	switch (msg_op(m)) {
	case VIREO_ICU_BIND:
		return rights & VIREO_CAP_WRITE ? icu_bind(caller, m) : VIREO_E_RIGHTS;
	case VIREO_ICU_UNBIND:
		if (!(rights & VIREO_CAP_WRITE))
			return VIREO_E_RIGHTS;
		if (msg_word(m, 1) == 0 || msg_word(m, 1) > sources() ||
		    lines[msg_word(m, 1)].kernel_handler)
			return VIREO_E_ARG;
		unbind_line((unsigned)msg_word(m, 1));
		return VIREO_OK;
	case VIREO_ICU_INFO:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		msg_reply(m, 1);
		msg_set(m, 0, sources());
		return VIREO_OK;
	default:
		return VIREO_E_OP;
	}
}

static void icu_release(struct kobject *obj)
{
	(void)obj; /* lives as long as the kernel */
}

const struct kobject_ops icu_ops = {
	.invoke = icu_invoke,
	.release = icu_release,
};
