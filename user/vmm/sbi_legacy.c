/*
 * The legacy extensions (SBI spec §5, ids 0x00..0x0f): Linux's hvc and
 * early consoles still use putchar and getchar. Timer, IPI and fences have
 * their own extensions now; a guest that calls the legacy ones for them
 * gets "not supported".
 */
#include "sbi.h"

#define LEGACY_PUTCHAR 0x01
#define LEGACY_GETCHAR 0x02
#define LEGACY_SHUTDOWN 0x08

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	char ch;

	(void)fid;
	switch (eid) {
	case LEGACY_PUTCHAR:
		ch = (char)a[0];
		vmm_console_out(c->vm, &ch, 1);
		return (struct sbi_ret){ SBI_SUCCESS, 0 };
	case LEGACY_GETCHAR:
		return (struct sbi_ret){ vmm_console_in(c->vm), 0 };
	case LEGACY_SHUTDOWN:
		vmm_stop(c->vm, 0, "legacy SBI shutdown");
		return (struct sbi_ret){ SBI_SUCCESS, 0 };
	default:
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}

const struct sbi_extension sbi_legacy = { "legacy", 0x00, 0x0f, true, call };
