/*
 * Per-hart kernel data, reached through tp: tp holds this hart's struct cpu
 * (kernel/cpu.h) whenever the kernel runs. User mode has its own tp; the
 * trap entry loads the kernel's from the trap frame.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kernel/types.h>

struct cpu;

/* The architecture's part of struct cpu. */
struct cpu_arch {
	uint64_t stack_top;      /* this hart's kernel stack, fresh on every user trap */
	hartid_t hart;
	uint64_t timer_deadline; /* what arch_timer_arm last asked for (this hart only) */
	const void *fpu_loaded;  /* whose FP registers (struct fpu_state) the hart holds */
	/* &klock.next and &klock.owner: one load each for entry.S, where an lla takes two. */
	uint32_t *klock_next, *klock_owner;
};

static inline struct cpu *cpu_this(void)
{
	struct cpu *c;

	__asm__("mv %0, tp" : "=r"(c));
	return c;
}

static inline void cpu_install(struct cpu *c)
{
	__asm__ volatile("mv tp, %0" ::"r"(c) : "memory");
}

#endif
