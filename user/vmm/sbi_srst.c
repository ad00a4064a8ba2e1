/*
 * SBI System Reset (SBI spec §10). Shutdown ends the VM with status 0, or
 * 1 for a "system failure" reason. A VM does not restart: reboot ends it
 * too, with status 3, so whoever started it sees it did not just power off.
 */
#include <stdio.h>

#include "sbi.h"

#define SBI_EXT_SRST 0x53525354

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	static const char *const types[] = { "shutdown", "cold reboot", "warm reboot" };
	char why[64];

	(void)eid;
	if (fid != 0)
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	if (a[0] > 2 || a[1] > 1)
		return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
	snprintf(why, sizeof(why), "the guest asked for %s (%s)", types[a[0]],
		 a[1] ? "system failure" : "no reason");
	vmm_stop(c->vm, a[0] ? 3 : a[1] ? 1 : 0, why);
	return (struct sbi_ret){ SBI_SUCCESS, 0 };
}

const struct sbi_extension sbi_srst = { "srst", SBI_EXT_SRST, SBI_EXT_SRST, false, call };
