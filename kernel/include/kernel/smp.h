/*
 * Several harts: bring-up, IPIs ("kicks"), and taking CPUs off- and online.
 * The boot hart is CPU 0; the others are numbered in device-tree order.
 * CPU 0 serves the device interrupts and cannot go offline.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <kernel/compiler.h>
#include <kernel/cpu.h>
#include <vireo/status.h>

/* Start every other CPU's hart and wait until each runs (boot, lock held). */
void smp_boot(void);

/* Interrupt c's hart so that it enters the kernel and schedules again. */
void smp_kick(struct cpu *c);

/* The IPI arrived on this hart (its interrupt handler, lock held). */
void smp_kicked(void);

/* A secondary hart's first kernel C code after its arch setup; never returns. */
noreturn_fn void smp_secondary_main(void);

/*
 * Platform_control: take CPU n offline (its threads move to CPU 0 and it
 * stops when it next idles) or online again. E_ARG for no such CPU, E_BUSY
 * for CPU 0, a CPU in transition, or a hart the firmware does not start.
 */
must_check enum vireo_status smp_cpu_offline(unsigned n);
must_check enum vireo_status smp_cpu_online(unsigned n);

/* A CPU going offline stops its hart (from its idle loop, lock held). */
noreturn_fn void smp_cpu_stop(struct cpu *c);

/*
 * Flush the TLB of c's hart and wait until it has (the caller holds the
 * kernel lock): an IPI brings a hart in user mode into the kernel, and
 * every hart that waits for the lock serves the request while it waits.
 */
void smp_remote_flush(struct cpu *c);

/*
 * One step of any wait loop of the kernel (for the lock, for another hart):
 * serve a TLB flush request, then doze briefly.
 */
void smp_relax(void);

/* Architecture: flush this hart's whole TLB. */
void arch_tlb_flush_all(void);

/* Bit n set for every online CPU n. */
uint64_t smp_online_mask(void);

/* Architecture: start c's hart at its secondary entry; false if the firmware refuses. */
bool arch_cpu_start(struct cpu *c);
/* Architecture: stop this hart for good (it may be started again). */
noreturn_fn void arch_cpu_stop(void);
/* Architecture: raise the kick interrupt on c's hart. */
void arch_send_ipi(const struct cpu *c);

#endif
