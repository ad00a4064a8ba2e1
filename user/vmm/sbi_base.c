/* SBI Base extension (SBI spec §4): versions, ids, probing. */
#include "sbi.h"

#define SBI_EXT_BASE 0x10
#define SBI_SPEC_VERSION (2u << 24) /* 2.0 */
#define SBI_IMPL_ID_VIREO 0x5649    /* "VI": not an id the spec lists */
#define SBI_IMPL_VERSION 1

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	(void)c;
	(void)eid;
	switch (fid) {
	case 0: /* get_spec_version */
		return (struct sbi_ret){ SBI_SUCCESS, SBI_SPEC_VERSION };
	case 1: /* get_impl_id */
		return (struct sbi_ret){ SBI_SUCCESS, SBI_IMPL_ID_VIREO };
	case 2: /* get_impl_version */
		return (struct sbi_ret){ SBI_SUCCESS, SBI_IMPL_VERSION };
	case 3: /* probe_extension */
		return (struct sbi_ret){ SBI_SUCCESS, sbi_find(a[0]) != NULL };
	case 4: /* get_mvendorid */
	case 5: /* get_marchid */
	case 6: /* get_mimpid */
		return (struct sbi_ret){ SBI_SUCCESS, 0 };
	default:
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}

const struct sbi_extension sbi_base = { "base", SBI_EXT_BASE, SBI_EXT_BASE, false, call };
