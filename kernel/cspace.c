/* Capability spaces (see kernel/cspace.h). */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/factory.h>
#include <kernel/string.h>

struct cap_slot *cspace_no_l1[CSPACE_L1_SLOTS];
struct cap_slot cspace_no_low[CSPACE_L2_SLOTS];

_Static_assert(CSPACE_L1_SLOTS * sizeof(struct cap_slot *) == PAGE_SIZE, "l1 is one page");
_Static_assert(CSPACE_L2_SLOTS * sizeof(struct cap_slot) == PAGE_SIZE, "l2 is one page");

enum vireo_status cspace_init(struct cspace *cs, struct factory *f)
{
	enum vireo_status st = factory_alloc_page(f, (void **)&cs->l1);

	cs->factory = f;
	if (st != VIREO_OK)
		return st;
	st = factory_alloc_page(f, (void **)&cs->l1[0]);
	if (st != VIREO_OK) {
		factory_free_page(f, cs->l1);
		cs->l1 = 0;
	}
	return st;
}

void cap_slot_clear(struct cap_slot *s)
{
	struct kobject *obj = s->obj;

	if (!obj)
		return;
	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	s->obj = 0;
	s->rights = 0;
	s->next = 0;
	s->pprev = 0;
	kobject_put(obj);
}

void cspace_destroy(struct cspace *cs)
{
	if (!cs->l1)
		return;
	for (unsigned i = 0; i < CSPACE_L1_SLOTS; i++) {
		struct cap_slot *l2 = cs->l1[i];

		if (!l2)
			continue;
		for (unsigned j = 0; j < CSPACE_L2_SLOTS; j++)
			cap_slot_clear(&l2[j]);
		factory_free_page(cs->factory, l2);
	}
	factory_free_page(cs->factory, cs->l1);
	cs->l1 = 0;
}

enum vireo_status cspace_get(const struct cspace *cs, vireo_cap_t sel, unsigned rights,
			     struct kobject **out, unsigned *held)
{
	struct cap_slot *s = cspace_lookup(cs, sel);

	if (!s)
		return VIREO_E_CAP;
	if ((s->rights & rights) != rights)
		return VIREO_E_RIGHTS;
	*out = s->obj;
	if (held)
		*held = s->rights;
	return VIREO_OK;
}

enum vireo_status cspace_insert(struct cspace *cs, vireo_cap_t sel, struct kobject *obj,
				unsigned rights)
{
	struct cap_slot **l2p, *s;

	if (sel >= CSPACE_MAX_SELECTORS)
		return VIREO_E_RANGE;
	if (obj->dead)
		return VIREO_E_CAP;
	l2p = &cs->l1[sel >> CSPACE_L2_BITS];
	if (!*l2p) {
		enum vireo_status st = factory_alloc_page(cs->factory, (void **)l2p);

		if (st != VIREO_OK)
			return st;
	}
	s = &(*l2p)[sel & (CSPACE_L2_SLOTS - 1)];
	kobject_get(obj); /* before clearing: the slot may hold the last reference */
	cap_slot_clear(s);
	s->obj = obj;
	s->rights = rights & VIREO_CAP_ALL;
	s->next = obj->caps;
	s->pprev = &obj->caps;
	if (obj->caps)
		obj->caps->pprev = &s->next;
	obj->caps = s;
	return VIREO_OK;
}

void cspace_remove(struct cspace *cs, vireo_cap_t sel)
{
	struct cap_slot *s = cspace_lookup(cs, sel);

	if (s)
		cap_slot_clear(s);
}
