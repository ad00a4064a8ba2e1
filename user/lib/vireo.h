/*
 * libvireo: C bindings for every kernel operation (include/vireo/ is the
 * ABI they implement). All message registers are read and written in the
 * thread's UTCB; the system-call stub moves MR0..MR3 to and from registers.
 */
#ifndef LIBVIREO_H
#define LIBVIREO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/bootinfo.h>
#include <vireo/caps.h>
#include <vireo/env.h>
#include <vireo/fpage.h>
#include <vireo/protocol.h>
#include <vireo/status.h>
#include <vireo/syscall.h>
#include <vireo/tag.h>
#include <vireo/utcb.h>
#include <vireo/vcpu.h>

/* This thread's UTCB. */
extern __thread struct vireo_utcb *vireo_utcb_ptr;

static inline struct vireo_utcb *vireo_utcb(void)
{
	return vireo_utcb_ptr;
}

/* What an invocation returns besides the message registers. */
struct vireo_ret {
	enum vireo_status status;
	vireo_tag_t tag;     /* of the message received (or the reply) */
	vireo_word_t label;  /* gate label | sender rights; 0 for replies */
};

/* The one system call. */
static inline struct vireo_ret vireo_syscall(vireo_cap_t cap, vireo_tag_t tag, unsigned op,
					     uint64_t timeouts)
{
	struct vireo_utcb *u = vireo_utcb();
	register vireo_word_t a0 __asm__("a0") = cap;
	register vireo_word_t a1 __asm__("a1") = tag;
	register vireo_word_t a2 __asm__("a2") = op;
	register vireo_word_t a3 __asm__("a3") = timeouts;
	register vireo_word_t a4 __asm__("a4") = u->mr[0];
	register vireo_word_t a5 __asm__("a5") = u->mr[1];
	register vireo_word_t a6 __asm__("a6") = u->mr[2];
	register vireo_word_t a7 __asm__("a7") = u->mr[3];

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6),
			   "+r"(a7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6");
	u->mr[0] = a4;
	u->mr[1] = a5;
	u->mr[2] = a6;
	u->mr[3] = a7;
	return (struct vireo_ret){ (enum vireo_status)a0, a1, a2 };
}

/*
 * The same system call for short messages kept in registers: MR0..MR3 come
 * from and go back to mr[], the UTCB is not touched. For hot paths (servers'
 * reply-and-wait loops, benchmarks); a message of more than four words
 * still has its MR4.. in the UTCB.
 */
static inline struct vireo_ret vireo_syscall_regs(vireo_cap_t cap, vireo_tag_t tag, unsigned op,
						  uint64_t timeouts, vireo_word_t mr[4])
{
	register vireo_word_t a0 __asm__("a0") = cap;
	register vireo_word_t a1 __asm__("a1") = tag;
	register vireo_word_t a2 __asm__("a2") = op;
	register vireo_word_t a3 __asm__("a3") = timeouts;
	register vireo_word_t a4 __asm__("a4") = mr[0];
	register vireo_word_t a5 __asm__("a5") = mr[1];
	register vireo_word_t a6 __asm__("a6") = mr[2];
	register vireo_word_t a7 __asm__("a7") = mr[3];

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6),
			   "+r"(a7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6");
	mr[0] = a4;
	mr[1] = a5;
	mr[2] = a6;
	mr[3] = a7;
	return (struct vireo_ret){ (enum vireo_status)a0, a1, a2 };
}

/* IPC. Timeouts from include/vireo/syscall.h; words in the UTCB's mr[]. */
static inline struct vireo_ret vireo_call(vireo_cap_t gate, vireo_tag_t tag, uint64_t timeouts)
{
	return vireo_syscall(gate, tag, VIREO_IPC_CALL, timeouts);
}

static inline struct vireo_ret vireo_send(vireo_cap_t gate, vireo_tag_t tag, uint32_t timeout)
{
	return vireo_syscall(gate, tag, VIREO_IPC_SEND, vireo_timeouts(timeout, 0));
}

static inline struct vireo_ret vireo_wait(uint32_t timeout)
{
	return vireo_syscall(VIREO_CAP_INVALID, 0, VIREO_IPC_WAIT, vireo_timeouts(0, timeout));
}

/* Receive only through `gate` (closed receive). */
static inline struct vireo_ret vireo_recv(vireo_cap_t gate, uint32_t timeout)
{
	return vireo_syscall(gate, 0, VIREO_IPC_RECV, vireo_timeouts(0, timeout));
}

static inline struct vireo_ret vireo_reply(vireo_tag_t tag)
{
	return vireo_syscall(VIREO_CAP_INVALID, tag, VIREO_IPC_REPLY,
			     vireo_timeouts(VIREO_TIMEOUT_ZERO, 0));
}

static inline struct vireo_ret vireo_reply_wait(vireo_tag_t tag, uint32_t timeout)
{
	return vireo_syscall(VIREO_CAP_INVALID, tag, VIREO_IPC_REPLY_WAIT,
			     vireo_timeouts(VIREO_TIMEOUT_ZERO, timeout));
}

/* A kernel-object invocation: MR0 = op, then args; returns the status. */
enum vireo_status vireo_invoke(vireo_cap_t cap, int64_t proto, unsigned words);

/* Generic object operations. */
enum vireo_status vireo_kobject_info(vireo_cap_t cap, unsigned *kind, unsigned *rights);
enum vireo_status vireo_kobject_delete(vireo_cap_t cap);

/* Factory. */
enum vireo_status vireo_factory_create_factory(vireo_cap_t f, vireo_cap_t dst, uint64_t quota);
enum vireo_status vireo_factory_create_task(vireo_cap_t f, vireo_cap_t dst, uintptr_t utcb_area,
					    unsigned utcb_log2);
enum vireo_status vireo_factory_create_thread(vireo_cap_t f, vireo_cap_t dst);
enum vireo_status vireo_factory_create_gate(vireo_cap_t f, vireo_cap_t dst, vireo_cap_t thread,
					    vireo_word_t label);
enum vireo_status vireo_factory_quota(vireo_cap_t f, uint64_t *limit, uint64_t *used);

/* Task. */
enum vireo_status vireo_task_map(vireo_cap_t task, vireo_fpage_t src, vireo_word_t dst_base);
enum vireo_status vireo_task_grant(vireo_cap_t task, vireo_fpage_t src, vireo_word_t dst_base);
/* Rights mapped at addr in task (0: nothing), and log2 of the mapping's size. */
enum vireo_status vireo_task_mem_info(vireo_cap_t task, uintptr_t addr, unsigned *rights,
				      unsigned *log2_size);
enum vireo_status vireo_task_unmap(vireo_cap_t task, vireo_fpage_t fp, unsigned rights,
				   unsigned flags);
enum vireo_status vireo_task_cap_info(vireo_cap_t task, vireo_cap_t sel, unsigned *kind,
				      unsigned *rights);

/* Thread. */
enum vireo_status vireo_thread_bind(vireo_cap_t thread, vireo_cap_t task, uintptr_t utcb);
enum vireo_status vireo_thread_control(vireo_cap_t thread, unsigned which, vireo_cap_t pager,
				       vireo_cap_t exc_handler, unsigned priority);
/* Give the CPU to the next ready thread of the same priority (self: the caller's own cap). */
enum vireo_status vireo_thread_yield(vireo_cap_t self);

/* vCPU (include/vireo/vcpu.h, user/lib/vcpu.c). */
typedef void (*vireo_vcpu_handler_t)(struct vireo_vcpu_state *v);
enum vireo_status vireo_thread_vcpu_enable(vireo_cap_t thread, uintptr_t area);
/* Continue with v->r (in v->user_task with USER_MODE in saved_state); returns only on error. */
enum vireo_status vireo_thread_vcpu_resume(vireo_cap_t self);
/* The guest's memory at gva, with its translation: VIREO_GUEST_LOAD/FETCH (*value out) or STORE. */
enum vireo_status vireo_vcpu_guest_mem(vireo_cap_t self, uintptr_t gva, unsigned access,
				       uint64_t *value);
/* The same, mapping src (in the vCPU's task) to dst in the user task first. */
enum vireo_status vireo_thread_vcpu_resume_map(vireo_cap_t self, vireo_fpage_t src, uintptr_t dst);

/* Virtual interrupts off (a plain store); returns the old state for vireo_vcpu_irq_restore. */
static inline unsigned vireo_vcpu_irq_disable(struct vireo_vcpu_state *v)
{
	unsigned old = __atomic_fetch_and(&v->state, ~VIREO_VCPU_IRQ, __ATOMIC_RELAXED);

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return old;
}

/* On again; every event that waited meanwhile is fetched and given to `handle` first. */
void vireo_vcpu_irq_enable(struct vireo_vcpu_state *v, vireo_vcpu_handler_t handle);
void vireo_vcpu_irq_restore(struct vireo_vcpu_state *v, unsigned old, vireo_vcpu_handler_t handle);
/* Wait for an event with interrupts off, handle it (and what else waits), interrupts on. */
void vireo_vcpu_idle(struct vireo_vcpu_state *v, vireo_vcpu_handler_t handle);
enum vireo_status vireo_thread_ex_regs(vireo_cap_t thread, uintptr_t ip, uintptr_t sp,
				       uintptr_t *old_ip, uintptr_t *old_sp);

/*
 * Start `thread` (created and bound to this task with `utcb`) running
 * fn(arg) on the given stack, with its own copy of thread-local storage.
 * When fn returns the thread deletes itself through `self` (its capability
 * in this task).
 */
enum vireo_status vireo_thread_run(vireo_cap_t thread, vireo_cap_t self, uintptr_t utcb,
				   void (*fn)(void *arg), void *arg, void *stack,
				   size_t stack_size);

/* Map [start, end) of this task to the same addresses in `task`, in aligned pieces. */
enum vireo_status vireo_map_range(vireo_cap_t task, uintptr_t start, uintptr_t end,
				  unsigned rights);

/*
 * A new task (at selector `task`) with one thread (`thread`, bound with the
 * UTCB at utcb_area) running this program's image: text and constants
 * mapped alike, data and heap shared. Its own task and thread capabilities
 * sit at VIREO_SEL_TASK and VIREO_SEL_THREAD in it.
 */
enum vireo_status vireo_image_task(vireo_cap_t factory, vireo_cap_t task, vireo_cap_t thread,
				   uintptr_t utcb_area, unsigned utcb_log2);

/* Ipc_gate. */
enum vireo_status vireo_gate_bind(vireo_cap_t gate, vireo_cap_t thread, vireo_word_t label);
enum vireo_status vireo_gate_info(vireo_cap_t gate, vireo_word_t *label);

/* Irq (include/vireo/protocol.h). */
enum vireo_status vireo_factory_create_irq(vireo_cap_t f, vireo_cap_t dst);
/* A Vm: a guest-physical space; Task.map and Task.unmap on it work at guest-physical addresses. */
enum vireo_status vireo_factory_create_vm(vireo_cap_t f, vireo_cap_t dst);
enum vireo_status vireo_irq_bind(vireo_cap_t irq, vireo_cap_t thread, vireo_word_t label);
enum vireo_status vireo_irq_op(vireo_cap_t irq, unsigned op); /* detach, trigger, (un)mask, stop */
enum vireo_status vireo_irq_set_timer(vireo_cap_t irq, unsigned mode, uint64_t ticks,
				      uint64_t period);
enum vireo_status vireo_irq_info(vireo_cap_t irq, unsigned *flags);

/* Scheduler and Platform_control (include/vireo/protocol.h). */
enum vireo_status vireo_sched_run_thread(vireo_cap_t sched, vireo_cap_t thread, unsigned cpu,
					 unsigned priority, unsigned slice_us);
/* online (may be NULL): bit n set for every online CPU n. */
enum vireo_status vireo_sched_info(vireo_cap_t sched, unsigned *ncpus, uint64_t *timebase_hz,
				   uint64_t *online);
enum vireo_status vireo_sched_idle_time(vireo_cap_t sched, unsigned cpu, uint64_t *ticks);
/* The CPU the calling thread runs on. */
enum vireo_status vireo_sched_this_cpu(vireo_cap_t sched, unsigned *cpu);
enum vireo_status vireo_platform_op(vireo_cap_t platform, unsigned op);
/* VIREO_PLATFORM_CPU_OFFLINE or _ONLINE for one CPU. */
enum vireo_status vireo_platform_cpu(vireo_cap_t platform, unsigned op, unsigned cpu);

/* Icu and console input (include/vireo/protocol.h). */
enum vireo_status vireo_icu_bind(vireo_cap_t icu, unsigned source, vireo_cap_t irq);
enum vireo_status vireo_icu_unbind(vireo_cap_t icu, unsigned source);
enum vireo_status vireo_icu_info(vireo_cap_t icu, unsigned *sources);
enum vireo_status vireo_vcon_bind_input(vireo_cap_t vcon, vireo_cap_t irq);
/* Read up to max (<= 24) bytes of console input; *len says how many came. */
enum vireo_status vireo_vcon_read(vireo_cap_t vcon, char *buf, size_t max, size_t *len);

/* Vcon: write len bytes (any length; split into messages). */
enum vireo_status vireo_vcon_write(vireo_cap_t vcon, const char *buf, size_t len);

/* A short name for a status ("ok", "E_CAP", ...). */
const char *vireo_status_name(enum vireo_status st);

/* The boot information the loader passed to this program (NULL if none). */
extern const struct vireo_boot_info *vireo_boot_info;

/* The environment the root task gave this program (NULL in the root task itself). */
extern const struct vireo_env *vireo_env;

/* The selector of the capability boot.cfg granted under name (VIREO_CAP_INVALID if none). */
vireo_cap_t vireo_env_cap(const char *name);

/* The label of the gate of a service this program serves (0 if it serves no such service). */
vireo_word_t vireo_env_label(const char *name);

/* The file boot.cfg gave under name (read-only) and its size; NULL if none. */
const void *vireo_env_file(const char *name, size_t *size);

/* bytes of zeroed memory from the parent (VIREO_PARENT_MEMORY, include/vireo/env.h). */
enum vireo_status vireo_parent_memory(size_t bytes, void **addr);

/*
 * Programs define main(). Programs the root task starts get argv[0] = their
 * instance name and argv[1..] = their boot.cfg args; the root task gets none.
 * Returning from main() is exit(status): the root task learns the status.
 */
int main(int argc, char **argv);

#endif
