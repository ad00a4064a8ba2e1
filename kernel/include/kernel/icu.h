/*
 * Device interrupt lines and the Icu object. The architecture reports each
 * claimed source with icu_line_fired(); a line is either the kernel's own
 * (the console UART) or bound to an Irq object, which it triggers. A line
 * bound to an Irq stays in service until the Irq is acknowledged.
 */
#ifndef KERNEL_ICU_H
#define KERNEL_ICU_H

#include <kernel/kobject.h>

struct irq;

#define ICU_MAX_SOURCES 1024

/* Architecture: the interrupt controller's lines. */
unsigned arch_intc_sources(void);
void arch_intc_enable(unsigned source);
void arch_intc_disable(unsigned source);
void arch_intc_complete(unsigned source);

/* A claimed source: run the kernel's handler or trigger the bound Irq. */
void icu_line_fired(unsigned source);

/* Keep a line for the kernel: handler runs on each interrupt, then the line completes. */
void icu_kernel_line(unsigned source, void (*handler)(unsigned source));

/* The Irq was acknowledged (or is going away): let its line interrupt again. */
void icu_irq_acked(struct irq *irq);
void icu_irq_gone(struct irq *irq);

struct kobject *icu_boot(void);
extern const struct kobject_ops icu_ops;

#endif
