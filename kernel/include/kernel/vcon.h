/* The kernel console object: the one Vcon, created at boot. */
#ifndef KERNEL_VCON_H
#define KERNEL_VCON_H

#include <kernel/kobject.h>

#define VCON_MAX_WRITE (8 * (VIREO_MR_COUNT - 2))

/* The boot Vcon object (never freed). */
struct kobject *vcon_boot(void);

extern const struct kobject_ops vcon_ops;

#endif
