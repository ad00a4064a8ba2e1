/*
 * A program's kernel objects, made and destroyed by the root task. Each
 * incarnation gets a fresh sub-factory with exactly its boot.cfg quota, a
 * task, a main thread, its memory and its capabilities; the parent gate and
 * service gates live as long as the root task, so a restarted server keeps
 * its service (the gate is rebound to the new thread).
 */
#ifndef ROOT_PROGRAM_H
#define ROOT_PROGRAM_H

#include "root.h"

/* The parent gate of every program and the gate of every service, unbound to programs yet. */
__attribute__((warn_unused_result)) enum vireo_status program_gates_create(void);

/* Delete every program's parent and service gates (no program runs any more). */
void program_gates_destroy(void);

/*
 * Create p's factory, task and thread, load its memory, grant its
 * capabilities, bind its service gates to its thread and set pager,
 * exception handler and priority. The thread does not run yet. On failure
 * *what says which step failed; the caller then calls program_destroy().
 */
__attribute__((warn_unused_result)) enum vireo_status program_create(struct program *p,
								     const char **what);

/* Let p's main thread run from its entry point. */
__attribute__((warn_unused_result)) enum vireo_status program_run(struct program *p);

/* Delete p's thread, task and factory (its quota comes back) and free its memory. */
void program_destroy(struct program *p);

#endif
