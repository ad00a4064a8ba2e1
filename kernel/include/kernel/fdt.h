/*
 * Read-only flattened device tree (DTB) parser.
 *
 * The blob comes from firmware and is treated as hostile: fdt_open() checks
 * the header and walks the whole structure block once (Devicetree
 * Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format"). The
 * accessors below rely on that walk for the shape of the tree, but still
 * bounds-check every read, so a blob that changes after fdt_open() can make
 * them return "not found" but never read outside [blob, blob + totalsize).
 *
 * Layout of a blob (§5.1), every offset relative to its first byte:
 *
 *   +---------------------------+ 0
 *   | struct fdt_header (40 B)  |
 *   +---------------------------+ off_mem_rsvmap (8-aligned)
 *   | memory reservation block |  {be64 address, be64 size}..., {0, 0}
 *   +---------------------------+ off_dt_struct (4-aligned)
 *   | structure block          |  tokens: BEGIN_NODE name, PROP len nameoff
 *   |                          |  data, END_NODE, NOP, ..., END
 *   +---------------------------+ off_dt_strings
 *   | strings block            |  NUL-terminated property names
 *   +---------------------------+ totalsize
 *
 * Node handles are the blob offset of the node's FDT_BEGIN_NODE token.
 * Nothing here allocates or keeps global state.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>
#include <kernel/parse.h>
#include <kernel/types.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u     /* version 17 header, §5.2 */
#define FDT_MIN_VERSION 16u     /* oldest layout we read */
#define FDT_MAX_COMP_VERSION 17u /* newest layout we are compatible with */
#define FDT_MAX_DEPTH 32u       /* nesting limit; the root is depth 1 */

/* Structure block tokens, §5.4.1. */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE 0x2u
#define FDT_PROP 0x3u
#define FDT_NOP 0x4u
#define FDT_END 0x9u

/* An opened, validated blob. Fields are private to kernel/fdt.c. */
struct fdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t struct_off;   /* first byte of the structure block */
	uint32_t struct_end;   /* one past its last byte */
	uint32_t strings_off;
	uint32_t strings_size;
	uint32_t rsvmap_off;
	uint32_t boot_cpuid;   /* boot_cpuid_phys from the header */
	uint32_t root;         /* offset of the root node's BEGIN_NODE */
};

/* A node: blob offset of its FDT_BEGIN_NODE token. */
struct fdt_node {
	uint32_t off;
};

/* A property as found in the structure block. */
struct fdt_prop {
	const char *name;      /* NUL-terminated, inside the strings block */
	const uint8_t *data;   /* len bytes inside the structure block */
	uint32_t len;
	uint32_t off;          /* blob offset of the FDT_PROP token (errors) */
	uint32_t next;         /* offset of the following token (iteration) */
};

/* Iterates a validated `reg` property as (base, size) pairs. */
struct fdt_reg_iter {
	const uint8_t *pos;
	const uint8_t *end;
	uint32_t addr_cells;
	uint32_t size_cells;
};

/* Iterates the memory reservation block (§5.3). */
struct fdt_rsv_iter {
	uint32_t off;          /* offset of the next entry */
};

/* Big-endian loads from unaligned bytes: the blob's alignment is unknown. */
static inline uint32_t fdt_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t fdt_load_be64(const uint8_t *p)
{
	return (uint64_t)fdt_load_be32(p) << 32 | fdt_load_be32(p + 4);
}

/*
 * Read the header's totalsize from the first avail bytes of a blob, checking
 * only the magic and that the size covers a header: lets early boot map the
 * rest before calling fdt_open(). Returns false and fills err on bad data.
 */
must_check bool fdt_header_totalsize(const void *blob, size_t avail, size_t *totalsize,
				     struct parse_error *err);

/*
 * Validate the blob's header, memory reservation block and structure block
 * (avail = bytes readable at blob). On success fills *fdt; on failure returns
 * false with err naming the first problem and its offset.
 */
must_check bool fdt_open(struct fdt *fdt, const void *blob, size_t avail,
			 struct parse_error *err);

/* The root node of an opened tree. */
struct fdt_node fdt_root(const struct fdt *fdt);

/* Full node name, e.g. "serial@10000000"; "" for the root. */
const char *fdt_node_name(const struct fdt *fdt, struct fdt_node node);

/* Length of the node name without its "@unit-address" part (§2.2.1). */
size_t fdt_node_basename_len(const struct fdt *fdt, struct fdt_node node);

/* Does the node name without unit address equal base? */
bool fdt_node_basename_is(const struct fdt *fdt, struct fdt_node node, const char *base);

/* First child of node in document order; false if it has none. */
bool fdt_first_child(const struct fdt *fdt, struct fdt_node node, struct fdt_node *child);

/* Next sibling of node; false if it is the last child. */
bool fdt_next_sibling(const struct fdt *fdt, struct fdt_node node, struct fdt_node *sibling);

/* The node after node in depth-first document order; false at the end. */
bool fdt_next_node(const struct fdt *fdt, struct fdt_node node, struct fdt_node *next);

/* Parent of node; false for the root. Walks from the root: O(tree size). */
bool fdt_parent(const struct fdt *fdt, struct fdt_node node, struct fdt_node *parent);

/*
 * Find a node by path of len bytes (stops early at a NUL). An absolute path
 * ("/soc/serial@10000000") or an alias from /aliases, optionally followed by
 * "/more/components" (§3.3). A component without "@" matches a node's name
 * without unit address (§2.2.3); the first match wins.
 */
bool fdt_find_path_n(const struct fdt *fdt, const char *path, size_t len, struct fdt_node *out);

/* fdt_find_path_n() for a NUL-terminated path, e.g. "/chosen". */
bool fdt_find_path(const struct fdt *fdt, const char *path, struct fdt_node *out);

/* First property of node; false if it has none. */
bool fdt_first_prop(const struct fdt *fdt, struct fdt_node node, struct fdt_prop *prop);

/* Property after prop in the same node; false if prop was the last. */
bool fdt_next_prop(const struct fdt *fdt, const struct fdt_prop *prop, struct fdt_prop *next);

/* Look up a property of node by name; false if absent. */
bool fdt_get_prop(const struct fdt *fdt, struct fdt_node node, const char *name,
		  struct fdt_prop *prop);

/* Read a property that must be exactly one u32 cell (§2.2.4). */
must_check bool fdt_prop_u32(const struct fdt_prop *prop, uint32_t *out, struct parse_error *err);

/* Read a property that is one u32 or one u64 (e.g. timebase-frequency). */
must_check bool fdt_prop_uint(const struct fdt_prop *prop, uint64_t *out, struct parse_error *err);

/* Read a <string> property; must be NUL-terminated within its length. */
must_check bool fdt_prop_string(const struct fdt_prop *prop, const char **out,
				struct parse_error *err);

/*
 * Step through a <stringlist> property: *pos starts at 0. Returns false at
 * the end; an unterminated tail is never returned.
 */
bool fdt_stringlist_next(const struct fdt_prop *prop, size_t *pos, const char **s);

/* Does the <stringlist> property contain exactly s? */
bool fdt_stringlist_contains(const struct fdt_prop *prop, const char *s);

/* Does node's "compatible" list contain compat (§2.3.1)? */
bool fdt_node_is_compatible(const struct fdt *fdt, struct fdt_node node, const char *compat);

/* Is node's "status" absent, "okay" or the legacy "ok" (§2.3.4)? */
bool fdt_node_is_enabled(const struct fdt *fdt, struct fdt_node node);

/*
 * #address-cells and #size-cells that node gives its children (§2.3.5):
 * not inherited, default 2 and 1. Fails if either is not one u32.
 */
must_check bool fdt_bus_cells(const struct fdt *fdt, struct fdt_node node, uint32_t *addr_cells,
			      uint32_t *size_cells, struct parse_error *err);

/*
 * Prepare to iterate node's "reg" (§2.3.6) using its parent's cell counts.
 * Fails if reg is missing, the cells are unsupported (address 1-2, size 0-2)
 * or its length is not whole entries, or any base + size wraps past 2^64.
 * Addresses are bus addresses: "ranges" are not applied.
 */
must_check bool fdt_reg_begin(const struct fdt *fdt, struct fdt_node node,
			      struct fdt_reg_iter *it, struct parse_error *err);

/* Next (base, size) entry of a reg iteration; false when done. */
bool fdt_reg_next(struct fdt_reg_iter *it, struct pa_range *range);

/* First entry of node's reg; fails like fdt_reg_begin() or if reg is empty. */
must_check bool fdt_reg_first(const struct fdt *fdt, struct fdt_node node, struct pa_range *range,
			      struct parse_error *err);

/* Start iterating the memory reservation block. */
void fdt_rsv_begin(const struct fdt *fdt, struct fdt_rsv_iter *it);

/*
 * Next reservation as raw (address, size): may wrap, callers check. Returns
 * false at the terminating {0, 0} entry. *entry_off gets the entry's offset.
 */
bool fdt_rsv_next(const struct fdt *fdt, struct fdt_rsv_iter *it, uint64_t *address,
		  uint64_t *size, size_t *entry_off);

#endif
