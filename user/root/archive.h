/* The boot archive as the root task sees it: named members, read-only. */
#ifndef ROOT_ARCHIVE_H
#define ROOT_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/parse.h>

/*
 * Find the regular file called name in the boot archive the kernel mapped
 * for the root task. Returns true with its bytes in *data, *size; false
 * with *err set (err->what is "not found in archive" when it is absent).
 */
__attribute__((warn_unused_result)) bool archive_find(const char *name, const uint8_t **data,
						       size_t *size, struct parse_error *err);

#endif
