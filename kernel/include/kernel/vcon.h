/* The kernel console object: the one Vcon, created at boot. */
#ifndef KERNEL_VCON_H
#define KERNEL_VCON_H

#include <kernel/kobject.h>

#define VCON_MAX_WRITE (8 * (VIREO_MR_COUNT - 2))

/* Move waiting console input into the Vcon's buffer (and signal its Irq). */
void vcon_input_poll(void);
/* The console's receive interrupt (a kernel line of the Icu). */
void vcon_input_interrupt(unsigned source);
/* Take one byte of console input, -1 if there is none. */
int vcon_getc(void);

/* irq is being torn down: if console input is bound to it, unbind it. */
struct irq;
void vcon_irq_gone(struct irq *irq);

/* The boot Vcon object (never freed). */
struct kobject *vcon_boot(void);

extern const struct kobject_ops vcon_ops;

#endif
