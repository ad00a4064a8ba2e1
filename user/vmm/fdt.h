/*
 * Writing a flattened device tree (Devicetree spec 0.4, ch. 5): nodes and
 * properties in order, into a caller's buffer. Running out of room is
 * remembered, not fatal: fdtw_finish() then reports it.
 */
#ifndef VMM_FDT_H
#define VMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_STRINGS 1024

struct fdt_writer {
	uint8_t *buf;      /* the structure block is built here, after the header */
	size_t cap, used;
	char strings[FDT_MAX_STRINGS];
	size_t strings_used;
	unsigned depth;
	bool overflow;
};

void fdtw_begin(struct fdt_writer *f, void *buf, size_t cap);
void fdtw_node(struct fdt_writer *f, const char *name);
void fdtw_end_node(struct fdt_writer *f);
void fdtw_prop(struct fdt_writer *f, const char *name, const void *data, size_t len);
void fdtw_prop_str(struct fdt_writer *f, const char *name, const char *value);
void fdtw_prop_u32(struct fdt_writer *f, const char *name, uint32_t value);
/* A list of n 32-bit cells. */
void fdtw_prop_cells(struct fdt_writer *f, const char *name, const uint32_t *cells, unsigned n);
/* Two-cell address and size pairs (#address-cells = #size-cells = 2). */
void fdtw_prop_reg(struct fdt_writer *f, const char *name, uint64_t addr, uint64_t size);
void fdtw_prop_u64(struct fdt_writer *f, const char *name, uint64_t value);

/* Close the tree; its total size, or 0 if it did not fit or is unbalanced. */
size_t fdtw_finish(struct fdt_writer *f);

#endif
