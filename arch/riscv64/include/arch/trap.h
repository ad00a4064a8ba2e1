/* The register frame saved on every trap into the kernel. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * regs[i] holds x<i>; regs[0] is unused (x0 is zero) and regs[2] is the sp
 * at the time of the trap. Layout offsets reach assembly through asm-offsets.
 */
struct trap_frame {
	uint64_t regs[32];
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
};

/* Called from trap_entry for traps taken in supervisor mode. */
void trap_kernel(struct trap_frame *tf);

/* Print a trap frame and stop this hart for good. */
noreturn_fn void trap_die(const struct trap_frame *tf, const char *why);

/*
 * Probes for the kernel's self-tests: touch `addr` and report whether the
 * access completed (true) or faulted (false) instead of crashing.
 * arch_probe_exec calls `addr`, which must hold a return instruction.
 */
bool arch_probe_read(const volatile void *addr);
bool arch_probe_write(volatile void *addr);
bool arch_probe_exec(const void *addr);

/* Read stimecmp; false when the CSR traps (Sstc absent or not enabled by M-mode). */
bool arch_probe_stimecmp(uint64_t *val);

#endif
