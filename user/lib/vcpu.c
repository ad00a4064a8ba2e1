/*
 * vCPU helpers (docs/abi/vcpu.md): the virtual interrupt flag and fetching
 * the events that waited while it was off. Disabling is a plain store;
 * enabling sets the flag, fences, and then looks at the sticky pending
 * flag, which the kernel sets (and fences) before it looks at the virtual
 * interrupt flag: either the kernel enters at once or this code sees the
 * pending flag, so no event is lost between the two.
 */
#include "vireo.h"

enum vireo_status vireo_thread_vcpu_enable(vireo_cap_t thread, uintptr_t area)
{
	vireo_utcb()->mr[0] = VIREO_THREAD_VCPU_ENABLE;
	vireo_utcb()->mr[1] = area;
	return vireo_invoke(thread, VIREO_PROTO_THREAD, 2);
}

/*
 * Sent, not called: on success it does not return (the kernel's fast path
 * takes sends). Its one word travels in a register: the UTCB is the
 * guest's, and untouched.
 */
enum vireo_status vireo_thread_vcpu_resume(vireo_cap_t self)
{
	vireo_word_t mr[4] = { VIREO_THREAD_VCPU_RESUME };

	return vireo_syscall_regs(self, vireo_tag(VIREO_PROTO_THREAD, 1, 0), VIREO_IPC_SEND,
				  vireo_timeouts(VIREO_TIMEOUT_NEVER, 0), mr)
		.status;
}

enum vireo_status vireo_thread_vcpu_resume_map(vireo_cap_t self, vireo_fpage_t src, uintptr_t dst)
{
	vireo_word_t *mr = vireo_utcb()->mr;

	mr[0] = VIREO_THREAD_VCPU_RESUME;
	mr[1] = vireo_item_mem(dst, 0);
	mr[2] = src;
	return vireo_call(self, vireo_tag(VIREO_PROTO_THREAD, 1, 1), 0).status;
}

/* Receive one waiting event (zero timeout) into v->ipc; whether there was one. */
static bool fetch(struct vireo_vcpu_state *v, uint32_t timeout)
{
	struct vireo_ret r = vireo_wait(timeout);

	v->ipc.status = r.status;
	v->ipc.tag = r.tag;
	v->ipc.label = r.label;
	return r.status == VIREO_OK;
}

void vireo_vcpu_irq_enable(struct vireo_vcpu_state *v, vireo_vcpu_handler_t handle)
{
	for (;;) {
		__atomic_fetch_or(&v->state, VIREO_VCPU_IRQ, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!(__atomic_load_n(&v->sticky, __ATOMIC_RELAXED) & VIREO_VCPU_STICKY_PENDING))
			return;
		/* Something waits: take it with the flag off, as an entry would. */
		vireo_vcpu_irq_disable(v);
		if (fetch(v, VIREO_TIMEOUT_ZERO))
			handle(v);
	}
}

void vireo_vcpu_irq_restore(struct vireo_vcpu_state *v, unsigned old, vireo_vcpu_handler_t handle)
{
	if (old & VIREO_VCPU_IRQ)
		vireo_vcpu_irq_enable(v, handle);
}

void vireo_vcpu_idle(struct vireo_vcpu_state *v, vireo_vcpu_handler_t handle)
{
	vireo_vcpu_irq_disable(v);
	if (fetch(v, VIREO_TIMEOUT_NEVER))
		handle(v);
	vireo_vcpu_irq_enable(v, handle);
}

enum vireo_status vireo_vcpu_guest_mem(vireo_cap_t self, uintptr_t gva, unsigned access,
				       uint64_t *value)
{
	vireo_word_t *mr = vireo_utcb()->mr;
	enum vireo_status st;

	mr[0] = VIREO_THREAD_VCPU_GUEST_MEM;
	mr[1] = gva;
	mr[2] = access;
	mr[3] = *value;
	st = vireo_invoke(self, VIREO_PROTO_THREAD, 4);
	if (st == VIREO_OK && access != VIREO_GUEST_STORE)
		*value = mr[0];
	return st;
}
