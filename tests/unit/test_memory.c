/* Host unit tests for kernel/memory.c: free-range computation and allocator setup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/memory.h>

#define MAX_PIECES 32
#define FAKE_BASE 0x80000000u

struct pieces {
	struct pa_range r[MAX_PIECES];
	unsigned n;
};

static void collect(struct pa_range piece, void *ctx)
{
	struct pieces *p = ctx;

	assert_true(p->n < MAX_PIECES);
	p->r[p->n++] = piece;
}

static struct pa_range R(uint64_t base, uint64_t size)
{
	return (struct pa_range){ pa(base), size };
}

static void expect_pieces(const struct pa_range *ram, size_t nram, const struct pa_range *holes,
			  size_t nholes, const struct pa_range *want, unsigned nwant)
{
	struct pieces got = { 0 };

	memory_for_each_free(ram, nram, holes, nholes, collect, &got);
	assert_int_equal(got.n, nwant);
	for (unsigned i = 0; i < nwant; i++) {
		assert_int_equal(pa_val(got.r[i].base), pa_val(want[i].base));
		assert_int_equal(got.r[i].size, want[i].size);
	}
}

static void test_no_holes_pages_inward(void **state)
{
	struct pa_range ram[] = { R(0x1000, 0x10000), R(0x20010, 0x3000) };
	struct pa_range want[] = { R(0x1000, 0x10000), R(0x21000, 0x2000) };

	(void)state;
	expect_pieces(ram, 2, NULL, 0, want, 2);
}

static void test_holes_widen_to_pages(void **state)
{
	struct pa_range ram[] = { R(0x0, 0x10000) };
	struct pa_range holes[] = { R(0x3010, 0x10), R(0x8fff, 0x2) };
	struct pa_range want[] = { R(0x0, 0x3000), R(0x4000, 0x4000), R(0xa000, 0x6000) };

	(void)state;
	expect_pieces(ram, 1, holes, 2, want, 3);
}

static void test_overlapping_and_unsorted_holes(void **state)
{
	struct pa_range ram[] = { R(0x0, 0x20000) };
	struct pa_range holes[] = { R(0x9000, 0x4000), R(0x2000, 0x2000), R(0x8000, 0x2000),
				    R(0x3000, 0x2000) };
	struct pa_range want[] = { R(0x0, 0x2000), R(0x5000, 0x3000), R(0xd000, 0x13000) };

	(void)state;
	expect_pieces(ram, 1, holes, 4, want, 3);
}

static void test_holes_outside_and_across_ranges(void **state)
{
	struct pa_range ram[] = { R(0x10000, 0x4000), R(0x20000, 0x4000) };
	struct pa_range holes[] = { R(0x0, 0x1000), R(0x13000, 0xe000), R(0x90000, 0x1000) };
	struct pa_range want[] = { R(0x10000, 0x3000), R(0x21000, 0x3000) };

	(void)state;
	expect_pieces(ram, 2, holes, 3, want, 2);
}

static void test_hole_covers_everything(void **state)
{
	struct pa_range ram[] = { R(0x10000, 0x4000) };
	struct pa_range holes[] = { R(0x0, 0x100000) };

	(void)state;
	expect_pieces(ram, 1, holes, 1, NULL, 0);
}

static void test_empty_and_wrapping_holes(void **state)
{
	struct pa_range ram[] = { R(0x10000, 0x4000) };
	struct pa_range holes[] = { R(0x11000, 0), R(0x12000, UINT64_MAX) };
	struct pa_range want[] = { R(0x10000, 0x2000) };

	(void)state;
	expect_pieces(ram, 1, holes, 2, want, 1);
}

/* A fake physical RAM of `pages` pages at FAKE_BASE, backed by host memory. */
struct arena {
	void *mem;
	uintptr_t virt_offset;
};

static struct arena arena_new(uint64_t pages)
{
	struct arena a;

	a.mem = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
	assert_non_null(a.mem);
	a.virt_offset = (uintptr_t)a.mem - FAKE_BASE;
	return a;
}

static void test_init_counts_and_meta(void **state)
{
	struct arena a = arena_new(64);
	struct pa_range ram[] = { R(FAKE_BASE, 64 * PAGE_SIZE) };
	struct pa_range holes[] = { R(FAKE_BASE, 2 * PAGE_SIZE), R(FAKE_BASE + 10 * PAGE_SIZE, 100) };
	struct palloc alloc;
	const char *why = NULL;
	paddr_t p;
	uint64_t n = 0;

	(void)state;
	assert_true(memory_init(&alloc, ram, 1, holes, 2, a.virt_offset, &why));
	/* 64 pages - 2 - 1 hole - 1 page of metadata (64 bytes). */
	assert_int_equal(palloc_free_pages(&alloc), 60);
	while (palloc_alloc(&alloc, 0, &p)) {
		uint64_t page = (pa_val(p) - FAKE_BASE) / PAGE_SIZE;

		/* Page 2 holds the metadata: first free piece, never handed out. */
		assert_true(page != 0 && page != 1 && page != 2 && page != 10);
		memset((char *)a.mem + page * PAGE_SIZE, 0xa5, PAGE_SIZE);
		n++;
	}
	assert_int_equal(n, 60);
	free(a.mem);
}

static void test_init_rejects(void **state)
{
	struct arena a = arena_new(4);
	struct pa_range ram[] = { R(FAKE_BASE, 4 * PAGE_SIZE) };
	struct pa_range tiny[] = { R(FAKE_BASE + 1, PAGE_SIZE) };
	struct pa_range all[] = { R(FAKE_BASE, 4 * PAGE_SIZE) };
	struct pa_range many[MEMORY_MAX_HOLES + 1] = { 0 };
	struct palloc alloc;
	const char *why = NULL;

	(void)state;
	assert_false(memory_init(&alloc, ram, 0, NULL, 0, a.virt_offset, &why));
	assert_string_equal(why, "no whole page of RAM");
	assert_false(memory_init(&alloc, tiny, 1, NULL, 0, a.virt_offset, &why));
	assert_string_equal(why, "no whole page of RAM");
	assert_false(memory_init(&alloc, ram, 1, all, 1, a.virt_offset, &why));
	assert_string_equal(why, "no free memory for the page allocator's metadata");
	assert_false(memory_init(&alloc, ram, 1, many, MEMORY_MAX_HOLES + 1, a.virt_offset, &why));
	assert_string_equal(why, "too many reserved memory regions");
	free(a.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_holes_pages_inward),
		cmocka_unit_test(test_holes_widen_to_pages),
		cmocka_unit_test(test_overlapping_and_unsorted_holes),
		cmocka_unit_test(test_holes_outside_and_across_ranges),
		cmocka_unit_test(test_hole_covers_everything),
		cmocka_unit_test(test_empty_and_wrapping_holes),
		cmocka_unit_test(test_init_counts_and_meta),
		cmocka_unit_test(test_init_rejects),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
