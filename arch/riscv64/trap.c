/*
 * Supervisor trap handling: interrupts, fault fixups for probes, and a full
 * register dump for any trap the kernel does not expect.
 */
#include <arch/csr.h>
#include <arch/percpu.h>
#include <arch/plic.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/icu.h>
#include <kernel/klock.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/vcpu.h>

struct extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];
extern uintptr_t probe_exec_resume;

static const char *const exception_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "environment call from U-mode",
	[EXC_ECALL_S] = "environment call from S-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
};

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *trap_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;

	if (scause & SCAUSE_INTERRUPT)
		return code == IRQ_S_TIMER ? "supervisor timer interrupt"
		     : code == IRQ_S_EXT   ? "supervisor external interrupt"
		     : code == IRQ_S_SOFT  ? "supervisor software interrupt"
					   : "unknown interrupt";
	if (code < ARRAY_SIZE(exception_names) && exception_names[code])
		return exception_names[code];
	return "unknown exception";
}

noreturn_fn void trap_die(const struct trap_frame *tf, const char *why)
{
	kprintf("\n*** %s on hart %lu: scause 0x%lx (%s)\n", why,
		hartid_val(arch_hart_this()), tf->scause, trap_name(tf->scause));
	kprintf("    sepc 0x%016lx  stval 0x%016lx  sstatus 0x%016lx\n", tf->sepc,
		tf->stval, tf->sstatus);
	for (unsigned i = 1; i < 32; i++)
		kprintf("    %-4s 0x%016lx%s", reg_names[i], tf->regs[i], i % 4 == 3 ? "\n" : "");
	kprintf("\n");
	arch_halt();
}

static bool fixup_fault(struct trap_frame *tf)
{
	uint64_t code = tf->scause;

	if ((code == EXC_INST_PAGE_FAULT || code == EXC_INST_ACCESS) && probe_exec_resume) {
		tf->sepc = probe_exec_resume;
		return true;
	}
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == tf->sepc) {
			tf->sepc = e->fixup;
			return true;
		}
	}
	return false;
}

static void trap_interrupt(struct trap_frame *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;

	if (code == IRQ_S_TIMER) {
		timer_interrupt();
		return;
	}
	if (code == IRQ_S_EXT) {
		unsigned source;

		while ((source = plic_claim()) != 0)
			icu_line_fired(source);
		return;
	}
	if (code == IRQ_S_SOFT) {
		csr_clear(sip, SIE_SSIE);
		smp_kicked();
		return;
	}
	trap_die(tf, "unexpected interrupt");
}

void trap_kernel(struct trap_frame *tf)
{
	if (tf->scause & SCAUSE_INTERRUPT)
		trap_interrupt(tf);
	else if (!fixup_fault(tf))
		trap_die(tf, "unexpected trap");
}

extern char trap_entry[];

void arch_thread_init_regs(struct trap_frame *tf)
{
	/* sret enters U-mode (SPP clear) with interrupts enabled (SPIE). */
	tf->sstatus = SSTATUS_SPIE;
	tf->trap_entry = (uint64_t)trap_entry;
}

void arch_thread_moved(struct trap_frame *tf, struct cpu *c)
{
	/* What arch_return_to_user would set on c's hart, for arch_resume_fast there. */
	tf->kernel_sp = c->arch.stack_top;
	tf->kernel_tp = (uint64_t)c;
}

void arch_exception_words(const struct trap_frame *tf, vireo_word_t words[VIREO_EXC_WORDS])
{
	words[0] = tf->scause;
	words[1] = tf->stval;
	words[2] = tf->sepc;
	for (unsigned i = 1; i < 32; i++)
		words[2 + i] = tf->regs[i];
}

void arch_exception_set_regs(struct trap_frame *tf, const vireo_word_t words[VIREO_EXC_WORDS])
{
	tf->sepc = words[2];
	for (unsigned i = 1; i < 32; i++)
		tf->regs[i] = words[2 + i];
}

static void user_fault(struct thread *t)
{
	switch (t->regs.scause) {
	case EXC_LOAD_PAGE_FAULT:
	case EXC_LOAD_ACCESS:
		fault_page(t, t->regs.stval, 0);
		break;
	case EXC_STORE_PAGE_FAULT:
	case EXC_STORE_ACCESS:
		fault_page(t, t->regs.stval, VIREO_PF_WRITE);
		break;
	case EXC_INST_PAGE_FAULT:
	case EXC_INST_ACCESS:
		fault_page(t, t->regs.stval, VIREO_PF_EXEC);
		break;
	default:
		fault_exception(t);
	}
}

fastpath_exit_t fastpath_entry(vireo_cap_t sel, struct thread *t, vireo_word_t op,
				uint64_t timeouts, vireo_word_t mr0, vireo_tag_t tag)
{
	const struct fastpath_in in = { sel, tag, op, timeouts, mr0 };
	struct cpu *c = cpu_this(); /* the entry code holds the kernel lock already */

	return fastpath_exit(fastpath_syscall(c, t, &in), t);
}

/* The system-call fast path set up a vcpu_resume into a guest: enter it. */
noreturn_fn void trap_enter_guest(struct thread *t)
{
	vcpu_return_to_user(t);
}

/*
 * A thread deleted by another hart while this one ran it makes no more
 * system calls and takes no more faults: its hart just leaves it.
 */
noreturn_fn void trap_syscall(struct thread *t)
{
	if (t->obj.dead) /* (its hart just leaves it: sched_drop) */
		sched_exit();
	if (t->vcpu) {
		/* A guest kernel's hot loop: resume, event, resume. */
		if (!vcpu_quick_resume(t))
			syscall(t);
		sched_wait_reaped();
		sched_continue(t);
		sched_exit();
	}
	syscall(t);
	sched_wait_reaped();
	sched_exit();
}

/*
 * What every trap from user mode (or virtual user mode) shares, under the
 * kernel lock: an interrupt is served, a thread deleted meanwhile is left,
 * an FP instruction after a switch gets its registers and retries.
 * Whether the trap is still the thread's own to handle. Always inline: a
 * call here cost the vCPU's ecall round trip ten instructions.
 */
static inline __attribute__((always_inline)) bool trap_user_common(struct thread *t)
{
	struct trap_frame *tf = &t->regs;

	if (tf->scause & SCAUSE_INTERRUPT) {
		trap_interrupt(tf);
		return false;
	}
	if (t->obj.dead)
		return false; /* its hart just leaves it (sched_drop) */
	return !(tf->scause == EXC_ILLEGAL_INST && arch_fpu_first_use(&t->fpu));
}

noreturn_fn void trap_user(struct thread *t)
{
	klock_acquire();
	if (trap_user_common(t))
		user_fault(t);
	sched_exit();
}

noreturn_fn void trap_vcpu_guest(struct thread *t)
{
	struct trap_frame *tf = &t->regs;

	klock_acquire();
	if (t->vcpu_vm)
		vcpu_guest_exit(t, tf);
	vcpu_guest_left();
	if (tf->scause & SCAUSE_INTERRUPT)
		trap_interrupt(tf);
	else if (t->obj.dead || !t->vcpu_vm)
		; /* its hart just leaves it (sched_drop) */
	else if (tf->scause == EXC_ILLEGAL_INST && arch_fpu_first_use(&t->fpu))
		; /* the vCPU thread's FP registers are loaded now: the guest retries */
	else
		vcpu_user_trap(t); /* every other guest exit is its VMM's */
	sched_continue(t);
	sched_exit();
}

noreturn_fn void trap_vcpu_user(struct thread *t)
{
	klock_acquire();
	if (trap_user_common(t))
		vcpu_user_trap(t); /* every trap in virtual user mode is its guest kernel's */
	sched_continue(t);
	sched_exit();
}
