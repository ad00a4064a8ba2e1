/*
 * Host unit tests for kernel/elf.c.
 *
 * Images are built here in C (struct img below) with header structs written
 * for this test and checked against the host <elf.h>, so a layout mistake in
 * the kernel's own structs cannot hide behind a shared definition. Every
 * parse runs on a heap copy of exactly the image's length, so
 * AddressSanitizer catches any read past the end. $VIREO_TEST_DATA/sample.elf,
 * a real static riscv64 executable made by the build with
 * riscv64-linux-gnu-gcc, must exist and is parsed too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <elf.h>

#include <kernel/elf.h>

/* ---- our own view of the on-disk headers ---- */

struct t_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct t_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Field fa of our struct a sits where the host's field fb of b does. */
#define SAME_FIELD(a, fa, b, fb)                                                                   \
	_Static_assert(offsetof(a, fa) == offsetof(b, fb) &&                                       \
			       sizeof(((a *)0)->fa) == sizeof(((b *)0)->fb),                       \
		       #fa)
_Static_assert(sizeof(struct t_ehdr) == sizeof(Elf64_Ehdr), "ehdr size");
_Static_assert(sizeof(struct t_phdr) == sizeof(Elf64_Phdr), "phdr size");
SAME_FIELD(struct t_ehdr, type, Elf64_Ehdr, e_type);
SAME_FIELD(struct t_ehdr, machine, Elf64_Ehdr, e_machine);
SAME_FIELD(struct t_ehdr, version, Elf64_Ehdr, e_version);
SAME_FIELD(struct t_ehdr, entry, Elf64_Ehdr, e_entry);
SAME_FIELD(struct t_ehdr, phoff, Elf64_Ehdr, e_phoff);
SAME_FIELD(struct t_ehdr, shoff, Elf64_Ehdr, e_shoff);
SAME_FIELD(struct t_ehdr, flags, Elf64_Ehdr, e_flags);
SAME_FIELD(struct t_ehdr, ehsize, Elf64_Ehdr, e_ehsize);
SAME_FIELD(struct t_ehdr, phentsize, Elf64_Ehdr, e_phentsize);
SAME_FIELD(struct t_ehdr, phnum, Elf64_Ehdr, e_phnum);
SAME_FIELD(struct t_ehdr, shstrndx, Elf64_Ehdr, e_shstrndx);
SAME_FIELD(struct t_phdr, type, Elf64_Phdr, p_type);
SAME_FIELD(struct t_phdr, flags, Elf64_Phdr, p_flags);
SAME_FIELD(struct t_phdr, offset, Elf64_Phdr, p_offset);
SAME_FIELD(struct t_phdr, vaddr, Elf64_Phdr, p_vaddr);
SAME_FIELD(struct t_phdr, paddr, Elf64_Phdr, p_paddr);
SAME_FIELD(struct t_phdr, filesz, Elf64_Phdr, p_filesz);
SAME_FIELD(struct t_phdr, memsz, Elf64_Phdr, p_memsz);
SAME_FIELD(struct t_phdr, align, Elf64_Phdr, p_align);

#define PAGE 0x1000ull
#define UMIN 0x1000ull         /* page 0 stays unmapped */
#define UMAX 0x4000000000ull   /* Sv39 user half */
#define PHOFF 64ull
#define MAX_PHDRS 24

/* Offset in the image of a field of program header i (table at PHOFF). */
#define PH_AT(i, field) \
	(PHOFF + (size_t)(i) * sizeof(struct t_phdr) + offsetof(struct t_phdr, field))
#define EH_AT(field) offsetof(struct t_ehdr, field)

/* An image under construction: ehdr at 0, program headers at PHOFF. */
struct img {
	uint8_t buf[0x10000];
	size_t len;
};

static struct t_ehdr *ehdr(struct img *m)
{
	return (struct t_ehdr *)m->buf;
}

static struct t_phdr *phdr(struct img *m, unsigned i)
{
	return (struct t_phdr *)(m->buf + PHOFF + i * sizeof(struct t_phdr));
}

/* A header with no program headers yet; the table is reserved in full. */
static void img_init(struct img *m, uint64_t entry)
{
	struct t_ehdr *e = ehdr(m);

	memset(m, 0, sizeof(*m));
	memcpy(e->ident, ELFMAG, SELFMAG);
	e->ident[EI_CLASS] = ELFCLASS64;
	e->ident[EI_DATA] = ELFDATA2LSB;
	e->ident[EI_VERSION] = EV_CURRENT;
	e->type = ET_EXEC;
	e->machine = EM_RISCV;
	e->version = EV_CURRENT;
	e->entry = entry;
	e->phoff = PHOFF;
	e->flags = EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE;
	e->ehsize = sizeof(struct t_ehdr);
	e->phentsize = sizeof(struct t_phdr);
	m->len = PHOFF + MAX_PHDRS * sizeof(struct t_phdr);
}

/* Grow the image so it holds [offset, offset + size), filling new bytes. */
static void img_cover(struct img *m, uint64_t offset, uint64_t size)
{
	if (offset > sizeof(m->buf) || size > sizeof(m->buf) - offset)
		return; /* deliberately out-of-file segment: leave len alone */
	while (m->len < offset + size) {
		m->buf[m->len] = (uint8_t)(m->len * 13 + 7);
		m->len++;
	}
}

/* Append a program header; returns its index. */
static unsigned img_phdr(struct img *m, uint32_t type, uint32_t flags, uint64_t offset,
			 uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	unsigned i = ehdr(m)->phnum++;

	assert_true(i < MAX_PHDRS);
	*phdr(m, i) = (struct t_phdr){ .type = type, .flags = flags, .offset = offset,
				       .vaddr = vaddr, .paddr = vaddr, .filesz = filesz,
				       .memsz = memsz, .align = align };
	if (type == PT_LOAD)
		img_cover(m, offset, filesz);
	return i;
}

static unsigned img_load(struct img *m, uint32_t flags, uint64_t offset, uint64_t vaddr,
			 uint64_t filesz, uint64_t memsz)
{
	return img_phdr(m, PT_LOAD, flags, offset, vaddr, filesz, memsz, PAGE);
}

/*
 * The usual shape: text (headers included) and data with bss, on separate
 * pages, like GNU ld lays out a small static program.
 *   phdr 0: R+X  file [0, 0x800)      -> [0x10000, 0x10800)
 *   phdr 1: R+W  file [0x800, 0x840)  -> [0x11800, 0x12800), bss after 0x40
 */
#define STD_ENTRY 0x10400ull

static void img_std(struct img *m)
{
	img_init(m, STD_ENTRY);
	img_load(m, PF_R | PF_X, 0, 0x10000, 0x800, 0x800);
	img_load(m, PF_R | PF_W, 0x800, 0x11800, 0x40, 0x1000);
}

/* A heap copy of exactly len bytes placed at misalign (at least one byte). */
static uint8_t *dup_exact(const void *p, size_t len, size_t misalign, uint8_t **block)
{
	*block = malloc(len + misalign ? len + misalign : 1);
	assert_non_null(*block);
	if (len)
		memcpy(*block + misalign, p, len);
	return *block + misalign;
}

/* Everything a successful parse promises; see <kernel/elf.h>. */
static void check_image(const struct elf_image *img, size_t len, uint64_t umin, uint64_t umax)
{
	bool entry_ok = false;

	assert_true(img->nsegments >= 1 && img->nsegments <= ELF_MAX_SEGMENTS);
	for (unsigned i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->seg[i];
		struct elf_pages p = elf_segment_pages(s);

		assert_true(s->memsz > 0 && s->filesz <= s->memsz);
		assert_true(s->offset <= len && s->filesz <= len - s->offset);
		assert_true(p.start >= umin && p.end <= umax && p.start < p.end);
		assert_true(p.start % PAGE == 0 && p.end % PAGE == 0);
		assert_int_equal(s->vaddr % PAGE, s->offset % PAGE);
		assert_true(s->flags != 0 && (s->flags & ~(ELF_R | ELF_W | ELF_X)) == 0);
		assert_false((s->flags & ELF_W) && (s->flags & ELF_X));
		assert_false(s->flags == ELF_W);
		if (i > 0)
			assert_true(elf_segment_pages(&img->seg[i - 1]).end <= p.start);
		if ((s->flags & ELF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = true; /* not elf_segment_contains(): check independently */
	}
	assert_true(entry_ok && img->entry % 2 == 0);
	assert_int_equal(img->lowest, elf_segment_pages(&img->seg[0]).start);
	assert_int_equal(img->highest, elf_segment_pages(&img->seg[img->nsegments - 1]).end);
}

/* Parse a heap copy of exactly len bytes; check the result if it succeeded. */
static bool parse_range(const void *p, size_t len, uint64_t umin, uint64_t umax,
			struct elf_image *img, struct parse_error *err)
{
	uint8_t *block, *copy = dup_exact(p, len, 0, &block);
	bool ok = elf_parse(copy, len, umin, umax, img, err);

	free(block);
	if (ok)
		check_image(img, len, umin, umax);
	else if (err)
		assert_true(err->what != NULL && err->offset <= (len > 64 ? len : 64));
	return ok;
}

static bool parse_len(const struct img *m, size_t len, struct elf_image *img,
		      struct parse_error *err)
{
	return parse_range(m->buf, len, UMIN, UMAX, img, err);
}

static void expect_ok(const struct img *m, struct elf_image *img)
{
	struct parse_error err = { 0 };

	if (!parse_len(m, m->len, img, &err))
		fail_msg("unexpected error \"%s\" at offset %zu", err.what, err.offset);
	assert_null(err.what);
}

static void expect_error_len(const struct img *m, size_t len, const char *what, size_t offset)
{
	struct elf_image img;
	struct parse_error err = { 0 };

	assert_false(parse_len(m, len, &img, &err));
	assert_non_null(err.what);
	assert_string_equal(err.what, what);
	assert_int_equal(err.offset, offset);
}

static void expect_error(const struct img *m, const char *what, size_t offset)
{
	expect_error_len(m, m->len, what, offset);
}

static void expect_segment(const struct elf_segment *s, uint64_t vaddr, uint64_t memsz,
			   uint64_t offset, uint64_t filesz, uint32_t flags)
{
	assert_int_equal(s->vaddr, vaddr);
	assert_int_equal(s->memsz, memsz);
	assert_int_equal(s->offset, offset);
	assert_int_equal(s->filesz, filesz);
	assert_int_equal(s->flags, flags);
}

/* ---- valid images ---- */

static void test_one_segment(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_init(&m, 0x10000);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x600, 0x600);
	expect_ok(&m, &img);
	assert_int_equal(img.entry, 0x10000);
	assert_int_equal(img.nsegments, 1);
	expect_segment(&img.seg[0], 0x10000, 0x600, 0, 0x600, ELF_R | ELF_X);
	assert_int_equal(img.lowest, 0x10000);
	assert_int_equal(img.highest, 0x11000);
	assert_int_equal(img.machine_flags, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE);
}

static void test_text_data_bss(void **state)
{
	static struct img m;
	struct elf_image img;
	struct elf_pages p;

	(void)state;
	img_std(&m);
	expect_ok(&m, &img);
	assert_int_equal(img.entry, STD_ENTRY);
	assert_int_equal(img.nsegments, 2);
	expect_segment(&img.seg[0], 0x10000, 0x800, 0, 0x800, ELF_R | ELF_X);
	expect_segment(&img.seg[1], 0x11800, 0x1000, 0x800, 0x40, ELF_R | ELF_W);
	p = elf_segment_pages(&img.seg[1]);
	assert_int_equal(p.start, 0x11000);
	assert_int_equal(p.end, 0x13000);
	assert_int_equal(img.lowest, 0x10000);
	assert_int_equal(img.highest, 0x13000);
}

/* A data segment with no file bytes at all (pure bss). */
static void test_pure_bss(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	img_load(&m, PF_R | PF_W, 0x840, 0x20840, 0, 0x5000);
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, 3);
	expect_segment(&img.seg[2], 0x20840, 0x5000, 0x840, 0, ELF_R | ELF_W);
	assert_int_equal(img.highest, 0x26000);
}

/* ELF_MAX_SEGMENTS segments stored in descending order come back sorted. */
static void test_max_segments_sorted(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_init(&m, 0x100000);
	for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++) {
		uint64_t k = ELF_MAX_SEGMENTS - 1 - i;

		img_load(&m, k == 0 ? PF_R | PF_X : PF_R, 0x1000 + k * 0x10, 0x100000 + k * 0x2010,
			 0x10, 0x10 + k);
	}
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, ELF_MAX_SEGMENTS);
	for (unsigned k = 0; k < ELF_MAX_SEGMENTS; k++)
		expect_segment(&img.seg[k], 0x100000 + k * 0x2010, 0x10 + k, 0x1000 + k * 0x10,
			       0x10, k == 0 ? ELF_R | ELF_X : ELF_R);
	assert_int_equal(img.lowest, 0x100000);
	assert_int_equal(img.highest, 0x100000 + 15 * 0x2000 + 0x1000);
}

/* Segments on neighbouring pages are fine: they share no page. */
static void test_adjacent_pages(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_init(&m, 0x10000);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x1000, 0x1000);
	img_load(&m, PF_R, 0x1000, 0x11000, 0x10, 0xff0 + 0x10);
	img_load(&m, PF_R | PF_W, 0x1010, 0x12010, 0x10, 0x10);
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, 3);
	assert_int_equal(img.highest, 0x13000);
}

/* Program headers other than PT_LOAD / PT_INTERP / PT_DYNAMIC are ignored. */
static void test_ignored_headers(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	img_phdr(&m, PT_NOTE, PF_R, 0x100, 0x10100, 0x24, 0x24, 4);
	img_phdr(&m, PT_TLS, PF_R, 0x820, 0x11820, 0x10, 0x30, 8);
	img_phdr(&m, PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 16);
	img_phdr(&m, PT_GNU_RELRO, PF_R, 0x800, 0x11800, 0x20, 0x20, 1);
	img_phdr(&m, PT_RISCV_ATTRIBUTES, PF_R, ~0ull, ~0ull, ~0ull, 0, 3);
	img_phdr(&m, PT_PHDR, PF_R, PHOFF, 0x10000 + PHOFF, 56 * 7, 56 * 7, 8);
	img_phdr(&m, PT_NULL, 0, 0, 0, 0, 0, 0);
	img_phdr(&m, 0x12345678, ~0u, ~0ull, ~0ull, ~0ull, 1, ~0ull);
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, 2);
}

/* A PT_LOAD with p_memsz 0 is skipped whatever its address. */
static void test_zero_memsz_skipped(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	img_load(&m, PF_R | PF_W | PF_X, 0x123, 0x10000, 0, 0);
	img_load(&m, 0, ~0ull, ~0ull, 0, 0);
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, 2);
}

/* Unknown p_flags bits (OS/processor specific) do not affect the rights. */
static void test_flags(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_init(&m, 0x10000);
	img_load(&m, PF_X | PF_MASKPROC, 0, 0x10000, 0x100, 0x100);
	img_load(&m, PF_R | PF_MASKOS, 0x1000, 0x21000, 0x10, 0x10);
	img_load(&m, PF_R | PF_W, 0x2000, 0x32000, 0x10, 0x10);
	expect_ok(&m, &img);
	assert_int_equal(img.seg[0].flags, ELF_X);
	assert_int_equal(img.seg[1].flags, ELF_R);
	assert_int_equal(img.seg[2].flags, ELF_R | ELF_W);
}

static void test_alignments(void **state)
{
	static const uint64_t good[] = { 0, 1, 2, 8, 0x1000, 0x10000, 0x200000, 1ull << 63 };
	static struct img m;
	struct elf_image img;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		img_std(&m);
		phdr(&m, 1)->align = good[i];
		expect_ok(&m, &img);
	}
}

/* Segments may touch both ends of the user range, not cross them. */
static void test_user_range_edges(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_init(&m, UMIN);
	img_load(&m, PF_R | PF_X, 0, UMIN, 0x100, 0x100);
	img_load(&m, PF_R | PF_W, 0x100, UMAX - 0x1f00, 0x10, 0x1f00);
	expect_ok(&m, &img);
	assert_int_equal(img.lowest, UMIN);
	assert_int_equal(img.highest, UMAX);

	phdr(&m, 1)->memsz++;
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
	phdr(&m, 1)->memsz--;
	phdr(&m, 0)->vaddr -= PAGE;
	ehdr(&m)->entry -= PAGE;
	expect_error(&m, "segment outside user address space", PH_AT(0, vaddr));

	/* The highest page-aligned user_max there is. */
	img_init(&m, 0xffffffffffffe000ull);
	img_load(&m, PF_R | PF_X, 0, 0xffffffffffffe000ull, 0x100, 0x1000);
	assert_false(parse_range(m.buf, m.len, UMIN, UMAX, &img, NULL));
	assert_true(parse_range(m.buf, m.len, UMIN, 0xfffffffffffff000ull, &img, NULL));
	assert_int_equal(img.highest, 0xfffffffffffff000ull);
}

static void test_bad_user_range(void **state)
{
	static struct img m;
	struct elf_image img;
	struct parse_error err = { 0 };

	(void)state;
	img_std(&m);
	assert_false(parse_range(m.buf, m.len, 0x1001, UMAX, &img, &err));
	assert_string_equal(err.what, "bad user address range");
	assert_false(parse_range(m.buf, m.len, UMIN, UMAX - 1, &img, &err));
	assert_string_equal(err.what, "bad user address range");
	assert_false(parse_range(m.buf, m.len, 0x10000, 0x10000, &img, &err));
	assert_string_equal(err.what, "bad user address range");
	assert_false(parse_range(m.buf, m.len, UMAX, UMIN, &img, &err));
	assert_string_equal(err.what, "bad user address range");
	assert_true(parse_range(m.buf, m.len, 0, 0x12000 + PAGE, &img, &err));
	assert_false(parse_range(m.buf, m.len, 0, 0x12000, &img, &err));
	assert_string_equal(err.what, "segment outside user address space");
	assert_false(parse_range(m.buf, m.len, 0x11000, UMAX, &img, &err));
	assert_string_equal(err.what, "segment outside user address space");
}

static void test_entry(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	ehdr(&m)->entry = 0x10000;
	expect_ok(&m, &img);
	ehdr(&m)->entry = 0x107fe; /* last instruction slot of text */
	expect_ok(&m, &img);
	ehdr(&m)->entry = 0x10800; /* one past text, same page */
	expect_error(&m, "entry point outside executable segments", EH_AT(entry));
	ehdr(&m)->entry = 0xfffe;
	expect_error(&m, "entry point outside executable segments", EH_AT(entry));
	ehdr(&m)->entry = 0x11800; /* data, not executable */
	expect_error(&m, "entry point outside executable segments", EH_AT(entry));
	ehdr(&m)->entry = 0;
	expect_error(&m, "entry point outside executable segments", EH_AT(entry));
	ehdr(&m)->entry = 0x10401;
	expect_error(&m, "entry point misaligned", EH_AT(entry));

	/* Text whose bss part holds the entry: still inside the segment. */
	phdr(&m, 0)->memsz = 0xa00;
	ehdr(&m)->entry = 0x10900;
	expect_ok(&m, &img);
}

/* Section headers are never read, however broken. */
static void test_sections_ignored(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	ehdr(&m)->shoff = ~0ull;
	ehdr(&m)->shentsize = 1;
	ehdr(&m)->shnum = 0xffff;
	ehdr(&m)->shstrndx = 0xfffe;
	ehdr(&m)->ident[EI_OSABI] = ELFOSABI_GNU;
	ehdr(&m)->ident[EI_PAD] = 0x55;
	expect_ok(&m, &img);
}

/* The file may sit at any alignment (the boot archive aligns data to 4). */
static void test_unaligned_base(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	for (size_t mis = 0; mis < 8; mis++) {
		uint8_t *block, *p = dup_exact(m.buf, m.len, mis, &block);
		struct parse_error err = { 0 };

		assert_true(elf_parse(p, m.len, UMIN, UMAX, &img, &err));
		free(block);
		assert_int_equal(img.nsegments, 2);
	}
}

/* The program header table need not follow the file header directly. */
static void test_phdrs_elsewhere(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	memmove(m.buf + 0x901, m.buf + PHOFF, 2 * sizeof(struct t_phdr));
	ehdr(&m)->phoff = 0x901;
	m.len = 0x901 + 2 * sizeof(struct t_phdr);
	expect_ok(&m, &img);
	assert_int_equal(img.nsegments, 2);
	expect_error_len(&m, m.len - 1, "program headers past end of file", EH_AT(phoff));
}

/* ---- malformed images ---- */

static void test_every_truncation(void **state)
{
	static const char *ok[] = { "truncated: ELF header", "program headers past end of file",
				    "segment data past end of file" };
	static struct img m;
	struct elf_image img;
	struct parse_error err;

	(void)state;
	img_std(&m);
	img_phdr(&m, PT_NOTE, PF_R, 0x100, 0x10100, 0x24, 0x24, 4);
	for (size_t len = 0; len < m.len; len++) {
		bool known = false;

		err = (struct parse_error){ 0 };
		assert_false(parse_len(&m, len, &img, &err));
		assert_non_null(err.what);
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			known |= strcmp(err.what, ok[i]) == 0;
		if (!known)
			fail_msg("len %zu: unexpected error \"%s\"", len, err.what);
	}
	assert_true(parse_len(&m, m.len, &img, NULL));
}

static void test_truncation_messages(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	expect_error_len(&m, 0, "truncated: ELF header", 0);
	expect_error_len(&m, 2, "truncated: ELF header", 0);
	expect_error_len(&m, 63, "truncated: ELF header", 0);
	expect_error_len(&m, 64, "program headers past end of file", EH_AT(phoff));
	expect_error_len(&m, 64 + 2 * 56 - 1, "program headers past end of file", EH_AT(phoff));
	expect_error_len(&m, 0x7ff, "segment data past end of file", PH_AT(0, offset));
	expect_error_len(&m, 0x83f, "segment data past end of file", PH_AT(1, offset));
	memcpy(m.buf, "MZ", 2);
	expect_error_len(&m, 2, "bad magic: not an ELF file", 0);
	expect_error_len(&m, 63, "bad magic: not an ELF file", 0);
}

static void test_bad_magic(void **state)
{
	static struct img m;

	(void)state;
	for (size_t i = 0; i < SELFMAG; i++) {
		img_std(&m);
		m.buf[i] ^= 0x20;
		expect_error(&m, "bad magic: not an ELF file", 0);
	}
}

static void test_bad_ident(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	m.buf[EI_CLASS] = ELFCLASS32;
	expect_error(&m, "32-bit ELF files are not supported", EI_CLASS);
	m.buf[EI_CLASS] = ELFCLASSNONE;
	expect_error(&m, "bad ELF class", EI_CLASS);
	m.buf[EI_CLASS] = 3;
	expect_error(&m, "bad ELF class", EI_CLASS);

	img_std(&m);
	m.buf[EI_DATA] = ELFDATA2MSB;
	expect_error(&m, "big-endian ELF files are not supported", EI_DATA);
	m.buf[EI_DATA] = ELFDATANONE;
	expect_error(&m, "bad ELF data encoding", EI_DATA);

	img_std(&m);
	m.buf[EI_VERSION] = EV_NONE;
	expect_error(&m, "bad ELF version", EI_VERSION);
	img_std(&m);
	ehdr(&m)->version = 2;
	expect_error(&m, "bad ELF version", EH_AT(version));
}

static void test_bad_machine(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	ehdr(&m)->machine = EM_X86_64;
	expect_error(&m, "not a RISC-V file (e_machine)", EH_AT(machine));
	ehdr(&m)->machine = EM_NONE;
	expect_error(&m, "not a RISC-V file (e_machine)", EH_AT(machine));
}

static void test_bad_type(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	ehdr(&m)->type = ET_DYN;
	expect_error(&m, "position-independent (ET_DYN) executables are not supported",
		     EH_AT(type));
	ehdr(&m)->type = ET_REL;
	expect_error(&m, "relocatable object (ET_REL), not an executable", EH_AT(type));
	ehdr(&m)->type = ET_CORE;
	expect_error(&m, "core file (ET_CORE), not an executable", EH_AT(type));
	ehdr(&m)->type = ET_NONE;
	expect_error(&m, "bad ELF type: not an executable", EH_AT(type));
	ehdr(&m)->type = ET_LOOS;
	expect_error(&m, "bad ELF type: not an executable", EH_AT(type));
}

static void test_bad_header_sizes(void **state)
{
	static const uint16_t eh[] = { 0, 52, 63, 65, 0xffff };
	static const uint16_t ph[] = { 0, 32, 55, 57, 64, 0xffff };
	static struct img m;

	(void)state;
	for (size_t i = 0; i < sizeof(eh) / sizeof(eh[0]); i++) {
		img_std(&m);
		ehdr(&m)->ehsize = eh[i];
		expect_error(&m, "bad e_ehsize", EH_AT(ehsize));
	}
	for (size_t i = 0; i < sizeof(ph) / sizeof(ph[0]); i++) {
		img_std(&m);
		ehdr(&m)->phentsize = ph[i];
		expect_error(&m, "bad e_phentsize", EH_AT(phentsize));
	}
}

static void test_bad_phoff(void **state)
{
	static const uint64_t bad[] = { 0x841, 0x840 - 56, ~0ull, ~0ull - 55, ~0ull - 111,
					1ull << 63, 0x100000000ull };
	static struct img m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img_std(&m);
		m.len = 0x840;
		ehdr(&m)->phoff = bad[i];
		expect_error(&m, "program headers past end of file", EH_AT(phoff));
	}
	/* Exactly at the end with room for the table is fine (see test_phdrs_elsewhere). */
}

static void test_bad_phnum(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	ehdr(&m)->phnum = 0;
	expect_error(&m, "no loadable segments", EH_AT(phnum));
	ehdr(&m)->phnum = PN_XNUM;
	expect_error(&m, "too many program headers (PN_XNUM)", EH_AT(phnum));
	ehdr(&m)->phnum = 0xfffe;
	expect_error(&m, "program headers past end of file", EH_AT(phoff));
	ehdr(&m)->phnum = 3 + (uint16_t)((m.len - PHOFF) / 56);
	expect_error(&m, "program headers past end of file", EH_AT(phoff));
}

static void test_filesz_over_memsz(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 1)->memsz = 0x3f;
	expect_error(&m, "segment file size exceeds memory size", PH_AT(1, filesz));
	phdr(&m, 1)->memsz = 0;
	expect_error(&m, "segment file size exceeds memory size", PH_AT(1, filesz));
}

static void test_data_past_end(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 1)->filesz = 0x41;
	expect_error(&m, "segment data past end of file", PH_AT(1, offset));
	img_std(&m);
	phdr(&m, 1)->offset = ~0ull - 0xfff + 0x800; /* congruent, far past the end */
	expect_error(&m, "segment data past end of file", PH_AT(1, offset));
	img_std(&m);
	phdr(&m, 1)->filesz = phdr(&m, 1)->memsz = ~0ull - 0x7ff; /* offset + filesz == 2^64 */
	expect_error(&m, "segment data past end of file", PH_AT(1, offset));
	img_std(&m);
	phdr(&m, 1)->offset = 0x1800; /* bss only, but offset past the end */
	phdr(&m, 1)->filesz = 0;
	expect_error(&m, "segment data past end of file", PH_AT(1, offset));
	phdr(&m, 1)->offset = 0x840; /* at the very end: empty range, fine */
	phdr(&m, 1)->vaddr = 0x11840;
	assert_true(parse_len(&m, m.len, &(struct elf_image){ 0 }, NULL));
	img_std(&m);
	phdr(&m, 0)->filesz = phdr(&m, 0)->memsz = ~0ull;
	expect_error(&m, "segment data past end of file", PH_AT(0, offset));
}

static void test_vaddr_overflow(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 1)->vaddr = ~0ull - 0xfff + 0x800;
	phdr(&m, 1)->memsz = 0x1000;
	expect_error(&m, "segment address range overflows", PH_AT(1, vaddr));
	phdr(&m, 1)->memsz = ~0ull;
	expect_error(&m, "segment address range overflows", PH_AT(1, vaddr));
	/* Ending exactly at 2^64 is not representable either. */
	phdr(&m, 1)->memsz = 0x800;
	expect_error(&m, "segment address range overflows", PH_AT(1, vaddr));
	phdr(&m, 1)->memsz = 0x7ff;
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
}

static void test_outside_user(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 1)->vaddr = 0x800; /* below user_min, same page offset */
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
	phdr(&m, 1)->vaddr = UMAX + 0x800;
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
	phdr(&m, 1)->vaddr = UMAX - 0x800; /* starts inside, ends outside */
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
	phdr(&m, 1)->vaddr = 0xffffffc000000800ull; /* kernel half */
	expect_error(&m, "segment outside user address space", PH_AT(1, vaddr));
}

static void test_misaligned_offset(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 1)->vaddr = 0x11804;
	expect_error(&m, "segment address and file offset differ modulo the page size",
		     PH_AT(1, vaddr));
	img_std(&m);
	phdr(&m, 1)->vaddr = 0x11000;
	expect_error(&m, "segment address and file offset differ modulo the page size",
		     PH_AT(1, vaddr));
}

static void test_bad_align(void **state)
{
	static const uint64_t bad[] = { 3, 6, 0x1001, 0x3000, ~0ull };
	static struct img m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img_std(&m);
		phdr(&m, 1)->align = bad[i];
		expect_error(&m, "segment alignment not a power of two", PH_AT(1, align));
	}
}

static void test_overlap(void **state)
{
	static struct img m;

	(void)state;
	/* Data right after text on the same page; then one byte into it. */
	img_std(&m);
	phdr(&m, 1)->vaddr = 0x10800;
	expect_error(&m, "segments share a page", PH_AT(1, vaddr));
	phdr(&m, 0)->memsz = 0x801;
	expect_error(&m, "segments overlap", PH_AT(1, vaddr));

	/* Identical segments. */
	img_init(&m, 0x10000);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x100, 0x100);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x100, 0x100);
	expect_error(&m, "segments overlap", PH_AT(1, vaddr));

	/* One inside the other, reported at the later header in the file. */
	img_init(&m, 0x10000);
	img_load(&m, PF_R, 0x200, 0x20200, 0x10, 0x10);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x100, 0x20000);
	expect_error(&m, "segments overlap", PH_AT(1, vaddr));

	/* Disjoint bytes on one page, in either file order. */
	img_init(&m, 0x10000);
	img_load(&m, PF_R | PF_W, 0x100, 0x10100, 0x10, 0x10);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x100, 0x100);
	expect_error(&m, "segments share a page", PH_AT(1, vaddr));

	/* Sharing the last page of a multi-page segment. */
	img_init(&m, 0x10000);
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0x100, 0x2001);
	img_load(&m, PF_R, 0x3000, 0x13000, 0x10, 0x10);
	img_load(&m, PF_R | PF_W, 0x2ff0, 0x12ff0, 0x10, 0x10);
	expect_error(&m, "segments share a page", PH_AT(2, vaddr));
}

static void test_rights(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	phdr(&m, 0)->flags = PF_R | PF_W | PF_X;
	expect_error(&m, "writable and executable segment (W^X)", PH_AT(0, flags));
	phdr(&m, 0)->flags = PF_W | PF_X;
	expect_error(&m, "writable and executable segment (W^X)", PH_AT(0, flags));
	img_std(&m);
	phdr(&m, 1)->flags = 0;
	expect_error(&m, "segment has no access rights", PH_AT(1, flags));
	phdr(&m, 1)->flags = PF_MASKOS | PF_MASKPROC;
	expect_error(&m, "segment has no access rights", PH_AT(1, flags));
	phdr(&m, 1)->flags = PF_W;
	expect_error(&m, "write-only segment", PH_AT(1, flags));
}

static void test_dynamic(void **state)
{
	static struct img m;

	(void)state;
	img_std(&m);
	img_phdr(&m, PT_INTERP, PF_R, 0x100, 0x10100, 0x1c, 0x1c, 1);
	expect_error(&m, "dynamically linked executables are not supported", PH_AT(2, type));
	img_std(&m);
	img_phdr(&m, PT_DYNAMIC, PF_R | PF_W, 0x800, 0x11800, 0x40, 0x40, 8);
	expect_error(&m, "dynamically linked executables are not supported", PH_AT(2, type));
}

static void test_no_load(void **state)
{
	static struct img m;

	(void)state;
	img_init(&m, 0x10000);
	img_phdr(&m, PT_NOTE, PF_R, 0x100, 0x10100, 0x24, 0x24, 4);
	img_phdr(&m, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	expect_error(&m, "no loadable segments", EH_AT(phnum));
	img_load(&m, PF_R | PF_X, 0, 0x10000, 0, 0); /* empty: skipped */
	expect_error(&m, "no loadable segments", EH_AT(phnum));
}

static void test_too_many_segments(void **state)
{
	static struct img m;

	(void)state;
	img_init(&m, 0x10000);
	for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
		img_load(&m, i == 0 ? PF_R | PF_X : PF_R, 0, 0x10000 + i * PAGE, 0x10, 0x10);
	expect_error(&m, "too many loadable segments", PH_AT(ELF_MAX_SEGMENTS, type));
	/* Extra empty PT_LOADs do not count. */
	ehdr(&m)->phnum--;
	img_load(&m, PF_R, 0, 0x10000, 0, 0);
	img_load(&m, PF_R, 0, 0x10000, 0, 0);
	assert_true(parse_len(&m, m.len, &(struct elf_image){ 0 }, NULL));
}

/* Failures need no error record. */
static void test_null_err(void **state)
{
	static struct img m;
	struct elf_image img;

	(void)state;
	img_std(&m);
	assert_false(parse_len(&m, 10, &img, NULL));
	phdr(&m, 0)->flags |= PF_W;
	assert_false(parse_len(&m, m.len, &img, NULL));
	assert_false(elf_parse(NULL, 0, UMIN, UMAX, &img, NULL));
}

static uint32_t lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/*
 * Deterministic random damage to the header region: any verdict is fine, a
 * success must keep every promise (check_image()), nothing may crash.
 */
static void test_random_corruption(void **state)
{
	static struct img base, m;
	uint32_t seed = 4242;
	unsigned accepted = 0;

	(void)state;
	img_std(&base);
	img_phdr(&base, PT_NOTE, PF_R, 0x100, 0x10100, 0x24, 0x24, 4);
	img_load(&base, PF_R, 0xa00, 0x40a00, 0x100, 0x300);
	for (int round = 0; round < 50000; round++) {
		struct elf_image img;
		struct parse_error err = { 0 };
		size_t hot = PHOFF + 4 * sizeof(struct t_phdr);

		memcpy(m.buf, base.buf, base.len);
		m.len = base.len;
		for (int k = 0; k < 1 + round % 3; k++) {
			uint32_t r = lcg(&seed);

			/* Mostly in the headers, where the decisions are made. */
			m.buf[r % (round & 4 ? m.len : hot)] = (uint8_t)lcg(&seed);
		}
		if (round % 5 == 0)
			m.len -= lcg(&seed) % m.len;
		accepted += parse_range(m.buf, m.len, UMIN, UMAX, &img, &err);
	}
	assert_true(accepted > 0);
}

/* ---- a real executable ---- */

static uint8_t *read_sample(size_t *len)
{
	const char *dir = getenv("VIREO_TEST_DATA");
	char path[4096];
	uint8_t *buf;
	FILE *f;

	if (!dir)
		fail_msg("VIREO_TEST_DATA is not set");
	snprintf(path, sizeof(path), "%s/sample.elf", dir);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(*len > 0 && *len < (1 << 20));
	return buf;
}

static void test_sample_file(void **state)
{
	size_t len, file_end = 0;
	uint8_t *buf = read_sample(&len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	struct elf_image img;
	struct parse_error err = { 0 };
	unsigned nload = 0;

	(void)state;
	/* The build makes sample.elf from "void _start(void){for(;;);} int data_var = 3;" */
	if (!parse_range(buf, len, UMIN, UMAX, &img, &err))
		fail_msg("sample.elf: %s at offset %zu", err.what, err.offset);
	/* Cross-check against the host's <elf.h> reading of the same bytes. */
	assert_int_equal(img.entry, eh->e_entry);
	assert_int_equal(img.machine_flags, eh->e_flags);
	file_end = eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(buf + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		nload++;
		if (ph->p_offset + ph->p_filesz > file_end)
			file_end = ph->p_offset + ph->p_filesz;
	}
	assert_int_equal(img.nsegments, nload);
	assert_int_equal(img.nsegments, 2);
	assert_int_equal(img.seg[0].flags, ELF_R | ELF_X);
	assert_int_equal(img.seg[1].flags, ELF_R | ELF_W);
	assert_true(img.seg[1].filesz >= sizeof(int)); /* data_var */

	/* Cut anywhere before the last loaded byte: rejected; after: fine. */
	for (size_t cut = 0; cut <= len; cut++) {
		bool ok = parse_range(buf, cut, UMIN, UMAX, &img, &err);

		if (ok != (cut >= file_end))
			fail_msg("sample.elf cut to %zu bytes: %s", cut,
				 ok ? "accepted" : err.what);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_segment),
		cmocka_unit_test(test_text_data_bss),
		cmocka_unit_test(test_pure_bss),
		cmocka_unit_test(test_max_segments_sorted),
		cmocka_unit_test(test_adjacent_pages),
		cmocka_unit_test(test_ignored_headers),
		cmocka_unit_test(test_zero_memsz_skipped),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_user_range_edges),
		cmocka_unit_test(test_bad_user_range),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_sections_ignored),
		cmocka_unit_test(test_unaligned_base),
		cmocka_unit_test(test_phdrs_elsewhere),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_truncation_messages),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_bad_machine),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_header_sizes),
		cmocka_unit_test(test_bad_phoff),
		cmocka_unit_test(test_bad_phnum),
		cmocka_unit_test(test_filesz_over_memsz),
		cmocka_unit_test(test_data_past_end),
		cmocka_unit_test(test_vaddr_overflow),
		cmocka_unit_test(test_outside_user),
		cmocka_unit_test(test_misaligned_offset),
		cmocka_unit_test(test_bad_align),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_null_err),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_sample_file),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
