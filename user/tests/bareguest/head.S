/*
 * A Linux Image header (Documentation/riscv/boot-image-header.rst), so the
 * VMM loads this guest as it loads Linux: at RAM + text_offset, entered in
 * VS-mode with a0 = hart id, a1 = the device tree.
 */
	.section .head, "ax"
	.globl _start
_start:
	j	entry			/* code0, code1 */
	.balign 8
	.dword	0x200000		/* text_offset */
	.dword	_end - _start		/* image_size */
	.dword	0			/* flags */
	.word	2			/* version */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0

	.text
entry:
	la	sp, stack_top
	call	guest_main
1:	wfi
	j	1b

	.bss
	.balign 16
	.space	16384
stack_top:
