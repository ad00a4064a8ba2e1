/* New threads start here with sp pointing at their start block (libvireo.c). */
	.text
	.globl vireo_thread_trampoline
vireo_thread_trampoline:
	mv	a0, sp
	call	vireo_thread_entry
1:	j	1b
