/*
 * Reader for static riscv64 ELF executables, used by the kernel to start the
 * root task and by the root task to start programs from the boot archive.
 *
 * The file is hostile: elf_parse() checks every field it uses against the
 * bytes it was given and against the caller's user address range, and only
 * then describes the image. A loader that follows the description (map the
 * pages of each segment with its rights, copy filesz bytes from offset, zero
 * the rest) cannot be made to read outside the file, write outside
 * [user_min, user_max), map one page twice, or map a page writable and
 * executable.
 *
 * What is read (System V gABI ch. 4-5, RISC-V ELF psABI):
 *
 *   offset 0   +-------------------------+
 *              | Elf64_Ehdr, 64 bytes    |  e_ident, e_type, e_machine,
 *              |                         |  e_entry, e_phoff, e_phnum ...
 *   e_phoff    +-------------------------+
 *              | Elf64_Phdr[e_phnum],    |  PT_LOAD: where a segment's bytes
 *              |   56 bytes each         |  are in the file and in memory
 *              +-------------------------+
 *              | segment bytes ...       |  (may include the headers above)
 *              +-------------------------+
 *
 * Section headers (e_shoff, e_shnum, ...) are ignored entirely: loading needs
 * only the program headers. EI_OSABI and EI_ABIVERSION are not checked (GNU ld
 * writes ELFOSABI_GNU when IFUNCs are used), and e_flags is passed through to
 * the caller unjudged. Accepted and ignored program headers: PT_TLS (the
 * program finds its TLS template through its own symbols; the kernel never
 * reads it), PT_NOTE, PT_PHDR, PT_GNU_STACK (stacks are never executable),
 * PT_GNU_RELRO, PT_RISCV_ATTRIBUTES and any other type we do not know.
 * PT_INTERP and PT_DYNAMIC are rejected: nothing here relocates or links.
 *
 * Rules beyond the gABI, because of how Vireo maps memory:
 *  - A PT_LOAD with p_memsz == 0 occupies no memory and is skipped (its
 *    p_filesz must still be 0; nothing else about it is checked).
 *  - Segments may appear in any order in the file; the result is sorted.
 *  - No two segments may touch the same page, even without overlapping bytes:
 *    a page is mapped with one set of rights.
 *  - No segment may be both writable and executable (W^X), none may have no
 *    rights, and none may be write-only (RISC-V page tables cannot express
 *    write without read; Privileged spec, Sv39 PTE R/W/X encoding).
 *  - p_vaddr and p_offset must agree modulo the 4 KiB page size; p_align need
 *    only be 0 or a power of two (it matters only when placing ET_DYN files).
 *  - The entry point lies inside an executable segment and is 2-byte aligned
 *    (IALIGN with the C extension; sepc cannot hold an odd address).
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>
#include <kernel/parse.h>
#include <kernel/types.h>

#define ELF_MAX_SEGMENTS 16

/*
 * Access rights of a segment. Our own values, deliberately not the ELF PF_*
 * bits, so a loader never passes a file's p_flags through unchecked.
 */
#define ELF_R (1u << 0)
#define ELF_W (1u << 1)
#define ELF_X (1u << 2)

/*
 * One loadable segment: memory [vaddr, vaddr + memsz) of which the first
 * filesz bytes come from file bytes [offset, offset + filesz) and the rest
 * are zero. Invariants after elf_parse(): 0 < memsz, filesz <= memsz, the
 * file range lies inside the file, the page-rounded memory range lies inside
 * [user_min, user_max), vaddr % PAGE_SIZE == offset % PAGE_SIZE.
 *
 * The loader must zero the bytes of the segment's pages outside
 * [vaddr, vaddr + filesz), including the tail of the last file-backed page.
 */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags; /* ELF_R | ELF_W | ELF_X, never both W and X */
};

/* What a program needs to be loaded. */
struct elf_image {
	uint64_t entry;
	uint32_t machine_flags; /* e_flags: RVC, float ABI, RVE (psABI "File Header") */
	unsigned nsegments;     /* 1..ELF_MAX_SEGMENTS */
	struct elf_segment seg[ELF_MAX_SEGMENTS]; /* PT_LOAD only, sorted by vaddr */
	uint64_t lowest;  /* page-aligned start of the lowest segment */
	uint64_t highest; /* page-aligned end (exclusive) of the highest segment */
};

/* A page-aligned half-open range of user virtual addresses [start, end). */
struct elf_pages {
	uint64_t start;
	uint64_t end;
};

/*
 * The pages a validated segment occupies. Cannot overflow: elf_parse() has
 * checked the rounded range against the (page-aligned) user_max.
 */
static inline struct elf_pages elf_segment_pages(const struct elf_segment *s)
{
	return (struct elf_pages){
		.start = ALIGN_DOWN(s->vaddr, PAGE_SIZE),
		.end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE),
	};
}

/* Whether addr lies in the segment's memory range [vaddr, vaddr + memsz). */
static inline bool elf_segment_contains(const struct elf_segment *s, uint64_t addr)
{
	return addr >= s->vaddr && addr - s->vaddr < s->memsz;
}

/*
 * Validate the len bytes at file as a static riscv64 executable to be loaded
 * into user addresses [user_min, user_max), and describe it in *img.
 * file may be unaligned. user_min and user_max must be page-aligned with
 * user_min < user_max (otherwise the call fails with "bad user address
 * range"). Returns true with *img filled in; false with *err set (if err is
 * non-NULL) to a static reason and the byte offset of the offending field.
 * *img is meaningful only when true is returned.
 */
must_check bool elf_parse(const void *file, size_t len, uint64_t user_min, uint64_t user_max,
			  struct elf_image *img, struct parse_error *err);

#endif
