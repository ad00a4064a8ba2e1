/* Turning the fast path on and off (see kernel/fastpath.h; the path itself is inline there). */
#include <kernel/fastpath.h>

static bool off_for_good;

static void set_ops(struct fastpath_ops ops)
{
	for (unsigned i = 0; i < CPU_MAX; i++)
		cpus[i].fastpath = ops;
}

void fastpath_boot(bool off)
{
	off_for_good = off;
	fastpath_enable();
}

void fastpath_disable(void)
{
	set_ops((struct fastpath_ops){ ~0ul, ~0ul, ~0ul });
}

void fastpath_enable(void)
{
	if (off_for_good)
		fastpath_disable();
	else
		set_ops((struct fastpath_ops){ VIREO_IPC_CALL, VIREO_IPC_REPLY_WAIT, VIREO_IPC_SEND });
}
