/*
 * Irq objects: signals without payload, bound to a thread with a label
 * (include/vireo/protocol.h has the semantics). A thread keeps the pending
 * Irqs bound to it in a FIFO list; a receive takes them before senders.
 *
 *   thread.irq_head -> irq -> irq -> NULL     (pending, unmasked, bound here)
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/clock.h>
#include <kernel/kobject.h>
#include <vireo/types.h>

struct irq {
	struct kobject obj;
	struct thread *thread;  /* reference held; NULL while unbound */
	vireo_word_t label;
	bool pending;           /* triggered, not yet delivered */
	bool masked;            /* delivered and not yet acknowledged, or masked */
	bool queued;            /* in thread->irq_head's list */
	struct irq *next;       /* that list */
	struct timer timer;
	uint64_t period;        /* ticks; 0: one-shot */
	unsigned line;          /* device source bound to it through the Icu; 0: none */
};

must_check enum vireo_status irq_create(struct factory *f, struct kobject **out);

/* Make the Irq pending and deliver it if it can go now (also from the timer interrupt). */
void irq_trigger(struct irq *irq);

/*
 * Take the first pending Irq for receiver t (any, or only `from`), and mask
 * it; NULL if none. The caller delivers it.
 */
struct irq *irq_take(struct thread *t, struct kobject *from);

/* A thread dies: unbind every Irq queued to it (they stay pending). */
void irq_thread_gone(struct thread *t);

extern const struct kobject_ops irq_ops;

#endif
