/*
 * The kernel debugger: a small command loop on the serial console, entered
 * with Ctrl-] typed on the console or through the Debugger object. While it
 * runs the system stands still (interrupts off). It lists tasks, threads,
 * a task's capabilities and all objects with their names, dumps physical
 * memory, and shows the IPC trace buffer.
 */
#ifndef KERNEL_DEBUGGER_H
#define KERNEL_DEBUGGER_H

#include <kernel/kobject.h>
#include <vireo/tag.h>
#include <vireo/types.h>

#define DEBUGGER_KEY 0x1d /* Ctrl-] */

struct thread;

/* Run the debugger's command loop until 'g'. */
void debugger_enter(const char *why);

/* Record one IPC for the trace buffer (only while tracing is on). */
void debugger_trace_ipc(const struct thread *from, const struct thread *to, vireo_word_t label,
			vireo_tag_t tag);
extern bool debugger_tracing;

struct kobject *debugger_boot(void);
extern const struct kobject_ops debugger_ops;

#endif
