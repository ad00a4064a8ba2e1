/*
 * Vm objects (issue #6, first part): a guest-physical space made by the
 * Factory, filled with the ordinary map operation at guest-physical
 * addresses, up to 2^41 (Sv39x4), with superpages and recursive revocation.
 */
#include "vtest.h"

#define RW (VIREO_MEM_R | VIREO_MEM_W)
#define GPA_RAM 0x80000000UL
#define GPA_HIGH 0x18000000000UL /* in the root's fourth quarter (bits 40..39 = 3) */
#define GPA_END 0x20000000000UL  /* 2^41 */

VTEST(vm_maps_guest_physical_memory_and_returns_its_quota)
{
	vireo_cap_t vm = vt_sel(), task = vt_sel();
	uintptr_t page = vt_pages(0), big = vt_pages(9);
	uint64_t limit, before, after;
	unsigned log2;

	EXPECT(page && big);
	vt_sels_ready(8);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, vm), VIREO_OK);
	{
		unsigned kind, rights;

		EXPECT_ST(vireo_kobject_info(vm, &kind, &rights), VIREO_OK);
		EXPECT(kind == VIREO_KIND_VM);
	}
	/* A page at the guest's RAM, one at the top quarter, a 2 MiB superpage. */
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_RAM), VIREO_OK);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, VIREO_MEM_R), GPA_HIGH), VIREO_OK);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(big, 21, VIREO_MEM_RWX), GPA_RAM + 0x200000),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_RAM, 0) == RW);
	EXPECT(vt_rights_at(vm, GPA_HIGH, 0) == VIREO_MEM_R);
	EXPECT(vt_rights_at(vm, GPA_RAM + 0x200000, &log2) == VIREO_MEM_RWX && log2 == 21);
	EXPECT(vt_rights_at(vm, GPA_RAM + 0x1000, 0) == 0);
	/* Beyond 2^41: refused. */
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_END), VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_END - 0x1000), VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_END - 0x1000, 0) == RW);
	/* Revoking at the source takes it out of the guest's space. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_W, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_RAM, 0) == VIREO_MEM_R);
	EXPECT_ST(vireo_task_unmap(vm, vireo_fpage_mem(GPA_HIGH, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_HIGH, 0) == 0);
	/* No thread runs in a Vm's space as if it were a task. */
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, task), VIREO_OK);
	EXPECT_ST(vireo_thread_bind(task, vm, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_kobject_delete(task), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(vm), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before); /* the 32 KiB root, the tables and the nodes */
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	return true;
}
