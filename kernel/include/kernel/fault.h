/*
 * User faults become messages: a page fault to the thread's pager, any
 * other exception to its exception handler (include/vireo/protocol.h has
 * both formats). A thread without the handler it needs is deleted, with a
 * report on the console.
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <kernel/thread.h>

/* A page fault at addr with VIREO_PF_* access, at the thread's current pc. */
void fault_page(struct thread *t, uintptr_t addr, unsigned access);

/* Any other exception; the message is built from the saved registers. */
void fault_exception(struct thread *t);

/* A fault nobody could handle: say so and delete the thread. */
void fault_kill(struct thread *t, const char *why);

/* Architecture: the exception message from saved registers, and back. */
void arch_exception_words(const struct trap_frame *tf, vireo_word_t words[VIREO_EXC_WORDS]);
void arch_exception_set_regs(struct trap_frame *tf, const vireo_word_t words[VIREO_EXC_WORDS]);

#endif
