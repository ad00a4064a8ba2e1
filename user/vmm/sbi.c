/* SBI dispatch (see sbi.h). */
#include "backend.h"
#include "sbi.h"

static const struct sbi_extension *const extensions[] = {
	&sbi_base, &sbi_legacy, &sbi_time, &sbi_ipi, &sbi_rfence, &sbi_hsm, &sbi_srst, &sbi_dbcn,
};

const struct sbi_extension *sbi_find(uint64_t eid)
{
	for (unsigned i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (eid >= extensions[i]->eid_first && eid <= extensions[i]->eid_last)
			return extensions[i];
	return NULL;
}

bool sbi_hart_mask(struct vmm *vm, uint64_t mask, uint64_t base, uint32_t *out)
{
	*out = 0;
	if (base == UINT64_MAX) {
		*out = (1u << vm->ncpus) - 1;
		return true;
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(mask >> bit & 1))
			continue;
		if (base + bit < base || base + bit >= vm->ncpus)
			return false;
		*out |= 1u << (base + bit);
	}
	return true;
}

void sbi_wait_fences(struct vmm_vcpu *self, uint32_t targets, const uint32_t *asked)
{
	struct vmm *vm = self->vm;

	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vmm_vcpu *t = &vm->vcpu[i];

		if (!(targets >> i & 1) || t == self)
			continue;
		/*
		 * The target acknowledges once it is out of its guest with the
		 * fence set for its next entry. Two vCPUs may wait for each
		 * other: backend_relax serves the waiter's own requests.
		 */
		while ((int32_t)(__atomic_load_n(&t->fence_done, __ATOMIC_ACQUIRE) - asked[i]) < 0 &&
		       !vm->stopped)
			backend_relax();
	}
}

void vmm_sbi(struct vmm_vcpu *c, uint64_t a[8])
{
	const struct sbi_extension *e = sbi_find(a[7]);
	struct sbi_ret r = { SBI_ERR_NOT_SUPPORTED, 0 };

	if (e)
		r = e->call(c, a[7], a[6], a);
	a[0] = (uint64_t)r.error;
	if (!e || !e->legacy)
		a[1] = r.value;
}
