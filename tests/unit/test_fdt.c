/*
 * Host unit tests for kernel/fdt.c and kernel/bootinfo.c.
 *
 * Valid trees come from the .dts files in tests/unit/data and from QEMU's own device tree
 * (both compiled into $VIREO_TEST_DATA). Malformed blobs are either built
 * token by token with the small builder below or made by patching a valid
 * blob, and every blob handed to the parser sits in a heap buffer of exactly
 * the advertised size, so ASan catches any read past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/bootinfo.h>
#include <kernel/fdt.h>

/* ---- Helpers ---------------------------------------------------------- */

struct blob {
	uint8_t *data;
	size_t size;
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Load $VIREO_TEST_DATA/<name>.dtb into an exactly-sized heap buffer. */
static struct blob load(const char *name)
{
	const char *dir = getenv("VIREO_TEST_DATA");
	char path[1024];
	struct blob b;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s.dtb", dir ? dir : "build/unit/data", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set VIREO_TEST_DATA)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b.size = (size_t)n;
	b.data = malloc(b.size);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.size, f), b.size);
	fclose(f);
	return b;
}

static uint8_t *copy_exact(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, src, n);
	return p;
}

static void open_ok(struct fdt *fdt, const struct blob *b)
{
	struct parse_error err = { NULL, 0 };

	if (!fdt_open(fdt, b->data, b->size, &err))
		fail_msg("fdt_open: %s at %zu", err.what, err.offset);
}

static void expect_open_error(const uint8_t *data, size_t size, const char *what)
{
	struct parse_error err = { NULL, 0 };
	struct fdt fdt;

	assert_false(fdt_open(&fdt, data, size, &err));
	assert_non_null(err.what);
	assert_string_equal(err.what, what);
}

static void bootinfo_ok(struct boot_info *bi, const char *name, struct blob *keep)
{
	struct parse_error err = { NULL, 0 };
	struct fdt fdt;

	*keep = load(name);
	open_ok(&fdt, keep);
	if (!bootinfo_from_fdt(bi, &fdt, &err))
		fail_msg("bootinfo_from_fdt(%s): %s at %zu", name, err.what, err.offset);
}

static void expect_bootinfo_error_blob(const struct blob *b, const char *what)
{
	struct parse_error err = { NULL, 0 };
	struct boot_info bi;
	struct fdt fdt;

	open_ok(&fdt, b);
	assert_false(bootinfo_from_fdt(&bi, &fdt, &err));
	assert_non_null(err.what);
	assert_string_equal(err.what, what);
}

static void expect_bootinfo_error(const char *name, const char *what)
{
	struct blob b = load(name);

	expect_bootinfo_error_blob(&b, what);
	free(b.data);
}

/* Find property name of the node at path in b; returns the prop for patching. */
static struct fdt_prop find_prop(const struct blob *b, const char *path, const char *name)
{
	struct fdt fdt;
	struct fdt_node node;
	struct fdt_prop prop;

	open_ok(&fdt, b);
	if (!fdt_find_path(&fdt, path, &node) || !fdt_get_prop(&fdt, node, name, &prop))
		fail_msg("no %s in %s", name, path);
	return prop;
}

/* Writable pointer to property data inside b. */
static uint8_t *prop_data(struct blob *b, const char *path, const char *name)
{
	struct fdt_prop prop = find_prop(b, path, name);

	return b->data + (prop.data - b->data);
}

/* Writable pointer to the len field of the property's FDT_PROP token. */
static uint8_t *prop_len_field(struct blob *b, const char *path, const char *name)
{
	return b->data + find_prop(b, path, name).off + 4;
}

/* ---- Blob builder ----------------------------------------------------- */

struct builder {
	uint8_t st[16384];     /* structure block */
	size_t st_len;
	char str[1024];        /* strings block */
	size_t str_len;
	bool rsv_last;         /* place the reservation map after the strings */
	uint64_t rsv[4][2];    /* extra reservation entries (nonzero ends list) */
};

static void b_u32(struct builder *b, uint32_t v)
{
	assert_true(b->st_len + 4 <= sizeof(b->st));
	put_be32(b->st + b->st_len, v);
	b->st_len += 4;
}

static void b_bytes(struct builder *b, const void *data, size_t len)
{
	assert_true(b->st_len + len + 3 <= sizeof(b->st));
	memcpy(b->st + b->st_len, data, len);
	b->st_len += len;
	while (b->st_len % 4)
		b->st[b->st_len++] = 0;
}

static void b_begin(struct builder *b, const char *name)
{
	b_u32(b, FDT_BEGIN_NODE);
	b_bytes(b, name, strlen(name) + 1);
}

static void b_end(struct builder *b)
{
	b_u32(b, FDT_END_NODE);
}

static uint32_t b_string(struct builder *b, const char *name)
{
	size_t off = b->str_len;

	assert_true(off + strlen(name) + 1 <= sizeof(b->str));
	memcpy(b->str + off, name, strlen(name) + 1);
	b->str_len += strlen(name) + 1;
	return (uint32_t)off;
}

static void b_prop_raw(struct builder *b, uint32_t nameoff, uint32_t len, const void *data,
		       size_t datalen)
{
	b_u32(b, FDT_PROP);
	b_u32(b, len);
	b_u32(b, nameoff);
	b_bytes(b, data, datalen);
}

static void b_prop(struct builder *b, const char *name, const void *data, size_t len)
{
	b_prop_raw(b, b_string(b, name), (uint32_t)len, data, len);
}

static void b_prop_u32(struct builder *b, const char *name, uint32_t v)
{
	uint8_t d[4];

	put_be32(d, v);
	b_prop(b, name, d, 4);
}

static void b_prop_cells(struct builder *b, const char *name, const uint32_t *cells, size_t n)
{
	uint8_t d[64];

	assert_true(n * 4 <= sizeof(d));
	for (size_t i = 0; i < n; i++)
		put_be32(d + 4 * i, cells[i]);
	b_prop(b, name, d, n * 4);
}

static void b_prop_str(struct builder *b, const char *name, const char *s)
{
	b_prop(b, name, s, strlen(s) + 1);
}

/* Lay out header, reservation map, structure and strings blocks. */
static struct blob b_finish(const struct builder *b)
{
	size_t nrsv = 0;
	uint32_t off_rsv = FDT_HEADER_SIZE, off_st, off_str, total;
	struct blob out;

	while (nrsv < 4 && (b->rsv[nrsv][0] || b->rsv[nrsv][1]))
		nrsv++;
	off_st = b->rsv_last ? FDT_HEADER_SIZE : FDT_HEADER_SIZE + (uint32_t)(nrsv + 1) * 16;
	off_str = off_st + (uint32_t)b->st_len;
	total = off_str + (uint32_t)b->str_len;
	if (b->rsv_last) {
		off_rsv = (total + 7) & ~7u;
		total = off_rsv + (uint32_t)(nrsv + 1) * 16;
	}
	out.size = total;
	out.data = calloc(1, total);
	assert_non_null(out.data);
	put_be32(out.data + 0, FDT_MAGIC);
	put_be32(out.data + 4, total);
	put_be32(out.data + 8, off_st);
	put_be32(out.data + 12, off_str);
	put_be32(out.data + 16, off_rsv);
	put_be32(out.data + 20, 17);
	put_be32(out.data + 24, 16);
	put_be32(out.data + 32, (uint32_t)b->str_len);
	put_be32(out.data + 36, (uint32_t)b->st_len);
	for (size_t i = 0; i < nrsv; i++) {
		put_be64(out.data + off_rsv + 16 * i, b->rsv[i][0]);
		put_be64(out.data + off_rsv + 16 * i + 8, b->rsv[i][1]);
	}
	memcpy(out.data + off_st, b->st, b->st_len);
	memcpy(out.data + off_str, b->str, b->str_len);
	return out;
}

static struct builder *b_new(void)
{
	struct builder *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	return b;
}

/* A minimal valid tree: / { #address-cells; #size-cells; dev@1000 { reg } } */
static struct blob b_minimal(void)
{
	struct builder *b = b_new();
	static const uint32_t reg[] = { 0x1000, 0x100 };
	struct blob out;

	b_begin(b, "");
	b_prop_u32(b, "#address-cells", 1);
	b_prop_u32(b, "#size-cells", 1);
	b_begin(b, "dev@1000");
	b_prop_cells(b, "reg", reg, 2);
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	out = b_finish(b);
	free(b);
	return out;
}

static void expect_built_error(struct builder *b, const char *what)
{
	struct blob out = b_finish(b);

	expect_open_error(out.data, out.size, what);
	free(out.data);
	free(b);
}

/* ---- Header ----------------------------------------------------------- */

static void test_builder_minimal_ok(void **state)
{
	struct blob b = b_minimal();
	struct fdt fdt;
	struct fdt_node child;

	(void)state;
	open_ok(&fdt, &b);
	assert_string_equal(fdt_node_name(&fdt, fdt_root(&fdt)), "");
	assert_true(fdt_first_child(&fdt, fdt_root(&fdt), &child));
	assert_string_equal(fdt_node_name(&fdt, child), "dev@1000");
	assert_false(fdt_next_sibling(&fdt, child, &child));
	free(b.data);
}

static void test_header_totalsize(void **state)
{
	struct blob b = load("basic");
	struct parse_error err = { NULL, 0 };
	size_t total = 0;

	(void)state;
	assert_true(fdt_header_totalsize(b.data, FDT_HEADER_SIZE, &total, &err));
	assert_int_equal(total, b.size);
	assert_false(fdt_header_totalsize(b.data, FDT_HEADER_SIZE - 1, &total, &err));
	assert_string_equal(err.what, "blob smaller than header");
	assert_false(fdt_header_totalsize(NULL, 4096, &total, &err));
	b.data[3] ^= 1;
	assert_false(fdt_header_totalsize(b.data, b.size, &total, &err));
	assert_string_equal(err.what, "bad magic");
	assert_int_equal(err.offset, 0);
	free(b.data);
}

static void test_bad_magic(void **state)
{
	struct blob b = b_minimal();

	(void)state;
	put_be32(b.data, 0xedfe0dd0);
	expect_open_error(b.data, b.size, "bad magic");
	free(b.data);
}

static void test_totalsize_checks(void **state)
{
	struct blob b = b_minimal();

	(void)state;
	expect_open_error(b.data, b.size - 1, "totalsize larger than available bytes");
	put_be32(b.data + 4, FDT_HEADER_SIZE - 1);
	expect_open_error(b.data, b.size, "totalsize smaller than header");
	expect_open_error(b.data, 8, "blob smaller than header");
	expect_open_error(NULL, 0, "blob smaller than header");
	free(b.data);
}

static void test_versions(void **state)
{
	struct blob b = b_minimal();
	struct fdt fdt;

	(void)state;
	put_be32(b.data + 20, 15);
	expect_open_error(b.data, b.size, "unsupported version (< 16)");
	/* Version 16 has no size_dt_struct: the block runs to totalsize. */
	put_be32(b.data + 20, 16);
	put_be32(b.data + 36, 0xdeadbeef);
	open_ok(&fdt, &b);
	put_be32(b.data + 20, 17);
	put_be32(b.data + 24, 18);
	expect_open_error(b.data, b.size, "incompatible last_comp_version (> 17)");
	free(b.data);
}

static void test_struct_block_bounds(void **state)
{
	struct blob b = b_minimal();
	uint32_t off = get_be32(b.data + 8), size = get_be32(b.data + 36);

	(void)state;
	put_be32(b.data + 8, (uint32_t)b.size + 4);
	expect_open_error(b.data, b.size, "structure block out of bounds");
	/* off + size wraps 32 bits: must not pass as a small end. */
	put_be32(b.data + 8, 0xfffffff0);
	put_be32(b.data + 36, 0x20);
	expect_open_error(b.data, b.size, "structure block out of bounds");
	put_be32(b.data + 8, off);
	put_be32(b.data + 36, 0xffffffff);
	expect_open_error(b.data, b.size, "structure block out of bounds");
	put_be32(b.data + 36, (uint32_t)b.size);
	expect_open_error(b.data, b.size, "structure block out of bounds");
	/* A block may not overlap the header. */
	put_be32(b.data + 8, 0);
	put_be32(b.data + 36, size);
	expect_open_error(b.data, b.size, "structure block out of bounds");
	free(b.data);
}

static void test_struct_block_misaligned(void **state)
{
	struct blob b = b_minimal();

	(void)state;
	put_be32(b.data + 8, get_be32(b.data + 8) + 2);
	put_be32(b.data + 36, get_be32(b.data + 36) - 4);
	expect_open_error(b.data, b.size, "structure block misaligned");
	free(b.data);
}

static void test_strings_block_bounds(void **state)
{
	struct blob b = b_minimal();

	(void)state;
	put_be32(b.data + 12, 0xfffffffc);
	expect_open_error(b.data, b.size, "strings block out of bounds");
	put_be32(b.data + 12, FDT_HEADER_SIZE);
	put_be32(b.data + 32, 0xffffffff);
	expect_open_error(b.data, b.size, "strings block out of bounds");
	free(b.data);
}

static void test_rsvmap_checks(void **state)
{
	struct blob b = b_minimal();
	struct builder *bld = b_new();

	(void)state;
	put_be32(b.data + 16, 44);
	expect_open_error(b.data, b.size, "memory reservation block misaligned");
	put_be32(b.data + 16, 8);
	expect_open_error(b.data, b.size, "memory reservation block out of bounds");
	put_be32(b.data + 16, 0x7ffffff8);
	expect_open_error(b.data, b.size, "memory reservation block out of bounds");
	free(b.data);

	/* Reservation map at the very end, with its terminator overwritten. */
	bld->rsv_last = true;
	bld->rsv[0][0] = 0x80000000;
	bld->rsv[0][1] = 0x1000;
	b_begin(bld, "");
	b_end(bld);
	b_u32(bld, FDT_END);
	b = b_finish(bld);
	free(bld);
	{
		struct fdt fdt;

		open_ok(&fdt, &b);
	}
	put_be64(b.data + b.size - 8, 1);
	expect_open_error(b.data, b.size, "memory reservation block not terminated");
	free(b.data);
}

/* ---- Structure block -------------------------------------------------- */

static void test_unknown_token(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_u32(b, 0x7);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "unknown structure block token");
}

static void test_unterminated_node_name(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_u32(b, FDT_BEGIN_NODE);
	memcpy(b->st + b->st_len, "abcdefgh", 8); /* no NUL before the end */
	b->st_len += 8;
	expect_built_error(b, "unterminated node name");
}

static void test_prop_len_past_block(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_prop_raw(b, b_string(b, "x"), 0x100, "abcd", 4);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property length past end of structure block");

	/* A length that would wrap 32-bit arithmetic. */
	b = b_new();
	b_begin(b, "");
	b_prop_raw(b, b_string(b, "x"), 0xfffffffc, "abcd", 4);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property length past end of structure block");
}

static void test_truncated_prop_header(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_u32(b, FDT_PROP);
	b_u32(b, 0);
	expect_built_error(b, "truncated property header");
}

static void test_prop_nameoff_outside_strings(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_string(b, "name");
	b_begin(b, "");
	b_prop_raw(b, 5, 0, "", 0); /* strings block is 5 bytes */
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property name offset outside strings block");

	b = b_new();
	b_string(b, "name");
	b_begin(b, "");
	b_prop_raw(b, 0xffffffff, 0, "", 0);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property name offset outside strings block");
}

static void test_prop_name_unterminated(void **state)
{
	struct builder *b = b_new();

	(void)state;
	memcpy(b->str, "abc", 3); /* no NUL at the end of the strings block */
	b->str_len = 3;
	b_begin(b, "");
	b_prop_raw(b, 1, 0, "", 0);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "unterminated property name in strings block");
}

static void test_unbalanced_nodes(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "unbalanced FDT_END_NODE");

	b = b_new();
	b_begin(b, "");
	b_begin(b, "child");
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "FDT_END inside a node");
}

static struct builder *nested(unsigned int levels)
{
	struct builder *b = b_new();

	b_begin(b, "");
	for (unsigned int i = 1; i < levels; i++)
		b_begin(b, "n");
	for (unsigned int i = 0; i < levels; i++)
		b_end(b);
	b_u32(b, FDT_END);
	return b;
}

static void test_nesting_depth(void **state)
{
	struct builder *b = nested(FDT_MAX_DEPTH);
	struct blob ok = b_finish(b);
	struct fdt fdt;
	struct fdt_node node, parent;

	(void)state;
	open_ok(&fdt, &ok);
	/* The deepest node's parent chain is intact. */
	node = fdt_root(&fdt);
	for (unsigned int i = 1; i < FDT_MAX_DEPTH; i++)
		assert_true(fdt_first_child(&fdt, node, &node));
	assert_true(fdt_parent(&fdt, node, &parent));
	assert_true(fdt_find_path(&fdt, "/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n",
				  &parent));
	assert_int_equal(parent.off, node.off);
	free(ok.data);
	free(b);
	expect_built_error(nested(FDT_MAX_DEPTH + 1), "nodes nested too deeply");
	expect_built_error(nested(1000), "nodes nested too deeply");
}

static void test_missing_end(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_begin(b, "");
	b_end(b);
	expect_built_error(b, "structure block ends without FDT_END");

	b = b_new();
	b_begin(b, "");
	b_end(b);
	b_u32(b, FDT_NOP);
	expect_built_error(b, "structure block ends without FDT_END");
}

static void test_root_rules(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_u32(b, FDT_END);
	expect_built_error(b, "no root node");

	b = b_new();
	b_begin(b, "");
	b_end(b);
	b_begin(b, "");
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "more than one root node");

	b = b_new();
	b_begin(b, "root");
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "root node name not empty");

	b = b_new();
	b_begin(b, "");
	b_begin(b, "");
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "empty node name");
}

static void test_property_placement(void **state)
{
	struct builder *b = b_new();

	(void)state;
	b_prop_u32(b, "x", 1);
	b_begin(b, "");
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property outside any node");

	b = b_new();
	b_begin(b, "");
	b_begin(b, "child");
	b_end(b);
	b_prop_u32(b, "x", 1);
	b_end(b);
	b_u32(b, FDT_END);
	expect_built_error(b, "property after child node");
}

/* NOPs may appear anywhere between tokens (§5.4.1) and are invisible. */
static void test_nops_ignored(void **state)
{
	struct builder *b = b_new();
	struct blob out;
	struct fdt fdt;
	struct fdt_node node, child;
	struct fdt_prop prop;
	uint32_t v;

	(void)state;
	b_u32(b, FDT_NOP);
	b_begin(b, "");
	b_u32(b, FDT_NOP);
	b_prop_u32(b, "a", 1);
	b_u32(b, FDT_NOP);
	b_prop_u32(b, "b", 2);
	b_u32(b, FDT_NOP);
	b_begin(b, "c1");
	b_u32(b, FDT_NOP);
	b_end(b);
	b_u32(b, FDT_NOP);
	b_begin(b, "c2");
	b_end(b);
	b_u32(b, FDT_NOP);
	b_end(b);
	b_u32(b, FDT_NOP);
	b_u32(b, FDT_END);
	out = b_finish(b);
	free(b);
	open_ok(&fdt, &out);
	node = fdt_root(&fdt);
	assert_true(fdt_get_prop(&fdt, node, "b", &prop));
	assert_true(fdt_prop_u32(&prop, &v, NULL));
	assert_int_equal(v, 2);
	assert_true(fdt_first_child(&fdt, node, &child));
	assert_string_equal(fdt_node_name(&fdt, child), "c1");
	assert_false(fdt_first_child(&fdt, child, &node));
	assert_true(fdt_next_sibling(&fdt, child, &child));
	assert_string_equal(fdt_node_name(&fdt, child), "c2");
	assert_false(fdt_next_sibling(&fdt, child, &child));
	free(out.data);
}

/* ---- Hostile input sweeps ----------------------------------------------- */

/* Touch everything an accessor can reach; must never crash. */
static void exercise(const struct fdt *fdt)
{
	struct fdt_node node = fdt_root(fdt);
	struct parse_error err;
	struct boot_info bi;
	unsigned int guard = 0;

	do {
		struct fdt_node other;
		struct fdt_prop prop;
		struct fdt_reg_iter it;
		struct pa_range r;
		const char *s;
		uint64_t v;
		bool more;

		(void)fdt_node_basename_len(fdt, node);
		(void)fdt_parent(fdt, node, &other);
		(void)fdt_next_sibling(fdt, node, &other);
		(void)fdt_node_is_enabled(fdt, node);
		(void)fdt_node_is_compatible(fdt, node, "ns16550a");
		for (more = fdt_first_prop(fdt, node, &prop); more;
		     more = fdt_next_prop(fdt, &prop, &prop)) {
			size_t pos = 0;

			while (fdt_stringlist_next(&prop, &pos, &s))
				;
			if (fdt_prop_string(&prop, &s, &err))
				assert_true(strlen(s) < prop.len);
			if (fdt_prop_uint(&prop, &v, &err))
				assert_true(prop.len == 4 || prop.len == 8);
		}
		if (fdt_reg_begin(fdt, node, &it, &err)) {
			while (fdt_reg_next(&it, &r))
				;
		}
	} while (fdt_next_node(fdt, node, &node) && ++guard < 100000);
	(void)fdt_find_path(fdt, "serial0/x:opt", &node);
	if (bootinfo_from_fdt(&bi, fdt, &err))
		assert_true(bi.nmemory > 0 && bi.nharts > 0);
	else
		assert_non_null(err.what);
}

/* Every proper prefix of a valid blob is rejected, cleanly. */
static void test_every_truncation_fails(void **state)
{
	struct blob b = load("basic");

	(void)state;
	for (size_t n = 0; n < b.size; n++) {
		uint8_t *p = copy_exact(b.data, n);
		struct parse_error err = { NULL, 0 };
		struct fdt fdt;

		assert_false(fdt_open(&fdt, p, n, &err));
		assert_non_null(err.what);
		free(p);
	}
	free(b.data);
}

/* Prefixes whose header claims exactly the truncated size. */
static void test_every_truncation_with_lying_totalsize(void **state)
{
	struct blob b = load("basic");

	(void)state;
	for (size_t n = FDT_HEADER_SIZE; n < b.size; n++) {
		uint8_t *p = copy_exact(b.data, n);
		struct parse_error err = { NULL, 0 };
		struct fdt fdt;

		put_be32(p + 4, (uint32_t)n);
		if (fdt_open(&fdt, p, n, &err))
			exercise(&fdt);
		else
			assert_non_null(err.what);
		free(p);
	}
	free(b.data);
}

/* Corrupt each byte in turn; whatever fdt_open() accepts must stay safe. */
static void test_byte_corruption_sweep(void **state)
{
	static const uint8_t patterns[] = { 0x00, 0xff, 0x01, 0x80, 0x09, 0x03 };
	struct blob b = load("basic");
	uint8_t *p = copy_exact(b.data, b.size);

	(void)state;
	for (size_t i = 0; i < b.size; i++) {
		for (size_t k = 0; k < sizeof(patterns); k++) {
			struct parse_error err = { NULL, 0 };
			struct fdt fdt;

			memcpy(p, b.data, b.size);
			p[i] = k < 2 ? patterns[k] : (uint8_t)(b.data[i] ^ patterns[k]);
			if (fdt_open(&fdt, p, b.size, &err))
				exercise(&fdt);
			else
				assert_non_null(err.what);
		}
	}
	free(p);
	free(b.data);
}

/* ---- Accessors -------------------------------------------------------- */

static void test_find_path(void **state)
{
	struct blob b = load("basic");
	struct fdt fdt;
	struct fdt_node node, other;

	(void)state;
	open_ok(&fdt, &b);
	assert_true(fdt_find_path(&fdt, "/", &node));
	assert_int_equal(node.off, fdt_root(&fdt).off);
	assert_true(fdt_find_path(&fdt, "/chosen", &node));
	assert_string_equal(fdt_node_name(&fdt, node), "chosen");
	assert_true(fdt_find_path(&fdt, "/soc/uart@10000000", &node));
	assert_string_equal(fdt_node_name(&fdt, node), "uart@10000000");
	/* Without unit address the first node of that name matches. */
	assert_true(fdt_find_path(&fdt, "/soc/uart", &other));
	assert_string_equal(fdt_node_name(&fdt, other), "uart@10001000");
	assert_true(fdt_find_path(&fdt, "/cpus/cpu-map/cluster0/core0/", &node));
	assert_true(fdt_find_path(&fdt, "serial0", &node));
	assert_string_equal(fdt_node_name(&fdt, node), "uart@10000000");
	assert_true(fdt_find_path_n(&fdt, "serial0:115200", 7, &node));
	assert_false(fdt_find_path(&fdt, "serial1", &node));
	assert_false(fdt_find_path(&fdt, "/soc/uart@1", &node));
	assert_false(fdt_find_path(&fdt, "/nonexistent", &node));
	assert_false(fdt_find_path(&fdt, "/chosen/x", &node));
	assert_false(fdt_find_path(&fdt, "", &node));
	free(b.data);
}

static void test_node_names_and_tree_walk(void **state)
{
	struct blob b = load("basic");
	struct fdt fdt;
	struct fdt_node node, parent;
	unsigned int children = 0, nodes = 1;
	bool more;

	(void)state;
	open_ok(&fdt, &b);
	node = fdt_root(&fdt);
	assert_false(fdt_parent(&fdt, node, &parent));
	for (more = fdt_first_child(&fdt, fdt_root(&fdt), &node); more;
	     more = fdt_next_sibling(&fdt, node, &node))
		children++;
	/* aliases chosen memory x3 reserved-memory cpus soc */
	assert_int_equal(children, 8);
	node = fdt_root(&fdt);
	while (fdt_next_node(&fdt, node, &node))
		nodes++;
	assert_int_equal(nodes, 20);
	assert_true(fdt_find_path(&fdt, "/soc/interrupt-controller@c000000", &node));
	assert_int_equal(fdt_node_basename_len(&fdt, node), strlen("interrupt-controller"));
	assert_true(fdt_node_basename_is(&fdt, node, "interrupt-controller"));
	assert_false(fdt_node_basename_is(&fdt, node, "interrupt"));
	assert_true(fdt_parent(&fdt, node, &parent));
	assert_string_equal(fdt_node_name(&fdt, parent), "soc");
	assert_true(fdt_node_basename_is(&fdt, parent, "soc"));
	free(b.data);
}

static void test_properties(void **state)
{
	struct blob b = load("basic");
	struct fdt fdt;
	struct fdt_node node;
	struct fdt_prop prop;
	struct parse_error err = { NULL, 0 };
	uint32_t v32;
	uint64_t v64;
	const char *s;
	size_t pos = 0;

	(void)state;
	open_ok(&fdt, &b);
	assert_true(fdt_find_path(&fdt, "/soc/uart@10000000", &node));
	assert_true(fdt_get_prop(&fdt, node, "reg-shift", &prop));
	assert_true(fdt_prop_u32(&prop, &v32, &err));
	assert_int_equal(v32, 2);
	assert_true(fdt_prop_uint(&prop, &v64, &err));
	assert_int_equal(v64, 2);
	assert_false(fdt_get_prop(&fdt, node, "reg-shif", &prop));
	assert_true(fdt_get_prop(&fdt, node, "compatible", &prop));
	assert_false(fdt_prop_u32(&prop, &v32, &err));
	assert_string_equal(err.what, "property is not a single u32");
	assert_int_equal(err.offset, prop.off);
	assert_false(fdt_prop_uint(&prop, &v64, &err));
	assert_string_equal(err.what, "property is not a u32 or u64");
	assert_true(fdt_stringlist_next(&prop, &pos, &s));
	assert_string_equal(s, "snps,dw-apb-uart");
	assert_true(fdt_stringlist_next(&prop, &pos, &s));
	assert_string_equal(s, "ns16550a");
	assert_false(fdt_stringlist_next(&prop, &pos, &s));
	assert_true(fdt_node_is_compatible(&fdt, node, "ns16550a"));
	assert_false(fdt_node_is_compatible(&fdt, node, "ns16550"));
	assert_true(fdt_node_is_enabled(&fdt, node));
	assert_true(fdt_find_path(&fdt, "/memory@100000000", &node));
	assert_false(fdt_node_is_enabled(&fdt, node));
	assert_true(fdt_find_path(&fdt, "/chosen", &node));
	assert_true(fdt_get_prop(&fdt, node, "linux,initrd-start", &prop));
	assert_true(fdt_prop_uint(&prop, &v64, &err));
	assert_int_equal(v64, 0x88000000);
	assert_false(fdt_prop_u32(&prop, &v32, &err));
	free(b.data);
}

/* An unterminated stringlist tail is never returned; a lone string fails. */
static void test_unterminated_strings(void **state)
{
	static const uint8_t data[] = { 'a', 0, 'b', 'c' };
	struct fdt_prop prop = { "compatible", data, sizeof(data), 0, 0 };
	struct parse_error err = { NULL, 0 };
	const char *s;
	size_t pos = 0;

	(void)state;
	assert_true(fdt_stringlist_next(&prop, &pos, &s));
	assert_string_equal(s, "a");
	assert_false(fdt_stringlist_next(&prop, &pos, &s));
	assert_false(fdt_stringlist_contains(&prop, "bc"));
	prop.data = data + 2;
	prop.len = 2;
	assert_false(fdt_prop_string(&prop, &s, &err));
	assert_string_equal(err.what, "string property not NUL-terminated");
	prop.len = 0;
	assert_false(fdt_prop_string(&prop, &s, &err));
}

static void test_bus_cells_defaults(void **state)
{
	struct blob b = load("basic");
	struct fdt fdt;
	struct fdt_node node;
	uint32_t ac, sc;

	(void)state;
	open_ok(&fdt, &b);
	assert_true(fdt_find_path(&fdt, "/chosen", &node));
	assert_true(fdt_bus_cells(&fdt, node, &ac, &sc, NULL));
	assert_int_equal(ac, 2);
	assert_int_equal(sc, 1);
	assert_true(fdt_find_path(&fdt, "/cpus", &node));
	assert_true(fdt_bus_cells(&fdt, node, &ac, &sc, NULL));
	assert_int_equal(ac, 1);
	assert_int_equal(sc, 0);
	free(b.data);
}

static void test_reg_iteration(void **state)
{
	struct builder *b = b_new();
	static const uint32_t reg[] = { 0x1000, 0x100, 0x2000, 0x10 };
	static const uint32_t reg12[] = { 0x1000, 0x100, 0x2000 };
	static const uint32_t cells3[] = { 0, 3 };
	struct blob out;
	struct fdt fdt;
	struct fdt_node node;
	struct fdt_reg_iter it;
	struct pa_range r;
	struct parse_error err = { NULL, 0 };

	(void)state;
	b_begin(b, "");
	b_prop_u32(b, "#address-cells", 1);
	b_prop_u32(b, "#size-cells", 1);
	b_prop_cells(b, "reg", reg, 2);
	b_begin(b, "two@1000");
	b_prop_cells(b, "reg", reg, 4);
	b_end(b);
	b_begin(b, "odd@1000");
	b_prop_cells(b, "reg", reg12, 3);
	b_end(b);
	b_begin(b, "noreg");
	b_end(b);
	b_begin(b, "empty");
	b_prop(b, "reg", "", 0);
	b_end(b);
	b_begin(b, "bus3");
	b_prop_u32(b, "#address-cells", 3);
	b_begin(b, "dev");
	b_prop_cells(b, "reg", reg, 4);
	b_end(b);
	b_end(b);
	b_begin(b, "badcells");
	b_prop_cells(b, "#size-cells", cells3, 2);
	b_begin(b, "dev");
	b_prop_cells(b, "reg", reg, 4);
	b_end(b);
	b_end(b);
	b_begin(b, "defaults");
	b_begin(b, "dev");
	b_prop_cells(b, "reg", reg12, 3); /* 2 address cells + 1 size cell */
	b_end(b);
	b_end(b);
	b_begin(b, "wide");
	b_prop_u32(b, "#address-cells", 2);
	b_prop_u32(b, "#size-cells", 2);
	b_begin(b, "wrap");
	{
		static const uint32_t w[] = { 0xffffffff, 0xfffff000, 0, 0x2000 };

		b_prop_cells(b, "reg", w, 4);
	}
	b_end(b);
	b_begin(b, "top");
	{
		static const uint32_t t[] = { 0xffffffff, 0xfffff000, 0, 0xfff };

		b_prop_cells(b, "reg", t, 4);
	}
	b_end(b);
	b_end(b);
	b_begin(b, "sc3");
	b_prop_u32(b, "#size-cells", 3);
	b_begin(b, "dev");
	b_prop_cells(b, "reg", reg, 4);
	b_end(b);
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	out = b_finish(b);
	free(b);
	open_ok(&fdt, &out);

	assert_true(fdt_find_path(&fdt, "/two", &node));
	assert_true(fdt_reg_begin(&fdt, node, &it, &err));
	assert_true(fdt_reg_next(&it, &r));
	assert_int_equal(pa_val(r.base), 0x1000);
	assert_int_equal(r.size, 0x100);
	assert_true(fdt_reg_next(&it, &r));
	assert_int_equal(pa_val(r.base), 0x2000);
	assert_int_equal(r.size, 0x10);
	assert_false(fdt_reg_next(&it, &r));

	assert_true(fdt_find_path(&fdt, "/odd", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "reg length not a multiple of its entry size");
	assert_true(fdt_find_path(&fdt, "/noreg", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "missing reg property");
	assert_true(fdt_find_path(&fdt, "/empty", &node));
	assert_true(fdt_reg_begin(&fdt, node, &it, &err));
	assert_false(fdt_reg_next(&it, &r));
	assert_false(fdt_reg_first(&fdt, node, &r, &err));
	assert_string_equal(err.what, "empty reg property");
	assert_false(fdt_reg_begin(&fdt, fdt_root(&fdt), &it, &err));
	assert_string_equal(err.what, "reg on the root node");
	assert_true(fdt_find_path(&fdt, "/bus3/dev", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "unsupported #address-cells for reg");
	assert_true(fdt_find_path(&fdt, "/sc3/dev", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "unsupported #size-cells for reg");
	assert_true(fdt_find_path(&fdt, "/badcells/dev", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "property is not a single u32");
	assert_true(fdt_find_path(&fdt, "/defaults/dev", &node));
	assert_true(fdt_reg_first(&fdt, node, &r, &err));
	assert_int_equal(pa_val(r.base), 0x100000000100);
	assert_int_equal(r.size, 0x2000);
	assert_true(fdt_find_path(&fdt, "/wide/wrap", &node));
	assert_false(fdt_reg_begin(&fdt, node, &it, &err));
	assert_string_equal(err.what, "reg range wraps around the address space");
	assert_true(fdt_find_path(&fdt, "/wide/top", &node));
	assert_true(fdt_reg_first(&fdt, node, &r, &err));
	assert_int_equal(pa_val(r.base), 0xfffffffffffff000);
	free(out.data);
}

static void test_memreserve_iteration(void **state)
{
	struct blob b = load("basic");
	struct fdt fdt;
	struct fdt_rsv_iter it;
	uint64_t addr, size;
	size_t off;

	(void)state;
	open_ok(&fdt, &b);
	fdt_rsv_begin(&fdt, &it);
	assert_true(fdt_rsv_next(&fdt, &it, &addr, &size, &off));
	assert_int_equal(addr, 0x80000000);
	assert_int_equal(size, 0x10000);
	assert_true(fdt_rsv_next(&fdt, &it, &addr, &size, &off));
	assert_int_equal(addr, 0x9ff00000);
	assert_int_equal(size, 0x100000);
	assert_false(fdt_rsv_next(&fdt, &it, &addr, &size, &off));
	free(b.data);
}

/* ---- Boot information: valid trees ------------------------------------ */

static void check_qemu(const char *name, uint64_t mem, size_t nharts)
{
	struct boot_info bi;
	struct blob b;

	bootinfo_ok(&bi, name, &b);
	assert_int_equal(bi.nmemory, 1);
	assert_int_equal(pa_val(bi.memory[0].base), 0x80000000);
	assert_int_equal(bi.memory[0].size, mem);
	assert_int_equal(bi.nharts, nharts);
	for (size_t i = 0; i < nharts; i++)
		assert_int_equal(hartid_val(bi.harts[i]), i);
	/* QEMU 7.2 with h=true: "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc" */
	assert_true(bi.all_harts_h);
	assert_true(bi.all_harts_sstc);
	assert_int_equal(bi.mmu, BOOTINFO_MMU_SV48);
	assert_int_equal(bi.timebase_hz, 10000000);
	assert_true(bi.uart.present);
	assert_int_equal(pa_val(bi.uart.reg.base), 0x10000000);
	assert_int_equal(bi.uart.reg.size, 0x100);
	assert_int_equal(bi.uart.reg_shift, 0);
	assert_int_equal(bi.uart.reg_io_width, 1);
	assert_int_equal(bi.uart.clock_hz, 3686400);
	assert_true(bi.plic.present);
	assert_int_equal(pa_val(bi.plic.reg.base), 0xc000000);
	assert_int_equal(bi.plic.reg.size, 0x600000);
	assert_int_equal(bi.plic.ndev, 96);
	/* QEMU virt: context 2h is hart h's M mode, 2h + 1 its S mode. */
	for (size_t h = 0; h < bi.nharts; h++) {
		assert_int_not_equal(bi.hart_intc[h], 0);
		assert_int_equal(bi.plic.s_context[h], 2 * hartid_val(bi.harts[h]) + 1);
	}
	assert_int_equal(bi.uart.irq, 10);
	assert_int_equal(bi.nreserved, 0);
	assert_false(bi.has_initrd);
	assert_string_equal(bi.bootargs, "");
	free(b.data);
}

static void test_qemu_smp4_512m(void **state)
{
	(void)state;
	check_qemu("qemu-virt-smp4-512M", 512ull << 20, 4);
}

static void test_qemu_smp1_128m(void **state)
{
	(void)state;
	check_qemu("qemu-virt-smp1-128M", 128ull << 20, 1);
}

static void test_bootinfo_basic(void **state)
{
	struct boot_info bi;
	struct blob b;

	(void)state;
	bootinfo_ok(&bi, "basic", &b);
	/* Sorted by base although the tree lists 0xc0000000 first. */
	assert_int_equal(bi.nmemory, 2);
	assert_int_equal(pa_val(bi.memory[0].base), 0x80000000);
	assert_int_equal(bi.memory[0].size, 0x10000000);
	assert_int_equal(pa_val(bi.memory[1].base), 0xc0000000);
	assert_int_equal(bi.memory[1].size, 0x1000000);
	assert_int_equal(bi.nreserved, 3);
	assert_int_equal(pa_val(bi.reserved[0].base), 0x80000000);
	assert_int_equal(bi.reserved[0].size, 0x10000);
	assert_int_equal(pa_val(bi.reserved[1].base), 0x9ff00000);
	assert_int_equal(bi.reserved[1].size, 0x100000);
	assert_int_equal(pa_val(bi.reserved[2].base), 0x80000000);
	assert_int_equal(bi.reserved[2].size, 0x40000);
	assert_int_equal(bi.nharts, 2);
	assert_int_equal(hartid_val(bi.harts[0]), 0);
	assert_int_equal(hartid_val(bi.harts[1]), 1);
	assert_false(bi.all_harts_h);     /* cpu@1 lacks H */
	assert_false(bi.all_harts_sstc);
	assert_int_equal(bi.mmu, BOOTINFO_MMU_SV39);
	assert_int_equal(bi.timebase_hz, 1000000);
	assert_true(bi.uart.present);     /* via alias, not the first UART */
	assert_int_equal(pa_val(bi.uart.reg.base), 0x10000000);
	assert_int_equal(bi.uart.reg_shift, 2);
	assert_int_equal(bi.uart.reg_io_width, 4);
	assert_int_equal(bi.uart.clock_hz, 3686400);
	assert_true(bi.plic.present);
	assert_int_equal(pa_val(bi.plic.reg.base), 0xc000000);
	assert_int_equal(bi.plic.reg.size, 0x4000000);
	assert_int_equal(bi.plic.ndev, 53);
	assert_true(bi.has_initrd);
	assert_int_equal(pa_val(bi.initrd.base), 0x88000000);
	assert_int_equal(bi.initrd.size, 0x100000);
	assert_string_equal(bi.bootargs, "console=ttyS0 init=/sbin/root");
	/* bootargs points into the blob, not a copy. */
	assert_true((const uint8_t *)bi.bootargs > b.data &&
		    (const uint8_t *)bi.bootargs < b.data + b.size);
	free(b.data);
}

static void test_bootinfo_isa_extensions(void **state)
{
	struct boot_info bi;
	struct blob b;

	(void)state;
	bootinfo_ok(&bi, "isa_ext", &b);
	assert_int_equal(bi.nmemory, 1);
	assert_int_equal(pa_val(bi.memory[0].base), 0x80000000);
	assert_int_equal(bi.memory[0].size, 0x8000000);
	assert_int_equal(bi.nharts, 2);
	assert_int_equal(hartid_val(bi.harts[1]), 5);
	assert_true(bi.all_harts_h);
	assert_true(bi.all_harts_sstc);
	assert_int_equal(bi.mmu, BOOTINFO_MMU_SV48);
	assert_int_equal(bi.timebase_hz, 25000000);
	assert_true(bi.uart.present);
	assert_int_equal(pa_val(bi.uart.reg.base), 0x10002000);
	assert_int_equal(bi.uart.reg.size, 8);
	assert_int_equal(bi.uart.reg_shift, 0);
	assert_int_equal(bi.uart.reg_io_width, 1);
	assert_int_equal(bi.uart.clock_hz, 0);
	assert_false(bi.plic.present);
	assert_false(bi.has_initrd);
	assert_int_equal(bi.nreserved, 0);
	assert_string_equal(bi.bootargs, "");
	free(b.data);
}

/* stdout-path naming a node that is not a UART falls back to a search. */
static void test_bootinfo_stdout_fallback(void **state)
{
	struct blob b = load("basic");
	struct parse_error err = { NULL, 0 };
	struct boot_info bi;
	struct fdt fdt;
	uint8_t *path = prop_data(&b, "/chosen", "stdout-path");

	(void)state;
	memcpy(path, "/cpus:", 6);
	open_ok(&fdt, &b);
	assert_true(bootinfo_from_fdt(&bi, &fdt, &err));
	assert_int_equal(pa_val(bi.uart.reg.base), 0x10001000);
	assert_int_equal(bi.uart.reg_shift, 0);
	/* An alias without options ("serial0:115200n8" has room for it). */
	memcpy(path, "serial0", 8);
	open_ok(&fdt, &b);
	assert_true(bootinfo_from_fdt(&bi, &fdt, &err));
	assert_int_equal(pa_val(bi.uart.reg.base), 0x10000000);
	free(b.data);
}

/* ---- Boot information: rejected trees ----------------------------------- */

#define BOOTINFO_REJECTS(test, file, message)       \
	static void test(void **state)              \
	{                                           \
		(void)state;                        \
		expect_bootinfo_error(file, message); \
	}

BOOTINFO_REJECTS(test_reject_no_memory, "no_memory", "no memory node")
BOOTINFO_REJECTS(test_reject_mem_overlap, "mem_overlap", "overlapping memory ranges")
BOOTINFO_REJECTS(test_reject_mem_wrap, "mem_wrap", "reg range wraps around the address space")
BOOTINFO_REJECTS(test_reject_mem_zero, "mem_zero", "memory range has zero size")
BOOTINFO_REJECTS(test_reject_mem_too_many, "mem_too_many", "too many memory ranges")
BOOTINFO_REJECTS(test_reject_initrd_backwards, "initrd_backwards", "initrd end before start")
BOOTINFO_REJECTS(test_reject_initrd_outside, "initrd_outside", "initrd not inside a memory range")
BOOTINFO_REJECTS(test_reject_initrd_half, "initrd_half",
		 "initrd start without end or end without start")
BOOTINFO_REJECTS(test_reject_harts_too_many, "harts_too_many", "too many harts")
BOOTINFO_REJECTS(test_reject_no_harts, "no_harts", "no enabled harts")
BOOTINFO_REJECTS(test_reject_dup_hart, "dup_hart", "duplicate hart id")
BOOTINFO_REJECTS(test_reject_no_timebase, "no_timebase", "missing timebase-frequency")
BOOTINFO_REJECTS(test_reject_zero_timebase, "zero_timebase", "timebase-frequency is zero")
BOOTINFO_REJECTS(test_reject_rsv_wrap, "rsv_wrap", "memory reservation wraps around")
BOOTINFO_REJECTS(test_reject_isa_rv32, "isa_rv32", "riscv,isa is not rv64")
BOOTINFO_REJECTS(test_reject_bad_mmu, "bad_mmu", "unknown mmu-type")
BOOTINFO_REJECTS(test_reject_nonidentity_ranges, "nonidentity_ranges",
		 "non-identity ranges not supported")

/* Rejections made by patching single fields of basic.dtb. */
static void test_reject_patched_basic(void **state)
{
	struct blob b;

	(void)state;
	b = load("basic");
	/* Overwrite the string and its NUL. */
	memset(prop_data(&b, "/chosen", "bootargs"), 'x',
	       strlen("console=ttyS0 init=/sbin/root") + 1);
	expect_bootinfo_error_blob(&b, "string property not NUL-terminated");
	free(b.data);

	b = load("basic");
	put_be32(prop_len_field(&b, "/cpus", "timebase-frequency"), 2);
	expect_bootinfo_error_blob(&b, "property is not a u32 or u64");
	free(b.data);

	b = load("basic");
	put_be32(prop_data(&b, "/soc/interrupt-controller@c000000", "riscv,ndev"), 1024);
	expect_bootinfo_error_blob(&b, "plic riscv,ndev out of range");
	free(b.data);

	b = load("basic");
	put_be32(prop_data(&b, "/soc/uart@10000000", "reg-io-width"), 3);
	expect_bootinfo_error_blob(&b, "uart reg-io-width not 1, 2 or 4");
	free(b.data);

	b = load("basic");
	put_be32(prop_data(&b, "/soc/uart@10000000", "reg-shift"), 40);
	expect_bootinfo_error_blob(&b, "uart reg-shift too large");
	free(b.data);

	b = load("basic");
	put_be32(prop_data(&b, "/soc", "#address-cells"), 3);
	expect_bootinfo_error_blob(&b, "unsupported #address-cells for reg");
	free(b.data);

	b = load("basic");
	put_be32(prop_data(&b, "/", "#size-cells"), 1);
	expect_bootinfo_error_blob(&b, "reg length not a multiple of its entry size");
	free(b.data);

	b = load("basic");
	memcpy(prop_data(&b, "/cpus/cpu@0", "riscv,isa"), "rv64i!", 6);
	expect_bootinfo_error_blob(&b, "malformed riscv,isa");
	free(b.data);

	b = load("basic");
	memcpy(prop_data(&b, "/cpus/cpu@0", "device_type"), "xpu", 3);
	memcpy(prop_data(&b, "/cpus/cpu@1", "status"), "fail", 5);
	expect_bootinfo_error_blob(&b, "no enabled harts");
	free(b.data);
}

/* The ISA string grammar: versions, "_"-less multi-letter, upper case. */
static void test_isa_string_variants(void **state)
{
	static const struct {
		const char *isa;
		bool h, sstc;
	} cases[] = {
		{ "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc", true, true },
		{ "rv64imafdc_zicsr_sstc", false, true },
		{ "rv64imafdchzicsr_sstc", true, true },
		{ "RV64IMAFDCH_SSTC", true, true },
		{ "rv64i2p1m2p0a2p1c2p0h1p0_sstc1p0", true, false },
		{ "rv64imac_h_sstcx", true, false },
		{ "rv64imacsstc", false, true },
		{ "rv64", false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct builder *bld = b_new();
		struct parse_error err = { NULL, 0 };
		struct boot_info bi;
		struct blob out;
		struct fdt fdt;
		static const uint32_t mem[] = { 0, 0x80000000, 0, 0x1000000 };

		b_begin(bld, "");
		b_prop_u32(bld, "#address-cells", 2);
		b_prop_u32(bld, "#size-cells", 2);
		b_begin(bld, "memory@80000000");
		b_prop_str(bld, "device_type", "memory");
		b_prop_cells(bld, "reg", mem, 4);
		b_end(bld);
		b_begin(bld, "cpus");
		b_prop_u32(bld, "#address-cells", 1);
		b_prop_u32(bld, "#size-cells", 0);
		b_prop_u32(bld, "timebase-frequency", 1);
		b_begin(bld, "cpu@0");
		b_prop_str(bld, "device_type", "cpu");
		b_prop_u32(bld, "reg", 0);
		b_prop_str(bld, "riscv,isa", cases[i].isa);
		b_end(bld);
		b_end(bld);
		b_end(bld);
		b_u32(bld, FDT_END);
		out = b_finish(bld);
		free(bld);
		open_ok(&fdt, &out);
		if (!bootinfo_from_fdt(&bi, &fdt, &err))
			fail_msg("%s: %s", cases[i].isa, err.what);
		if (bi.all_harts_h != cases[i].h || bi.all_harts_sstc != cases[i].sstc)
			fail_msg("%s: h=%d sstc=%d", cases[i].isa, bi.all_harts_h, bi.all_harts_sstc);
		assert_int_equal(bi.mmu, BOOTINFO_MMU_NONE); /* no mmu-type given */
		free(out.data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder_minimal_ok),
		cmocka_unit_test(test_header_totalsize),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_totalsize_checks),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_struct_block_bounds),
		cmocka_unit_test(test_struct_block_misaligned),
		cmocka_unit_test(test_strings_block_bounds),
		cmocka_unit_test(test_rsvmap_checks),
		cmocka_unit_test(test_unknown_token),
		cmocka_unit_test(test_unterminated_node_name),
		cmocka_unit_test(test_prop_len_past_block),
		cmocka_unit_test(test_truncated_prop_header),
		cmocka_unit_test(test_prop_nameoff_outside_strings),
		cmocka_unit_test(test_prop_name_unterminated),
		cmocka_unit_test(test_unbalanced_nodes),
		cmocka_unit_test(test_nesting_depth),
		cmocka_unit_test(test_missing_end),
		cmocka_unit_test(test_root_rules),
		cmocka_unit_test(test_property_placement),
		cmocka_unit_test(test_nops_ignored),
		cmocka_unit_test(test_every_truncation_fails),
		cmocka_unit_test(test_every_truncation_with_lying_totalsize),
		cmocka_unit_test(test_byte_corruption_sweep),
		cmocka_unit_test(test_find_path),
		cmocka_unit_test(test_node_names_and_tree_walk),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_bus_cells_defaults),
		cmocka_unit_test(test_reg_iteration),
		cmocka_unit_test(test_memreserve_iteration),
		cmocka_unit_test(test_qemu_smp4_512m),
		cmocka_unit_test(test_qemu_smp1_128m),
		cmocka_unit_test(test_bootinfo_basic),
		cmocka_unit_test(test_bootinfo_isa_extensions),
		cmocka_unit_test(test_bootinfo_stdout_fallback),
		cmocka_unit_test(test_reject_no_memory),
		cmocka_unit_test(test_reject_mem_overlap),
		cmocka_unit_test(test_reject_mem_wrap),
		cmocka_unit_test(test_reject_mem_zero),
		cmocka_unit_test(test_reject_mem_too_many),
		cmocka_unit_test(test_reject_initrd_backwards),
		cmocka_unit_test(test_reject_initrd_outside),
		cmocka_unit_test(test_reject_initrd_half),
		cmocka_unit_test(test_reject_harts_too_many),
		cmocka_unit_test(test_reject_no_harts),
		cmocka_unit_test(test_reject_dup_hart),
		cmocka_unit_test(test_reject_no_timebase),
		cmocka_unit_test(test_reject_zero_timebase),
		cmocka_unit_test(test_reject_rsv_wrap),
		cmocka_unit_test(test_reject_isa_rv32),
		cmocka_unit_test(test_reject_bad_mmu),
		cmocka_unit_test(test_reject_nonidentity_ranges),
		cmocka_unit_test(test_reject_patched_basic),
		cmocka_unit_test(test_isa_string_variants),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
