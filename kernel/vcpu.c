/*
 * The vCPU (see kernel/vcpu.h). Everything runs under the kernel lock; the
 * state area is shared with the thread's task, so the kernel reads `state`
 * (which the thread writes at any time) with atomic loads and keeps the
 * sticky flag and the virtual interrupt flag in Dekker order: the kernel
 * sets sticky, fences, reads state; the thread sets IRQ, fences, reads
 * sticky. One of the two always sees the other.
 */
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/memmap.h>
#include <kernel/msg.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/task.h>
#include <kernel/vcpu.h>
#include <vireo/fpage.h>
#include <vireo/syscall.h>

/* What an event clears: it enters the guest kernel with interrupts off. */
#define KERNEL_MODE_CLEARS                                                              \
	(VIREO_VCPU_IRQ | VIREO_VCPU_PAGE_FAULTS | VIREO_VCPU_EXCEPTIONS | VIREO_VCPU_USER_MODE)

static uint32_t state_of(const struct vireo_vcpu_state *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_RELAXED);
}

/*
 * What an event may deliver: Irqs, and senders unless the thread still owes
 * its caller a reply (taking another message would cancel that caller, so
 * senders wait for the guest's own receive then; sticky still says so).
 */
static bool events_waiting(const struct thread *t)
{
	return t->irq_head || (t->sendq_head && !ipc_reply_pending(t));
}

/* One area, one user: not a thread's UTCB, not another vCPU's state area. */
static bool area_free(const struct task *task, const void *k)
{
	for (const struct thread *o = task->threads; o; o = o->task_next)
		if ((const void *)o->utcb == k || (const void *)o->vcpu == k)
			return false;
	return true;
}

enum vireo_status vcpu_enable(struct thread *t, uintptr_t addr)
{
	struct vireo_vcpu_state *v;

	if (!t->task || t->vcpu)
		return VIREO_E_BUSY;
	v = (struct vireo_vcpu_state *)task_utcb(t->task, addr);
	if (!v)
		return VIREO_E_ARG;
	if (!area_free(t->task, v))
		return VIREO_E_EXISTS;
	memset(v, 0, sizeof(*v));
	v->version = VIREO_VCPU_VERSION;
	arch_vcpu_frame_init(&t->regs, &v->r);
	t->vcpu = v;
	t->reply_slow = true;
	t->vcpu_user = addr;
	return VIREO_OK;
}

/*
 * The memory items attached to a resume into user mode: mapped from the
 * vCPU's task into the user task at each item's send base, so a guest
 * answers a page fault and resumes in one call.
 */
static enum vireo_status map_items(struct thread *t, struct task *user, const struct msg *m)
{
	unsigned words = msg_words(m), items = vireo_tag_items(m->tag);

	for (unsigned i = 0; i < items; i++) {
		vireo_word_t ctl = msg_word_any(m, words + 2 * i);
		vireo_fpage_t fp = msg_word_any(m, words + 2 * i + 1);

		if (memmap_map(t->task, fp, user, ctl & ~(vireo_word_t)0xfff,
			       ctl & VIREO_ITEM_GRANT) != VIREO_OK) {
			if (t->utcb)
				t->utcb->tcr[VIREO_TCR_ERROR_ITEM] = i;
			return VIREO_E_MAP;
		}
	}
	return VIREO_OK;
}

static bool items_ok(const struct msg *m)
{
	unsigned words = msg_words(m), items = vireo_tag_items(m->tag);

	if (words + 2 * items > VIREO_MR_COUNT)
		return false;
	for (unsigned i = 0; i < items; i++)
		if (vireo_fpage_type(msg_word_any(m, words + 2 * i + 1)) != VIREO_FPAGE_MEM)
			return false;
	return true;
}

/*
 * The user task a vCPU resumes into keeps a reference in vcpu_cached_task
 * from one resume to the next, so the hot loop (event, resume) takes none.
 */
static void cache_task(struct thread *t, struct task *task)
{
	if (t->vcpu_cached_task == task)
		return;
	if (t->vcpu_cached_task)
		kobject_put(&t->vcpu_cached_task->obj);
	kobject_get(&task->obj);
	t->vcpu_cached_task = task;
}

/* A deleted user task's memory goes as soon as the vCPU stops naming it. */
static void drop_dead_cache(struct thread *t)
{
	struct task *cached = t->vcpu_cached_task;

	if (cached && cached->obj.dead && cached != t->vcpu_task) {
		t->vcpu_cached_task = 0;
		kobject_put(&cached->obj);
	}
}

/* The Vm a vCPU enters, likewise kept in vcpu_cached_vm (and dropped once deleted). */
static void cache_vm(struct thread *t, struct task *vm)
{
	struct task *old = t->vcpu_cached_vm;

	if (old == vm)
		return;
	if (vm)
		kobject_get(&vm->obj);
	t->vcpu_cached_vm = vm;
	if (old)
		kobject_put(&old->obj);
}

/* Extended mode: the Vm named by user_task, its guest entered on the way out. */
static enum vireo_status resume_guest(struct thread *t, struct vireo_vcpu_state *v)
{
	struct kobject *vm;
	enum vireo_status st;

	if (v->saved_state & VIREO_VCPU_USER_MODE)
		return VIREO_E_ARG;
	st = cspace_get(&t->task->cspace, v->user_task, VIREO_CAP_WRITE, &vm, 0);
	if (st != VIREO_OK) {
		if (t->vcpu_cached_vm && t->vcpu_cached_vm->obj.dead)
			cache_vm(t, 0);
		return st;
	}
	if (vm->kind != VIREO_KIND_VM)
		return VIREO_E_ARG;
	cache_vm(t, (struct task *)vm);
	t->vcpu_resume_vm = (struct task *)vm;
	t->vcpu_resume_task = 0;
	t->vcpu_resuming = true;
	return VIREO_OK;
}

enum vireo_status vcpu_resume(struct thread *t, const struct msg *m)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct kobject *task = 0;
	enum vireo_status st;

	if (!v)
		return VIREO_E_BUSY;
	if (!items_ok(m) || (vireo_tag_items(m->tag) && !(v->saved_state & VIREO_VCPU_USER_MODE)))
		return VIREO_E_ARG;
	if (v->saved_state & VIREO_VCPU_EXTENDED)
		return resume_guest(t, v);
	if (v->saved_state & VIREO_VCPU_USER_MODE) {
		/* Looked up on every resume: a stale selector is an error, never a stale space. */
		st = cspace_get(&t->task->cspace, v->user_task, VIREO_CAP_WRITE, &task, 0);
		if (st != VIREO_OK) {
			drop_dead_cache(t);
			return st;
		}
		if (task->kind != VIREO_KIND_TASK || task == &t->task->obj)
			return VIREO_E_ARG;
		st = map_items(t, (struct task *)task, m);
		if (st != VIREO_OK)
			return st;
		cache_task(t, (struct task *)task);
	}
	/* Nothing below can fail; the registers are loaded on the way out (vcpu_before_user). */
	t->vcpu_resume_task = (struct task *)task;
	t->vcpu_resuming = true;
	return VIREO_OK;
}

void vcpu_event_queued(struct thread *t)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct cpu *c;

	if (!v)
		return;
	__atomic_fetch_or(&v->sticky, VIREO_VCPU_STICKY_PENDING, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(state_of(v) & VIREO_VCPU_IRQ))
		return;
	/* It takes events now: a hart that runs it enters the kernel and delivers. */
	c = sched_running_on(t);
	if (c)
		smp_kick(c);
}

static void leave_user(struct thread *t)
{
	arch_vcpu_from_user(&t->regs);
	if (t->vcpu_vm) {
		t->vcpu_vm = 0;
		return;
	}
	t->vcpu_task = 0;
	drop_dead_cache(t);
}

/* The guest kernel takes over: interrupts off, the state before in saved_state. */
static inline void to_kernel_mode(struct vireo_vcpu_state *v)
{
	uint32_t state = state_of(v);

	v->saved_state = state;
	__atomic_store_n(&v->state, state & ~KERNEL_MODE_CLEARS, __ATOMIC_RELAXED);
}

/*
 * Enter the guest kernel's entry point for an event. From virtual user
 * mode the interrupted registers, cause and tval are in the state area
 * already (the trap put them there), and regs still holds the guest
 * kernel's own; from its own kernel mode they are saved here, and it runs
 * on below the interrupted sp (no red zone).
 */
static inline void enter(struct thread *t, uint64_t cause, uint64_t tval)
{
	struct vireo_vcpu_state *v = t->vcpu;

	if (t->vcpu_task || t->vcpu_vm) {
		v->r.cause = cause;
		v->r.tval = tval;
		to_kernel_mode(v);
		leave_user(t);
		arch_vcpu_enter(&t->regs, v->entry_ip, v->entry_sp, t->vcpu_user);
		return;
	}
	arch_vcpu_save(&t->regs, &v->r);
	v->r.cause = cause;
	v->r.tval = tval;
	to_kernel_mode(v);
	arch_vcpu_enter(&t->regs, v->entry_ip, arch_frame_sp(&t->regs), t->vcpu_user);
}

/* Receive what waits (zero timeout) into the ipc fields and the UTCB. */
static void fetch_event(struct thread *t)
{
	struct vireo_vcpu_state *v = t->vcpu;
	uint64_t *regs = t->regs.regs;
	uintptr_t sp = arch_frame_sp(&t->regs), ip = t->regs.sepc;

	if (ipc_reply_pending(t))
		ipc_receive_irq(t);
	else
		ipc_receive(t, 0, VIREO_TIMEOUT_ZERO);
	v->ipc.status = regs[REG_A0];
	v->ipc.tag = regs[REG_A1];
	v->ipc.label = regs[REG_A2];
	if (t->utcb)
		for (unsigned i = 0; i < 4; i++)
			t->utcb->mr[i] = regs[REG_A4 + i];
	arch_vcpu_enter(&t->regs, ip, sp, t->vcpu_user);
}

static bool fetch_event_held(struct thread *t);

/* Carry out a decoded vcpu_resume; false if an event it entered for deleted t. */
static bool finish_resume(struct thread *t)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct task *task = t->vcpu_resume_task, *vm = t->vcpu_resume_vm;
	uint32_t state = v->saved_state | (task || vm ? VCPU_USER_MODE_SETS : 0);

	t->vcpu_resuming = false;
	t->vcpu_resume_task = 0;
	t->vcpu_resume_vm = 0;
	if ((state & VIREO_VCPU_IRQ) && events_waiting(t)) {
		/*
		 * An event waits and the resumed code would take it: enter for
		 * it at once, as if that code had been interrupted before its
		 * first instruction (so on its sp: entries that keep finding
		 * events do not pile up on the stack). r keeps its registers,
		 * ready for the next resume; cause and saved_state say what
		 * happened.
		 */
		v->r.cause = VIREO_VCPU_CAUSE_IPC;
		v->r.tval = 0;
		v->saved_state = state;
		__atomic_store_n(&v->state, state & ~KERNEL_MODE_CLEARS, __ATOMIC_RELAXED);
		arch_vcpu_enter(&t->regs, v->entry_ip,
				task || vm ? v->entry_sp : arch_vcpu_regs_sp(&v->r), t->vcpu_user);
		return fetch_event_held(t);
	}
	if (vm) {
		/* The way out enters the guest (vcpu_return_to_user). */
		__atomic_store_n(&v->state, state, __ATOMIC_RELAXED);
		arch_vcpu_enter_guest_mode(&t->regs);
		t->vcpu_vm = vm;
		return true;
	}
	__atomic_store_n(&v->state, state, __ATOMIC_RELAXED);
	if (task) {
		/* The way out loads r straight from the state area (arch_resume_vcpu_user). */
		arch_vcpu_to_user(&t->regs);
		t->vcpu_task = task;
	} else {
		arch_vcpu_load(&t->regs, &v->r);
	}
	return true;
}

/*
 * fetch_event, holding t: receiving can delete it (a capability item into
 * the slot of its last capability, or of its task's). False if it did.
 */
static bool fetch_event_held(struct thread *t)
{
	bool alive;

	kobject_get(&t->obj);
	fetch_event(t);
	alive = !t->obj.dead && t->state == THREAD_READY && cpu_this()->running == t;
	kobject_put(&t->obj);
	return alive;
}

/* Enter for a waiting event; false if receiving it deleted t. */
static bool take_event(struct thread *t)
{
	enter(t, VIREO_VCPU_CAUSE_IPC, 0);
	return fetch_event_held(t);
}

bool vcpu_before_user(struct thread *t)
{
	struct vireo_vcpu_state *v = t->vcpu;

	if (t->vcpu_resuming) {
		if (!finish_resume(t))
			return false;
	} else if ((state_of(v) & VIREO_VCPU_IRQ) && events_waiting(t)) {
		if (!take_event(t))
			return false;
	}
	/* Nothing left waiting: clear sticky (it is set again under this lock only). */
	if (!t->irq_head && !t->sendq_head && v->sticky)
		__atomic_fetch_and(&v->sticky, ~VIREO_VCPU_STICKY_PENDING, __ATOMIC_RELAXED);
	return true;
}

bool vcpu_quick_resume(struct thread *t)
{
	const uint64_t *regs = t->regs.regs;
	struct cap_slot *s = cspace_lookup(&t->task->cspace, regs[REG_A0]);
	vireo_tag_t tag = regs[REG_A1];
	struct msg m = { tag, 0, &t->regs.regs[REG_A4], t->utcb };

	/* Exactly Thread.vcpu_resume on itself (sent or called), one word, no items, with WRITE. */
	if ((regs[REG_A2] != VIREO_IPC_CALL && regs[REG_A2] != VIREO_IPC_SEND) || !s || s->obj != &t->obj ||
	    !(s->rights & VIREO_CAP_WRITE) || vireo_tag_label(tag) != VIREO_PROTO_THREAD ||
	    vireo_tag_words(tag) != 1 || vireo_tag_items(tag) != 0 ||
	    regs[REG_A4] != VIREO_THREAD_VCPU_RESUME)
		return false;
	/* Its errors are the general path's to report. */
	return vcpu_resume(t, &m) == VIREO_OK;
}

void vcpu_user_trap(struct thread *t)
{
	struct vireo_vcpu_state *v = t->vcpu;
	struct cpu *c = cpu_this();
	const struct vmspace *vm;

	/* r, cause and tval are in the state area already (trap_entry_full). */
	to_kernel_mode(v);
	leave_user(t);
	arch_vcpu_enter(&t->regs, v->entry_ip, v->entry_sp, t->vcpu_user);
	/* Into its own kernel mode, interrupts off: nothing to deliver, just go if it may. */
	if (!sched_may_continue(c, t))
		return;
	vm = &t->task->vm;
	sched_activate(c, vm);
	arch_return_to_user(t);
}

noreturn_fn void vcpu_return_to_user(struct thread *t)
{
	if (t->vcpu_task)
		arch_resume_vcpu_user(t, &t->vcpu->r);
	if (t->vcpu_vm) {
		struct cpu *c = cpu_this();
		bool other_vcpu = c->last_guest_vcpu != t || t->vcpu_guest_cpu != c;

		/* Unmaps from the Vm flush this hart's guest TLB while the guest runs. */
		c->active_guest = &t->vcpu_vm->vm;
		c->last_guest_vcpu = t;
		t->vcpu_guest_cpu = c;
		arch_guest_load(&t->vcpu->vm, &t->vcpu_vm->vm, other_vcpu);
		arch_resume_guest(t, &t->vcpu->r);
	}
	arch_return_to_user(t);
}

void vcpu_guest_exit(struct thread *t, const struct trap_frame *tf)
{
	arch_guest_save(&t->vcpu->vm, tf);
}

void vcpu_guest_left(void)
{
	cpu_this()->active_guest = 0;
	arch_guest_off();
}

void vcpu_thread_gone(struct thread *t)
{
	t->vcpu_vm = 0;
	t->vcpu_resume_vm = 0;
	cache_vm(t, 0);
	if (t->vcpu_task)
		arch_vcpu_from_user(&t->regs);
	t->vcpu_task = 0;
	t->vcpu_resume_task = 0;
	t->vcpu_resuming = false;
	if (t->vcpu_cached_task)
		kobject_put(&t->vcpu_cached_task->obj);
	t->vcpu_cached_task = 0;
}

enum vireo_status vcpu_guest_mem(struct thread *t, struct msg *m)
{
	struct vireo_vcpu_state *v = t->vcpu;
	unsigned kind = (unsigned)msg_word(m, 2);
	uint64_t value = msg_word(m, 3);
	struct kobject *vm;
	enum vireo_status st;

	if (!v)
		return VIREO_E_BUSY;
	if (msg_words(m) < 3 || kind > VIREO_GUEST_STORE)
		return VIREO_E_ARG;
	st = cspace_get(&t->task->cspace, v->user_task, VIREO_CAP_WRITE, &vm, 0);
	if (st != VIREO_OK)
		return st;
	if (vm->kind != VIREO_KIND_VM)
		return VIREO_E_ARG;
	/* The access fills this hart's TLB with the guest's translations: no vCPU's own. */
	cpu_this()->last_guest_vcpu = 0;
	if (!arch_guest_access(((struct task *)vm)->vm.satp, &v->vm, msg_word(m, 1),
			       kind == VIREO_GUEST_LOAD    ? VCPU_GUEST_LOAD
			       : kind == VIREO_GUEST_FETCH ? VCPU_GUEST_FETCH
							   : VCPU_GUEST_STORE,
			       &value))
		return VIREO_E_RANGE;
	msg_reply(m, 1);
	msg_set(m, 0, kind == VIREO_GUEST_STORE ? 0 : value);
	return VIREO_OK;
}
