/*
 * Supervision: the root task's main thread receives, through each
 * program's parent gate, its page faults and exceptions (a program the
 * root loads has all its memory mapped, so a fault is a bug: report it and
 * end the program) and its exit message, then applies the restart policy:
 * never; on-failure (a fault, an exception, or a non-zero exit status);
 * always. A program is restarted at most ROOT_MAX_RESTARTS times.
 */
#ifndef ROOT_SUPERVISE_H
#define ROOT_SUPERVISE_H

#include "root.h"

/* Create p's objects and let it run; print and clean up on failure. */
bool supervise_start(struct program *p);

/* Serve the programs' messages until none runs and none will restart. */
void supervise(void);

#endif
