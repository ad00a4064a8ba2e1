/*
 * The root task's view of the programs it runs: one struct program per
 * boot.cfg 'start' block, and the selectors and labels of their objects.
 *
 * Capability selectors in the root task, per program i:
 *
 *   ROOT_SEL_PROGRAMS + 8*i + 0   its factory (quota from boot.cfg)
 *                           + 1   its task
 *                           + 2   its main thread
 *                           + 3   its parent gate (bound to the root's thread)
 *                           + 4.. the gates of the services it serves
 *
 * Gate labels (the low four bits carry the sender's rights):
 *   parent gate of program i         (i + 1) << 8
 *   k-th service gate of program i   (i + 1) << 8 | (k + 1) << 4
 * so a message to the root task names its program by label >> 8.
 */
#ifndef ROOT_ROOT_H
#define ROOT_ROOT_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/elf.h>
#include <vireo.h>

#include "bootcfg.h"

#define ROOT_SEL_PROGRAMS 64
#define ROOT_SELS_PER_PROGRAM 8
#define ROOT_MAX_RESTARTS 3 /* per program, for restart on-failure and always */
#define ROOT_MAX_MEMORY_REQUESTS 8 /* VIREO_PARENT_MEMORY calls per incarnation */

_Static_assert(4 + BOOTCFG_MAX_SERVES <= ROOT_SELS_PER_PROGRAM, "selectors per program");
_Static_assert(BOOTCFG_MAX_CAPS + BOOTCFG_MAX_SERVES <= VIREO_ENV_MAX_CAPS, "env cap table");
_Static_assert(BOOTCFG_MAX_ARGS + 1 <= VIREO_ENV_MAX_ARGS, "env argv");
_Static_assert(BOOTCFG_NAME_MAX < VIREO_ENV_NAME_SIZE, "env cap names");
_Static_assert(BOOTCFG_MAX_FILES <= VIREO_ENV_MAX_FILES, "env file table");

enum program_object {
	PROGRAM_FACTORY,
	PROGRAM_TASK,
	PROGRAM_THREAD,
	PROGRAM_PARENT_GATE,
	PROGRAM_SERVICE_GATE, /* + k for the k-th 'serve' */
};

/* Memory the root task lent a program: pages [addr, addr + pages * 4 KiB). */
struct mem_run {
	uintptr_t addr;
	uint64_t pages;
};

struct program {
	const struct bootcfg_program *cfg;
	unsigned index;
	const uint8_t *file; /* the ELF in the boot archive */
	size_t file_size;
	struct elf_image image;
	uint64_t pages;      /* memory one incarnation needs, in pages */
	bool created;        /* its objects exist */
	bool running;
	unsigned restarts;
	const uint8_t *fdata[BOOTCFG_MAX_FILES]; /* boot.cfg's files in the boot archive */
	size_t fsize[BOOTCFG_MAX_FILES];
	uintptr_t faddr[BOOTCFG_MAX_FILES];      /* where the program sees them */
	uint64_t granted;    /* pages of VIREO_PARENT_MEMORY this incarnation has */
	unsigned grants;     /* VIREO_PARENT_MEMORY calls answered */
	uintptr_t memory_next; /* the end of the last grant in the program, 0 before any */
	unsigned nruns;
	/* segments, stack, environment, files, memory requests */
	struct mem_run run[ELF_MAX_SEGMENTS + 2 + BOOTCFG_MAX_FILES + ROOT_MAX_MEMORY_REQUESTS];
};

extern struct bootcfg root_cfg;
extern struct program root_program[BOOTCFG_MAX_PROGRAMS];
extern unsigned root_nprograms;

/* The root task's selector for one of program p's objects. */
static inline vireo_cap_t program_sel(const struct program *p, unsigned object)
{
	return ROOT_SEL_PROGRAMS + (vireo_cap_t)p->index * ROOT_SELS_PER_PROGRAM + object;
}

static inline vireo_word_t program_parent_label(const struct program *p)
{
	return ((vireo_word_t)p->index + 1) << 8;
}

static inline vireo_word_t program_service_label(const struct program *p, unsigned k)
{
	return program_parent_label(p) | (((vireo_word_t)k + 1) << 4);
}

/* The program a message to the root task came from (by its gate label), or NULL. */
struct program *program_of_label(vireo_word_t label);

/* Which of p's services is called name (index k), or -1. */
int program_service_index(const struct program *p, const char *name);

#endif
