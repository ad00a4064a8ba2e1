/* Loading a program's segments, stack and environment (see loader.h). */
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "frames.h"
#include "loader.h"

uint64_t loader_pages_needed(const struct elf_image *img)
{
	uint64_t pages = LOADER_STACK_PAGES + 1;

	for (unsigned i = 0; i < img->nsegments; i++) {
		struct elf_pages r = elf_segment_pages(&img->seg[i]);

		pages += (r.end - r.start) / LOADER_PAGE;
	}
	return pages;
}

static unsigned segment_rights(uint32_t flags)
{
	return (flags & ELF_R ? VIREO_MEM_R : 0) | (flags & ELF_W ? VIREO_MEM_W : 0) |
	       (flags & ELF_X ? VIREO_MEM_X : 0);
}

/* The largest piece at off that is aligned at both src and dst and ends by size. */
static unsigned piece_order(uintptr_t src, uintptr_t dst, uint64_t off, uint64_t size)
{
	unsigned order = 12;

	while (order < 21 && !((src + off) & ((2ULL << order) - 1)) &&
	       !((dst + off) & ((2ULL << order) - 1)) && off + (2ULL << order) <= size)
		order++;
	return order;
}

/* Map [src, src + size) of the root task to dst in task, in few large pieces. */
static enum vireo_status map_run(vireo_cap_t task, uintptr_t src, uintptr_t dst, uint64_t size,
				 unsigned rights)
{
	for (uint64_t off = 0; off < size;) {
		unsigned order = piece_order(src, dst, off, size);
		enum vireo_status st;

		st = vireo_task_map(task, vireo_fpage_mem(src + off, order, rights), dst + off);
		if (st != VIREO_OK)
			return st;
		off += 1ULL << order;
	}
	return VIREO_OK;
}

/* Revoke [addr, addr + size) from every task it was mapped to; the root keeps it. */
static void revoke_run(uintptr_t addr, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		unsigned order = piece_order(addr, addr, off, size);

		(void)vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(addr + off, order, 0),
				       VIREO_MEM_RWX, 0);
		off += 1ULL << order;
	}
}

/* Record [addr, + pages) as p's, so that loader_free() returns it, and zero it. */
static uint8_t *lend(struct program *p, uintptr_t addr, uint64_t pages)
{
	p->run[p->nruns++] = (struct mem_run){ addr, pages };
	memset((void *)addr, 0, pages * LOADER_PAGE);
	return (uint8_t *)addr;
}

static bool run_slot_free(const struct program *p)
{
	return p->nruns < sizeof(p->run) / sizeof(p->run[0]);
}

/* A zeroed run of pages for p; 0 if none is left or p has too many runs. */
static uint8_t *take_pages(struct program *p, uint64_t pages)
{
	uintptr_t addr;

	if (!run_slot_free(p) || !(addr = frames_alloc(pages)))
		return 0;
	return lend(p, addr, pages);
}

static enum vireo_status load_segment(struct program *p, vireo_cap_t task,
				      const struct elf_segment *s)
{
	struct elf_pages r = elf_segment_pages(s);
	uint8_t *mem = take_pages(p, (r.end - r.start) / LOADER_PAGE);

	if (!mem)
		return VIREO_E_NOMEM;
	/* elf_parse() checked that the file range lies inside the file. */
	memcpy(mem + (s->vaddr - r.start), p->file + s->offset, s->filesz);
	return map_run(task, (uintptr_t)mem, r.start, r.end - r.start, segment_rights(s->flags));
}

static enum vireo_status load_stack(struct program *p, vireo_cap_t task)
{
	uint8_t *mem = take_pages(p, LOADER_STACK_PAGES);
	uint64_t *top;

	if (!mem)
		return VIREO_E_NOMEM;
	/* The two start words (include/vireo/bootinfo.h) at the initial sp. */
	top = (uint64_t *)(mem + VIREO_PROG_STACK_SIZE);
	top[-2] = VIREO_PROG_UTCB_AREA;
	top[-1] = VIREO_PROG_ENV;
	return map_run(task, (uintptr_t)mem, VIREO_PROG_STACK_TOP - VIREO_PROG_STACK_SIZE,
		       VIREO_PROG_STACK_SIZE, VIREO_MEM_R | VIREO_MEM_W);
}

#define REGION_ALIGN (2u * 1024 * 1024)

static uintptr_t align_region(uintptr_t a)
{
	return (a + REGION_ALIGN - 1) & ~(uintptr_t)(REGION_ALIGN - 1);
}

/*
 * A run of pages that starts 2 MiB aligned when it is that large, so that
 * map_run can use superpages: the run is taken with room to spare and
 * the slack given back.
 */
static uint8_t *take_aligned(struct program *p, uint64_t pages)
{
	uint64_t slack = REGION_ALIGN / LOADER_PAGE - 1, lead, tail;
	uintptr_t addr;

	if (pages * LOADER_PAGE < REGION_ALIGN || !run_slot_free(p) ||
	    !(addr = frames_alloc(pages + slack)))
		return take_pages(p, pages);
	lead = (align_region(addr) - addr) / LOADER_PAGE;
	tail = slack - lead;
	if ((lead && !frames_free(addr, lead)) ||
	    (tail && !frames_free(addr + (lead + pages) * LOADER_PAGE, tail)))
		printf("root: memory lost (free list full)\n");
	return lend(p, addr + lead * LOADER_PAGE, pages);
}

static enum vireo_status load_files(struct program *p, vireo_cap_t task)
{
	uintptr_t at = VIREO_PROG_FILES;

	for (unsigned i = 0; i < p->cfg->nfiles; i++) {
		uint64_t pages = loader_file_pages(p->fsize[i]);
		uint8_t *mem = take_aligned(p, pages);
		enum vireo_status st;

		if (!mem)
			return VIREO_E_NOMEM;
		memcpy(mem, p->fdata[i], p->fsize[i]);
		st = map_run(task, (uintptr_t)mem, at, pages * LOADER_PAGE, VIREO_MEM_R);
		if (st != VIREO_OK)
			return st;
		p->faddr[i] = at;
		at = align_region(at + pages * LOADER_PAGE);
	}
	return VIREO_OK;
}

enum vireo_status loader_grant(struct program *p, vireo_cap_t task, uint64_t bytes,
			       uintptr_t *addr)
{
	uint64_t pages = bytes / LOADER_PAGE, used = p->pages + p->granted;
	uintptr_t at = align_region(p->memory_next ? p->memory_next : VIREO_PROG_MEMORY);
	uint8_t *mem;
	enum vireo_status st;

	if (!bytes || bytes % LOADER_PAGE)
		return VIREO_E_ARG;
	if (pages > p->cfg->memory / LOADER_PAGE - used || p->grants == ROOT_MAX_MEMORY_REQUESTS ||
	    bytes > VIREO_PROG_MEMORY_END - at)
		return VIREO_E_NOMEM;
	mem = take_aligned(p, pages);
	if (!mem)
		return VIREO_E_NOMEM;
	st = map_run(task, (uintptr_t)mem, at, bytes, VIREO_MEM_RWX);
	if (st != VIREO_OK)
		return st;
	p->granted += pages;
	p->grants++;
	p->memory_next = at + bytes;
	*addr = at;
	return VIREO_OK;
}

static enum vireo_status load_env(struct program *p, vireo_cap_t task)
{
	uint8_t *mem = take_pages(p, 1);

	if (!mem)
		return VIREO_E_NOMEM;
	if (!env_fill((struct vireo_env *)mem, p))
		return VIREO_E_OVERFLOW;
	return map_run(task, (uintptr_t)mem, VIREO_PROG_ENV, LOADER_PAGE, VIREO_MEM_R);
}

enum vireo_status loader_load(struct program *p, vireo_cap_t task)
{
	enum vireo_status st = VIREO_OK;

	for (unsigned i = 0; i < p->image.nsegments && st == VIREO_OK; i++)
		st = load_segment(p, task, &p->image.seg[i]);
	if (st == VIREO_OK)
		st = load_stack(p, task);
	if (st == VIREO_OK)
		st = load_files(p, task);
	if (st == VIREO_OK)
		st = load_env(p, task);
	/* The program's text was written through the data side; this hart runs it next. */
	__asm__ volatile("fence.i" ::: "memory");
	return st;
}

void loader_free(struct program *p)
{
	for (unsigned i = 0; i < p->nruns; i++) {
		struct mem_run *r = &p->run[i];

		revoke_run(r->addr, r->pages * LOADER_PAGE);
		if (!frames_free(r->addr, r->pages))
			printf("root: %lu KiB of memory lost (free list full)\n",
			       (unsigned long)r->pages * 4);
	}
	p->nruns = 0;
	p->granted = 0;
	p->grants = 0;
	p->memory_next = 0;
}
