/* The riscv64 side of the vCPU (see kernel/vcpu.h). */
#include <arch/trap.h>
#include <kernel/vcpu.h>

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

void arch_vcpu_frame_init(struct trap_frame *tf, struct vireo_vcpu_regs *r)
{
	tf->vcpu_regs = (uint64_t)(uintptr_t)r;
}

