/*
 * Host tests of the VMM's device model (user/vmm) under ASan and UBSan,
 * with a stub backend: the Linux Image checks, the device tree it writes
 * (read back with the kernel's own parser, an independent reader), the
 * virtio transport and block device against good and malformed queues,
 * the PLIC, and SBI argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kernel/bootinfo.h>
#include <kernel/fdt.h>

#include "backend.h"
#include "boot.h"
#include "plic.h"
#include "sbi.h"
#include "virtio_blk.h"
#include "vmm.h"

/* ---- the stub backend ---- */

static char console[8192];
static size_t console_len;
static unsigned kicks;

void backend_console_write(const char *s, size_t n)
{
	if (n > sizeof(console) - 1 - console_len)
		n = sizeof(console) - 1 - console_len;
	memcpy(console + console_len, s, n);
	console_len += n;
	console[console_len] = 0;
}

size_t backend_console_read(char *buf, size_t max)
{
	(void)buf;
	(void)max;
	return 0;
}

void backend_kick(struct vmm_vcpu *c)
{
	(void)c;
	kicks++;
}

void backend_relax(void)
{
}

void backend_set_timer(struct vmm_vcpu *c, uint64_t when)
{
	(void)c;
	(void)when;
}

struct vmm_vcpu *vcpu_current(void)
{
	return NULL;
}

/* ---- the VM ---- */

#define RAM_SIZE (8u << 20)
static struct vmm vm; /* 8 MiB of RAM, two harts, hart 1 stopped */
static struct plic plic;
static struct virtio_blk blk;
static uint8_t disk[64 * 512];

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.name = "t";
	vm.ram_base = VMM_RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = calloc(1, RAM_SIZE);
	vm.ncpus = 2;
	for (unsigned i = 0; i < vm.ncpus; i++) {
		vm.vcpu[i].vm = &vm;
		vm.vcpu[i].id = i;
		vm.vcpu[i].hsm = i ? VCPU_STOPPED : VCPU_STARTED;
	}
	plic_init(&plic, &vm);
	vm.plic = &plic;
	console_len = 0;
	console[0] = 0;
	return vm.ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(vm.ram);
	return 0;
}

/* ---- Image ---- */

static void image_header(uint8_t *h, uint64_t text_offset, uint64_t image_size)
{
	memset(h, 0, 64);
	memcpy(h + 8, &text_offset, 8);
	memcpy(h + 16, &image_size, 8);
	memcpy(h + 48, "RISCV\0\0\0", 8);
	memcpy(h + 56, "RSC\x05", 4);
}

static void test_image_checks(void **state)
{
	uint8_t h[4096];
	uint64_t off, size;

	(void)state;
	image_header(h, 0x200000, 8192);
	assert_null(boot_image_problem(h, sizeof(h), &off, &size));
	assert_int_equal(off, 0x200000);
	assert_string_equal(boot_image_problem(h, 63, &off, &size),
			    "shorter than the 64-byte Image header");
	h[56] = 'X';
	assert_string_equal(boot_image_problem(h, sizeof(h), &off, &size),
			    "not a RISC-V Linux Image (no \"RSC\\x05\" at offset 56)");
	image_header(h, 0x200001, 8192);
	assert_string_equal(boot_image_problem(h, sizeof(h), &off, &size),
			    "text_offset is not page aligned");
	image_header(h, 0x200000, 100);
	assert_string_equal(boot_image_problem(h, sizeof(h), &off, &size),
			    "image_size is smaller than the file");
}

static void test_image_does_not_fit(void **state)
{
	uint8_t h[4096];
	struct boot_config cfg = { .kernel = h, .kernel_size = sizeof(h), .cmdline = "x" };
	struct boot_entry e;

	(void)state;
	image_header(h, 0x200000, 1ULL << 40); /* 1 TiB of bss */
	assert_false(boot_load(&vm, &cfg, &e));
	assert_non_null(strstr(console, "do not fit"));
	image_header(h, 0x200000, 8192);
	cfg.initrd = h;
	cfg.initrd_size = RAM_SIZE;
	assert_false(boot_load(&vm, &cfg, &e));
	assert_non_null(strstr(console, "initrd"));
}

/* The device tree, read back by the kernel's parser. */
static void test_device_tree(void **state)
{
	uint8_t h[4096], initrd[100];
	struct boot_config cfg = { .kernel = h, .kernel_size = sizeof(h), .initrd = initrd,
				   .initrd_size = sizeof(initrd), .cmdline = "console=hvc1 quiet",
				   .virtio_irqs = 2 };
	struct boot_entry e;
	static struct boot_info bi;
	struct fdt fdt;
	struct parse_error err = { "", 0 };
	struct fdt_node node;

	(void)state;
	image_header(h, 0x200000, 8192);
	assert_true(boot_load(&vm, &cfg, &e));
	assert_int_equal(e.pc, VMM_RAM_BASE + 0x200000);
	assert_true(fdt_open(&fdt, vmm_ram(&vm, e.fdt, 0x10000), 0x10000, &err));
	assert_true(bootinfo_from_fdt(&bi, &fdt, &err));
	assert_int_equal(bi.nmemory, 1);
	assert_int_equal(pa_val(bi.memory[0].base), VMM_RAM_BASE);
	assert_int_equal(bi.memory[0].size, RAM_SIZE);
	assert_int_equal(bi.nharts, 2);
	assert_int_equal(hartid_val(bi.harts[1]), 1);
	assert_int_equal(bi.timebase_hz, VMM_TIMEBASE_HZ);
	assert_true(bi.all_harts_sstc);
	assert_true(bi.plic.present);
	assert_int_equal(pa_val(bi.plic.reg.base), VMM_PLIC_BASE);
	assert_int_equal(bi.plic.s_context[0], 0);
	assert_int_equal(bi.plic.s_context[1], 1);
	assert_true(bi.has_initrd);
	assert_int_equal(bi.initrd.size, sizeof(initrd));
	assert_string_equal(bi.bootargs, "console=hvc1 quiet");
	assert_true(fdt_find_path(&fdt, "/soc/virtio_mmio@10002000", &node));
	assert_false(fdt_find_path(&fdt, "/soc/virtio_mmio@10003000", &node));
	/* The initrd starts 2 MiB aligned after the kernel's image_size. */
	assert_int_equal(pa_val(bi.initrd.base), VMM_RAM_BASE + 0x400000);
}

/* ---- virtio ---- */

#define GPA(off) (VMM_RAM_BASE + (off))
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define DATA 0x10000

static uint64_t reg(unsigned slot, unsigned off)
{
	uint64_t v = 0;

	assert_true(virtio_mmio(&vm, slot * VMM_VIRTIO_SIZE + off, 4, false, &v));
	return v;
}

static void set(unsigned slot, unsigned off, uint64_t v)
{
	assert_true(virtio_mmio(&vm, slot * VMM_VIRTIO_SIZE + off, 4, true, &v));
}

static void queue_up(unsigned slot, unsigned q)
{
	set(slot, 0x70, 0);
	set(slot, 0x70, 1 | 2 | 8);
	set(slot, 0x30, q);
	set(slot, 0x38, 8);
	set(slot, 0x80, (uint32_t)GPA(DESC));
	set(slot, 0x90, (uint32_t)GPA(AVAIL));
	set(slot, 0xa0, (uint32_t)GPA(USED));
	set(slot, 0x44, 1);
	set(slot, 0x70, 1 | 2 | 8 | 4);
	memset(vm.ram + DESC, 0, 0x3000);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = vm.ram + DESC + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void offer(unsigned slot, unsigned q, uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, vm.ram + AVAIL + 2, 2);
	memcpy(vm.ram + AVAIL + 4 + 2 * (idx % 8), &head, 2);
	idx++;
	memcpy(vm.ram + AVAIL + 2, &idx, 2);
	vmm_lock();
	set(slot, 0x50, q);
	vmm_unlock();
}

static uint16_t used_idx(void)
{
	uint16_t idx;

	memcpy(&idx, vm.ram + USED + 2, 2);
	return idx;
}

/* A block request: header at DATA, data at DATA + 0x100, status at DATA + 0x80. */
static uint8_t block_request(uint32_t type, uint64_t sector, uint32_t len)
{
	memcpy(vm.ram + DATA, &type, 4);
	memset(vm.ram + DATA + 4, 0, 4);
	memcpy(vm.ram + DATA + 8, &sector, 8);
	vm.ram[DATA + 0x80] = 0xff;
	desc(0, GPA(DATA), 16, 1, 1);
	desc(1, GPA(DATA + 0x100), len, type == 0 ? 1 | 2 : 1, 2);
	desc(2, GPA(DATA + 0x80), 1, 2, 0);
	offer(0, 0, 0);
	return vm.ram[DATA + 0x80];
}

static void test_virtio_block(void **state)
{
	uint64_t v = 0;

	(void)state;
	memset(disk, 0, sizeof(disk));
	memcpy(disk + 512 * 3, "sector three", 12);
	virtio_blk_attach(&vm, &blk, disk, sizeof(disk));
	assert_int_equal(reg(0, 0x000), 0x74726976);
	assert_int_equal(reg(0, 0x004), 2);
	assert_int_equal(reg(0, 0x008), 2);
	assert_true(virtio_mmio(&vm, 0x100, 8, false, &v));
	assert_int_equal(v, sizeof(disk) / 512);
	queue_up(0, 0);
	assert_int_equal(block_request(0, 3, 512), 0); /* read */
	assert_memory_equal(vm.ram + DATA + 0x100, "sector three", 12);
	assert_int_equal(used_idx(), 1);
	memcpy(vm.ram + DATA + 0x100, "written", 7);
	assert_int_equal(block_request(1, 5, 512), 0); /* write */
	assert_memory_equal(disk + 512 * 5, "written", 7);
	assert_int_equal(block_request(0, 63, 1024), 1); /* past the end: IOERR */
	assert_int_equal(block_request(0, UINT64_MAX / 256, 512), 1); /* overflowing sector */
	assert_int_equal(block_request(99, 0, 512), 2); /* unsupported */
	assert_int_equal(used_idx(), 5);
	assert_int_equal(reg(0, 0x70) & 64, 0);
	assert_true(plic.level & (1u << 1)); /* its interrupt is up */
	set(0, 0x64, 1);
	assert_false(plic.level & (1u << 1));
}

/* Each malformed queue stops the device (NEEDS_RESET) with a message, and a reset brings it back. */
static void test_virtio_malformed(void **state)
{
	(void)state;
	virtio_blk_attach(&vm, &blk, disk, sizeof(disk));
	queue_up(0, 0);
	desc(0, GPA(DATA), 16, 1, 1);
	desc(1, GPA(DATA), 16, 1, 0);
	offer(0, 0, 0);
	assert_true(reg(0, 0x70) & 64);
	assert_non_null(strstr(console, "the chain from 0 loops"));

	queue_up(0, 0);
	assert_false(reg(0, 0x70) & 64);
	desc(0, 0x1000, 16, 0, 0);
	offer(0, 0, 0);
	assert_non_null(strstr(console, "buffer 0x1000+16 is outside guest RAM"));

	queue_up(0, 0);
	desc(0, GPA(RAM_SIZE - 8), 64, 0, 0);
	offer(0, 0, 0);
	assert_true(reg(0, 0x70) & 64);

	queue_up(0, 0);
	desc(0, GPA(DATA), 0xffffffffu, 0, 0);
	offer(0, 0, 0);
	assert_true(reg(0, 0x70) & 64);

	queue_up(0, 0);
	offer(0, 0, 8);
	assert_non_null(strstr(console, "descriptor 8 out of 8"));

	queue_up(0, 0);
	desc(0, GPA(DATA), 16, 1, 1); /* a header, then a status that is not writable */
	desc(1, GPA(DATA + 0x80), 1, 0, 0);
	offer(0, 0, 0);
	assert_non_null(strstr(console, "no readable 16-byte header or writable status byte"));

	/* Rings that do not fit in RAM: the queue is refused. */
	set(0, 0x70, 0);
	set(0, 0x30, 0);
	set(0, 0x38, 8);
	set(0, 0x80, (uint32_t)GPA(RAM_SIZE - 16));
	set(0, 0x90, (uint32_t)GPA(AVAIL));
	set(0, 0xa0, (uint32_t)GPA(USED));
	set(0, 0x44, 1);
	assert_int_equal(reg(0, 0x44), 0);
	assert_true(reg(0, 0x70) & 64);
	/* Not a power of two: no queue size. */
	set(0, 0x70, 0);
	set(0, 0x38, 6);
	set(0, 0x44, 1);
	assert_int_equal(reg(0, 0x44), 0);
	/* Bad widths and offsets are refused; an empty slot answers nothing. */
	{
		uint64_t v = 0;

		assert_false(virtio_mmio(&vm, 0x70, 8, false, &v));
		assert_false(virtio_mmio(&vm, 0x72, 4, false, &v));
		assert_false(virtio_mmio(&vm, 0x100 + 0x3c, 8, false, &v));
		assert_false(virtio_mmio(&vm, 5 * VMM_VIRTIO_SIZE, 4, false, &v));
	}
}

/* ---- PLIC ---- */

static void test_plic(void **state)
{
	uint64_t v;

	(void)state;
	v = 1;
	assert_true(plic_access(&plic, 4 * 3, 4, true, &v)); /* priority of source 3 */
	v = 1u << 3;
	assert_true(plic_access(&plic, 0x2000 + 0x80, 4, true, &v)); /* context 1 enables it */
	plic_set_level(&plic, 3, true);
	assert_false(vm.vcpu[0].ext_line);
	assert_true(vm.vcpu[1].ext_line);
	assert_true(plic_access(&plic, 0x200000 + 0x1000 + 4, 4, false, &v)); /* claim */
	assert_int_equal(v, 3);
	assert_false(vm.vcpu[1].ext_line);
	assert_true(plic_access(&plic, 0x200000 + 0x1000 + 4, 4, false, &v));
	assert_int_equal(v, 0); /* nothing more */
	v = 3;
	assert_true(plic_access(&plic, 0x200000 + 0x1000 + 4, 4, true, &v)); /* complete */
	assert_true(vm.vcpu[1].ext_line); /* still high: pending again */
	plic_set_level(&plic, 3, false);
	assert_true(plic_access(&plic, 0x200000 + 0x1000 + 4, 4, false, &v));
	assert_int_equal(v, 3);
	v = 3;
	assert_true(plic_access(&plic, 0x200000 + 0x1000 + 4, 4, true, &v));
	assert_false(vm.vcpu[1].ext_line);
	/* A threshold at its priority masks it. */
	v = 1;
	assert_true(plic_access(&plic, 0x200000 + 0x1000, 4, true, &v));
	plic_set_level(&plic, 3, true);
	assert_false(vm.vcpu[1].ext_line);
	/* No such context, no such width. */
	assert_false(plic_access(&plic, 0x200000 + 0x2000 * 8, 4, false, &v));
	assert_false(plic_access(&plic, 0, 8, false, &v));
	assert_false(plic_access(&plic, 0x2000 + 0x80 * 2, 4, false, &v));
}

/* ---- the guest's page table ---- */

static void pte_at(uint64_t table_off, unsigned index, uint64_t pte)
{
	memcpy(vm.ram + table_off + 8 * index, &pte, 8);
}

static uint64_t table_pte(uint64_t table_off)
{
	return (GPA(table_off) >> 12) << 10 | 1;
}

static void test_guest_code_address(void **state)
{
	uint64_t satp = 8ULL << 60 | GPA(0x100000) >> 12, gpa = 0, va = 0xffffffff80201234ULL;

	(void)state;
	assert_true(vmm_guest_code_address(&vm, 0, 0x80001000, &gpa)); /* Bare */
	assert_int_equal(gpa, 0x80001000);
	/* Sv39: root at 0x100000, then a table at 0x101000, then 4 KiB pages at 0x102000. */
	pte_at(0x100000, (va >> 30) & 511, table_pte(0x101000));
	pte_at(0x101000, (va >> 21) & 511, table_pte(0x102000));
	pte_at(0x102000, (va >> 12) & 511, (GPA(0x5000) >> 12) << 10 | 0x8 | 0x2 | 1);
	assert_true(vmm_guest_code_address(&vm, satp, va, &gpa));
	assert_int_equal(gpa, GPA(0x5234));
	/* Not executable: no. */
	pte_at(0x102000, (va >> 12) & 511, (GPA(0x5000) >> 12) << 10 | 0x2 | 1);
	assert_false(vmm_guest_code_address(&vm, satp, va, &gpa));
	/* Invalid: no. */
	pte_at(0x102000, (va >> 12) & 511, 0);
	assert_false(vmm_guest_code_address(&vm, satp, va, &gpa));
	/* A 2 MiB superpage, aligned: yes; misaligned: no. */
	pte_at(0x101000, (va >> 21) & 511, (GPA(0x200000) >> 12) << 10 | 0x8 | 1);
	assert_true(vmm_guest_code_address(&vm, satp, va, &gpa));
	assert_int_equal(gpa, GPA(0x200000) + (va & 0x1fffff));
	pte_at(0x101000, (va >> 21) & 511, (GPA(0x201000) >> 12) << 10 | 0x8 | 1);
	assert_false(vmm_guest_code_address(&vm, satp, va, &gpa));
	/* A table pointer outside RAM, a root outside RAM, an unknown mode: no. */
	pte_at(0x101000, (va >> 21) & 511, (0x1000ULL >> 12) << 10 | 1);
	assert_false(vmm_guest_code_address(&vm, satp, va, &gpa));
	assert_false(vmm_guest_code_address(&vm, 8ULL << 60 | 0x7000, va, &gpa));
	assert_false(vmm_guest_code_address(&vm, 5ULL << 60, va, &gpa));
	/* A loop of tables ends after the mode's levels. */
	pte_at(0x100000, (va >> 30) & 511, table_pte(0x100000));
	pte_at(0x100000, (va >> 21) & 511, table_pte(0x100000));
	pte_at(0x100000, (va >> 12) & 511, table_pte(0x100000));
	assert_false(vmm_guest_code_address(&vm, satp, va, &gpa));
}

/* ---- SBI ---- */

static void call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2, int64_t error)
{
	uint64_t a[8] = { a0, a1, a2, 0, 0, 0, fid, eid };

	vmm_sbi(&vm.vcpu[0], a);
	assert_int_equal((int64_t)a[0], error);
}

static void test_sbi_arguments(void **state)
{
	uint32_t mask;

	(void)state;
	call(0x12345678, 0, 0, 0, 0, SBI_ERR_NOT_SUPPORTED);
	call(0x48534d, 0, 2, VMM_RAM_BASE, 0, SBI_ERR_INVALID_PARAM);   /* hart 2 of 2 */
	call(0x48534d, 0, 1, 0x1000, 0, SBI_ERR_INVALID_ADDRESS);       /* start outside RAM */
	call(0x4442434e, 0, 16, VMM_RAM_BASE + RAM_SIZE - 8, 0, SBI_ERR_INVALID_PARAM);
	call(0x4442434e, 0, UINT64_MAX, VMM_RAM_BASE, 0, SBI_ERR_INVALID_PARAM);
	call(0x4442434e, 0, 4, VMM_RAM_BASE, 1, SBI_ERR_INVALID_PARAM);
	call(0x735049, 0, 1, 2, 0, SBI_ERR_INVALID_PARAM);               /* mask base 2 */
	call(0x735049, 0, 1ULL << 63, 0, 0, SBI_ERR_INVALID_PARAM);
	call(0x53525354, 0, 3, 0, 0, SBI_ERR_INVALID_PARAM);
	assert_true(sbi_hart_mask(&vm, 0, UINT64_MAX, &mask));
	assert_int_equal(mask, 3);
	assert_false(sbi_hart_mask(&vm, 1, UINT64_MAX - 1, &mask)); /* base + bit overflows */
	memcpy(vm.ram, "hi", 2);
	call(0x4442434e, 0, 2, VMM_RAM_BASE, 0, SBI_SUCCESS);
	assert_memory_equal(console + console_len - 2, "hi", 2);
	call(0x48534d, 0, 1, VMM_RAM_BASE, 7, SBI_SUCCESS);
	assert_int_equal(vm.vcpu[1].hsm, VCPU_START_PENDING);
	call(0x48534d, 0, 1, VMM_RAM_BASE, 7, SBI_ERR_ALREADY_AVAILABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_image_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_does_not_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_code_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sbi_arguments, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
