/*
 * The RISC-V platform-level interrupt controller (PLIC specification 1.0):
 * sources 1..ndev with a priority each; per context (a hart's M or S
 * mode) an enable bit per source, a priority threshold, and a claim /
 * complete register.
 */
#ifndef ARCH_PLIC_H
#define ARCH_PLIC_H

#include <kernel/types.h>

/* Use the PLIC mapped at `base` for S-mode context `context`; all sources off. */
void plic_init(vaddr_t base, unsigned ndev, unsigned context);

unsigned plic_sources(void);
void plic_enable(unsigned source);
void plic_disable(unsigned source);
/* The highest pending enabled source (now in service), or 0 for none. */
unsigned plic_claim(void);
/* End the service of a claimed source; it may interrupt again. */
void plic_complete(unsigned source);

#endif
