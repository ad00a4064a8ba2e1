/*
 * The IPC fast path: call and reply-and-wait between two threads when
 * nothing unusual is going on. It is a flat list of guard checks; any that
 * fails falls through to the general path (kernel/syscall.c), which handles
 * every case. Past the checks nothing can fail. Both paths give identical
 * results: vtest runs the same IPC tests with the fast path on and off
 * (the `nofastpath` kernel command-line option).
 */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <kernel/thread.h>

/* Try the syscall in t's registers; returns the thread to resume, or NULL. */
struct thread *fastpath_syscall(struct thread *t);

/* Turn the fast path off (boot option, for comparing both paths). */
void fastpath_disable(void);

#endif
