/*
 * Everything the root task checks before it starts anything: every
 * module exists and is a loadable ELF, every capability can be granted,
 * every program fits its memory limit and runs on CPU 0, and the quotas
 * and memory of all programs together fit what the root task owns.
 */
#ifndef ROOT_VALIDATE_H
#define ROOT_VALIDATE_H

#include "root.h"

/*
 * Kernel quota the root task spends on each program besides its quota: the
 * sub-factory object and the gates. Generous on purpose (objects are far
 * smaller); it only guards the total.
 */
#define VALIDATE_ROOT_OVERHEAD 4096u

/*
 * The least quota a program can start with: its task, thread, capability
 * space, UTCB area, page tables and mapping nodes. Measured: 71 KiB for the
 * demo programs (340 KiB images); larger images need a little more.
 */
#define VALIDATE_MIN_QUOTA (80u * 1024)

/*
 * Check every program in root_program[] (filling in its file, image and
 * page count) and all of them together. Prints each problem as
 * "root: ..." and returns how many there were.
 */
unsigned validate_all(void);

#endif
