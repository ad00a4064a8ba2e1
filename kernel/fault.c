/* Faults as IPC to handlers (see kernel/fault.h). */
#include <kernel/console.h>
#include <kernel/fault.h>
#include <kernel/gate.h>
#include <kernel/ipc.h>
#include <vireo/syscall.h>

void fault_kill(struct thread *t, const char *why)
{
	kprintf("thread %p: %s (cause 0x%lx at pc 0x%lx, address 0x%lx): killed\n", (void *)t, why,
		t->regs.scause, t->regs.sepc, t->regs.stval);
	kobject_delete(&t->obj);
}

/* Send the prepared kernel message to `handler` as a call on t's behalf. */
static void send_to(struct thread *t, struct kobject *handler, const char *missing)
{
	if (!handler || handler->dead) {
		thread_set_kmsg(t, 0);
		t->doomed = true;
		kprintf("thread %p: no %s\n", (void *)t, missing);
		return;
	}
	ipc_send(t, (struct ipc_gate *)handler, 0, true, VIREO_TIMEOUT_NEVER, VIREO_TIMEOUT_NEVER);
}

void fault_page(struct thread *t, uintptr_t addr, unsigned access)
{
	thread_set_kmsg(t, vireo_tag(VIREO_PROTO_PAGE_FAULT, 2, 0));
	t->kmsg[0] = (addr & ~(uintptr_t)3) | access;
	t->kmsg[1] = t->regs.sepc;
	send_to(t, t->pager, "pager");
}

void fault_exception(struct thread *t)
{
	thread_set_kmsg(t, vireo_tag(VIREO_PROTO_EXCEPTION, VIREO_EXC_WORDS, 0));
	arch_exception_words(&t->regs, t->kmsg);
	send_to(t, t->exc_handler, "exception handler");
}
