/*
 * Message passing between threads (DESIGN.md §4). A message is the tag, the
 * sender's MR0..MR3 (registers) and MR4.. (UTCB); the receiver gets the tag
 * in a1 and the label of the gate it came through (with the sender's rights
 * on that gate in the low bits) in a2, or label 0 for a reply.
 *
 * Every function here works on saved thread state only; the caller leaves
 * the kernel through sched_exit() afterwards.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <kernel/thread.h>

struct ipc_gate;

/* Send t's message through `gate` (held with `rights`); with `call`, then wait for the reply. */
void ipc_send(struct thread *t, struct ipc_gate *gate, unsigned rights, bool call,
	      uint32_t send_timeout, uint32_t recv_timeout);

/* Reply to t's caller. Returns false (status set) when there is none. */
bool ipc_reply(struct thread *t);

/* Receive: from anyone (from == NULL) or only through the object `from`. */
void ipc_receive(struct thread *t, struct kobject *from, uint32_t timeout);

/* A receive of Irqs only, zero timeout (status VIREO_E_TIMEOUT if none waits). */
void ipc_receive_irq(struct thread *t);

/* Whether t's caller still waits for t's reply (receiving a call would cancel it). */
bool ipc_reply_pending(const struct thread *t);

struct irq;

/* Deliver `irq` to t if t is waiting for it (open, or closed on it); false otherwise. */
bool ipc_irq_deliver(struct thread *t, struct irq *irq);

/* An Irq dies: its thread, if in a closed receive on it, gets VIREO_E_CANCELED. */
void ipc_object_gone(struct kobject *obj);

/* Wake a blocked thread with `st` and detach it from whatever it waited for. */
void ipc_abort(struct thread *t, enum vireo_status st);

/* A thread dies: every partner waiting on it gets VIREO_E_CANCELED. */
void ipc_thread_gone(struct thread *t);

/* A gate dies: senders blocked on it and closed receivers get VIREO_E_CANCELED. */
void ipc_gate_gone(struct ipc_gate *gate);

#endif
