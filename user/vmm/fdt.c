/*
 * The device tree writer (see fdt.h). Layout of the blob:
 *
 *   header (40 bytes) | reservation map (one empty entry, 16 bytes)
 *   | structure block | strings block
 *
 * The structure block is written in place after the reservation map; the
 * strings are collected apart and appended by fdtw_finish(). All numbers
 * are big-endian.
 */
#include <string.h>

#include "fdt.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_END 9
#define HEADER_SIZE 40
#define RSVMAP_SIZE 16
#define STRUCT_START (HEADER_SIZE + RSVMAP_SIZE)

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void emit(struct fdt_writer *f, const void *data, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	if (f->overflow || padded > f->cap - f->used) {
		f->overflow = true;
		return;
	}
	if (len) /* empty properties come with no data */
		memcpy(f->buf + f->used, data, len);
	memset(f->buf + f->used + len, 0, padded - len);
	f->used += padded;
}

static void emit32(struct fdt_writer *f, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	emit(f, b, 4);
}

/* The offset of name in the strings block, added if new. */
static uint32_t string_offset(struct fdt_writer *f, const char *name)
{
	size_t len = strlen(name) + 1;

	for (size_t off = 0; off < f->strings_used; off += strlen(f->strings + off) + 1)
		if (strcmp(f->strings + off, name) == 0)
			return (uint32_t)off;
	if (len > sizeof(f->strings) - f->strings_used) {
		f->overflow = true;
		return 0;
	}
	memcpy(f->strings + f->strings_used, name, len);
	f->strings_used += len;
	return (uint32_t)(f->strings_used - len);
}

void fdtw_begin(struct fdt_writer *f, void *buf, size_t cap)
{
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->cap = cap;
	if (cap < STRUCT_START) {
		f->overflow = true;
		return;
	}
	memset(f->buf, 0, STRUCT_START);
	f->used = STRUCT_START;
}

void fdtw_node(struct fdt_writer *f, const char *name)
{
	emit32(f, FDT_BEGIN_NODE);
	emit(f, name, strlen(name) + 1);
	f->depth++;
}

void fdtw_end_node(struct fdt_writer *f)
{
	emit32(f, FDT_END_NODE);
	f->depth--;
}

void fdtw_prop(struct fdt_writer *f, const char *name, const void *data, size_t len)
{
	emit32(f, FDT_PROP);
	emit32(f, (uint32_t)len);
	emit32(f, string_offset(f, name));
	emit(f, data, len);
}

void fdtw_prop_str(struct fdt_writer *f, const char *name, const char *value)
{
	fdtw_prop(f, name, value, strlen(value) + 1);
}

void fdtw_prop_cells(struct fdt_writer *f, const char *name, const uint32_t *cells, unsigned n)
{
	uint8_t b[4 * 16];

	if (n > 16) {
		f->overflow = true;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		put32(b + 4 * i, cells[i]);
	fdtw_prop(f, name, b, 4 * n);
}

void fdtw_prop_u32(struct fdt_writer *f, const char *name, uint32_t value)
{
	fdtw_prop_cells(f, name, &value, 1);
}

void fdtw_prop_u64(struct fdt_writer *f, const char *name, uint64_t value)
{
	uint32_t c[2] = { (uint32_t)(value >> 32), (uint32_t)value };

	fdtw_prop_cells(f, name, c, 2);
}

void fdtw_prop_reg(struct fdt_writer *f, const char *name, uint64_t addr, uint64_t size)
{
	uint32_t c[4] = { (uint32_t)(addr >> 32), (uint32_t)addr, (uint32_t)(size >> 32),
			  (uint32_t)size };

	fdtw_prop_cells(f, name, c, 4);
}

size_t fdtw_finish(struct fdt_writer *f)
{
	size_t struct_size, total;

	emit32(f, FDT_END);
	struct_size = f->used - STRUCT_START;
	emit(f, f->strings, f->strings_used);
	if (f->overflow || f->depth != 0)
		return 0;
	total = f->used;
	put32(f->buf + 0, FDT_MAGIC);
	put32(f->buf + 4, (uint32_t)total);
	put32(f->buf + 8, STRUCT_START);                      /* off_dt_struct */
	put32(f->buf + 12, (uint32_t)(STRUCT_START + struct_size)); /* off_dt_strings */
	put32(f->buf + 16, HEADER_SIZE);                      /* off_mem_rsvmap */
	put32(f->buf + 20, 17);                               /* version */
	put32(f->buf + 24, 16);                               /* last_comp_version */
	put32(f->buf + 28, 0);                                /* boot_cpuid_phys */
	put32(f->buf + 32, (uint32_t)f->strings_used);        /* size_dt_strings */
	put32(f->buf + 36, (uint32_t)struct_size);            /* size_dt_struct */
	return total;
}
