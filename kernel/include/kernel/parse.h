/*
 * How the kernel's parsers (device tree, cpio, later ELF and boot.cfg) report
 * rejected input: a static, human-readable reason and where in the input it
 * was found. Parsers never trust a length or offset field before checking it
 * against the bytes they were given.
 */
#ifndef KERNEL_PARSE_H
#define KERNEL_PARSE_H

#include <stddef.h>

struct parse_error {
	const char *what; /* static string, e.g. "bad magic" */
	size_t offset;    /* byte offset into the input */
};

static inline void parse_fail(struct parse_error *err, const char *what, size_t offset)
{
	if (err) {
		err->what = what;
		err->offset = offset;
	}
}

#endif
