/*
 * The one way into the kernel: invoke a capability (`ecall` from U-mode).
 *
 *   register  in                                  out
 *   a0        capability selector                 status (enum vireo_status)
 *   a1        message tag                         tag of the received message
 *   a2        operation (VIREO_OP_* bits)         label of the received message
 *   a3        timeouts: send [31:0], recv [63:32] -
 *   a4..a7    MR0..MR3                            MR0..MR3
 *
 * MR4 and up travel in the UTCB. libvireo keeps the UTCB's mr[0..3] and the
 * registers in step, so programs see all message registers in the UTCB.
 * The kernel preserves ra, sp, gp, tp and s0..s11. t0..t6 are not
 * preserved: they come back holding values the same thread had in them
 * earlier (never the kernel's or another thread's); callers treat them as
 * clobbered.
 *
 * Operations combine four bits:
 *   SEND   send the message to a0's object (or to the caller, with REPLY)
 *   RECV   then receive
 *   OPEN   receive from anyone who may send to this thread; without OPEN a
 *          receive waits only for a0's object (closed receive)
 *   REPLY  the send goes to the thread's implicit reply capability: the
 *          last thread that called it
 * A send to a kernel object (Task, Factory, ...) is an invocation: the
 * kernel carries it out at once and, with RECV, returns its reply.
 */
#ifndef VIREO_SYSCALL_H
#define VIREO_SYSCALL_H

#include <vireo/types.h>

#define VIREO_OP_SEND 0x1u
#define VIREO_OP_RECV 0x2u
#define VIREO_OP_OPEN 0x4u
#define VIREO_OP_REPLY 0x8u

#define VIREO_IPC_CALL (VIREO_OP_SEND | VIREO_OP_RECV)
#define VIREO_IPC_SEND VIREO_OP_SEND
#define VIREO_IPC_WAIT (VIREO_OP_RECV | VIREO_OP_OPEN)
#define VIREO_IPC_RECV VIREO_OP_RECV
#define VIREO_IPC_REPLY (VIREO_OP_REPLY | VIREO_OP_SEND)
#define VIREO_IPC_REPLY_WAIT (VIREO_OP_REPLY | VIREO_OP_SEND | VIREO_OP_RECV | VIREO_OP_OPEN)

/*
 * Timeouts, 32 bits each:
 *   0                      never expire
 *   VIREO_TIMEOUT_ZERO     do not wait at all
 *   VIREO_TIMEOUT_REL | (m << e) ns, m = bits 15..0, e = bits 21..16
 */
#define VIREO_TIMEOUT_NEVER 0u
#define VIREO_TIMEOUT_ZERO 0x40000000u
#define VIREO_TIMEOUT_REL 0x80000000u
#define VIREO_TIMEOUT_KIND_MASK 0xc0000000u

/* A relative timeout of about `ns` nanoseconds (rounded up to the encoding). */
static inline uint32_t vireo_timeout_ns(uint64_t ns)
{
	uint32_t e = 0;

	while (ns > 0xffff) {
		ns = (ns + 1) >> 1;
		e++;
	}
	return VIREO_TIMEOUT_REL | (e << 16) | (uint32_t)ns;
}

static inline uint64_t vireo_timeouts(uint32_t send, uint32_t recv)
{
	return ((uint64_t)recv << 32) | send;
}

#endif
