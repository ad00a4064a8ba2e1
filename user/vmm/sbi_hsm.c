/* SBI Hart State Management (SBI spec §9): start, stop and ask about guest harts. */
#include "sbi.h"

#define SBI_EXT_HSM 0x48534d

static struct sbi_ret hart_start(struct vmm_vcpu *c, uint64_t hart, uint64_t pc, uint64_t arg)
{
	struct vmm_vcpu *t;

	if (hart >= c->vm->ncpus)
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
	t = &c->vm->vcpu[hart];
	if (!vmm_ram(c->vm, pc, 4))
		return (struct sbi_ret){ SBI_ERR_INVALID_ADDRESS, 0 };
	vmm_lock();
	if (t->hsm != VCPU_STOPPED) {
		vmm_unlock();
		return (struct sbi_ret){ SBI_ERR_ALREADY_AVAILABLE, 0 };
	}
	t->start_pc = pc;
	t->start_arg = arg;
	t->hsm = VCPU_START_PENDING;
	vmm_unlock();
	vcpu_request(t, VCPU_REQ_START);
	return (struct sbi_ret){ SBI_SUCCESS, 0 };
}

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	(void)eid;
	switch (fid) {
	case 0:
		return hart_start(c, a[0], a[1], a[2]);
	case 1: /* hart_stop: the backend parks it until a hart_start */
		c->hsm = VCPU_STOPPED;
		return (struct sbi_ret){ SBI_SUCCESS, 0 };
	case 2: /* hart_get_status */
		if (a[0] >= c->vm->ncpus)
			return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
		return (struct sbi_ret){ SBI_SUCCESS, (uint64_t)c->vm->vcpu[a[0]].hsm };
	default: /* hart_suspend: not offered */
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}

const struct sbi_extension sbi_hsm = { "hsm", SBI_EXT_HSM, SBI_EXT_HSM, false, call };
