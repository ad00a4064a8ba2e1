/*
 * The system objects there is one of: the Scheduler (placement, priority,
 * time slices, CPU information) and Platform_control (power off, reboot).
 * Both are created at boot and given to the root task.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <kernel/kobject.h>

struct kobject *scheduler_boot(void);
struct kobject *platform_boot(void);

extern const struct kobject_ops scheduler_ops;
extern const struct kobject_ops platform_ops;

#endif
