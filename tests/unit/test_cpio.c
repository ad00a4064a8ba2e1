/*
 * Host unit tests for kernel/cpio.c.
 *
 * Archives are built here in C (struct ar below), then copied into a heap
 * block of exactly their length before parsing, so AddressSanitizer catches
 * any read past the end. If VIREO_TEST_DATA names a directory holding
 * sample.cpio (e.g. made by scripts/mkcpio or GNU cpio -H newc), it is read
 * too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpio.h>

#define HDR 110 /* newc header size */

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_NAMESIZE = 11, F_CHECK };

/* An archive under construction. */
struct ar {
	uint8_t buf[16384];
	size_t len;
	uint32_t ino;
};

static void ar_bytes(struct ar *a, const void *p, size_t n)
{
	assert_true(a->len + n <= sizeof(a->buf));
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void ar_pad(struct ar *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* Append a header with the given sizes; returns its offset. */
static size_t ar_header(struct ar *a, uint32_t mode, uint32_t namesize, uint32_t filesize)
{
	char h[HDR + 1];
	size_t off = a->len;

	snprintf(h, sizeof(h), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 ++a->ino, mode, 0, 0, 1, 0, filesize, 0, 0, 0, 0, namesize, 0);
	ar_bytes(a, h, HDR);
	return off;
}

/* Append a well-formed entry; returns its header offset. */
static size_t ar_add(struct ar *a, const char *name, const void *data, size_t size, uint32_t mode)
{
	size_t namesize = strlen(name) + 1;
	size_t off = ar_header(a, mode, (uint32_t)namesize, (uint32_t)size);

	ar_bytes(a, name, namesize);
	ar_pad(a);
	ar_bytes(a, data, size);
	ar_pad(a);
	return off;
}

static size_t ar_file(struct ar *a, const char *name, const char *text)
{
	return ar_add(a, name, text, strlen(text), 0100644);
}

static size_t ar_trailer(struct ar *a)
{
	return ar_add(a, "TRAILER!!!", "", 0, 0);
}

/* Overwrite field i of the header at off with exactly 8 characters. */
static void ar_set_field(struct ar *a, size_t off, int i, const char *text)
{
	assert_int_equal(strlen(text), 8);
	memcpy(a->buf + off + 6 + (size_t)i * 8, text, 8);
}

static size_t field_offset(size_t off, int i)
{
	return off + 6 + (size_t)i * 8;
}

/* A heap copy of exactly len bytes (at least one byte allocated). */
static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	return copy;
}

/* Walk the whole archive; returns the final cpio_next result. */
static int walk(const void *p, size_t len, size_t *entries, struct parse_error *err)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	*entries = 0;
	cpio_iter_init(&it, p, len);
	while ((r = cpio_next(&it, &e, err)) == 1) {
		assert_true(e.name >= (const char *)p && e.data >= (const uint8_t *)p);
		assert_true(e.data + e.size <= (const uint8_t *)p + len);
		(*entries)++;
	}
	return r;
}

static int walk_copy(const void *p, size_t len, size_t *entries, struct parse_error *err)
{
	uint8_t *copy = dup_exact(p, len);
	int r = walk(copy, len, entries, err);

	free(copy);
	return r;
}

static void expect_error(const void *p, size_t len, const char *what, size_t offset)
{
	struct parse_error err = { 0 };
	size_t n;

	assert_int_equal(walk_copy(p, len, &n, &err), -1);
	assert_non_null(err.what);
	assert_string_equal(err.what, what);
	assert_int_equal(err.offset, offset);
}

static void expect_ar_error(struct ar *a, const char *what, size_t offset)
{
	expect_error(a->buf, a->len, what, offset);
}

static void expect_next(struct cpio_iter *it, const char *name, const void *data, size_t size,
			uint32_t mode)
{
	struct parse_error err = { 0 };
	struct cpio_entry e;

	assert_int_equal(cpio_next(it, &e, &err), 1);
	assert_int_equal(e.name_len, strlen(name));
	assert_memory_equal(e.name, name, e.name_len + 1);
	assert_int_equal(e.size, size);
	if (size)
		assert_memory_equal(e.data, data, size);
	assert_int_equal(e.mode, mode);
	/* Members are 4-aligned relative to the archive start. */
	assert_int_equal((size_t)(e.data - it->base) % 4, 0);
}

static void expect_end(struct cpio_iter *it)
{
	struct parse_error err = { 0 };
	struct cpio_entry e;

	assert_int_equal(cpio_next(it, &e, &err), 0);
	assert_null(err.what);
	assert_int_equal(cpio_next(it, &e, &err), 0); /* and stays at the end */
}

/* ---- valid archives ---- */

static void test_only_trailer(void **state)
{
	struct ar a = { 0 };
	size_t n;

	(void)state;
	ar_trailer(&a);
	assert_int_equal(a.len, 124);
	assert_int_equal(walk_copy(a.buf, a.len, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void test_file_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 1000, 4099 };
	static struct ar a;
	uint8_t data[4099];
	struct cpio_iter it;
	char name[16];
	uint8_t *copy;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", sizes[i]);
		ar_add(&a, name, data, sizes[i], 0100644);
	}
	ar_trailer(&a);
	copy = dup_exact(a.buf, a.len);
	cpio_iter_init(&it, copy, a.len);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", sizes[i]);
		expect_next(&it, name, data, sizes[i], 0100644);
	}
	expect_end(&it);
	free(copy);
}

/* Names of length 1..9 cover every amount of header+name padding. */
static void test_name_lengths(void **state)
{
	static const char *names[] = { "a", "ab", "abc", "abcd", "abcde", "abcdef",
				       "abcdefg", "abcdefgh", "abcdefghi" };
	struct ar a = { 0 };
	struct cpio_iter it;
	uint8_t *copy;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		ar_add(&a, names[i], names[i], i + 1, 0100755);
	ar_trailer(&a);
	copy = dup_exact(a.buf, a.len);
	cpio_iter_init(&it, copy, a.len);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		expect_next(&it, names[i], names[i], i + 1, 0100755);
	expect_end(&it);
	free(copy);
}

/* Padding is relative to the archive start, not to the address. */
static void test_unaligned_base(void **state)
{
	struct ar a = { 0 };
	struct cpio_iter it;
	uint8_t *mem;

	(void)state;
	ar_file(&a, "x", "abc");
	ar_file(&a, "yy", "hello");
	ar_trailer(&a);
	mem = malloc(a.len + 1);
	assert_non_null(mem);
	memcpy(mem + 1, a.buf, a.len);
	cpio_iter_init(&it, mem + 1, a.len);
	expect_next(&it, "x", "abc", 3, 0100644);
	expect_next(&it, "yy", "hello", 5, 0100644);
	expect_end(&it);
	free(mem);
}

static void test_directories_and_types(void **state)
{
	struct ar a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;
	struct parse_error err;

	(void)state;
	ar_add(&a, "bin", "", 0, 0040755);
	ar_file(&a, "bin/init", "ELF");
	ar_add(&a, "bin/sh", "init", 4, 0120777); /* symlink */
	ar_trailer(&a);
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e, &err), 1);
	assert_int_equal(e.mode, 0040755);
	assert_false(cpio_entry_is_file(&e));
	assert_int_equal(cpio_next(&it, &e, &err), 1);
	assert_true(cpio_entry_is_file(&e));
	assert_int_equal(cpio_next(&it, &e, &err), 1);
	assert_int_equal(e.mode, 0120777);
	assert_false(cpio_entry_is_file(&e));
	expect_end(&it);
}

/* Names come back exactly as stored; "./foo" is not "foo". */
static void test_names_as_is(void **state)
{
	struct ar a = { 0 };
	struct cpio_entry e;
	struct parse_error err = { 0 };

	(void)state;
	ar_file(&a, "./foo", "dot");
	ar_trailer(&a);
	assert_true(cpio_find(a.buf, a.len, "./foo", &e, &err));
	assert_int_equal(e.name_len, 5);
	assert_false(cpio_find(a.buf, a.len, "foo", &e, &err));
	assert_string_equal(err.what, "not found in archive");
}

static void test_find(void **state)
{
	struct ar a = { 0 };
	struct cpio_entry e = { 0 };
	struct parse_error err = { 0 };
	uint8_t *copy;

	(void)state;
	ar_file(&a, "boot.cfg", "cfg");
	ar_file(&a, "root", "root task");
	ar_file(&a, "rootfs.img", "image");
	ar_trailer(&a);
	copy = dup_exact(a.buf, a.len);
	assert_true(cpio_find(copy, a.len, "root", &e, &err));
	assert_int_equal(e.size, 9);
	assert_memory_equal(e.data, "root task", 9);
	assert_true(cpio_find(copy, a.len, "rootfs.img", &e, &err));
	assert_memory_equal(e.data, "image", 5);

	/* Misses, including prefixes and extensions of real names. */
	e = (struct cpio_entry){ 0 };
	assert_false(cpio_find(copy, a.len, "roo", &e, &err));
	assert_string_equal(err.what, "not found in archive");
	assert_int_equal(err.offset, a.len);
	assert_null(e.name); /* untouched on failure */
	assert_false(cpio_find(copy, a.len, "boot.cfg2", &e, &err));
	assert_false(cpio_find(copy, a.len, "", &e, &err));
	assert_false(cpio_find(copy, a.len, "TRAILER!!!", &e, &err));
	free(copy);
}

/* The iterator returns duplicates; cpio_find returns the first. */
static void test_duplicates(void **state)
{
	struct ar a = { 0 };
	struct cpio_entry e;
	struct parse_error err;
	size_t n;

	(void)state;
	ar_file(&a, "dup", "first");
	ar_file(&a, "dup", "second");
	ar_trailer(&a);
	assert_int_equal(walk_copy(a.buf, a.len, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(cpio_find(a.buf, a.len, "dup", &e, &err));
	assert_memory_equal(e.data, "first", 5);
}

/* A match earlier in the archive does not excuse damage later on. */
static void test_find_validates_all(void **state)
{
	struct ar a = { 0 };
	struct cpio_entry e = { 0 };
	struct parse_error err = { 0 };
	size_t bad;

	(void)state;
	ar_file(&a, "good", "ok");
	bad = ar_file(&a, "bad", "x");
	ar_trailer(&a);
	ar_set_field(&a, bad, F_MODE, "0000z000");
	assert_false(cpio_find(a.buf, a.len, "good", &e, &err));
	assert_string_equal(err.what, "bad header field: not 8 hex digits");
	assert_int_equal(err.offset, field_offset(bad, F_MODE));
	assert_null(e.name);
}

static void test_bytes_after_trailer(void **state)
{
	struct ar a = { 0 };
	size_t n;

	(void)state;
	ar_file(&a, "a", "1");
	ar_trailer(&a);
	ar_bytes(&a, "garbage, and not a multiple of 4", 32);
	memset(a.buf + a.len, 0, 512);
	a.len += 512 - 3;
	assert_int_equal(walk_copy(a.buf, a.len, &n, NULL), 0);
	assert_int_equal(n, 1);
}

static void test_uppercase_hex(void **state)
{
	struct ar a = { 0 };
	size_t off, n;

	(void)state;
	off = ar_file(&a, "a", "1");
	ar_trailer(&a);
	ar_set_field(&a, off, F_MTIME, "DEADBEEF");
	ar_set_field(&a, off, F_CHECK, "abcdefAB");
	assert_int_equal(walk_copy(a.buf, a.len, &n, NULL), 0);
}

/* ---- malformed archives ---- */

static void test_zero_length(void **state)
{
	(void)state;
	expect_error("", 0, "empty input: no archive", 0);
}

/* Every proper prefix of a valid archive must fail, never read past its end. */
static void test_every_truncation(void **state)
{
	static const char *ok[] = { "truncated: header", "truncated: name",
				    "truncated: name padding", "truncated: file data",
				    "truncated: data padding", "truncated: no trailer",
				    "empty input: no archive" };
	struct ar a = { 0 };
	struct parse_error err;
	size_t n;

	(void)state;
	ar_add(&a, "dir", "", 0, 0040755);
	ar_file(&a, "a", "");
	ar_file(&a, "bc", "12345");
	ar_file(&a, "defg", "1234567890");
	ar_trailer(&a);
	for (size_t len = 0; len < a.len; len++) {
		bool known = false;

		err = (struct parse_error){ 0 };
		assert_int_equal(walk_copy(a.buf, len, &n, &err), -1);
		assert_non_null(err.what);
		assert_true(err.offset <= len);
		for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
			known |= strcmp(err.what, ok[i]) == 0;
		if (!known)
			fail_msg("len %zu: unexpected error \"%s\"", len, err.what);
	}
	assert_int_equal(walk_copy(a.buf, a.len, &n, &err), 0);
}

static void test_truncation_messages(void **state)
{
	struct ar a = { 0 };

	(void)state;
	ar_file(&a, "abc", "12345"); /* header 0..110, name ..114, data 116..121, pad ..124 */
	expect_error(a.buf, 3, "truncated: header", 0);
	expect_error(a.buf, 109, "truncated: header", 0);
	expect_error(a.buf, 113, "truncated: name", 110);
	expect_error(a.buf, 115, "truncated: name padding", 114);
	expect_error(a.buf, 120, "truncated: file data", 116);
	expect_error(a.buf, 122, "truncated: data padding", 121);
	expect_error(a.buf, 124, "truncated: no trailer", 124);
	ar_trailer(&a);
	expect_error(a.buf, 130, "truncated: header", 124);
}

static void test_bad_magic(void **state)
{
	static const char text[] = "This is a plain text file, certainly not a cpio archive at all. "
				   "It goes on long enough to cover a whole header.......";
	struct ar a = { 0 };
	size_t second;

	(void)state;
	expect_error(text, sizeof(text) - 1, "bad magic: not a cpio newc archive", 0);
	expect_error("07070", 5, "truncated: header", 0);
	expect_error("hello!", 6, "bad magic: not a cpio newc archive", 0);

	ar_file(&a, "a", "1");
	second = ar_file(&a, "b", "2");
	ar_trailer(&a);
	memcpy(a.buf + second, "070700", 6);
	expect_ar_error(&a, "bad magic: not a cpio newc archive", second);
	memset(a.buf + second, 0, a.len - second);
	expect_ar_error(&a, "bad magic: not a cpio newc archive", second);
}

static void test_other_variants(void **state)
{
	struct ar a = { 0 };

	(void)state;
	ar_file(&a, "a", "1");
	ar_trailer(&a);
	memcpy(a.buf, "070702", 6);
	expect_ar_error(&a, "unsupported cpio variant 070702 (newc with checksum), need 070701", 0);
	memcpy(a.buf, "070707", 6);
	expect_ar_error(&a, "unsupported cpio variant 070707 (odc), need newc 070701", 0);
	expect_error("070707", 6, "unsupported cpio variant 070707 (odc), need newc 070701", 0);
	expect_error("\xc7\x71\x00\x00", 4, "unsupported cpio variant (old binary), need newc 070701", 0);
	expect_error("\x71\xc7", 2, "unsupported cpio variant (old binary), need newc 070701", 0);
	expect_error("\x1f\x8b\x08\x00", 4, "compressed (gzip) archive, need uncompressed cpio newc", 0);
}

static void test_non_hex_fields(void **state)
{
	static const char *bad[] = { "0000000g", "g0000000", " 0000001", "0000001 ",
				     "+0000001", "-0000001", "0x000001", "000\0" "0001",
				     "0000000G", "0000000/", "0000000:", "0000000@",
				     "0000000`", "0000000\xff" };
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "a", "1");
	ar_trailer(&a);
	for (int field = 0; field < 13; field++) {
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			struct ar b = a;

			memcpy(b.buf + field_offset(off, field), bad[i], 8);
			expect_ar_error(&b, "bad header field: not 8 hex digits",
					field_offset(off, field));
		}
	}
}

static void test_namesize_zero(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "abc", "1");
	ar_trailer(&a);
	ar_set_field(&a, off, F_NAMESIZE, "00000000");
	expect_ar_error(&a, "bad namesize: 0", off + HDR);
}

static void test_namesize_huge(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "abc", "1");
	ar_trailer(&a);
	ar_set_field(&a, off, F_NAMESIZE, "ffffffff");
	expect_ar_error(&a, "truncated: name", off + HDR);
	ar_set_field(&a, off, F_NAMESIZE, "fffffff0");
	expect_ar_error(&a, "truncated: name", off + HDR);
}

static void test_name_not_terminated(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "abc", "1");
	ar_trailer(&a);
	a.buf[off + HDR + 3] = 'd';
	expect_ar_error(&a, "name not NUL-terminated", off + HDR + 3);
}

/* namesize shorter than the string: the NUL is not where namesize says. */
static void test_namesize_too_small(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "abcdef", "1");
	ar_trailer(&a);
	ar_set_field(&a, off, F_NAMESIZE, "00000003");
	expect_ar_error(&a, "name not NUL-terminated", off + HDR + 2);
}

static void test_embedded_nul(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_header(&a, 0100644, 4, 1);
	ar_bytes(&a, "a\0b\0", 4);
	ar_pad(&a);
	ar_bytes(&a, "x", 1);
	ar_pad(&a);
	ar_trailer(&a);
	expect_ar_error(&a, "name contains NUL", off + HDR + 1);
}

/* "TRAILER!!!\0junk" must not end the archive early for anyone. */
static void test_trailer_with_nul_suffix(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_header(&a, 0, 16, 0);
	ar_bytes(&a, "TRAILER!!!\0evil", 16);
	ar_pad(&a);
	expect_ar_error(&a, "name contains NUL", off + HDR + 10);
}

static void test_empty_name(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_add(&a, "", "1", 1, 0100644);
	ar_trailer(&a);
	expect_ar_error(&a, "empty name", off + HDR);
}

static void test_filesize_past_end(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "a", "1234");
	ar_trailer(&a);
	/* Data at 112, then 4 bytes and the 124-byte trailer: 128 bytes left. */
	ar_set_field(&a, off, F_FILESIZE, "00000081");
	expect_ar_error(&a, "truncated: file data", off + 112);
	/* Exactly to the end: data fits, but then the trailer is gone. */
	ar_set_field(&a, off, F_FILESIZE, "00000080");
	expect_ar_error(&a, "truncated: no trailer", a.len);
	/* Swallows most of the trailer; what is left is not a header. */
	ar_set_field(&a, off, F_FILESIZE, "00000008");
	expect_ar_error(&a, "bad magic: not a cpio newc archive", off + 120);
}

static void test_filesize_max(void **state)
{
	struct ar a = { 0 };
	size_t off;

	(void)state;
	off = ar_file(&a, "a", "1234");
	ar_trailer(&a);
	ar_set_field(&a, off, F_FILESIZE, "ffffffff");
	expect_ar_error(&a, "truncated: file data", off + 112);
	ar_set_field(&a, off, F_FILESIZE, "fffffffd");
	expect_ar_error(&a, "truncated: file data", off + 112);
}

static void test_missing_trailer(void **state)
{
	struct ar a = { 0 };

	(void)state;
	ar_file(&a, "a", "1");
	ar_file(&a, "b", "22");
	expect_ar_error(&a, "truncated: no trailer", a.len);
}

/* After an error the iterator keeps reporting it; err may be NULL. */
static void test_error_is_sticky(void **state)
{
	struct ar a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;
	struct parse_error err = { 0 };

	(void)state;
	ar_file(&a, "a", "1");
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e, NULL), 1);
	assert_int_equal(cpio_next(&it, &e, NULL), -1);
	assert_int_equal(cpio_next(&it, &e, &err), -1);
	assert_string_equal(err.what, "truncated: no trailer");
	assert_int_equal(err.offset, a.len);

	/* Even if the bytes change underneath, the verdict does not. */
	a.buf[0] = 'x';
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e, NULL), -1);
	a.buf[0] = '0';
	assert_int_equal(cpio_next(&it, &e, &err), -1);
	assert_string_equal(err.what, "bad magic: not a cpio newc archive");
}

/* Deterministic random damage: any outcome is fine as long as nothing crashes. */
static void test_random_corruption(void **state)
{
	struct ar a = { 0 };
	uint32_t seed = 12345;
	size_t n;

	(void)state;
	ar_add(&a, "d", "", 0, 0040755);
	ar_file(&a, "a", "hello");
	ar_file(&a, "bcd", "0123456789abcdef");
	ar_trailer(&a);
	for (int round = 0; round < 20000; round++) {
		struct ar b = a;
		struct parse_error err = { 0 };
		int r;

		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			b.buf[(seed >> 8) % b.len] = (uint8_t)(seed >> 24);
		}
		seed = seed * 1103515245u + 12345u;
		b.len -= (round & 1) ? (seed >> 8) % b.len : 0;
		r = walk_copy(b.buf, b.len, &n, &err);
		assert_true(r == 0 || (r == -1 && err.what && err.offset <= b.len));
	}
}

/* ---- archives made by other tools ---- */

static void test_sample_file(void **state)
{
	const char *dir = getenv("VIREO_TEST_DATA");
	char path[4096];
	static uint8_t buf[1 << 20];
	size_t len, n;
	struct parse_error err = { 0 };
	FILE *f;

	(void)state;
	/* The build makes sample.cpio with GNU cpio (-H newc) from boot/. */
	if (!dir)
		fail_msg("VIREO_TEST_DATA is not set");
	snprintf(path, sizeof(path), "%s/sample.cpio", dir);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (walk_copy(buf, len, &n, &err) != 0)
		fail_msg("%s: %s at offset %zu", path, err.what, err.offset);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_trailer),
		cmocka_unit_test(test_file_sizes),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_unaligned_base),
		cmocka_unit_test(test_directories_and_types),
		cmocka_unit_test(test_names_as_is),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_find_validates_all),
		cmocka_unit_test(test_bytes_after_trailer),
		cmocka_unit_test(test_uppercase_hex),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_truncation_messages),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_other_variants),
		cmocka_unit_test(test_non_hex_fields),
		cmocka_unit_test(test_namesize_zero),
		cmocka_unit_test(test_namesize_huge),
		cmocka_unit_test(test_name_not_terminated),
		cmocka_unit_test(test_namesize_too_small),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_trailer_with_nul_suffix),
		cmocka_unit_test(test_empty_name),
		cmocka_unit_test(test_filesize_past_end),
		cmocka_unit_test(test_filesize_max),
		cmocka_unit_test(test_missing_trailer),
		cmocka_unit_test(test_error_is_sticky),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_sample_file),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
