/*
 * The SBI the guest calls (RISC-V SBI spec 2.0): one file per extension,
 * each a struct sbi_extension listed in sbi.c's table. vmm_sbi() finds the
 * extension of a call and hands it the arguments; the answer is an error
 * code and a value (legacy extensions answer in a0 alone).
 */
#ifndef VMM_SBI_H
#define VMM_SBI_H

#include "vmm.h"

/* SBI spec §3.2 */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8

struct sbi_ret {
	int64_t error;
	uint64_t value;
};

struct sbi_extension {
	const char *name;
	uint64_t eid_first, eid_last; /* one extension id, or the legacy range */
	bool legacy;                  /* answers in a0 only */
	/* a: the call's a0..a5; fid: a6; eid: a7 */
	struct sbi_ret (*call)(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a);
};

extern const struct sbi_extension sbi_base, sbi_legacy, sbi_time, sbi_ipi, sbi_rfence, sbi_hsm,
	sbi_srst, sbi_dbcn;

/* The extension with id eid, or NULL (BASE's probe_extension asks too). */
const struct sbi_extension *sbi_find(uint64_t eid);

/*
 * The vCPUs a hart mask names (SBI spec §3.1: hart_mask_base of -1 means
 * all). Returns false if it names a hart the VM does not have.
 */
bool sbi_hart_mask(struct vmm *vm, uint64_t mask, uint64_t base, uint32_t *out);

/* Wait until every vCPU in `targets` has done the fences asked of it. */
void sbi_wait_fences(struct vmm_vcpu *self, uint32_t targets, const uint32_t *asked);

#endif
