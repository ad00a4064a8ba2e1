/* SBI IPI extension (SBI spec §7): a supervisor software interrupt on other harts. */
#include "sbi.h"

#define SBI_EXT_IPI 0x735049

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	uint32_t targets;

	(void)eid;
	if (fid != 0)
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	if (!sbi_hart_mask(c->vm, a[0], a[1], &targets))
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
	for (unsigned i = 0; i < c->vm->ncpus; i++)
		if (targets >> i & 1)
			vcpu_request(&c->vm->vcpu[i], VCPU_REQ_IPI);
	return (struct sbi_ret){ SBI_SUCCESS, 0 };
}

const struct sbi_extension sbi_ipi = { "ipi", SBI_EXT_IPI, SBI_EXT_IPI, false, call };
