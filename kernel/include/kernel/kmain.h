/* The portable kernel's entry, called by the architecture's boot code. */
#ifndef KERNEL_KMAIN_H
#define KERNEL_KMAIN_H

#include <kernel/bootinfo.h>
#include <kernel/compiler.h>

/*
 * Everything the architecture learned at boot. The device tree it came from
 * stays mapped and is never freed, so the strings it points to stay valid.
 */
extern const struct boot_info *kernel_boot_info;

/*
 * Nothing is left to run (no root task, or it ended): say so, and from now
 * on poll the console for 'q', which powers the machine off.
 */
void kernel_offer_quit_key(const char *why);

/* Runs on the boot hart once memory, the MMU, traps and the timer work. */
noreturn_fn void kernel_main(const struct boot_info *bi);

#endif
