/* The root task's page allocator (see frames.h). */
#include <string.h>

#include "frames.h"

#define PAGE 4096u

struct extent {
	uintptr_t addr;
	uint64_t pages;
};

/* Free extents sorted by address, never adjacent (they are merged). */
static struct extent extent[FRAMES_MAX_EXTENTS];
static unsigned nextents;

static uintptr_t extent_end(const struct extent *e)
{
	return e->addr + e->pages * PAGE;
}

void frames_init(const struct vireo_boot_info *bi)
{
	for (vireo_word_t i = 0; i < bi->nmem && i < VIREO_BOOT_MAX_MEM; i++) {
		uintptr_t start = (bi->mem[i].addr + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
		uintptr_t end = (bi->mem[i].addr + bi->mem[i].size) & ~(uintptr_t)(PAGE - 1);

		if (start < end && !frames_free(start, (end - start) / PAGE))
			break; /* more ranges than extents: keep what fits */
	}
}

uintptr_t frames_alloc(uint64_t pages)
{
	for (unsigned i = 0; i < nextents; i++) {
		struct extent *e = &extent[i];
		uintptr_t addr = e->addr;

		if (e->pages < pages || !pages)
			continue;
		e->addr += pages * PAGE;
		e->pages -= pages;
		if (!e->pages) {
			memmove(e, e + 1, (nextents - i - 1) * sizeof(*e));
			nextents--;
		}
		return addr;
	}
	return 0;
}

bool frames_free(uintptr_t addr, uint64_t pages)
{
	unsigned i = 0;

	while (i < nextents && extent[i].addr < addr)
		i++;
	/* Merge with the extent before, the one after, or both. */
	if (i > 0 && extent_end(&extent[i - 1]) == addr) {
		extent[i - 1].pages += pages;
		if (i < nextents && extent_end(&extent[i - 1]) == extent[i].addr) {
			extent[i - 1].pages += extent[i].pages;
			memmove(&extent[i], &extent[i + 1], (nextents - i - 1) * sizeof(extent[0]));
			nextents--;
		}
		return true;
	}
	if (i < nextents && addr + pages * PAGE == extent[i].addr) {
		extent[i].addr = addr;
		extent[i].pages += pages;
		return true;
	}
	if (nextents == FRAMES_MAX_EXTENTS)
		return false;
	memmove(&extent[i + 1], &extent[i], (nextents - i) * sizeof(extent[0]));
	extent[i] = (struct extent){ addr, pages };
	nextents++;
	return true;
}

uint64_t frames_available(void)
{
	uint64_t pages = 0;

	for (unsigned i = 0; i < nextents; i++)
		pages += extent[i].pages;
	return pages;
}
