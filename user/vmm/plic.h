/*
 * The guest's interrupt controller: a PLIC (RISC-V PLIC spec 1.0) with one
 * context per guest hart, its supervisor context. Sources are level
 * triggered: a device sets its line, the gateway makes it pending while no
 * claim of it is in service. Every change recomputes each context's line
 * into its vCPU (VSEIP). Called with the VMM lock held.
 */
#ifndef VMM_PLIC_H
#define VMM_PLIC_H

#include "vmm.h"

#define PLIC_SOURCES 32 /* ids 1..31; 0 means none */

struct plic {
	struct vmm *vm;
	uint32_t priority[PLIC_SOURCES];
	uint32_t level;     /* bit n: source n's line is high */
	uint32_t pending;
	uint32_t claimed;   /* claimed and not yet completed */
	uint32_t enable[VMM_MAX_CPUS];
	uint32_t threshold[VMM_MAX_CPUS];
};

void plic_init(struct plic *p, struct vmm *vm);

/* A device's line: source 1..31 high or low. */
void plic_set_level(struct plic *p, unsigned source, bool high);

/* A guest access at offset off into the PLIC's registers; false if there is none. */
bool plic_access(struct plic *p, uint64_t off, unsigned len, bool write, uint64_t *data);

#endif
