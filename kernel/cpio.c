/*
 * cpio newc reader for the boot archive. See <kernel/cpio.h> for the layout.
 *
 * Every length check is written as "bytes remaining < bytes needed" with the
 * remainder computed from an offset already known to be <= len, so no sum of
 * an offset and an untrusted 32-bit field is ever formed before it is known
 * to stay within the archive (and thus cannot wrap, whatever size_t is).
 */
#include <kernel/cpio.h>
#include <kernel/string.h>

#define CPIO_MAGIC "070701"
#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_HEADER_SIZE (CPIO_MAGIC_LEN + CPIO_FIELD_COUNT * CPIO_FIELD_LEN)
#define CPIO_TRAILER "TRAILER!!!"

/* Header fields in the order they are stored. */
enum cpio_field {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE,
	CPIO_CHECK,
	CPIO_FIELD_COUNT
};

_Static_assert(CPIO_HEADER_SIZE == 110, "newc header is 110 bytes");

/*
 * Magics we recognise but do not read, so the error says what the input is
 * rather than just "bad magic". Old binary cpio stores 070707 octal as a
 * 16-bit word in either byte order.
 */
static const struct {
	const char *magic;
	size_t len;
	const char *what;
} cpio_foreign_magics[] = {
	{ "070702", 6, "unsupported cpio variant 070702 (newc with checksum), need 070701" },
	{ "070707", 6, "unsupported cpio variant 070707 (odc), need newc 070701" },
	{ "\xc7\x71", 2, "unsupported cpio variant (old binary), need newc 070701" },
	{ "\x71\xc7", 2, "unsupported cpio variant (old binary), need newc 070701" },
	{ "\x1f\x8b", 2, "compressed (gzip) archive, need uncompressed cpio newc" },
};

/* Bytes needed to bring off up to a multiple of 4 (from the archive start). */
static size_t pad4(size_t off)
{
	return (4 - (off & 3)) & 3;
}

/* Whether [off, off + n) lies inside the archive; off must be <= it->len. */
static bool cpio_has(const struct cpio_iter *it, size_t off, size_t n)
{
	return it->len - off >= n;
}

static bool cpio_check_magic(const struct cpio_iter *it, size_t off, struct parse_error *err)
{
	const uint8_t *p = it->base + off;

	if (cpio_has(it, off, CPIO_MAGIC_LEN) && memcmp(p, CPIO_MAGIC, CPIO_MAGIC_LEN) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(cpio_foreign_magics); i++) {
		if (cpio_has(it, off, cpio_foreign_magics[i].len) &&
		    memcmp(p, cpio_foreign_magics[i].magic, cpio_foreign_magics[i].len) == 0) {
			parse_fail(err, cpio_foreign_magics[i].what, off);
			return false;
		}
	}
	if (!cpio_has(it, off, CPIO_MAGIC_LEN))
		parse_fail(err, "truncated: header", off);
	else
		parse_fail(err, "bad magic: not a cpio newc archive", off);
	return false;
}

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse exactly 8 hex digits (no sign, no "0x", no spaces). */
static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (size_t i = 0; i < CPIO_FIELD_LEN; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* Check magic and size of the header at off and decode all of its fields. */
static bool cpio_read_header(const struct cpio_iter *it, size_t off,
			     uint32_t field[CPIO_FIELD_COUNT], struct parse_error *err)
{
	if (!cpio_check_magic(it, off, err))
		return false;
	if (!cpio_has(it, off, CPIO_HEADER_SIZE)) {
		parse_fail(err, "truncated: header", off);
		return false;
	}
	for (size_t i = 0; i < CPIO_FIELD_COUNT; i++) {
		size_t at = off + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN;

		if (!parse_hex8(it->base + at, &field[i])) {
			parse_fail(err, "bad header field: not 8 hex digits", at);
			return false;
		}
	}
	return true;
}

/*
 * Check the name at off (namesize bytes including the NUL) and its padding.
 * An empty name or one with a NUL inside could make two different entries
 * look alike, or an entry look like the trailer, to code using C strings.
 */
static bool cpio_read_name(const struct cpio_iter *it, size_t off, uint32_t namesize,
			   struct cpio_entry *e, struct parse_error *err)
{
	const char *name = (const char *)it->base + off;
	size_t len;

	if (namesize == 0) {
		parse_fail(err, "bad namesize: 0", off);
		return false;
	}
	if (!cpio_has(it, off, namesize)) {
		parse_fail(err, "truncated: name", off);
		return false;
	}
	len = strnlen(name, namesize);
	if (len == namesize) {
		parse_fail(err, "name not NUL-terminated", off + namesize - 1);
		return false;
	}
	if (len < namesize - 1) {
		parse_fail(err, "name contains NUL", off + len);
		return false;
	}
	if (len == 0) {
		parse_fail(err, "empty name", off);
		return false;
	}
	if (!cpio_has(it, off + namesize, pad4(off + namesize))) {
		parse_fail(err, "truncated: name padding", off + namesize);
		return false;
	}
	e->name = name;
	e->name_len = len;
	return true;
}

/* Check the data at off and its padding; return the offset after them. */
static bool cpio_read_data(const struct cpio_iter *it, size_t off, uint32_t filesize,
			   struct cpio_entry *e, size_t *next, struct parse_error *err)
{
	if (!cpio_has(it, off, filesize)) {
		parse_fail(err, "truncated: file data", off);
		return false;
	}
	if (!cpio_has(it, off + filesize, pad4(off + filesize))) {
		parse_fail(err, "truncated: data padding", off + filesize);
		return false;
	}
	e->data = it->base + off;
	e->size = filesize;
	*next = off + filesize + pad4(off + filesize);
	return true;
}

/*
 * Decode the whole entry at it->off into *e and the offset of the one after.
 * The trailer is checked like any other entry, so a valid archive always
 * contains its trailer in full.
 */
static bool cpio_read_entry(const struct cpio_iter *it, struct cpio_entry *e, size_t *next,
			    struct parse_error *err)
{
	uint32_t field[CPIO_FIELD_COUNT];
	size_t name_off = it->off + CPIO_HEADER_SIZE;

	if (it->off == it->len) {
		parse_fail(err, it->len ? "truncated: no trailer" : "empty input: no archive", it->off);
		return false;
	}
	if (!cpio_read_header(it, it->off, field, err))
		return false;
	if (!cpio_read_name(it, name_off, field[CPIO_NAMESIZE], e, err))
		return false;
	name_off += field[CPIO_NAMESIZE];
	if (!cpio_read_data(it, name_off + pad4(name_off), field[CPIO_FILESIZE], e, next, err))
		return false;
	e->mode = field[CPIO_MODE];
	return true;
}

static bool cpio_is_trailer(const struct cpio_entry *e)
{
	return e->name_len == sizeof(CPIO_TRAILER) - 1 &&
	       memcmp(e->name, CPIO_TRAILER, sizeof(CPIO_TRAILER) - 1) == 0;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
	it->base = archive;
	it->len = len;
	it->off = 0;
	it->state = CPIO_ITER_RUNNING;
	it->error = (struct parse_error){ 0 };
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, struct parse_error *err)
{
	size_t next;

	if (it->state == CPIO_ITER_DONE)
		return 0;
	if (it->state == CPIO_ITER_FAILED) {
		parse_fail(err, it->error.what, it->error.offset);
		return -1;
	}
	if (!cpio_read_entry(it, e, &next, &it->error)) {
		it->state = CPIO_ITER_FAILED;
		parse_fail(err, it->error.what, it->error.offset);
		return -1;
	}
	it->off = next;
	if (cpio_is_trailer(e)) {
		it->state = CPIO_ITER_DONE;
		return 0;
	}
	return 1;
}

bool cpio_find(const void *archive, size_t len, const char *name, struct cpio_entry *e,
	       struct parse_error *err)
{
	struct cpio_iter it;
	struct cpio_entry cur, match;
	size_t name_len = strlen(name);
	bool found = false;
	int r;

	cpio_iter_init(&it, archive, len);
	while ((r = cpio_next(&it, &cur, err)) == 1) {
		if (!found && cur.name_len == name_len && memcmp(cur.name, name, name_len) == 0) {
			match = cur;
			found = true;
		}
	}
	if (r < 0)
		return false;
	if (!found) {
		parse_fail(err, "not found in archive", it.off);
		return false;
	}
	*e = match;
	return true;
}
