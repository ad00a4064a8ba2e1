/*
 * Static riscv64 ELF executable reader. See <kernel/elf.h> for what is
 * accepted and why.
 *
 * Headers are copied out of the file with memcpy into the structs below (the
 * file may sit at any alignment inside the boot archive), and every field is
 * checked before use. Range checks are written as "remaining >= needed" with
 * the remainder computed from a value already known to be in range, so no
 * sum of untrusted fields is formed before it is known not to wrap.
 */
#include <kernel/elf.h>
#include <kernel/string.h>

/* Both the kernel (riscv64) and the unit-test host read the fields in place. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ELFDATA2LSB fields read natively");

/* e_ident indexes and values (gABI "ELF Identification"). */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_NIDENT 16
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1

/* e_type (gABI "ELF Header"). */
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define ET_CORE 4

#define EM_RISCV 243 /* psABI "File Header" */

/* e_phnum value meaning "the real count is in section header 0" (gABI). */
#define PN_XNUM 0xffff

/* p_type and p_flags (gABI "Program Header"). */
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(offsetof(struct elf64_ehdr, e_type) == 16, "e_type");
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 24, "e_entry");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_flags) == 48, "e_flags");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "e_phnum");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 8, "p_offset");
_Static_assert(offsetof(struct elf64_phdr, p_filesz) == 32, "p_filesz");
_Static_assert(offsetof(struct elf64_phdr, p_align) == 48, "p_align");

/* Byte offset of a header field, for error reports. */
#define EH_AT(field) offsetof(struct elf64_ehdr, field)
#define PH_AT(at, field) ((at) + offsetof(struct elf64_phdr, field))

/* The caller's user range, and the file, as one argument. */
struct elf_input {
	const uint8_t *base;
	size_t len;
	uint64_t user_min;
	uint64_t user_max;
};

#define ELF_MAGIC "\x7f" "ELF"
#define ELF_MAGIC_LEN 4

/* Whether the first min(len, 4) bytes agree with the ELF magic. */
static bool elf_magic_prefix(const uint8_t *p, size_t len)
{
	size_t n = len < ELF_MAGIC_LEN ? len : ELF_MAGIC_LEN;

	return n == 0 || memcmp(p, ELF_MAGIC, n) == 0;
}

static bool elf_check_ident(const uint8_t *id, struct parse_error *err)
{
	if (memcmp(id, ELF_MAGIC, ELF_MAGIC_LEN) != 0) {
		parse_fail(err, "bad magic: not an ELF file", 0);
		return false;
	}
	if (id[EI_CLASS] != ELFCLASS64) {
		parse_fail(err,
			   id[EI_CLASS] == ELFCLASS32 ? "32-bit ELF files are not supported"
						      : "bad ELF class",
			   EI_CLASS);
		return false;
	}
	if (id[EI_DATA] != ELFDATA2LSB) {
		parse_fail(err,
			   id[EI_DATA] == ELFDATA2MSB ? "big-endian ELF files are not supported"
						      : "bad ELF data encoding",
			   EI_DATA);
		return false;
	}
	if (id[EI_VERSION] != EV_CURRENT) {
		parse_fail(err, "bad ELF version", EI_VERSION);
		return false;
	}
	return true;
}

/* Why a file of type t is not a static executable; NULL if it is one. */
static const char *elf_type_problem(uint16_t t)
{
	switch (t) {
	case ET_EXEC:
		return NULL;
	case ET_DYN:
		return "position-independent (ET_DYN) executables are not supported";
	case ET_REL:
		return "relocatable object (ET_REL), not an executable";
	case ET_CORE:
		return "core file (ET_CORE), not an executable";
	default:
		return "bad ELF type: not an executable";
	}
}

/* Check the file header fields and that the program headers lie in the file. */
static bool elf_check_header(const struct elf64_ehdr *eh, size_t len, struct parse_error *err)
{
	const char *type_problem = elf_type_problem(eh->e_type);

	if (!elf_check_ident(eh->e_ident, err))
		return false;
	if (eh->e_version != EV_CURRENT) {
		parse_fail(err, "bad ELF version", EH_AT(e_version));
		return false;
	}
	if (eh->e_machine != EM_RISCV) {
		parse_fail(err, "not a RISC-V file (e_machine)", EH_AT(e_machine));
		return false;
	}
	if (type_problem) {
		parse_fail(err, type_problem, EH_AT(e_type));
		return false;
	}
	if (eh->e_ehsize != sizeof(struct elf64_ehdr)) {
		parse_fail(err, "bad e_ehsize", EH_AT(e_ehsize));
		return false;
	}
	if (eh->e_phnum == 0) {
		parse_fail(err, "no loadable segments", EH_AT(e_phnum));
		return false;
	}
	if (eh->e_phnum == PN_XNUM) {
		parse_fail(err, "too many program headers (PN_XNUM)", EH_AT(e_phnum));
		return false;
	}
	if (eh->e_phentsize != sizeof(struct elf64_phdr)) {
		parse_fail(err, "bad e_phentsize", EH_AT(e_phentsize));
		return false;
	}
	/* e_phnum < 2^16, so the table size cannot wrap even in 32 bits. */
	if (eh->e_phoff > len ||
	    (size_t)eh->e_phnum * sizeof(struct elf64_phdr) > len - (size_t)eh->e_phoff) {
		parse_fail(err, "program headers past end of file", EH_AT(e_phoff));
		return false;
	}
	return true;
}

static bool is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

/* Translate p_flags to ELF_R/W/X and reject rights a page cannot carry. */
static bool elf_segment_rights(uint32_t p_flags, uint32_t *rights, size_t at,
			       struct parse_error *err)
{
	uint32_t r = ((p_flags & PF_R) ? ELF_R : 0) | ((p_flags & PF_W) ? ELF_W : 0) |
		     ((p_flags & PF_X) ? ELF_X : 0);

	if ((r & ELF_W) && (r & ELF_X)) {
		parse_fail(err, "writable and executable segment (W^X)", PH_AT(at, p_flags));
		return false;
	}
	if (r == 0) {
		parse_fail(err, "segment has no access rights", PH_AT(at, p_flags));
		return false;
	}
	if (r == ELF_W) {
		parse_fail(err, "write-only segment", PH_AT(at, p_flags));
		return false;
	}
	*rights = r;
	return true;
}

/*
 * Check the PT_LOAD at file offset at (with memsz != 0) on its own, and
 * describe it in *s.
 */
static bool elf_read_load(const struct elf_input *in, const struct elf64_phdr *ph, size_t at,
			  struct elf_segment *s, struct parse_error *err)
{
	if (ph->p_offset > in->len || ph->p_filesz > in->len - ph->p_offset) {
		parse_fail(err, "segment data past end of file", PH_AT(at, p_offset));
		return false;
	}
	if (ph->p_memsz > UINT64_MAX - ph->p_vaddr) {
		parse_fail(err, "segment address range overflows", PH_AT(at, p_vaddr));
		return false;
	}
	if (!is_pow2_or_zero(ph->p_align)) {
		parse_fail(err, "segment alignment not a power of two", PH_AT(at, p_align));
		return false;
	}
	if (((ph->p_vaddr ^ ph->p_offset) & (PAGE_SIZE - 1)) != 0) {
		parse_fail(err, "segment address and file offset differ modulo the page size",
			   PH_AT(at, p_vaddr));
		return false;
	}
	/* Bounds are page-aligned, so the page-rounded range is inside too. */
	if (ph->p_vaddr < in->user_min || ph->p_vaddr + ph->p_memsz > in->user_max) {
		parse_fail(err, "segment outside user address space", PH_AT(at, p_vaddr));
		return false;
	}
	*s = (struct elf_segment){
		.vaddr = ph->p_vaddr,
		.memsz = ph->p_memsz,
		.offset = ph->p_offset,
		.filesz = ph->p_filesz,
	};
	return elf_segment_rights(ph->p_flags, &s->flags, at, err);
}

static bool ranges_meet(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

/* Check s, from the program header at at, against the segments already kept. */
static bool elf_check_disjoint(const struct elf_image *img, const struct elf_segment *s,
			       size_t at, struct parse_error *err)
{
	struct elf_pages sp = elf_segment_pages(s);

	for (unsigned i = 0; i < img->nsegments; i++) {
		const struct elf_segment *o = &img->seg[i];
		struct elf_pages op = elf_segment_pages(o);

		if (ranges_meet(s->vaddr, s->vaddr + s->memsz, o->vaddr, o->vaddr + o->memsz)) {
			parse_fail(err, "segments overlap", PH_AT(at, p_vaddr));
			return false;
		}
		if (ranges_meet(sp.start, sp.end, op.start, op.end)) {
			parse_fail(err, "segments share a page", PH_AT(at, p_vaddr));
			return false;
		}
	}
	return true;
}

/* Check the program header at at; keep it in img if it is a PT_LOAD. */
static bool elf_read_phdr(const struct elf_input *in, size_t at, struct elf_image *img,
			  struct parse_error *err)
{
	struct elf64_phdr ph;
	struct elf_segment s;

	memcpy(&ph, in->base + at, sizeof(ph));
	if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC) {
		parse_fail(err, "dynamically linked executables are not supported",
			   PH_AT(at, p_type));
		return false;
	}
	if (ph.p_type != PT_LOAD)
		return true;
	if (ph.p_filesz > ph.p_memsz) {
		parse_fail(err, "segment file size exceeds memory size", PH_AT(at, p_filesz));
		return false;
	}
	if (ph.p_memsz == 0)
		return true;
	if (img->nsegments == ELF_MAX_SEGMENTS) {
		parse_fail(err, "too many loadable segments", PH_AT(at, p_type));
		return false;
	}
	if (!elf_read_load(in, &ph, at, &s, err) || !elf_check_disjoint(img, &s, at, err))
		return false;
	img->seg[img->nsegments++] = s;
	return true;
}

/* Insertion sort by vaddr: at most ELF_MAX_SEGMENTS, already disjoint. */
static void elf_sort_segments(struct elf_image *img)
{
	for (unsigned i = 1; i < img->nsegments; i++) {
		struct elf_segment s = img->seg[i];
		unsigned j = i;

		for (; j > 0 && img->seg[j - 1].vaddr > s.vaddr; j--)
			img->seg[j] = img->seg[j - 1];
		img->seg[j] = s;
	}
}

static bool elf_check_entry(const struct elf_image *img, struct parse_error *err)
{
	if (img->entry & 1) {
		parse_fail(err, "entry point misaligned", EH_AT(e_entry));
		return false;
	}
	for (unsigned i = 0; i < img->nsegments; i++) {
		if ((img->seg[i].flags & ELF_X) && elf_segment_contains(&img->seg[i], img->entry))
			return true;
	}
	parse_fail(err, "entry point outside executable segments", EH_AT(e_entry));
	return false;
}

bool elf_parse(const void *file, size_t len, uint64_t user_min, uint64_t user_max,
	       struct elf_image *img, struct parse_error *err)
{
	const struct elf_input in = { file, len, user_min, user_max };
	struct elf64_ehdr eh;

	if (!IS_ALIGNED(user_min, PAGE_SIZE) || !IS_ALIGNED(user_max, PAGE_SIZE) ||
	    user_min >= user_max) {
		parse_fail(err, "bad user address range", 0);
		return false;
	}
	if (len < sizeof(eh)) {
		parse_fail(err, elf_magic_prefix(file, len) ? "truncated: ELF header"
							    : "bad magic: not an ELF file",
			   0);
		return false;
	}
	memcpy(&eh, file, sizeof(eh));
	if (!elf_check_header(&eh, len, err))
		return false;
	img->entry = eh.e_entry;
	img->machine_flags = eh.e_flags;
	img->nsegments = 0;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		if (!elf_read_phdr(&in, (size_t)eh.e_phoff + i * sizeof(struct elf64_phdr), img,
				   err))
			return false;
	}
	if (img->nsegments == 0) {
		parse_fail(err, "no loadable segments", EH_AT(e_phnum));
		return false;
	}
	elf_sort_segments(img);
	img->lowest = elf_segment_pages(&img->seg[0]).start;
	img->highest = elf_segment_pages(&img->seg[img->nsegments - 1]).end;
	return elf_check_entry(img, err);
}
