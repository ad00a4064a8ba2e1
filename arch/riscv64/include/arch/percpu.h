/*
 * Per-hart kernel data, reached through tp. tp always holds this hart's
 * struct percpu while the kernel runs (user mode will get its own tp later,
 * and the trap entry will restore the kernel's).
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kernel/types.h>

struct percpu {
	cpu_t cpu;
	hartid_t hart;
	uint64_t stack_top; /* this hart's kernel stack, fresh on every user trap */
};

static inline struct percpu *percpu_this(void)
{
	struct percpu *p;

	__asm__("mv %0, tp" : "=r"(p));
	return p;
}

static inline void percpu_install(struct percpu *p)
{
	__asm__ volatile("mv tp, %0" ::"r"(p) : "memory");
}

#endif
