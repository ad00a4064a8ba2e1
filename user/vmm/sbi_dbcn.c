/*
 * SBI Debug Console (SBI spec §12): bytes to and from the console, through
 * guest-physical buffers, each checked to lie inside guest RAM.
 */
#include "sbi.h"

#define SBI_EXT_DBCN 0x4442434e

static struct sbi_ret call(struct vmm_vcpu *c, uint64_t eid, uint64_t fid, const uint64_t *a)
{
	struct vmm *vm = c->vm;
	uint64_t n = a[0];
	uint8_t *buf;
	char ch;

	(void)eid;
	switch (fid) {
	case 0: /* console_write(num_bytes, base_lo, base_hi) */
	case 1: /* console_read */
		if (a[2] != 0 || !(buf = vmm_ram(vm, a[1], n ? n : 1)))
			return (struct sbi_ret){ SBI_ERR_INVALID_PARAM, 0 };
		if (fid == 0) {
			vmm_console_out(vm, (const char *)buf, n);
			return (struct sbi_ret){ SBI_SUCCESS, n };
		}
		for (uint64_t i = 0; i < n; i++) {
			int in = vmm_console_in(vm);

			if (in < 0)
				return (struct sbi_ret){ SBI_SUCCESS, i };
			buf[i] = (uint8_t)in;
		}
		return (struct sbi_ret){ SBI_SUCCESS, n };
	case 2: /* console_write_byte */
		ch = (char)a[0];
		vmm_console_out(vm, &ch, 1);
		return (struct sbi_ret){ SBI_SUCCESS, 0 };
	default:
		return (struct sbi_ret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}

const struct sbi_extension sbi_dbcn = { "dbcn", SBI_EXT_DBCN, SBI_EXT_DBCN, false, call };
