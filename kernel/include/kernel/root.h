/* Starting the root task from the boot archive. */
#ifndef KERNEL_ROOT_H
#define KERNEL_ROOT_H

#include <kernel/bootinfo.h>

/*
 * Load the module named by `root=` on the command line (default "root")
 * from the boot archive, give it memory and its initial capabilities, and
 * make its first thread ready. Returns false, after saying why, when there
 * is no usable root task.
 */
bool root_start(const struct boot_info *bi);

#endif
