/*
 * The kernel command line (/chosen bootargs): words separated by spaces,
 * each "key" or "key=value". Values cannot contain spaces.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stddef.h>

struct cmdline_value {
	const char *text; /* not NUL-terminated */
	size_t len;
};

/*
 * Find the last occurrence of `key` in `cmdline`; true if present. A bare
 * "key" has an empty value.
 */
must_check bool cmdline_find(const char *cmdline, const char *key, struct cmdline_value *value);

#endif
