/* Memory: map, grant, unmap with recursive revocation, rights, superpages. */
#include "vtest.h"

#define B_ADDR 0x40000000UL
#define C_ADDR 0x50000000UL
#define RW (VIREO_MEM_R | VIREO_MEM_W)

VTEST(mem_map_and_unmap_in_own_task)
{
	uintptr_t page = vt_pages(0);
	volatile uint64_t *alias = (volatile uint64_t *)B_ADDR;

	EXPECT(page);
	*(volatile uint64_t *)page = 0x1234;
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, B_ADDR, 0) == RW);
	EXPECT(*alias == 0x1234);
	*alias = 0x5678;
	EXPECT(*(volatile uint64_t *)page == 0x5678);
	/* Revoking the source's descendants removes the alias, keeps the source. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_RWX, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, B_ADDR, 0) == 0);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	return true;
}

VTEST(mem_revoking_write_leaves_read)
{
	struct vt_helper h;
	uintptr_t page = vt_pages(0);

	EXPECT(vt_helper_task(&h));
	EXPECT_ST(vireo_task_map(h.task, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(h.task, B_ADDR, 0) == RW);
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_W, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(h.task, B_ADDR, 0) == VIREO_MEM_R);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	EXPECT(vt_helper_done(&h));
	return true;
}

struct chain {
	vireo_cap_t c_task; /* in the helper's space */
	unsigned rights;    /* what the helper asks for */
	volatile int status;
	volatile int done;
};

/* Runs in the helper task: map its page on to task C. */
static void map_to_c(void *arg)
{
	struct chain *c = arg;

	c->status = vireo_task_map(c->c_task, vireo_fpage_mem(B_ADDR, 12, c->rights), C_ADDR);
	c->done = 1;
}

/* Give the helper task C's capability, the page (with `rights`), and run map_to_c. */
static bool chain_setup(struct chain *c, struct vt_helper *b, vireo_cap_t task_c, uintptr_t page,
			unsigned rights)
{
	c->c_task = VIREO_SEL_FIRST_FREE;
	c->done = 0;
	if (!vt_helper_task(b) ||
	    vireo_factory_create_task(VIREO_SEL_FACTORY, task_c, 0, 0) != VIREO_OK ||
	    vireo_task_map(b->task, vireo_fpage_cap(task_c, 0, VIREO_CAP_ALL), c->c_task) !=
		    VIREO_OK ||
	    vireo_task_map(b->task, vireo_fpage_mem(page, 12, rights), B_ADDR) != VIREO_OK ||
	    !vt_helper_run(b, map_to_c, c))
		return false;
	for (int i = 0; i < 100 && !c->done; i++)
		vt_sleep_us(100);
	return c->done;
}

VTEST(mem_map_cannot_add_rights)
{
	static struct chain c;
	struct vt_helper b;
	vireo_cap_t task_c = vt_sel();

	c.rights = VIREO_MEM_RWX;
	EXPECT(chain_setup(&c, &b, task_c, vt_pages(0), VIREO_MEM_R));
	EXPECT_ST(c.status, VIREO_OK);
	/* The helper holds R only; asking to map its page RWX onward gives R. */
	EXPECT(vt_rights_at(task_c, C_ADDR, 0) == VIREO_MEM_R);
	EXPECT(vt_helper_done(&b));
	EXPECT_ST(vireo_kobject_delete(task_c), VIREO_OK);
	return true;
}

VTEST(mem_revocation_across_three_levels)
{
	static struct chain c;
	struct vt_helper b;
	vireo_cap_t task_c = vt_sel();
	uintptr_t page = vt_pages(0);

	c.rights = VIREO_MEM_R;
	EXPECT(chain_setup(&c, &b, task_c, page, RW));
	EXPECT_ST(c.status, VIREO_OK);
	EXPECT(vt_rights_at(task_c, C_ADDR, 0) == VIREO_MEM_R);
	/* Root -> B -> C: revoking at the root reaches C through B. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_RWX, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR, 0) == 0);
	EXPECT(vt_rights_at(task_c, C_ADDR, 0) == 0);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	EXPECT(vt_helper_done(&b));
	EXPECT_ST(vireo_kobject_delete(task_c), VIREO_OK);
	return true;
}

VTEST(mem_unmap_in_the_middle_keeps_the_parent)
{
	struct vt_helper b;
	vireo_cap_t task_c = vt_sel();
	uintptr_t page = vt_pages(0);

	EXPECT(vt_helper_task(&b));
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, task_c, 0, 0), VIREO_OK);
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_OK);
	/* The helper's own copy is removed with SELF; the root keeps its page. */
	EXPECT_ST(vireo_task_unmap(b.task, vireo_fpage_mem(B_ADDR, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR, 0) == 0);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	EXPECT(vt_helper_done(&b));
	EXPECT_ST(vireo_kobject_delete(task_c), VIREO_OK);
	return true;
}

VTEST(mem_grant_moves_the_mapping)
{
	struct vt_helper b;
	uintptr_t page = vt_pages(0);

	EXPECT(vt_helper_task(&b));
	/* Only whole mappings move: make a 4 KiB mapping of our own first. */
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), C_ADDR), VIREO_OK);
	EXPECT_ST(vireo_task_grant(b.task, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_E_ARG);
	EXPECT_ST(vireo_task_grant(b.task, vireo_fpage_mem(C_ADDR, 12, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, C_ADDR, 0) == 0);
	EXPECT(vt_rights_at(b.task, B_ADDR, 0) == RW);
	/* Still derived from our page: revoking it reaches the granted mapping. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_RWX, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR, 0) == 0);
	EXPECT(vt_helper_done(&b));
	return true;
}

VTEST(mem_superpage_is_mapped_and_unmapped_whole)
{
	struct vt_helper b;
	uintptr_t big = vt_pages(9);
	unsigned log2;

	EXPECT(big);
	EXPECT(vt_helper_task(&b));
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(big, 21, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR + 0x1000, &log2) == RW);
	EXPECT(log2 == 21);
	/* Unmap granularity is the mapping's own size: 4 KiB inside removes all 2 MiB. */
	EXPECT_ST(vireo_task_unmap(b.task, vireo_fpage_mem(B_ADDR + 0x3000, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR, 0) == 0);
	/* A 4 KiB piece of a superpage can be mapped on by itself. */
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(big + 0x5000, 12, RW), C_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(b.task, C_ADDR, &log2) == RW && log2 == 12);
	EXPECT(vt_helper_done(&b));
	return true;
}

VTEST(mem_map_rejects_bad_requests)
{
	uintptr_t page = vt_pages(0);

	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 11, RW), B_ADDR),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), B_ADDR + 0x800),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), B_ADDR), VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), page), VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, VIREO_MEM_W), B_ADDR),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), 1ULL << 40),
		  VIREO_E_ARG);
	/* The UTCB area is the kernel's: nothing is mapped over it. */
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW),
				 VIREO_ROOT_UTCB_AREA),
		  VIREO_E_EXISTS);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, B_ADDR, 0) == 0);
	return true;
}

VTEST(mem_task_delete_returns_quota_exactly)
{
	vt_sels_ready(8);

	struct vt_helper b;
	uint64_t limit, before, after;
	uintptr_t page = vt_pages(0);

	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT(vt_helper_task(&b));
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_helper_done(&b));
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	return true;
}

VTEST(mem_superpage_after_small_pages_left_empty_tables)
{
	struct vt_helper b;
	uintptr_t big = vt_pages(9), small = vt_pages(0);
	unsigned log2;

	EXPECT(vt_helper_task(&b));
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(small, 12, RW), B_ADDR + 0x5000),
		  VIREO_OK);
	EXPECT_ST(vireo_task_unmap(b.task, vireo_fpage_mem(B_ADDR + 0x5000, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	/* The page table that held the small page is empty now and gives way. */
	EXPECT_ST(vireo_task_map(b.task, vireo_fpage_mem(big, 21, RW), B_ADDR), VIREO_OK);
	EXPECT(vt_rights_at(b.task, B_ADDR + 0x5000, &log2) == RW && log2 == 21);
	EXPECT(vt_helper_done(&b));
	return true;
}

VTEST(mem_map_onto_its_own_ancestor_is_refused)
{
	uintptr_t page = vt_pages(0);

	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), B_ADDR), VIREO_OK);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(B_ADDR, 12, RW), C_ADDR), VIREO_OK);
	/* C derives from B: putting C at B would first unmap C's own source. */
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(C_ADDR, 12, RW), B_ADDR),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_grant(VIREO_SEL_TASK, vireo_fpage_mem(C_ADDR, 12, RW), B_ADDR),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(C_ADDR, 12, RW), page),
		  VIREO_E_ARG);
	/* Everything is still in one tree: revoking the page removes both. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_RWX, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, B_ADDR, 0) == 0);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, C_ADDR, 0) == 0);
	return true;
}
