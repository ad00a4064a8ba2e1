/*
 * Loading a program's memory: its ELF segments, its stack and its
 * environment page, each a run of pages from the root task's own memory,
 * mapped into the program's task. The root task keeps its own mapping of
 * every page (it is the mapping-database parent), so it can revoke them all
 * when the program ends.
 */
#ifndef ROOT_LOADER_H
#define ROOT_LOADER_H

#include "root.h"

#define LOADER_PAGE 4096u
#define LOADER_STACK_PAGES (VIREO_PROG_STACK_SIZE / LOADER_PAGE)

/* Pages one incarnation of a program with this image needs (segments, stack, environment). */
uint64_t loader_pages_needed(const struct elf_image *img);

/* Pages a file of size bytes takes. */
static inline uint64_t loader_file_pages(size_t size)
{
	return (size + LOADER_PAGE - 1) / LOADER_PAGE;
}

/*
 * Fill p's task (its selector in the root task: task) with its segments
 * (rights from the ELF, never W+X), a zeroed stack whose top holds the two
 * start words, boot.cfg's files (read-only, at VIREO_PROG_FILES, each 2 MiB
 * aligned) and the environment page built by env_fill(). Memory taken
 * is recorded in p->run[] even on failure; loader_free() gives it back.
 */
__attribute__((warn_unused_result)) enum vireo_status loader_load(struct program *p,
								  vireo_cap_t task);

/*
 * VIREO_PARENT_MEMORY: bytes of zeroed memory for p, mapped read-write at
 * the next 2 MiB boundary of its memory region; its address in *addr.
 * VIREO_E_NOMEM beyond boot.cfg's 'memory' or the root's free memory,
 * VIREO_E_ARG for a size of 0 or not a multiple of 4 KiB.
 */
enum vireo_status loader_grant(struct program *p, vireo_cap_t task, uint64_t bytes,
			       uintptr_t *addr);

/* Revoke every page lent to p (from every task it reached) and free it. */
void loader_free(struct program *p);

#endif
