/*
 * Flattened device tree parser: see <kernel/fdt.h> for the blob layout.
 * Section numbers cite the Devicetree Specification v0.4.
 *
 * All offset arithmetic is done in uint64_t: every field is a u32 from the
 * blob, so sums of two fields cannot overflow 64 bits, and a result is only
 * narrowed back to u32 after it has been checked against totalsize.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>
#include <kernel/fdt.h>
#include <kernel/parse.h>
#include <kernel/string.h>
#include <kernel/types.h>

/* Byte offsets of the header fields, §5.2. */
#define HDR_MAGIC 0u
#define HDR_TOTALSIZE 4u
#define HDR_OFF_STRUCT 8u
#define HDR_OFF_STRINGS 12u
#define HDR_OFF_RSVMAP 16u
#define HDR_VERSION 20u
#define HDR_LAST_COMP 24u
#define HDR_BOOT_CPUID 28u
#define HDR_SIZE_STRINGS 32u
#define HDR_SIZE_STRUCT 36u

#define RSV_ENTRY_SIZE 16u

/* One decoded structure-block token. */
struct fdt_token {
	uint32_t tag;
	uint32_t off;          /* offset of the token itself */
	uint32_t next;         /* offset of the token after it */
	const char *name;      /* BEGIN_NODE: node name; PROP: property name */
	const uint8_t *data;   /* PROP: value */
	uint32_t len;          /* PROP: value length */
};

static uint32_t hdr_field(const uint8_t *blob, uint32_t field)
{
	return fdt_load_be32(blob + field);
}

/*
 * Tokens start 4-byte aligned (§5.4.1). If padding would run past the end of
 * the structure block, point at its end so the next read reports it.
 */
static uint32_t token_align(const struct fdt *fdt, uint64_t off)
{
	uint64_t aligned = ALIGN_UP(off, 4u);

	return aligned > fdt->struct_end ? fdt->struct_end : (uint32_t)aligned;
}

/* BEGIN_NODE is followed by the NUL-terminated node name, padded (§5.4.1). */
static bool token_read_begin(const struct fdt *fdt, struct fdt_token *tok,
			     struct parse_error *err)
{
	uint32_t body = tok->off + 4;
	size_t room = fdt->struct_end - body;
	const char *name = (const char *)fdt->blob + body;
	size_t n = strnlen(name, room);

	if (n == room) {
		parse_fail(err, "unterminated node name", tok->off);
		return false;
	}
	tok->name = name;
	tok->next = token_align(fdt, (uint64_t)body + n + 1);
	return true;
}

/* PROP is followed by be32 len, be32 nameoff and len bytes of value (§5.4.1). */
static bool token_read_prop(const struct fdt *fdt, struct fdt_token *tok,
			    struct parse_error *err)
{
	uint64_t body = (uint64_t)tok->off + 4;
	uint64_t data;
	uint32_t nameoff;
	const char *name;

	if (body + 8 > fdt->struct_end) {
		parse_fail(err, "truncated property header", tok->off);
		return false;
	}
	tok->len = fdt_load_be32(fdt->blob + body);
	nameoff = fdt_load_be32(fdt->blob + body + 4);
	data = body + 8;
	if (tok->len > fdt->struct_end - data) {
		parse_fail(err, "property length past end of structure block", tok->off);
		return false;
	}
	if (nameoff >= fdt->strings_size) {
		parse_fail(err, "property name offset outside strings block", tok->off);
		return false;
	}
	name = (const char *)fdt->blob + fdt->strings_off + nameoff;
	if (strnlen(name, fdt->strings_size - nameoff) == fdt->strings_size - nameoff) {
		parse_fail(err, "unterminated property name in strings block", tok->off);
		return false;
	}
	tok->name = name;
	tok->data = fdt->blob + data;
	tok->next = token_align(fdt, data + tok->len);
	return true;
}

/*
 * Decode the token at off, checking everything it points at. The structure
 * walk in fdt_open() and every accessor go through here.
 */
static bool token_read(const struct fdt *fdt, uint32_t off, struct fdt_token *tok,
		       struct parse_error *err)
{
	if (off < fdt->struct_off || (uint64_t)off + 4 > fdt->struct_end) {
		parse_fail(err, "structure block ends without FDT_END", off);
		return false;
	}
	tok->off = off;
	tok->tag = fdt_load_be32(fdt->blob + off);
	tok->next = off + 4;
	tok->name = NULL;
	tok->data = NULL;
	tok->len = 0;
	switch (tok->tag) {
	case FDT_BEGIN_NODE:
		return token_read_begin(fdt, tok, err);
	case FDT_PROP:
		return token_read_prop(fdt, tok, err);
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		return true;
	default:
		parse_fail(err, "unknown structure block token", off);
		return false;
	}
}

/* The first token at or after off that is not an FDT_NOP. */
static bool token_skip_nops(const struct fdt *fdt, uint32_t off, struct fdt_token *tok)
{
	for (;;) {
		if (!token_read(fdt, off, tok, NULL))
			return false;
		if (tok->tag != FDT_NOP)
			return true;
		off = tok->next;
	}
}

/* A block [off, off + size) must lie after the header and inside totalsize. */
static bool check_block(uint32_t totalsize, uint32_t off, uint32_t size, const char *what,
			size_t field, struct parse_error *err)
{
	if (off < FDT_HEADER_SIZE || off > totalsize || size > totalsize - off) {
		parse_fail(err, what, field);
		return false;
	}
	return true;
}

static bool check_versions(const uint8_t *b, struct parse_error *err)
{
	if (hdr_field(b, HDR_VERSION) < FDT_MIN_VERSION) {
		parse_fail(err, "unsupported version (< 16)", HDR_VERSION);
		return false;
	}
	if (hdr_field(b, HDR_LAST_COMP) > FDT_MAX_COMP_VERSION) {
		parse_fail(err, "incompatible last_comp_version (> 17)", HDR_LAST_COMP);
		return false;
	}
	return true;
}

/* Header checks of §5.2; fills the block bounds of f. */
static bool check_header(struct fdt *f, const uint8_t *b, size_t avail,
			 struct parse_error *err)
{
	size_t total;
	uint32_t struct_size;

	if (!fdt_header_totalsize(b, avail, &total, err))
		return false;
	if (total > avail) {
		parse_fail(err, "totalsize larger than available bytes", HDR_TOTALSIZE);
		return false;
	}
	if (!check_versions(b, err))
		return false;
	f->blob = b;
	f->totalsize = (uint32_t)total;
	f->struct_off = hdr_field(b, HDR_OFF_STRUCT);
	f->strings_off = hdr_field(b, HDR_OFF_STRINGS);
	f->strings_size = hdr_field(b, HDR_SIZE_STRINGS);
	f->rsvmap_off = hdr_field(b, HDR_OFF_RSVMAP);
	f->boot_cpuid = hdr_field(b, HDR_BOOT_CPUID);
	/* size_dt_struct only exists from version 17 on (§5.2). */
	if (hdr_field(b, HDR_VERSION) >= 17)
		struct_size = hdr_field(b, HDR_SIZE_STRUCT);
	else
		struct_size = f->struct_off <= f->totalsize ? f->totalsize - f->struct_off : 0;
	if (!check_block(f->totalsize, f->struct_off, struct_size,
			 "structure block out of bounds", HDR_OFF_STRUCT, err))
		return false;
	if (!IS_ALIGNED(f->struct_off, 4u)) {
		parse_fail(err, "structure block misaligned", HDR_OFF_STRUCT);
		return false;
	}
	f->struct_end = f->struct_off + struct_size;
	return check_block(f->totalsize, f->strings_off, f->strings_size,
			   "strings block out of bounds", HDR_OFF_STRINGS, err);
}

/* §5.3: 8-aligned {be64 address, be64 size} entries ending with {0, 0}. */
static bool check_rsvmap(const struct fdt *f, struct parse_error *err)
{
	uint64_t off = f->rsvmap_off;

	if (off < FDT_HEADER_SIZE || off > f->totalsize) {
		parse_fail(err, "memory reservation block out of bounds", HDR_OFF_RSVMAP);
		return false;
	}
	if (!IS_ALIGNED(off, 8u)) {
		parse_fail(err, "memory reservation block misaligned", HDR_OFF_RSVMAP);
		return false;
	}
	for (; off + RSV_ENTRY_SIZE <= f->totalsize; off += RSV_ENTRY_SIZE) {
		if (fdt_load_be64(f->blob + off) == 0 && fdt_load_be64(f->blob + off + 8) == 0)
			return true;
	}
	parse_fail(err, "memory reservation block not terminated", f->rsvmap_off);
	return false;
}

/* State of the single structure-block walk in check_struct(). */
struct walk {
	uint32_t depth;        /* nodes open; the root is depth 1 */
	bool seen_root;
	bool props_allowed;    /* no child node seen yet in the current node */
};

static bool walk_begin(struct fdt *f, struct walk *w, const struct fdt_token *tok,
		       struct parse_error *err)
{
	if (w->depth == 0 && w->seen_root) {
		parse_fail(err, "more than one root node", tok->off);
		return false;
	}
	/* §5.4.2: the root node's name is empty; other names are not (§2.2.1). */
	if (w->depth == 0 && tok->name[0] != '\0') {
		parse_fail(err, "root node name not empty", tok->off);
		return false;
	}
	if (w->depth > 0 && tok->name[0] == '\0') {
		parse_fail(err, "empty node name", tok->off);
		return false;
	}
	if (w->depth == FDT_MAX_DEPTH) {
		parse_fail(err, "nodes nested too deeply", tok->off);
		return false;
	}
	if (w->depth == 0) {
		f->root = tok->off;
		w->seen_root = true;
	}
	w->depth++;
	w->props_allowed = true;
	return true;
}

/* Check one token against the grammar of §5.4.2; *done at FDT_END. */
static bool walk_token(struct fdt *f, struct walk *w, const struct fdt_token *tok, bool *done,
		       struct parse_error *err)
{
	switch (tok->tag) {
	case FDT_BEGIN_NODE:
		return walk_begin(f, w, tok, err);
	case FDT_END_NODE:
		if (w->depth == 0) {
			parse_fail(err, "unbalanced FDT_END_NODE", tok->off);
			return false;
		}
		w->depth--;
		w->props_allowed = false;
		return true;
	case FDT_PROP:
		if (w->depth == 0) {
			parse_fail(err, "property outside any node", tok->off);
			return false;
		}
		/* §5.4.2: a node's properties precede its children. */
		if (!w->props_allowed) {
			parse_fail(err, "property after child node", tok->off);
			return false;
		}
		return true;
	case FDT_END:
		if (w->depth != 0) {
			parse_fail(err, "FDT_END inside a node", tok->off);
			return false;
		}
		if (!w->seen_root) {
			parse_fail(err, "no root node", tok->off);
			return false;
		}
		*done = true;
		return true;
	default: /* FDT_NOP; token_read() rejected anything else */
		return true;
	}
}

/* Walk the structure block once; each token advances at least 4 bytes. */
static bool check_struct(struct fdt *f, struct parse_error *err)
{
	struct walk w = { 0, false, false };
	struct fdt_token tok;
	uint32_t off = f->struct_off;
	bool done = false;

	while (!done) {
		if (!token_read(f, off, &tok, err))
			return false;
		if (!walk_token(f, &w, &tok, &done, err))
			return false;
		off = tok.next;
	}
	return true;
}

bool fdt_header_totalsize(const void *blob, size_t avail, size_t *totalsize,
			  struct parse_error *err)
{
	const uint8_t *b = blob;
	uint32_t total;

	if (!b || avail < FDT_HEADER_SIZE) {
		parse_fail(err, "blob smaller than header", 0);
		return false;
	}
	if (hdr_field(b, HDR_MAGIC) != FDT_MAGIC) {
		parse_fail(err, "bad magic", HDR_MAGIC);
		return false;
	}
	total = hdr_field(b, HDR_TOTALSIZE);
	if (total < FDT_HEADER_SIZE) {
		parse_fail(err, "totalsize smaller than header", HDR_TOTALSIZE);
		return false;
	}
	*totalsize = total;
	return true;
}

bool fdt_open(struct fdt *fdt, const void *blob, size_t avail, struct parse_error *err)
{
	struct fdt f;

	if (!check_header(&f, blob, avail, err))
		return false;
	if (!check_rsvmap(&f, err))
		return false;
	if (!check_struct(&f, err))
		return false;
	*fdt = f;
	return true;
}

struct fdt_node fdt_root(const struct fdt *fdt)
{
	return (struct fdt_node){ fdt->root };
}

/* The BEGIN_NODE token of node, or false if node is not a node handle. */
static bool node_token(const struct fdt *fdt, struct fdt_node node, struct fdt_token *tok)
{
	return token_read(fdt, node.off, tok, NULL) && tok->tag == FDT_BEGIN_NODE;
}

const char *fdt_node_name(const struct fdt *fdt, struct fdt_node node)
{
	struct fdt_token tok;

	return node_token(fdt, node, &tok) ? tok.name : "";
}

/* Length of name up to "@" or the end of n bytes. */
static size_t name_base_len(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n && name[i] != '\0' && name[i] != '@'; i++)
		;
	return i;
}

size_t fdt_node_basename_len(const struct fdt *fdt, struct fdt_node node)
{
	const char *name = fdt_node_name(fdt, node);

	return name_base_len(name, strlen(name));
}

bool fdt_node_basename_is(const struct fdt *fdt, struct fdt_node node, const char *base)
{
	size_t n = fdt_node_basename_len(fdt, node);

	return strlen(base) == n && memcmp(fdt_node_name(fdt, node), base, n) == 0;
}

bool fdt_first_child(const struct fdt *fdt, struct fdt_node node, struct fdt_node *child)
{
	struct fdt_token tok;

	if (!node_token(fdt, node, &tok))
		return false;
	/* Properties come first (§5.4.2); the next BEGIN_NODE is the child. */
	do {
		if (!token_skip_nops(fdt, tok.next, &tok))
			return false;
	} while (tok.tag == FDT_PROP);
	if (tok.tag != FDT_BEGIN_NODE)
		return false;
	child->off = tok.off;
	return true;
}

/* Offset just past node's matching FDT_END_NODE. */
static bool node_skip(const struct fdt *fdt, struct fdt_node node, uint32_t *after)
{
	struct fdt_token tok;
	uint32_t depth = 0;
	uint32_t off = node.off;

	for (;;) {
		if (!token_read(fdt, off, &tok, NULL) || tok.tag == FDT_END)
			return false;
		if (tok.tag == FDT_BEGIN_NODE)
			depth++;
		if (tok.tag == FDT_END_NODE && --depth == 0) {
			*after = tok.next;
			return true;
		}
		off = tok.next;
	}
}

bool fdt_next_sibling(const struct fdt *fdt, struct fdt_node node, struct fdt_node *sibling)
{
	struct fdt_token tok;
	uint32_t after;

	if (!node_token(fdt, node, &tok) || !node_skip(fdt, node, &after))
		return false;
	if (!token_skip_nops(fdt, after, &tok) || tok.tag != FDT_BEGIN_NODE)
		return false;
	sibling->off = tok.off;
	return true;
}

bool fdt_next_node(const struct fdt *fdt, struct fdt_node node, struct fdt_node *next)
{
	struct fdt_token tok;

	if (!node_token(fdt, node, &tok))
		return false;
	for (;;) {
		if (!token_read(fdt, tok.next, &tok, NULL) || tok.tag == FDT_END)
			return false;
		if (tok.tag == FDT_BEGIN_NODE) {
			next->off = tok.off;
			return true;
		}
	}
}

bool fdt_parent(const struct fdt *fdt, struct fdt_node node, struct fdt_node *parent)
{
	uint32_t stack[FDT_MAX_DEPTH];
	uint32_t depth = 0;
	struct fdt_token tok;
	uint32_t off = fdt->root;

	for (;;) {
		if (!token_read(fdt, off, &tok, NULL) || tok.tag == FDT_END)
			return false;
		if (tok.tag == FDT_BEGIN_NODE) {
			if (tok.off == node.off) {
				if (depth == 0)
					return false;
				parent->off = stack[depth - 1];
				return true;
			}
			if (depth == FDT_MAX_DEPTH)
				return false;
			stack[depth++] = tok.off;
		} else if (tok.tag == FDT_END_NODE) {
			if (depth == 0)
				return false;
			depth--;
		}
		off = tok.next;
	}
}

/* Child of parent named name[0..n): full match if it has "@", else basename. */
static bool child_by_name(const struct fdt *fdt, struct fdt_node parent, const char *name,
			  size_t n, struct fdt_node *out)
{
	bool has_unit = name_base_len(name, n) < n;
	struct fdt_node child;
	bool more = fdt_first_child(fdt, parent, &child);

	for (; more; more = fdt_next_sibling(fdt, child, &child)) {
		const char *cname = fdt_node_name(fdt, child);
		size_t clen = has_unit ? strlen(cname) : name_base_len(cname, strlen(cname));

		if (clen == n && memcmp(cname, name, n) == 0) {
			*out = child;
			return true;
		}
	}
	return false;
}

/* Follow "/"-separated components of path[0..len) down from start. */
static bool walk_path(const struct fdt *fdt, struct fdt_node start, const char *path,
		      size_t len, struct fdt_node *out)
{
	struct fdt_node node = start;
	size_t i = 0;

	while (i < len && path[i] != '\0') {
		size_t j = i;

		if (path[i] == '/') {
			i++;
			continue;
		}
		while (j < len && path[j] != '\0' && path[j] != '/')
			j++;
		if (!child_by_name(fdt, node, path + i, j - i, &node))
			return false;
		i = j;
	}
	*out = node;
	return true;
}

/* §3.3: an /aliases property named path[0..n) holds an absolute path. */
static bool resolve_alias(const struct fdt *fdt, const char *alias, size_t n,
			  struct fdt_node *out)
{
	struct fdt_node aliases;
	struct fdt_prop prop;
	const char *target;
	bool more;

	if (!child_by_name(fdt, fdt_root(fdt), "aliases", 7, &aliases))
		return false;
	for (more = fdt_first_prop(fdt, aliases, &prop); more;
	     more = fdt_next_prop(fdt, &prop, &prop)) {
		if (strlen(prop.name) != n || memcmp(prop.name, alias, n) != 0)
			continue;
		if (!fdt_prop_string(&prop, &target, NULL) || target[0] != '/')
			return false;
		return walk_path(fdt, fdt_root(fdt), target, prop.len, out);
	}
	return false;
}

bool fdt_find_path_n(const struct fdt *fdt, const char *path, size_t len, struct fdt_node *out)
{
	struct fdt_node start;
	size_t n = 0;

	if (len == 0 || path[0] == '\0')
		return false;
	if (path[0] == '/')
		return walk_path(fdt, fdt_root(fdt), path, len, out);
	while (n < len && path[n] != '\0' && path[n] != '/')
		n++;
	if (!resolve_alias(fdt, path, n, &start))
		return false;
	return walk_path(fdt, start, path + n, len - n, out);
}

bool fdt_find_path(const struct fdt *fdt, const char *path, struct fdt_node *out)
{
	return fdt_find_path_n(fdt, path, strlen(path), out);
}

/* Fill prop from the first non-NOP token at off, if it is an FDT_PROP. */
static bool prop_at(const struct fdt *fdt, uint32_t off, struct fdt_prop *prop)
{
	struct fdt_token tok;

	if (!token_skip_nops(fdt, off, &tok) || tok.tag != FDT_PROP)
		return false;
	prop->name = tok.name;
	prop->data = tok.data;
	prop->len = tok.len;
	prop->off = tok.off;
	prop->next = tok.next;
	return true;
}

bool fdt_first_prop(const struct fdt *fdt, struct fdt_node node, struct fdt_prop *prop)
{
	struct fdt_token tok;

	return node_token(fdt, node, &tok) && prop_at(fdt, tok.next, prop);
}

bool fdt_next_prop(const struct fdt *fdt, const struct fdt_prop *prop, struct fdt_prop *next)
{
	return prop_at(fdt, prop->next, next);
}

bool fdt_get_prop(const struct fdt *fdt, struct fdt_node node, const char *name,
		  struct fdt_prop *prop)
{
	struct fdt_prop p;
	bool more;

	for (more = fdt_first_prop(fdt, node, &p); more; more = fdt_next_prop(fdt, &p, &p)) {
		if (strcmp(p.name, name) == 0) {
			*prop = p;
			return true;
		}
	}
	return false;
}

bool fdt_prop_u32(const struct fdt_prop *prop, uint32_t *out, struct parse_error *err)
{
	if (prop->len != 4) {
		parse_fail(err, "property is not a single u32", prop->off);
		return false;
	}
	*out = fdt_load_be32(prop->data);
	return true;
}

bool fdt_prop_uint(const struct fdt_prop *prop, uint64_t *out, struct parse_error *err)
{
	if (prop->len == 4) {
		*out = fdt_load_be32(prop->data);
		return true;
	}
	if (prop->len == 8) {
		*out = fdt_load_be64(prop->data);
		return true;
	}
	parse_fail(err, "property is not a u32 or u64", prop->off);
	return false;
}

bool fdt_prop_string(const struct fdt_prop *prop, const char **out, struct parse_error *err)
{
	if (prop->len == 0 || strnlen((const char *)prop->data, prop->len) == prop->len) {
		parse_fail(err, "string property not NUL-terminated", prop->off);
		return false;
	}
	*out = (const char *)prop->data;
	return true;
}

bool fdt_stringlist_next(const struct fdt_prop *prop, size_t *pos, const char **s)
{
	const char *str;
	size_t room, n;

	if (*pos >= prop->len)
		return false;
	str = (const char *)prop->data + *pos;
	room = prop->len - *pos;
	n = strnlen(str, room);
	if (n == room)
		return false;
	*s = str;
	*pos += n + 1;
	return true;
}

bool fdt_stringlist_contains(const struct fdt_prop *prop, const char *s)
{
	size_t pos = 0;
	const char *entry;

	while (fdt_stringlist_next(prop, &pos, &entry)) {
		if (strcmp(entry, s) == 0)
			return true;
	}
	return false;
}

bool fdt_node_is_compatible(const struct fdt *fdt, struct fdt_node node, const char *compat)
{
	struct fdt_prop prop;

	return fdt_get_prop(fdt, node, "compatible", &prop) &&
	       fdt_stringlist_contains(&prop, compat);
}

bool fdt_node_is_enabled(const struct fdt *fdt, struct fdt_node node)
{
	struct fdt_prop prop;
	const char *status;

	if (!fdt_get_prop(fdt, node, "status", &prop))
		return true;
	/* A malformed status is not "okay": leave the device alone. */
	if (!fdt_prop_string(&prop, &status, NULL))
		return false;
	return strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* A #...-cells property if present: must be one u32. */
static bool cells_prop(const struct fdt *fdt, struct fdt_node node, const char *name,
		       uint32_t *cells, struct parse_error *err)
{
	struct fdt_prop prop;

	if (!fdt_get_prop(fdt, node, name, &prop))
		return true;
	return fdt_prop_u32(&prop, cells, err);
}

bool fdt_bus_cells(const struct fdt *fdt, struct fdt_node node, uint32_t *addr_cells,
		   uint32_t *size_cells, struct parse_error *err)
{
	*addr_cells = 2;
	*size_cells = 1;
	return cells_prop(fdt, node, "#address-cells", addr_cells, err) &&
	       cells_prop(fdt, node, "#size-cells", size_cells, err);
}

/* A value of n (<= 2) big-endian cells. */
static uint64_t read_cells(const uint8_t *p, uint32_t n)
{
	if (n == 0)
		return 0;
	return n == 1 ? fdt_load_be32(p) : fdt_load_be64(p);
}

/* Cell counts that fit a 64-bit (base, size) pair. */
static bool reg_cells_ok(uint32_t ac, uint32_t sc, const struct fdt_prop *reg,
			 struct parse_error *err)
{
	if (ac < 1 || ac > 2) {
		parse_fail(err, "unsupported #address-cells for reg", reg->off);
		return false;
	}
	if (sc > 2) {
		parse_fail(err, "unsupported #size-cells for reg", reg->off);
		return false;
	}
	if (reg->len % (4 * (ac + sc)) != 0) {
		parse_fail(err, "reg length not a multiple of its entry size", reg->off);
		return false;
	}
	return true;
}

bool fdt_reg_begin(const struct fdt *fdt, struct fdt_node node, struct fdt_reg_iter *it,
		   struct parse_error *err)
{
	struct fdt_node parent;
	struct fdt_prop reg;
	struct fdt_reg_iter check;
	struct pa_range r;
	uint32_t ac, sc;

	if (!fdt_get_prop(fdt, node, "reg", &reg)) {
		parse_fail(err, "missing reg property", node.off);
		return false;
	}
	if (!fdt_parent(fdt, node, &parent)) {
		parse_fail(err, "reg on the root node", reg.off);
		return false;
	}
	if (!fdt_bus_cells(fdt, parent, &ac, &sc, err) || !reg_cells_ok(ac, sc, &reg, err))
		return false;
	*it = (struct fdt_reg_iter){ reg.data, reg.data + reg.len, ac, sc };
	/* Check every entry now so that fdt_reg_next() cannot fail. */
	check = *it;
	while (fdt_reg_next(&check, &r)) {
		if (r.size > UINT64_MAX - pa_val(r.base)) {
			parse_fail(err, "reg range wraps around the address space", reg.off);
			return false;
		}
	}
	return true;
}

bool fdt_reg_next(struct fdt_reg_iter *it, struct pa_range *range)
{
	size_t entry = 4 * (size_t)(it->addr_cells + it->size_cells);

	if (entry == 0 || (size_t)(it->end - it->pos) < entry)
		return false;
	range->base = pa(read_cells(it->pos, it->addr_cells));
	range->size = read_cells(it->pos + 4 * it->addr_cells, it->size_cells);
	it->pos += entry;
	return true;
}

bool fdt_reg_first(const struct fdt *fdt, struct fdt_node node, struct pa_range *range,
		   struct parse_error *err)
{
	struct fdt_reg_iter it;

	if (!fdt_reg_begin(fdt, node, &it, err))
		return false;
	if (!fdt_reg_next(&it, range)) {
		parse_fail(err, "empty reg property", node.off);
		return false;
	}
	return true;
}

void fdt_rsv_begin(const struct fdt *fdt, struct fdt_rsv_iter *it)
{
	it->off = fdt->rsvmap_off;
}

bool fdt_rsv_next(const struct fdt *fdt, struct fdt_rsv_iter *it, uint64_t *address,
		  uint64_t *size, size_t *entry_off)
{
	const uint8_t *e;

	if ((uint64_t)it->off + RSV_ENTRY_SIZE > fdt->totalsize)
		return false;
	e = fdt->blob + it->off;
	*address = fdt_load_be64(e);
	*size = fdt_load_be64(e + 8);
	if (*address == 0 && *size == 0)
		return false;
	*entry_off = it->off;
	it->off += RSV_ENTRY_SIZE;
	return true;
}
