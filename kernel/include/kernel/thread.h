/*
 * Threads: user register state, the task they run in, their UTCB, and
 * their place in scheduling and IPC.
 *
 * The kernel keeps no per-thread kernel stack. A thread blocked in IPC is
 * described entirely by its state and its saved registers; whoever wakes it
 * writes the results (status in a0, the message) into those registers.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <arch/fpu.h>
#include <arch/trap.h>
#include <kernel/clock.h>
#include <kernel/kobject.h>
#include <vireo/protocol.h>
#include <vireo/utcb.h>

struct task;
struct ipc_gate;
struct cpu;
struct vireo_vcpu_state;

enum thread_state {
	THREAD_INACTIVE,     /* created, not started (or not bound yet) */
	THREAD_READY,        /* runnable, in the ready queue or running */
	THREAD_SEND_BLOCKED, /* in a receiver's send queue */
	THREAD_RECV_BLOCKED, /* waiting to receive (open, closed, or for a reply) */
	THREAD_DEAD,
};

struct thread {
	struct kobject obj;
	struct trap_frame regs;       /* user registers while not running */
	struct task *task;            /* reference held; NULL until bound */
	struct thread *task_next;     /* the task's list of its threads */
	struct cap_slot **cspace_l1;  /* task->cspace.l1, one load closer for the fast path */
	struct cap_slot *cspace_low;  /* cspace_low(&task->cspace), closer still */
	const struct vmspace *space;  /* &task->vm, for the fast path's switch; NULL until bound */
	struct vireo_utcb *utcb;      /* kernel view of its UTCB; NULL if none */
	uintptr_t utcb_user;
	enum thread_state state;
	uint8_t priority;
	uint32_t slice_us;            /* its time slice; 0: the default */

	/* Scheduling: its home CPU, and the ring of its priority in that CPU's run queue. */
	struct cpu *cpu;
	struct thread *rq_next, *rq_prev;
	unsigned held;                /* sched_hold()s under way: it must not run */

	/* IPC. */
	/*
	 * RECV_BLOCKED in an open receive with no timeout and no reply
	 * capability held: a call may go straight in (the fast path's guard).
	 * Set when it blocks so (ipc_receive, the fast path), cleared when it
	 * leaves RECV_BLOCKED; false while it runs.
	 */
	bool open_wait;
	struct thread *caller;        /* implicit reply capability: it waits for my reply */
	/*
	 * RECV_BLOCKED for this thread's reply (a call). Set only together
	 * with RECV_BLOCKED and cleared whenever the thread leaves it, so a
	 * thread with reply_from set is RECV_BLOCKED (the fast reply relies
	 * on that; the scheduler checks it never runs such a thread).
	 */
	struct thread *reply_from;
	struct kobject *recv_from;    /* closed receive from this object; NULL = open */
	struct thread *sendq_head;    /* threads waiting to send to me, FIFO */
	struct thread *sendq_tail;
	struct thread *sq_next, *sq_prev;
	struct irq *irq_head;         /* pending Irqs bound here, FIFO (kernel/irq.c) */
	struct thread *send_to;       /* SEND_BLOCKED: the receiver */
	struct ipc_gate *send_via;    /* SEND_BLOCKED: the gate it sends through */
	unsigned send_rights;         /* its rights on that gate */
	bool send_then_recv;          /* a call: wait for the reply after the send */
	uint32_t call_recv_timeout;   /* ... with this timeout (never for kernel messages) */
	struct timer timeout;

	struct kobject *pager;        /* reference held, or NULL */
	struct kobject *exc_handler;  /* reference held, or NULL */

	/*
	 * A message the kernel sends on the thread's behalf (page fault,
	 * exception). While one is under way the thread's own registers and
	 * UTCB are untouched; the reply goes to kmsg handling instead.
	 */
	vireo_tag_t kmsg_tag;         /* 0: none under way (thread_set_kmsg) */
	vireo_word_t kmsg[VIREO_EXC_WORDS];
	bool doomed;                  /* its fault could not be handled: delete it */
	/* Replies to it take the general path: a kernel message is under way, or it is a vCPU. */
	bool reply_slow;

	/* vCPU mode (kernel/vcpu.c). */
	struct vireo_vcpu_state *vcpu; /* kernel view of its state area; NULL: not a vCPU */
	uintptr_t vcpu_user;           /* the area's address in its task */
	/*
	 * In virtual user mode: the task it runs in. Its user registers are
	 * then in the state area, not in regs.
	 */
	struct task *vcpu_task;
	struct task *vcpu_resume_task; /* vcpu_resume under way: the user task */
	struct task *vcpu_cached_task; /* the last user task: holds the reference for both */
	struct task *vcpu_vm;          /* extended mode: the Vm whose guest it runs (vcpu_cached_vm's) */
	struct task *vcpu_resume_vm;   /* vcpu_resume into a guest under way (vcpu_cached_vm's) */
	struct task *vcpu_cached_vm;   /* the last Vm: holds the reference for both */
	const struct cpu *vcpu_guest_cpu; /* where it last entered its guest (compared only) */
	bool vcpu_resuming;            /* vcpu_resume under way: load the state area on the way out */
	/* The fast path did a vcpu_resume: the entry code just leaves (VCPU_FAST_*). */
	int8_t vcpu_fast_resumed;

	/* Last: the hot fields above stay within reach of 12-bit offsets. */
	struct fpu_state fpu;          /* FP registers while not loaded (arch/fpu.h) */
};

must_check enum vireo_status thread_create(struct factory *f, struct kobject **out);

/* Bind to a task and UTCB (before the thread first runs). */
must_check enum vireo_status thread_bind(struct thread *t, struct task *task, uintptr_t utcb);

/* Set ip/sp and make an inactive, bound thread ready. */
void thread_start(struct thread *t, uintptr_t ip, uintptr_t sp);

/* A kernel message on t's behalf begins (its tag) or ends (0). */
static inline void thread_set_kmsg(struct thread *t, vireo_tag_t tag)
{
	t->kmsg_tag = tag;
	t->reply_slow = tag || t->vcpu;
}

/* Write a syscall's status into the thread's saved a0. */
static inline void thread_set_status(struct thread *t, enum vireo_status st)
{
	t->regs.regs[REG_A0] = st;
}

/* Architecture: initial user register state of a new thread. */
void arch_thread_init_regs(struct trap_frame *tf);

/* Architecture: a thread that is not running now has a new home CPU. */
void arch_thread_moved(struct trap_frame *tf, struct cpu *c);

extern const struct kobject_ops thread_ops;

#endif
