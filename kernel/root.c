/*
 * The root task: the first user program, loaded by the kernel itself. It
 * receives part of free memory (mapped virtual == physical), the boot
 * archive, and capabilities to its task, thread, the boot factory (whose
 * quota is the kernel memory left) and the console.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/cpio.h>
#include <kernel/debugger.h>
#include <kernel/elf.h>
#include <kernel/icu.h>
#include <kernel/factory.h>
#include <kernel/memmap.h>
#include <kernel/pages.h>
#include <kernel/platform.h>
#include <kernel/root.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/vcon.h>
#include <kernel/vmspace.h>
#include <vireo/bootinfo.h>
#include <vireo/caps.h>
#include <vireo/fpage.h>

#define ROOT_MODULE_DEFAULT "root"
#define ROOT_NAME_MAX 64
#define USER_MIN 0x10000UL
/* The kernel keeps a quarter of free memory, at least this much, for objects. */
#define KERNEL_POOL_MIN (16UL << 20)

static const unsigned map_orders[] = { 18, 9, 0 };

/*
 * Give the root task a naturally aligned block of 2^order pages at va == pa,
 * as mapping-database roots in the largest pieces that fit.
 */
static bool give_block(struct task *t, paddr_t p, unsigned order)
{
	unsigned piece = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(map_orders); i++) {
		if (map_orders[i] <= order) {
			piece = map_orders[i];
			break;
		}
	}
	for (uint64_t off = 0; off < (PAGE_SIZE << order); off += PAGE_SIZE << piece)
		if (memmap_root(t, pa_val(p) + off, pa_add(p, off), piece, VIREO_MEM_RWX) !=
		    VIREO_OK)
			return false;
	return true;
}

/*
 * A fresh zeroed page at va; its kernel address in *k. Like all the root
 * task's memory it is a mapping-database root, so the root task can map it
 * on (its code and data into helper tasks, for one).
 */
static bool map_new_page(struct task *t, uintptr_t va, unsigned rights, uint8_t **k)
{
	paddr_t p;

	if (!pages_alloc(0, &p))
		return false;
	*k = va_ptr(phys_to_virt(p));
	memset(*k, 0, PAGE_SIZE);
	return memmap_root(t, va, p, 0, rights) == VIREO_OK;
}

static unsigned segment_rights(uint32_t flags)
{
	return (flags & ELF_R ? VIREO_MEM_R : 0) | (flags & ELF_W ? VIREO_MEM_W : 0) |
	       (flags & ELF_X ? VIREO_MEM_X : 0);
}

static bool load_segment(struct task *t, const uint8_t *file, const struct elf_segment *s)
{
	struct elf_pages pages = elf_segment_pages(s);

	for (uint64_t va = pages.start; va < pages.end; va += PAGE_SIZE) {
		uint8_t *k;

		if (!map_new_page(t, va, segment_rights(s->flags), &k))
			return false;
		/* The part of the file image that falls into this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE_SIZE < s->vaddr + s->filesz ? va + PAGE_SIZE
								     : s->vaddr + s->filesz;

		if (lo < hi)
			memcpy(k + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
	}
	return true;
}

/* Hand the root task free memory in big blocks until `keep` bytes remain. */
static void give_memory(struct task *t, struct vireo_boot_info *info, uint64_t keep)
{
	for (unsigned order = 18; info->nmem < VIREO_BOOT_MAX_MEM;) {
		uint64_t size = PAGE_SIZE << order;
		paddr_t p;

		if (pages_free_count() * PAGE_SIZE < keep + size || !pages_alloc(order, &p)) {
			if (order-- == 0)
				break;
			continue;
		}
		if (!give_block(t, p, order))
			panic("root: cannot record the root task's memory");
		info->mem[info->nmem++] = (struct vireo_mem_range){ pa_val(p), size };
	}
}

static bool map_archive(struct task *t, const struct boot_info *bi, struct vireo_boot_info *info)
{
	uint64_t first = ALIGN_DOWN(pa_val(bi->initrd.base), PAGE_SIZE);
	uint64_t end = ALIGN_UP(pa_val(pa_range_end(bi->initrd)), PAGE_SIZE);

	for (uint64_t p = first; p < end; p += PAGE_SIZE)
		if (memmap_root(t, VIREO_ROOT_ARCHIVE + (p - first), pa(p), 0, VIREO_MEM_R) != VIREO_OK)
			return false;
	info->archive_addr = VIREO_ROOT_ARCHIVE + (pa_val(bi->initrd.base) - first);
	info->archive_size = bi->initrd.size;
	return true;
}

static bool find_module(const struct boot_info *bi, struct cpio_entry *e, char *name)
{
	struct cmdline_value v;
	struct parse_error err;

	memcpy(name, ROOT_MODULE_DEFAULT, sizeof(ROOT_MODULE_DEFAULT));
	if (cmdline_find(bi->bootargs, "root", &v) && v.len < ROOT_NAME_MAX) {
		memcpy(name, v.text, v.len);
		name[v.len] = 0;
	}
	if (!bi->has_initrd) {
		kprintf("root: no boot archive, no root task\n");
		return false;
	}
	if (!cpio_find(va_ptr(phys_to_virt(bi->initrd.base)), (size_t)bi->initrd.size, name, e,
		       &err)) {
		kprintf("root: no root task '%s': %s\n", name, err.what);
		return false;
	}
	return true;
}

static bool install_caps(struct task *t, struct thread *th)
{
	return cspace_insert(&t->cspace, VIREO_SEL_TASK, &t->obj, VIREO_CAP_ALL) == VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_THREAD, &th->obj, VIREO_CAP_ALL) == VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_FACTORY, &factory_boot()->obj, VIREO_CAP_ALL) ==
		       VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_VCON, vcon_boot(), VIREO_CAP_ALL) == VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_SCHEDULER, scheduler_boot(), VIREO_CAP_ALL) ==
		       VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_PLATFORM, platform_boot(), VIREO_CAP_ALL) ==
		       VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_ICU, icu_boot(), VIREO_CAP_ALL) == VIREO_OK &&
	       cspace_insert(&t->cspace, VIREO_SEL_DEBUGGER, debugger_boot(), VIREO_CAP_ALL) ==
		       VIREO_OK;
}

static bool build_root(const struct boot_info *bi, const struct cpio_entry *e,
		       const struct elf_image *img, uint64_t pool)
{
	struct kobject *tobj, *thobj;
	struct task *t;
	struct thread *th;
	struct vireo_boot_info *info;
	uint8_t *page, *stack_top_page = 0;

	if (task_create(factory_boot(), VIREO_ROOT_UTCB_AREA, VIREO_ROOT_UTCB_LOG2, &tobj) !=
		    VIREO_OK ||
	    thread_create(factory_boot(), &thobj) != VIREO_OK)
		return false;
	t = (struct task *)tobj;
	th = (struct thread *)thobj;
	if (!install_caps(t, th) || thread_bind(th, t, VIREO_ROOT_UTCB_AREA) != VIREO_OK)
		return false;
	for (unsigned i = 0; i < img->nsegments; i++)
		if (!load_segment(t, e->data, &img->seg[i]))
			return false;
	for (uintptr_t va = VIREO_ROOT_STACK_TOP - VIREO_ROOT_STACK_SIZE; va < VIREO_ROOT_STACK_TOP;
	     va += PAGE_SIZE)
		if (!map_new_page(t, va, VIREO_MEM_R | VIREO_MEM_W, &stack_top_page))
			return false;
	if (!map_new_page(t, VIREO_ROOT_BOOT_INFO, VIREO_MEM_R, &page) || !map_archive(t, bi, (void *)page))
		return false;
	info = (struct vireo_boot_info *)page;
	info->magic = VIREO_BOOT_INFO_MAGIC;
	info->ncpus = cpu_count;
	info->timebase_hz = bi->timebase_hz;
	memcpy(info->cmdline, bi->bootargs, strnlen(bi->bootargs, VIREO_BOOT_CMDLINE - 1));
	give_memory(t, info, pool - factory_boot()->quota.used);
	info->kernel_quota = factory_boot()->quota.limit - factory_boot()->quota.used;

	/* The start words every program finds at its initial sp (include/vireo/bootinfo.h). */
	((uint64_t *)stack_top_page)[PAGE_SIZE / 8 - 2] = VIREO_ROOT_UTCB_AREA;
	((uint64_t *)stack_top_page)[PAGE_SIZE / 8 - 1] = VIREO_ROOT_BOOT_INFO;
	thread_start(th, img->entry, VIREO_ROOT_STACK_TOP - 16);
	sched_set_root_thread(th);
	return true;
}

bool root_start(const struct boot_info *bi)
{
	char name[ROOT_NAME_MAX];
	struct cpio_entry e;
	struct elf_image img;
	struct parse_error err;

	if (!find_module(bi, &e, name))
		return false;
	if (!elf_parse(e.data, e.size, USER_MIN, VIREO_ROOT_ARCHIVE, &img, &err)) {
		kprintf("root: '%s' rejected: %s at offset %zu\n", name, err.what, err.offset);
		return false;
	}
	uint64_t free = pages_free_count() * PAGE_SIZE;
	uint64_t pool = free / 4 > KERNEL_POOL_MIN ? free / 4 : KERNEL_POOL_MIN;

	factory_boot_init(pool < free ? pool : free);
	if (!build_root(bi, &e, &img, factory_boot()->quota.limit))
		panic("root: out of memory building the root task");
	kprintf("root: starting '%s'\n", name);
	return true;
}
