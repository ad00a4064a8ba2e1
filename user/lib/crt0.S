/*
 * Start of a native program's first thread: a0 = its UTCB, a1 = the boot
 * information the loader passes (for the root task: struct
 * vireo_boot_info). sp is set by the loader. The image arrives zeroed
 * where it has no file contents, so .bss needs no clearing.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	lla	tp, __tls_base		/* the first thread uses the TLS image in place */
	call	vireo_start		/* (utcb, info): runs main, then exits */
1:	j	1b
