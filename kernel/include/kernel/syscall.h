/* The system call: decode the invoke registers and carry it out. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/thread.h>

/*
 * Handle the invocation in t's saved registers (include/vireo/syscall.h).
 * Results land in t's saved registers, or in those of whoever t talked to;
 * the caller then leaves through sched_exit().
 */
void syscall(struct thread *t);

#endif
