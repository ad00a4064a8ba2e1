/* Members of the boot archive (see archive.h), through the kernel's cpio reader. */
#include <kernel/cpio.h>
#include <vireo.h>

#include "archive.h"

bool archive_find(const char *name, const uint8_t **data, size_t *size, struct parse_error *err)
{
	const struct vireo_boot_info *bi = vireo_boot_info;
	struct cpio_entry e;

	if (!bi || !bi->archive_size) {
		parse_fail(err, "no boot archive", 0);
		return false;
	}
	if (!cpio_find((const void *)bi->archive_addr, (size_t)bi->archive_size, name, &e, err))
		return false;
	if (!cpio_entry_is_file(&e)) {
		parse_fail(err, "not a regular file", 0);
		return false;
	}
	*data = e.data;
	*size = e.size;
	return true;
}
