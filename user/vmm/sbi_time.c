/* SBI Timer extension (SBI spec §6): set_timer is the guest's stimecmp. */
#include "backend.h"
#include "sbi.h"

#define SBI_EXT_TIME 0x54494d45

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	(void)eid;
	if (fid != 0)
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	backend_set_timer(c, a[0]);
	return (struct sbi_ret){ SBI_SUCCESS, 0 };
}

const struct sbi_extension sbi_time = { "time", SBI_EXT_TIME, SBI_EXT_TIME, false, call };
