/*
 * SBI RFENCE extension (SBI spec §8). Each kind, on each vCPU the hart
 * mask names, before the call returns:
 *  - remote_fence_i: fence.i before the target next runs its guest;
 *  - remote_sfence_vma, remote_sfence_vma_asid: the target's guest
 *    translations go (all of them: a superset of any range or ASID);
 *  - the hfence kinds are for guests that are hypervisors themselves, which
 *    these guests are not (no H extension in their ISA): not supported.
 * A target acknowledges once it is out of its guest with the fence set for
 * its next entry, so the guest never runs on a stale translation after the
 * call.
 */
#include "sbi.h"

#define SBI_EXT_RFENCE 0x52464e43

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	struct vmm *vm = c->vm;
	uint32_t targets, asked[VMM_MAX_CPUS] = { 0 }, req;

	(void)eid;
	if (fid > 2) /* the hfence kinds, and functions the spec does not have */
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	if (!sbi_hart_mask(vm, a[0], a[1], &targets))
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
	req = fid == 0 ? VCPU_REQ_FENCE_I : VCPU_REQ_FENCE;
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vmm_vcpu *t = &vm->vcpu[i];

		if (!(targets >> i & 1))
			continue;
		asked[i] = __atomic_add_fetch(&t->fence_asked, 1, __ATOMIC_ACQ_REL);
		vcpu_request(t, req);
	}
	sbi_wait_fences(c, targets, asked);
	return (struct sbi_ret){ SBI_SUCCESS, 0 };
}

const struct sbi_extension sbi_rfence = { "rfence", SBI_EXT_RFENCE, SBI_EXT_RFENCE, false, call };
