/*
 * Capability spaces: per task, a sparse two-level table from selector to
 * slot. Level-2 tables are allocated (and charged to the task's quota) when
 * the first capability lands in their range.
 *
 *   selector:  | ... 0 | l1 index (9 bits) | l2 index (7 bits) |
 *
 *   cspace.l1 (one page, 512 pointers)
 *     [i] --> l2 table (one page, 128 slots of 32 bytes)
 *               [j] = { object, rights, links in the object's cap list }
 *
 * A lookup is two loads and no lock. Slots are only written with the
 * kernel's lock held. The first level-2 table (selectors below 128, where
 * the well-known capabilities are) comes with the space and stays as long
 * as it does: threads keep a pointer to it (thread.cspace_low), so the
 * IPC fast path finds those slots in one load.
 */
#ifndef KERNEL_CSPACE_H
#define KERNEL_CSPACE_H

#include <kernel/kobject.h>
#include <vireo/fpage.h>
#include <vireo/types.h>

#define CSPACE_L2_BITS 7
#define CSPACE_L1_BITS 9
#define CSPACE_L2_SLOTS (1u << CSPACE_L2_BITS)
#define CSPACE_L1_SLOTS (1u << CSPACE_L1_BITS)
#define CSPACE_MAX_SELECTORS ((uint64_t)CSPACE_L1_SLOTS * CSPACE_L2_SLOTS)

struct cap_slot {
	struct kobject *obj;     /* NULL: empty */
	unsigned rights;         /* VIREO_CAP_* */
	struct cap_slot *next;   /* next slot naming the same object */
	struct cap_slot **pprev; /* the pointer that points here */
};

_Static_assert(sizeof(struct cap_slot) == 32, "cap slots pack 128 to a page");

struct cspace {
	struct cap_slot **l1; /* CSPACE_L1_SLOTS entries, one page */
	struct factory *factory; /* pays for l2 tables */
};

/*
 * A first level with nothing in it, never written: a dead thread's view, so
 * that a lookup on its behalf (the fast path on the hart that still runs
 * it) finds nothing instead of following a stale table.
 */
extern struct cap_slot *cspace_no_l1[CSPACE_L1_SLOTS];
/* The same for the first table (thread.cspace_low). */
extern struct cap_slot cspace_no_low[CSPACE_L2_SLOTS];

/* The first level-2 table of a space: selectors 0..CSPACE_L2_SLOTS - 1, never NULL. */
static inline struct cap_slot *cspace_low(const struct cspace *cs)
{
	return cs->l1[0];
}

/* Create an empty space (l1 and the first l2 table) whose tables are charged to `f`; on failure nothing is charged. */
must_check enum vireo_status cspace_init(struct cspace *cs, struct factory *f);

/* Remove every capability and free the tables (task destruction). */
void cspace_destroy(struct cspace *cs);

/* The slot for `sel` in the space whose first level is l1, if it holds a capability, else NULL. */
static inline struct cap_slot *cspace_lookup_l1(struct cap_slot *const *l1, vireo_cap_t sel)
{
	struct cap_slot *l2;
	struct cap_slot *s;

	if (sel >= CSPACE_MAX_SELECTORS)
		return 0;
	l2 = l1[sel >> CSPACE_L2_BITS];
	if (!l2)
		return 0;
	s = &l2[sel & (CSPACE_L2_SLOTS - 1)];
	return s->obj ? s : 0;
}

/* The slot for `sel` if it holds a capability, else NULL. */
static inline struct cap_slot *cspace_lookup(const struct cspace *cs, vireo_cap_t sel)
{
	return cspace_lookup_l1(cs->l1, sel);
}

/* The object behind `sel` if its capability has all of `rights`; status says why not. */
must_check enum vireo_status cspace_get(const struct cspace *cs, vireo_cap_t sel,
					unsigned rights, struct kobject **out, unsigned *held);

/*
 * Put a capability to `obj` with `rights` at `sel`, replacing what was there.
 * Fails (changing nothing) when sel is out of range or a table cannot be paid for.
 */
must_check enum vireo_status cspace_insert(struct cspace *cs, vireo_cap_t sel,
					   struct kobject *obj, unsigned rights);

/* Empty one slot (dropping its reference); nothing happens if it is empty. */
void cspace_remove(struct cspace *cs, vireo_cap_t sel);

/* Empty a slot found by lookup, from any space. */
void cap_slot_clear(struct cap_slot *s);

#endif
