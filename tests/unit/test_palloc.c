/*
 * Host unit tests for the buddy page allocator (kernel/palloc.c).
 *
 * Each test gives the allocator a fake physical span backed by a host arena:
 * virt_offset = arena - fake physical base, so "physical" addresses look like
 * real RAM addresses (0x80000000 and up) while every access lands in the
 * arena. A per-page ownership bitmap proves no page is handed out twice, and
 * allocated blocks are filled with a pattern so that ASan and the pattern
 * check catch the allocator writing into memory it gave away.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kernel/palloc.h>

struct env {
	struct palloc a;
	uint64_t base;     /* fake physical base */
	uint64_t npages;
	void *arena;
	bool mapped;       /* arena from mmap rather than aligned_alloc */
	uint8_t *meta;
	uint8_t *owned;    /* one byte per page: handed out right now */
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void env_init(struct env *e, uint64_t base, uint64_t npages, bool use_mmap)
{
	struct pa_range span = { pa(base), npages * PAGE_SIZE };
	size_t bytes = (size_t)(npages * PAGE_SIZE);

	memset(e, 0, sizeof(*e));
	e->base = base;
	e->npages = npages;
	e->mapped = use_mmap;
	if (use_mmap) {
		e->arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		assert_true(e->arena != MAP_FAILED);
	} else {
		e->arena = aligned_alloc(PAGE_SIZE, bytes);
		assert_non_null(e->arena);
	}
	e->meta = malloc(palloc_meta_size(span));
	e->owned = calloc((size_t)npages, 1);
	assert_non_null(e->meta);
	assert_non_null(e->owned);
	assert_int_equal(palloc_meta_size(span), npages);
	assert_true(palloc_init(&e->a, span, (uintptr_t)e->arena - (uintptr_t)base, e->meta,
				palloc_meta_size(span)));
}

static void env_fini(struct env *e)
{
	if (e->mapped)
		munmap(e->arena, (size_t)(e->npages * PAGE_SIZE));
	else
		free(e->arena);
	free(e->meta);
	free(e->owned);
}

static void *env_ptr(struct env *e, uint64_t p)
{
	return (uint8_t *)e->arena + (p - e->base);
}

static void add(struct env *e, uint64_t base, uint64_t size)
{
	palloc_add_free(&e->a, (struct pa_range){ pa(base), size });
}

static uint64_t page(struct env *e, uint64_t i)
{
	return e->base + i * PAGE_SIZE;
}

/* Record that [p, p + 2^order pages) was handed out; fail on any overlap. */
static void take(struct env *e, uint64_t p, unsigned order)
{
	assert_true(p >= e->base);
	assert_true(p % (PAGE_SIZE << order) == 0);
	uint64_t first = (p - e->base) / PAGE_SIZE;
	assert_true(first + (1u << order) <= e->npages);
	for (uint64_t i = first; i < first + (1u << order); i++) {
		assert_int_equal(e->owned[i], 0);
		e->owned[i] = 1;
	}
}

static void give_back(struct env *e, uint64_t p, unsigned order)
{
	uint64_t first = (p - e->base) / PAGE_SIZE;

	for (uint64_t i = first; i < first + (1u << order); i++)
		e->owned[i] = 0;
	assert_true(palloc_free(&e->a, pa(p), order));
}

static bool alloc(struct env *e, unsigned order, uint64_t *p)
{
	paddr_t out;

	if (!palloc_alloc(&e->a, order, &out))
		return false;
	*p = pa_val(out);
	take(e, *p, order);
	return true;
}

/* Free pages seen per order, to compare decompositions. */
static void blocks_snapshot(const struct env *e, uint64_t *out)
{
	for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k++)
		out[k] = palloc_free_blocks(&e->a, k);
}

static void shuffle(uint64_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rng() % i);
		uint64_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void test_init_rejects(void **state)
{
	(void)state;
	struct palloc a;
	uint8_t meta[64];
	struct pa_range good = { pa(0x80000000), 64 * PAGE_SIZE };

	assert_false(palloc_init(&a, (struct pa_range){ pa(0x80000800), 64 * PAGE_SIZE }, 0,
				 meta, sizeof(meta)));
	assert_false(palloc_init(&a, (struct pa_range){ pa(0x80000000), 64 * PAGE_SIZE - 1 }, 0,
				 meta, sizeof(meta)));
	assert_false(palloc_init(&a, (struct pa_range){ pa(0x80000000), 0 }, 0, meta,
				 sizeof(meta)));
	assert_false(palloc_init(&a, good, 0, meta, sizeof(meta) - 1));
	assert_false(palloc_init(&a, good, 0, NULL, sizeof(meta)));
	assert_false(palloc_init(&a, (struct pa_range){ pa(UINT64_MAX & ~(PAGE_SIZE - 1)),
							 2 * PAGE_SIZE }, 0, meta, sizeof(meta)));
}

static void test_empty(void **state)
{
	(void)state;
	struct env e;
	paddr_t out = pa(0x1234);

	env_init(&e, 0x80000000, 64, false);
	assert_int_equal(palloc_free_pages(&e.a), 0);
	assert_int_equal(palloc_total_pages(&e.a), 0);
	for (unsigned k = 0; k <= PALLOC_MAX_ORDER + 1; k++)
		assert_false(palloc_alloc(&e.a, k, &out));
	assert_int_equal(pa_val(out), 0x1234);
	assert_true(palloc_check(&e.a));
	env_fini(&e);
}

/* Naturally aligned blocks of `order` wholly inside a fully added span. */
static uint64_t aligned_blocks(const struct env *e, unsigned order)
{
	uint64_t first = e->base / PAGE_SIZE, end = first + e->npages;

	uint64_t lo = (first + (1u << order) - 1) >> order, hi = end >> order;

	return hi > lo ? hi - lo : 0;
}

/* Allocate every page at `order`, free all in random order, expect re-merge. */
static void alloc_all_free_all(struct env *e, unsigned order)
{
	uint64_t total = palloc_free_pages(&e->a);
	uint64_t n = aligned_blocks(e, order), got = 0, p;
	uint64_t before[PALLOC_MAX_ORDER + 1], after[PALLOC_MAX_ORDER + 1];
	uint64_t *blocks = calloc((size_t)n + 1, sizeof(*blocks));

	assert_non_null(blocks);
	blocks_snapshot(e, before);
	while (alloc(e, order, &p))
		blocks[got++] = p;
	assert_int_equal(got, n);
	assert_int_equal(palloc_free_pages(&e->a), total - (n << order));
	assert_true(palloc_check(&e->a));

	shuffle(blocks, (size_t)n);
	for (uint64_t i = 0; i < n; i++) {
		give_back(e, blocks[i], order);
		if (i % 61 == 0)
			assert_true(palloc_check(&e->a));
	}
	assert_int_equal(palloc_free_pages(&e->a), total);
	assert_true(palloc_check(&e->a));
	blocks_snapshot(e, after);
	assert_memory_equal(before, after, sizeof(before));
	free(blocks);
}

static void test_alloc_all_then_free(void **state)
{
	(void)state;
	struct env e;
	uint64_t p;

	rng_state = 0x9e3779b97f4a7c15ull;
	env_init(&e, 0x80000000, 1024, false);
	add(&e, e.base, 1024 * PAGE_SIZE);
	assert_int_equal(palloc_total_pages(&e.a), 1024);
	assert_int_equal(palloc_free_blocks(&e.a, 10), 1);

	for (unsigned order = 0; order <= 10; order++) {
		alloc_all_free_all(&e, order);
		/* Everything merged back into the single order-10 block. */
		assert_int_equal(palloc_free_blocks(&e.a, 10), 1);
		for (unsigned k = 0; k < 10; k++)
			assert_int_equal(palloc_free_blocks(&e.a, k), 0);
	}
	assert_false(alloc(&e, 11, &p));
	assert_true(alloc(&e, 10, &p));
	assert_int_equal(p, e.base);
	give_back(&e, p, 10);
	assert_int_equal(palloc_total_pages(&e.a), 1024);
	env_fini(&e);
}

static void test_alignment(void **state)
{
	(void)state;
	struct env e;
	uint64_t p;

	rng_state = 12345;
	/* A span starting 3 pages past a 16 MiB boundary, 3000 pages long. */
	env_init(&e, 0x81003000, 3000, false);
	add(&e, e.base, 3000 * PAGE_SIZE);
	assert_int_equal(palloc_free_pages(&e.a), 3000);
	for (unsigned order = 0; order <= 10; order++) {
		assert_true(alloc(&e, order, &p));
		assert_int_equal(p % (PAGE_SIZE << order), 0);
		give_back(&e, p, order);
		alloc_all_free_all(&e, order);
	}
	/* 3000 pages, but no naturally aligned 2048-page block inside them. */
	assert_false(alloc(&e, 11, &p));
	assert_int_equal(palloc_free_pages(&e.a), 3000);
	env_fini(&e);
}

static void test_holes(void **state)
{
	(void)state;
	struct env e;
	uint64_t p, got = 0;
	uint8_t expect[512] = { 0 };

	env_init(&e, 0x40000000, 512, false);
	/* Unaligned edges: only pages 2..31 are whole. */
	add(&e, page(&e, 0) + 0x1800, 0x20000 - 0x1800 + 0x10);
	memset(expect + 2, 1, 30);
	assert_int_equal(palloc_free_pages(&e.a), 30);
	/* A second bank after a reserved hole. */
	add(&e, page(&e, 64), 64 * PAGE_SIZE);
	memset(expect + 64, 1, 64);
	/* Ranges straddling either end of the span are clipped. */
	add(&e, e.base - 0x10000, 0x11000);
	expect[0] = 1;
	add(&e, page(&e, 511), 0x300000);
	expect[511] = 1;
	assert_int_equal(palloc_free_pages(&e.a), 96);
	/* Ranges with no whole page inside the span add nothing. */
	add(&e, e.base + 0x1000000, 0x10000);
	add(&e, 0, 0x1000);
	add(&e, page(&e, 300), 0);
	add(&e, page(&e, 300) + 0x800, 0x800);
	add(&e, page(&e, 300) + 0x1, PAGE_SIZE);
	assert_int_equal(palloc_free_pages(&e.a), 96);
	/* Re-adding free pages does not count them twice; new ones join. */
	add(&e, e.base, 64 * PAGE_SIZE);
	memset(expect + 1, 1, 1);
	memset(expect + 32, 1, 32);
	assert_int_equal(palloc_free_pages(&e.a), 129);
	assert_int_equal(palloc_total_pages(&e.a), 129);
	assert_true(palloc_check(&e.a));
	/* Pages 0..127 merged into one order-7 block; 511 stands alone. */
	assert_int_equal(palloc_free_blocks(&e.a, 7), 1);
	assert_int_equal(palloc_free_blocks(&e.a, 0), 1);

	/* Only the added pages are ever handed out. */
	while (alloc(&e, 0, &p)) {
		assert_int_equal(expect[(p - e.base) / PAGE_SIZE], 1);
		got++;
	}
	assert_int_equal(got, 129);
	/* Adding pages that are allocated right now must not free them. */
	add(&e, e.base, 512 * PAGE_SIZE - 0x10);
	assert_int_equal(palloc_total_pages(&e.a), 129 + 383);
	assert_true(palloc_check(&e.a));
	assert_int_equal(palloc_free_pages(&e.a), 383);
	env_fini(&e);
}

static void test_huge_range_clipped(void **state)
{
	(void)state;
	struct env e;

	env_init(&e, 0x80000000, 100, false);
	/* base + size overflows 64 bits: clip, do not wrap. */
	add(&e, e.base + PAGE_SIZE, UINT64_MAX);
	assert_int_equal(palloc_free_pages(&e.a), 99);
	add(&e, 0, UINT64_MAX);
	assert_int_equal(palloc_free_pages(&e.a), 100);
	assert_true(palloc_check(&e.a));
	env_fini(&e);
}

static void test_odd_spans(void **state)
{
	(void)state;
	static const struct { uint64_t base, npages; } cases[] = {
		{ 0x80005000, 1000 }, { 0, 100 }, { 0x80000000, 1 },
		{ 0x8ffff000, 3 },    { 0x7fff000, 777 }, { 0x80001000, 4095 },
	};

	rng_state = 777;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct env e;
		uint64_t sum = 0;

		env_init(&e, cases[c].base, cases[c].npages, false);
		add(&e, e.base, e.npages * PAGE_SIZE);
		assert_int_equal(palloc_free_pages(&e.a), e.npages);
		for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k++)
			sum += palloc_free_blocks(&e.a, k) << k;
		assert_int_equal(sum, e.npages);
		assert_true(palloc_check(&e.a));
		alloc_all_free_all(&e, 0);
		env_fini(&e);
	}
}

/* Expect palloc_free(p, order) to fail and leave every byte of state alone. */
static void expect_bad_free(struct env *e, uint64_t p, unsigned order)
{
	struct palloc copy = e->a;
	uint8_t *meta = malloc((size_t)e->npages);

	assert_non_null(meta);
	memcpy(meta, e->meta, (size_t)e->npages);
	assert_false(palloc_free(&e->a, pa(p), order));
	assert_memory_equal(&copy, &e->a, sizeof(copy));
	assert_memory_equal(meta, e->meta, (size_t)e->npages);
	assert_true(palloc_check(&e->a));
	free(meta);
}

static void test_bug_detection(void **state)
{
	(void)state;
	struct env e;
	uint64_t p4, p1, q, free_page;
	paddr_t out = pa(0x55);

	env_init(&e, 0x80000000, 256, false);
	add(&e, e.base, 128 * PAGE_SIZE);
	assert_true(alloc(&e, 2, &p4));
	assert_true(alloc(&e, 0, &p1));
	assert_true(alloc(&e, 0, &q));
	give_back(&e, q, 0);

	expect_bad_free(&e, q, 0);                   /* double free */
	expect_bad_free(&e, p4, 1);                  /* order too small */
	expect_bad_free(&e, p4, 3);                  /* order too large */
	expect_bad_free(&e, p1, 1);
	expect_bad_free(&e, p4 + PAGE_SIZE, 0);      /* middle of a block */
	expect_bad_free(&e, p4 + 2 * PAGE_SIZE, 1);
	expect_bad_free(&e, p4 + 1, 2);              /* misaligned */
	expect_bad_free(&e, p1 + 0x800, 0);
	expect_bad_free(&e, e.base - PAGE_SIZE, 0);  /* outside the span */
	expect_bad_free(&e, page(&e, 256), 0);
	expect_bad_free(&e, 0, 0);
	expect_bad_free(&e, UINT64_MAX & ~(PAGE_SIZE - 1), 0);
	expect_bad_free(&e, e.base, 9);              /* runs past the span end */
	expect_bad_free(&e, p4, PALLOC_MAX_ORDER + 1);
	expect_bad_free(&e, p4, 200);
	expect_bad_free(&e, page(&e, 200), 0);       /* reserved, never added */
	free_page = page(&e, 127);                   /* inside a free block */
	expect_bad_free(&e, free_page, 0);
	expect_bad_free(&e, page(&e, 64), 6);        /* a free block's head */

	assert_false(palloc_alloc(&e.a, PALLOC_MAX_ORDER + 1, &out));
	assert_false(palloc_alloc(&e.a, 1000, &out));
	assert_int_equal(pa_val(out), 0x55);

	give_back(&e, p4, 2);
	give_back(&e, p1, 0);
	assert_int_equal(palloc_free_pages(&e.a), 128);
	assert_int_equal(palloc_free_blocks(&e.a, 7), 1);
	expect_bad_free(&e, p4, 2);
	env_fini(&e);
}

#define STRESS_SLOTS 512
#define STRESS_OPS 20000

struct live {
	uint64_t p;
	unsigned order;
	uint8_t fill;
};

static unsigned random_order(void)
{
	uint64_t r = rng();

	/* Mostly small blocks, sometimes up to order 8 (1 MiB). */
	return (r & 3) == 0 ? (unsigned)((r >> 2) % 9) : (unsigned)((r >> 2) % 3);
}

static void check_fill(struct env *e, const struct live *l)
{
	const uint8_t *b = env_ptr(e, l->p);
	size_t n = (size_t)(PAGE_SIZE << l->order);

	for (size_t i = 0; i < n; i++)
		if (b[i] != l->fill)
			fail_msg("block %#lx order %u byte %zu overwritten", (unsigned long)l->p,
				 l->order, i);
}

static void stress_alloc(struct env *e, struct live *slots, size_t *nlive, uint64_t *used)
{
	struct live l = { .order = random_order(), .fill = (uint8_t)rng() };

	if (!alloc(e, l.order, &l.p)) {
		/* Failure is only allowed when no block that large is free. */
		for (unsigned k = l.order; k <= PALLOC_MAX_ORDER; k++)
			assert_int_equal(palloc_free_blocks(&e->a, k), 0);
		return;
	}
	memset(env_ptr(e, l.p), l.fill, (size_t)(PAGE_SIZE << l.order));
	slots[(*nlive)++] = l;
	*used += 1u << l.order;
}

static void stress_free(struct env *e, struct live *slots, size_t *nlive, uint64_t *used)
{
	size_t i = (size_t)(rng() % *nlive);
	struct live l = slots[i];

	check_fill(e, &l);
	give_back(e, l.p, l.order);
	slots[i] = slots[--*nlive];
	*used -= 1u << l.order;
}

static void test_stress(void **state)
{
	(void)state;
	struct env e;
	struct live *slots = calloc(STRESS_SLOTS, sizeof(*slots));
	size_t nlive = 0;
	uint64_t used = 0, total;

	assert_non_null(slots);
	rng_state = 0xdeadbeefcafef00dull;
	env_init(&e, 0x80007000, 3000, false);
	/* RAM with two reserved holes, one of them unaligned. */
	add(&e, e.base, 100 * PAGE_SIZE);
	add(&e, page(&e, 150), 850 * PAGE_SIZE + 0x123);
	add(&e, page(&e, 1003) - 0x10, 1997 * PAGE_SIZE + 0x10);
	total = palloc_total_pages(&e.a);
	assert_int_equal(total, 2947);

	for (unsigned op = 0; op < STRESS_OPS; op++) {
		bool want_alloc = nlive == 0 || (nlive < STRESS_SLOTS && (rng() % 100) < 55);

		if (want_alloc)
			stress_alloc(&e, slots, &nlive, &used);
		else
			stress_free(&e, slots, &nlive, &used);
		assert_int_equal(palloc_free_pages(&e.a), total - used);
		if (op % 257 == 0)
			assert_true(palloc_check(&e.a));
	}
	while (nlive)
		stress_free(&e, slots, &nlive, &used);
	assert_int_equal(palloc_free_pages(&e.a), total);
	assert_true(palloc_check(&e.a));
	env_fini(&e);
	free(slots);
}

static void test_gib_superpage(void **state)
{
	(void)state;
	struct env e;
	uint64_t p, p2m;

	/* 4 MiB below and above one 1 GiB-aligned gigabyte. */
	env_init(&e, 0x7fc00000, (1ull << 18) + 2048, true);
	add(&e, e.base, e.npages * PAGE_SIZE);
	assert_int_equal(palloc_free_blocks(&e.a, PALLOC_MAX_ORDER), 1);
	assert_true(palloc_check(&e.a));

	assert_true(alloc(&e, PALLOC_MAX_ORDER, &p));
	assert_int_equal(p, 0x80000000);
	assert_false(alloc(&e, PALLOC_MAX_ORDER, &p2m));
	assert_true(alloc(&e, 9, &p2m));
	assert_int_equal(p2m % (2u << 20), 0);
	give_back(&e, p, PALLOC_MAX_ORDER);

	/* Splitting the gigabyte for small pages, then merging it back. */
	uint64_t small[64];
	for (int i = 0; i < 64; i++)
		assert_true(alloc(&e, 0, &small[i]));
	for (int i = 0; i < 64; i++)
		give_back(&e, small[i], 0);
	give_back(&e, p2m, 9);
	assert_int_equal(palloc_free_blocks(&e.a, PALLOC_MAX_ORDER), 1);
	assert_int_equal(palloc_free_pages(&e.a), e.npages);
	assert_true(palloc_check(&e.a));
	env_fini(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_alloc_all_then_free),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_huge_range_clipped),
		cmocka_unit_test(test_odd_spans),
		cmocka_unit_test(test_bug_detection),
		cmocka_unit_test(test_stress),
		cmocka_unit_test(test_gib_superpage),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
