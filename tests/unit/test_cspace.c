/*
 * Host unit tests for kernel/cspace.c: sparse tables, replacement, the
 * per-object lists of capabilities, references, quota for tables.
 * The kernel services cspace.c uses are replaced by small stand-ins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cspace.h>
#include <kernel/factory.h>

/* ---- stand-ins ---- */

static unsigned pages_out, releases;

enum vireo_status factory_alloc_page(struct factory *f, void **out)
{
	if (!quota_charge(&f->quota, 4096))
		return VIREO_E_QUOTA;
	*out = aligned_alloc(4096, 4096);
	memset(*out, 0, 4096);
	pages_out++;
	return VIREO_OK;
}

void factory_free_page(struct factory *f, void *page)
{
	assert_true(quota_uncharge(&f->quota, 4096));
	free(page);
	pages_out--;
}

void kobject_put(struct kobject *obj)
{
	assert_true(obj->refs > 0);
	if (--obj->refs == 0)
		releases++;
}

/* ---- helpers ---- */

static struct factory fac;

static struct kobject object(enum vireo_kind kind)
{
	return (struct kobject){ .kind = kind };
}

static unsigned cap_count(const struct kobject *o)
{
	unsigned n = 0;

	for (const struct cap_slot *s = o->caps; s; s = s->next) {
		assert_ptr_equal(s->obj, o);
		n++;
	}
	return n;
}

static int setup(void **state)
{
	(void)state;
	fac.quota = (struct quota){ .limit = 64 * 4096 };
	pages_out = releases = 0;
	return 0;
}

/* ---- tests ---- */

static void test_insert_lookup_remove(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK);
	struct kobject *got;
	unsigned rights;

	(void)state;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_null(cspace_lookup(&cs, 5));
	assert_int_equal(cspace_insert(&cs, 5, &a, VIREO_CAP_SEND | VIREO_CAP_READ), VIREO_OK);
	assert_int_equal(a.refs, 1);
	assert_int_equal(cspace_get(&cs, 5, VIREO_CAP_SEND, &got, &rights), VIREO_OK);
	assert_ptr_equal(got, &a);
	assert_int_equal(rights, VIREO_CAP_SEND | VIREO_CAP_READ);
	assert_int_equal(cspace_get(&cs, 5, VIREO_CAP_WRITE, &got, 0), VIREO_E_RIGHTS);
	assert_int_equal(cspace_get(&cs, 6, 0, &got, 0), VIREO_E_CAP);
	cspace_remove(&cs, 5);
	assert_int_equal(a.refs, 0);
	assert_null(cspace_lookup(&cs, 5));
	cspace_remove(&cs, 5); /* removing an empty slot is harmless */
	cspace_destroy(&cs);
	assert_int_equal(pages_out, 0);
	assert_int_equal(fac.quota.used, 0);
}

static void test_selectors_out_of_range(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK);
	struct kobject *got;

	(void)state;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, CSPACE_MAX_SELECTORS, &a, VIREO_CAP_ALL),
			 VIREO_E_RANGE);
	assert_int_equal(cspace_insert(&cs, UINT64_MAX, &a, VIREO_CAP_ALL), VIREO_E_RANGE);
	assert_null(cspace_lookup(&cs, CSPACE_MAX_SELECTORS));
	assert_null(cspace_lookup(&cs, UINT64_MAX));
	assert_int_equal(cspace_get(&cs, UINT64_MAX, 0, &got, 0), VIREO_E_CAP);
	assert_int_equal(cspace_insert(&cs, CSPACE_MAX_SELECTORS - 1, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(a.refs, 1);
	cspace_destroy(&cs);
	assert_int_equal(a.refs, 0);
}

static void test_sparse_tables_are_charged(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK);

	(void)state;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_int_equal(fac.quota.used, 2 * 4096); /* the first level and the first table */
	assert_non_null(cspace_low(&cs));
	assert_int_equal(cspace_insert(&cs, 1, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 127, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(fac.quota.used, 2 * 4096); /* selectors 0..127: in the first table */
	assert_ptr_equal(cspace_lookup(&cs, 127), &cspace_low(&cs)[127]);
	assert_int_equal(cspace_insert(&cs, 128, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 60000, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(fac.quota.used, 4 * 4096);
	assert_int_equal(cap_count(&a), 4);
	cspace_destroy(&cs);
	assert_int_equal(fac.quota.used, 0);
	assert_int_equal(a.refs, 0);
}

static void test_init_without_quota_charges_nothing(void **state)
{
	struct cspace cs;

	(void)state;
	fac.quota.limit = 4096; /* the first level, not the first table */
	assert_int_equal(cspace_init(&cs, &fac), VIREO_E_QUOTA);
	assert_int_equal(fac.quota.used, 0);
	assert_null(cs.l1);
	cspace_destroy(&cs);
}

static void test_quota_exhaustion_changes_nothing(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK);

	(void)state;
	fac.quota.limit = 2 * 4096;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 1, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 1000, &a, VIREO_CAP_ALL), VIREO_E_QUOTA);
	assert_int_equal(a.refs, 1);
	assert_null(cspace_lookup(&cs, 1000));
	cspace_destroy(&cs);
	assert_int_equal(fac.quota.used, 0);
}

static void test_replace_drops_the_old_reference(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK), b = object(VIREO_KIND_THREAD);

	(void)state;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 9, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 9, &b, VIREO_CAP_READ), VIREO_OK);
	assert_int_equal(a.refs, 0);
	assert_int_equal(releases, 1);
	assert_int_equal(b.refs, 1);
	assert_int_equal(cap_count(&a), 0);
	/* Re-inserting the same object into its own slot keeps it alive. */
	assert_int_equal(cspace_insert(&cs, 9, &b, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(b.refs, 1);
	assert_int_equal(cspace_lookup(&cs, 9)->rights, VIREO_CAP_ALL);
	cspace_destroy(&cs);
}

static void test_dead_objects_get_no_new_capabilities(void **state)
{
	struct cspace cs;
	struct kobject a = object(VIREO_KIND_TASK);

	(void)state;
	a.dead = true;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	assert_int_equal(cspace_insert(&cs, 3, &a, VIREO_CAP_ALL), VIREO_E_CAP);
	assert_int_equal(a.refs, 0);
	cspace_destroy(&cs);
}

/* Capabilities in several spaces all sit on the object's list; clearing from it empties all. */
static void test_object_list_spans_spaces(void **state)
{
	struct cspace s1, s2;
	struct kobject a = object(VIREO_KIND_IPC_GATE);

	(void)state;
	assert_int_equal(cspace_init(&s1, &fac), VIREO_OK);
	assert_int_equal(cspace_init(&s2, &fac), VIREO_OK);
	assert_int_equal(cspace_insert(&s1, 1, &a, VIREO_CAP_ALL), VIREO_OK);
	assert_int_equal(cspace_insert(&s1, 300, &a, VIREO_CAP_SEND), VIREO_OK);
	assert_int_equal(cspace_insert(&s2, 7, &a, VIREO_CAP_READ), VIREO_OK);
	assert_int_equal(cap_count(&a), 3);
	cspace_remove(&s1, 300); /* unlink from the middle */
	assert_int_equal(cap_count(&a), 2);
	while (a.caps)
		cap_slot_clear(a.caps);
	assert_int_equal(a.refs, 0);
	assert_null(cspace_lookup(&s1, 1));
	assert_null(cspace_lookup(&s2, 7));
	cspace_destroy(&s1);
	cspace_destroy(&s2);
	assert_int_equal(pages_out, 0);
}

/* Random inserts and removals against a model. */
static void test_random_against_model(void **state)
{
	enum { SELS = 4096, OBJS = 8 };
	static struct kobject objs[OBJS];
	static int model[SELS];
	struct cspace cs;
	uint32_t seed = 99;

	(void)state;
	fac.quota.limit = 1 << 20;
	for (int i = 0; i < OBJS; i++)
		objs[i] = object(VIREO_KIND_TASK);
	for (int i = 0; i < SELS; i++)
		model[i] = -1;
	assert_int_equal(cspace_init(&cs, &fac), VIREO_OK);
	for (int step = 0; step < 50000; step++) {
		unsigned sel, refs[OBJS] = { 0 };

		seed = seed * 1664525 + 1013904223;
		sel = (seed >> 4) % SELS;
		if (seed & 1) {
			int o = (int)((seed >> 20) % OBJS);

			assert_int_equal(cspace_insert(&cs, sel, &objs[o], VIREO_CAP_ALL), VIREO_OK);
			model[sel] = o;
		} else {
			cspace_remove(&cs, sel);
			model[sel] = -1;
		}
		if (step % 1000)
			continue;
		for (int s = 0; s < SELS; s++) {
			struct cap_slot *slot = cspace_lookup(&cs, (vireo_cap_t)s);

			assert_true(model[s] < 0 ? slot == NULL : slot->obj == &objs[model[s]]);
			if (model[s] >= 0)
				refs[model[s]]++;
		}
		for (int o = 0; o < OBJS; o++) {
			assert_int_equal(objs[o].refs, refs[o]);
			assert_int_equal(cap_count(&objs[o]), refs[o]);
		}
	}
	cspace_destroy(&cs);
	for (int o = 0; o < OBJS; o++)
		assert_int_equal(objs[o].refs, 0);
	assert_int_equal(fac.quota.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_insert_lookup_remove, setup),
		cmocka_unit_test_setup(test_selectors_out_of_range, setup),
		cmocka_unit_test_setup(test_sparse_tables_are_charged, setup),
		cmocka_unit_test_setup(test_init_without_quota_charges_nothing, setup),
		cmocka_unit_test_setup(test_quota_exhaustion_changes_nothing, setup),
		cmocka_unit_test_setup(test_replace_drops_the_old_reference, setup),
		cmocka_unit_test_setup(test_dead_objects_get_no_new_capabilities, setup),
		cmocka_unit_test_setup(test_object_list_spans_spaces, setup),
		cmocka_unit_test_setup(test_random_against_model, setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
