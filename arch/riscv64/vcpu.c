/* The riscv64 side of the vCPU (see kernel/vcpu.h). */
#include <arch/trap.h>
#include <kernel/vcpu.h>

extern char trap_entry[], trap_entry_full[];

/*
 * Unrolled: every event and every resume copies the whole register file.
 * The empty asm keeps each load next to its store (else GCC loads all 31
 * first and spills callee-saved registers to hold them).
 */
#define COPY31(dst, src)                                                             \
	do {                                                                         \
		_Pragma("GCC unroll 31") for (unsigned i = 1; i < 32; i++) {          \
			(dst)[i] = (src)[i];                                         \
			__asm__ volatile("" ::: "memory");                          \
		}                                                                    \
	} while (0)

void arch_vcpu_save(const struct trap_frame *tf, struct vireo_vcpu_regs *r)
{
	COPY31(r->x, tf->regs);
	r->x[0] = 0;
	r->pc = tf->sepc;
}

/* Only registers: sstatus stays the hart's (user mode, interrupts on). */
void arch_vcpu_load(struct trap_frame *tf, const struct vireo_vcpu_regs *r)
{
	COPY31(tf->regs, r->x);
	tf->sepc = r->pc;
}

void arch_vcpu_enter(struct trap_frame *tf, uintptr_t ip, uintptr_t sp, uintptr_t arg)
{
	tf->sepc = ip;
	tf->regs[REG_SP] = sp;
	tf->regs[REG_A0] = arg;
}

uintptr_t arch_frame_sp(const struct trap_frame *tf)
{
	return tf->regs[REG_SP];
}

uintptr_t arch_vcpu_regs_sp(const struct vireo_vcpu_regs *r)
{
	return r->x[REG_SP];
}

uint64_t arch_frame_cause(const struct trap_frame *tf)
{
	return tf->scause;
}

uint64_t arch_frame_tval(const struct trap_frame *tf)
{
	return tf->stval;
}

void arch_vcpu_frame_init(struct trap_frame *tf, struct vireo_vcpu_regs *r)
{
	tf->vcpu_regs = (uint64_t)(uintptr_t)r;
}

void arch_vcpu_to_user(struct trap_frame *tf)
{
	tf->trap_entry = (uint64_t)trap_entry_full;
}

void arch_vcpu_from_user(struct trap_frame *tf)
{
	tf->trap_entry = (uint64_t)trap_entry;
}
