/* The fast path's switch (see kernel/fastpath.h; the path itself is inline there). */
#include <kernel/fastpath.h>

vireo_word_t fastpath_call_op = VIREO_IPC_CALL;
vireo_word_t fastpath_reply_wait_op = VIREO_IPC_REPLY_WAIT;
vireo_word_t fastpath_send_op = VIREO_IPC_SEND;

static bool off_at_boot;

void fastpath_disable(void)
{
	fastpath_call_op = ~(vireo_word_t)0;
	fastpath_reply_wait_op = ~(vireo_word_t)0;
	fastpath_send_op = ~(vireo_word_t)0;
}

void fastpath_disable_for_good(void)
{
	off_at_boot = true;
	fastpath_disable();
}

void fastpath_enable(void)
{
	if (off_at_boot)
		return;
	fastpath_call_op = VIREO_IPC_CALL;
	fastpath_reply_wait_op = VIREO_IPC_REPLY_WAIT;
	fastpath_send_op = VIREO_IPC_SEND;
}
