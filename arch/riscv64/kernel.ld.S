/*
 * The kernel image: linked at KERNEL_LINK_BASE, loaded (ELF physical
 * addresses) at KERNEL_LOAD_PA where OpenSBI's fw_dynamic jumps. Each
 * section group starts on a page so mmu_init can give it its own rights.
 */
#include <arch/layout.h>

#define KERNEL_LOAD_PA 0x80200000

OUTPUT_ARCH(riscv)
ENTRY(_start)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = KERNEL_LINK_BASE;

	.text : AT(KERNEL_LOAD_PA) {
		*(.text.boot)
		*(.text .text.*)
		. = ALIGN(4096);
		_etext = .;
	} :text

	.rodata : {
		_rodata = .;
		*(.rodata .rodata.* .srodata .srodata.*)
		. = ALIGN(8);
		__ex_table_start = .;
		KEEP(*(__ex_table))
		__ex_table_end = .;
		. = ALIGN(8);
		__start_ktests = .;
		KEEP(*(ktests))
		__stop_ktests = .;
		. = ALIGN(4096);
		_erodata = .;
	} :rodata

	.data : {
		_data = .;
		*(.data .data.* .sdata .sdata.*)
	} :data

	.bss (NOLOAD) : {
		. = ALIGN(16);
		__bss_start = .;
		*(.bss .bss.* .sbss .sbss.* COMMON)
		. = ALIGN(8);
		__bss_end = .;
		. = ALIGN(4096);
	} :data

	_end = .;

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr .comment .note .note.*)
	}
}
