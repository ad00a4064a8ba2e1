/*
 * Assembly: `extable insn, fixup` records that a fault at insn resumes at
 * fixup (__ex_table; trap_kernel looks it up) instead of stopping the hart.
 */
#ifndef ARCH_EXTABLE_H
#define ARCH_EXTABLE_H

#ifdef __ASSEMBLER__
	.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign	8
	.dword	\insn, \fixup
	.popsection
	.endm
#endif

#endif
