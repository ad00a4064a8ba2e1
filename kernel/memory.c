/* Boot-time physical memory setup (see kernel/memory.h). */
#include <kernel/memory.h>

static struct pa_range page_outward(struct pa_range r)
{
	uint64_t lo = ALIGN_DOWN(pa_val(r.base), PAGE_SIZE);
	uint64_t end = pa_val(r.base) + r.size;
	uint64_t hi = end < pa_val(r.base) ? UINT64_MAX & ~(PAGE_SIZE - 1)
					   : ALIGN_UP(end, PAGE_SIZE);

	return (struct pa_range){ pa(lo), hi - lo };
}

/* The hole that covers `at`, or the nearest one above it; NULL if neither. */
static const struct pa_range *next_hole(uint64_t at, const struct pa_range *holes,
					size_t nholes, bool *covers)
{
	const struct pa_range *best = 0;

	for (size_t i = 0; i < nholes; i++) {
		struct pa_range h = page_outward(holes[i]);
		uint64_t lo = pa_val(h.base), hi = lo + h.size;

		if (h.size == 0 || hi <= at)
			continue;
		if (lo <= at) {
			*covers = true;
			return &holes[i];
		}
		if (!best || lo < pa_val(page_outward(*best).base))
			best = &holes[i];
	}
	*covers = false;
	return best;
}

static void free_pieces_of(struct pa_range ram, const struct pa_range *holes, size_t nholes,
			   void (*fn)(struct pa_range piece, void *ctx), void *ctx)
{
	uint64_t at = ALIGN_UP(pa_val(ram.base), PAGE_SIZE);
	uint64_t end = ALIGN_DOWN(pa_val(ram.base) + ram.size, PAGE_SIZE);

	while (at < end) {
		bool covers;
		const struct pa_range *h = next_hole(at, holes, nholes, &covers);
		struct pa_range wide = h ? page_outward(*h) : (struct pa_range){ pa(end), 0 };
		uint64_t stop = pa_val(wide.base) < end ? pa_val(wide.base) : end;

		if (covers) {
			at = pa_val(wide.base) + wide.size;
			continue;
		}
		fn((struct pa_range){ pa(at), stop - at }, ctx);
		at = stop;
	}
}

void memory_for_each_free(const struct pa_range *ram, size_t nram,
			  const struct pa_range *holes, size_t nholes,
			  void (*fn)(struct pa_range piece, void *ctx), void *ctx)
{
	for (size_t i = 0; i < nram; i++)
		free_pieces_of(ram[i], holes, nholes, fn, ctx);
}

struct meta_search {
	uint64_t need;
	struct pa_range found;
};

static void find_meta(struct pa_range piece, void *ctx)
{
	struct meta_search *s = ctx;

	if (s->found.size == 0 && piece.size >= s->need)
		s->found = (struct pa_range){ piece.base, s->need };
}

static void add_free(struct pa_range piece, void *ctx)
{
	palloc_add_free(ctx, piece);
}

static struct pa_range ram_span(const struct pa_range *ram, size_t nram)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < nram; i++) {
		uint64_t b = ALIGN_UP(pa_val(ram[i].base), PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(pa_val(ram[i].base) + ram[i].size, PAGE_SIZE);

		if (e <= b)
			continue;
		lo = b < lo ? b : lo;
		hi = e > hi ? e : hi;
	}
	return lo < hi ? (struct pa_range){ pa(lo), hi - lo } : (struct pa_range){ pa(0), 0 };
}

bool memory_init(struct palloc *alloc, const struct pa_range *ram, size_t nram,
		 const struct pa_range *holes, size_t nholes, uintptr_t virt_offset,
		 const char **why)
{
	struct pa_range span = ram_span(ram, nram);
	struct pa_range all_holes[MEMORY_MAX_HOLES + 1];
	struct meta_search search = { 0 };

	if (span.size == 0) {
		*why = "no whole page of RAM";
		return false;
	}
	if (nholes > MEMORY_MAX_HOLES) {
		*why = "too many reserved memory regions";
		return false;
	}
	search.need = ALIGN_UP((uint64_t)palloc_meta_size(span), PAGE_SIZE);
	memory_for_each_free(ram, nram, holes, nholes, find_meta, &search);
	if (search.found.size == 0) {
		*why = "no free memory for the page allocator's metadata";
		return false;
	}
	if (!palloc_init(alloc, span, virt_offset,
			 (void *)(uintptr_t)(pa_val(search.found.base) + virt_offset),
			 (size_t)search.found.size)) {
		*why = "page allocator rejected the RAM span";
		return false;
	}
	for (size_t i = 0; i < nholes; i++)
		all_holes[i] = holes[i];
	all_holes[nholes] = search.found;
	memory_for_each_free(ram, nram, all_holes, nholes + 1, add_free, alloc);
	return true;
}
