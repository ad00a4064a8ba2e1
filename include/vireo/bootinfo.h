/*
 * What the kernel tells the root task at start, and where it puts things.
 *
 * Every program (the root task and the programs it starts) begins with two
 * words at its initial sp: sp[0] = the address of its UTCB, sp[1] = the
 * address of its start information: a struct vireo_boot_info for the root
 * task (magic VIREO_BOOT_INFO_MAGIC), whatever its loader defines for
 * others (libvireo tells them apart by the magic word). Memory the kernel
 * hands to the root
 * task is mapped at virtual address == physical address (RAM lies in the
 * lower half on the platforms we support), so the root task always knows
 * the physical address of what it owns, as DMA needs.
 */
#ifndef VIREO_BOOTINFO_H
#define VIREO_BOOTINFO_H

#include <stddef.h>
#include <vireo/types.h>

#define VIREO_BOOT_INFO_MAGIC 0x3149424f45524956ULL /* "VIREOBI1" */
#define VIREO_BOOT_MAX_MEM 64
#define VIREO_BOOT_CMDLINE 256

/* Fixed places in the root task's address space. */
#define VIREO_ROOT_ARCHIVE 0x3000000000UL    /* boot archive, read-only */
#define VIREO_ROOT_STACK_TOP 0x3ffd000000UL  /* initial stack, 64 KiB below */
#define VIREO_ROOT_STACK_SIZE 0x10000UL
#define VIREO_ROOT_BOOT_INFO 0x3ffe000000UL
#define VIREO_ROOT_UTCB_AREA 0x3fff000000UL
#define VIREO_ROOT_UTCB_LOG2 14              /* 16 KiB: 16 UTCBs */

struct vireo_mem_range {
	vireo_word_t addr; /* virtual == physical */
	vireo_word_t size;
};

struct vireo_boot_info {
	vireo_word_t magic;
	vireo_word_t archive_addr; /* in the root task */
	vireo_word_t archive_size;
	vireo_word_t ncpus;
	vireo_word_t timebase_hz;
	vireo_word_t kernel_quota; /* bytes the root factory may charge */
	vireo_word_t nmem;
	struct vireo_mem_range mem[VIREO_BOOT_MAX_MEM]; /* memory the root task owns (RWX) */
	char cmdline[VIREO_BOOT_CMDLINE];               /* the kernel command line */
};

_Static_assert(offsetof(struct vireo_boot_info, mem) == 56, "boot info layout");
_Static_assert(sizeof(struct vireo_boot_info) <= 4096, "boot info fits a page");

#endif
