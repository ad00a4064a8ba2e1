/*
 * Start of a native program's first thread. Its loader left two words at
 * sp: the UTCB address and the start information (include/vireo/bootinfo.h).
 * The image arrives zeroed where it has no file contents, so .bss needs no
 * clearing.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	ld	a0, 0(sp)
	ld	a1, 8(sp)
	lla	tp, __tls_base		/* the first thread uses the TLS image in place */
	call	vireo_start		/* (utcb, info): runs main, then exits */
1:	j	1b
