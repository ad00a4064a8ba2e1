/*
 * Reader for the boot archive, a cpio "newc" archive (magic "070701").
 *
 * The archive comes from whoever built the boot image, so it is treated as
 * hostile: every field is checked against the bytes actually given before it
 * is used, and a malformed archive yields an error, never an out-of-bounds
 * read. Layout, with all offsets relative to the start of the archive:
 *
 *   +--------------------+ 4-aligned
 *   | header, 110 bytes  |  "070701" then 13 fields of 8 hex digits:
 *   |                    |  ino mode uid gid nlink mtime filesize devmajor
 *   |                    |  devminor rdevmajor rdevminor namesize check
 *   +--------------------+
 *   | name, namesize     |  includes the terminating NUL
 *   | pad to 4           |
 *   +--------------------+
 *   | data, filesize     |
 *   | pad to 4           |
 *   +--------------------+ next header ... until the name "TRAILER!!!"
 *
 * Entries are returned as they are stored: names are not normalised ("./foo"
 * stays "./foo", "foo/../bar" stays as-is), directories and special files are
 * returned with their mode (filter with cpio_entry_is_file()), hard links are
 * not resolved, and duplicate names are returned each time they occur. Bytes
 * after the trailer are ignored (archivers pad to a block size).
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>
#include <kernel/parse.h>

/* File type bits of the mode field, as in stat(2). */
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_FILE 0100000u
#define CPIO_MODE_DIR 0040000u

/* One archive member. Pointers point into the archive; nothing is copied. */
struct cpio_entry {
	const char *name;    /* NUL-terminated, name_len bytes before the NUL */
	size_t name_len;
	const uint8_t *data; /* size bytes, not NUL-terminated, may be unaligned */
	size_t size;
	uint32_t mode;       /* type and permission bits */
};

enum cpio_iter_state {
	CPIO_ITER_RUNNING,
	CPIO_ITER_DONE,   /* trailer reached */
	CPIO_ITER_FAILED, /* error is valid and is reported again */
};

/* Walk position in an archive. Opaque to callers; set up by cpio_iter_init(). */
struct cpio_iter {
	const uint8_t *base;
	size_t len;
	size_t off; /* offset of the next header */
	enum cpio_iter_state state;
	struct parse_error error;
};

/* Whether an entry is a regular file (not a directory, link, device...). */
static inline bool cpio_entry_is_file(const struct cpio_entry *e)
{
	return (e->mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE;
}

/* Start a walk over the len bytes at archive. Does not read them yet. */
void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);

/*
 * Validate and return the next entry in *e. Returns 1 for an entry, 0 once the
 * trailer is reached (and on every later call), -1 on malformed input with
 * *err set (if err is non-NULL; the same error is returned on later calls).
 * *e is meaningful only when 1 is returned.
 */
must_check int cpio_next(struct cpio_iter *it, struct cpio_entry *e, struct parse_error *err);

/*
 * Find the first entry whose name is exactly name (no normalisation). The
 * whole archive is validated, so the answer does not depend on where
 * the entry sits. Returns true with *e filled in; false with *err set and *e
 * untouched when the archive is malformed or the name is absent (err->what is
 * then "not found in archive").
 */
must_check bool cpio_find(const void *archive, size_t len, const char *name,
			  struct cpio_entry *e, struct parse_error *err);

#endif
