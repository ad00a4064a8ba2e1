/* Loading a Linux guest and describing its machine (see boot.h). */
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "fdt.h"

#define IMAGE_HEADER_SIZE 64
#define IMAGE_MAGIC2 0x05435352u /* "RSC\x05" at offset 56 */
#define PAGE 4096u
#define FDT_MAX 0x10000u
#define PHANDLE_PLIC 0x100
#define PHANDLE_INTC(cpu) (1 + (cpu))

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

const char *boot_image_problem(const uint8_t *image, size_t size, uint64_t *text_offset,
			       uint64_t *image_size)
{
	uint32_t magic2;

	if (size < IMAGE_HEADER_SIZE)
		return "shorter than the 64-byte Image header";
	magic2 = (uint32_t)le64(image + 56);
	if (magic2 != IMAGE_MAGIC2)
		return "not a RISC-V Linux Image (no \"RSC\\x05\" at offset 56)";
	*text_offset = le64(image + 8);
	*image_size = le64(image + 16);
	if (*text_offset % PAGE)
		return "text_offset is not page aligned";
	if (*image_size < size)
		return "image_size is smaller than the file";
	return NULL;
}

static void describe_cpus(struct fdt_writer *f, const struct vmm *vm)
{
	char name[32];

	fdtw_node(f, "cpus");
	fdtw_prop_u32(f, "#address-cells", 1);
	fdtw_prop_u32(f, "#size-cells", 0);
	fdtw_prop_u32(f, "timebase-frequency", VMM_TIMEBASE_HZ);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		fdtw_node(f, name);
		fdtw_prop_str(f, "device_type", "cpu");
		fdtw_prop_u32(f, "reg", i);
		fdtw_prop_str(f, "status", "okay");
		fdtw_prop_str(f, "compatible", "riscv");
		fdtw_prop_str(f, "riscv,isa", "rv64imafdc_zicsr_zifencei_sstc");
		fdtw_prop_str(f, "mmu-type", "riscv,sv48");
		fdtw_node(f, "interrupt-controller");
		fdtw_prop_u32(f, "#interrupt-cells", 1);
		fdtw_prop(f, "interrupt-controller", NULL, 0);
		fdtw_prop_str(f, "compatible", "riscv,cpu-intc");
		fdtw_prop_u32(f, "phandle", PHANDLE_INTC(i));
		fdtw_end_node(f);
		fdtw_end_node(f);
	}
	fdtw_end_node(f);
}

static void describe_soc(struct fdt_writer *f, const struct vmm *vm, const struct boot_config *cfg)
{
	uint32_t ext[2 * VMM_MAX_CPUS];
	char name[48];

	fdtw_node(f, "soc");
	fdtw_prop_u32(f, "#address-cells", 2);
	fdtw_prop_u32(f, "#size-cells", 2);
	fdtw_prop_str(f, "compatible", "simple-bus");
	fdtw_prop(f, "ranges", NULL, 0);

	snprintf(name, sizeof(name), "plic@%lx", VMM_PLIC_BASE);
	fdtw_node(f, name);
	fdtw_prop_str(f, "compatible", "sifive,plic-1.0.0");
	fdtw_prop_u32(f, "#address-cells", 0);
	fdtw_prop_u32(f, "#interrupt-cells", 1);
	fdtw_prop(f, "interrupt-controller", NULL, 0);
	fdtw_prop_reg(f, "reg", VMM_PLIC_BASE, VMM_PLIC_SIZE);
	fdtw_prop_u32(f, "riscv,ndev", 31);
	/* One context per hart: its supervisor external interrupt (9). */
	for (unsigned i = 0; i < vm->ncpus; i++) {
		ext[2 * i] = PHANDLE_INTC(i);
		ext[2 * i + 1] = 9;
	}
	fdtw_prop_cells(f, "interrupts-extended", ext, 2 * vm->ncpus);
	fdtw_prop_u32(f, "phandle", PHANDLE_PLIC);
	fdtw_end_node(f);

	for (unsigned s = 0; s < cfg->virtio_irqs; s++) {
		uint64_t base = VMM_VIRTIO_BASE + s * VMM_VIRTIO_SIZE;

		snprintf(name, sizeof(name), "virtio_mmio@%lx", (unsigned long)base);
		fdtw_node(f, name);
		fdtw_prop_str(f, "compatible", "virtio,mmio");
		fdtw_prop_reg(f, "reg", base, VMM_VIRTIO_SIZE);
		fdtw_prop_u32(f, "interrupt-parent", PHANDLE_PLIC);
		fdtw_prop_u32(f, "interrupts", 1 + s);
		fdtw_end_node(f);
	}
	fdtw_end_node(f);
}

size_t boot_fdt(const struct vmm *vm, const struct boot_config *cfg, uint64_t initrd_start,
		uint64_t initrd_end, void *buf, size_t cap)
{
	static struct fdt_writer f;
	char name[32];

	fdtw_begin(&f, buf, cap);
	fdtw_node(&f, "");
	fdtw_prop_u32(&f, "#address-cells", 2);
	fdtw_prop_u32(&f, "#size-cells", 2);
	fdtw_prop_str(&f, "compatible", "vireo,vm");
	fdtw_prop_str(&f, "model", "Vireo VM");

	fdtw_node(&f, "chosen");
	fdtw_prop_str(&f, "bootargs", cfg->cmdline);
	if (initrd_end > initrd_start) {
		fdtw_prop_u64(&f, "linux,initrd-start", initrd_start);
		fdtw_prop_u64(&f, "linux,initrd-end", initrd_end);
	}
	fdtw_end_node(&f);

	snprintf(name, sizeof(name), "memory@%lx", (unsigned long)vm->ram_base);
	fdtw_node(&f, name);
	fdtw_prop_str(&f, "device_type", "memory");
	fdtw_prop_reg(&f, "reg", vm->ram_base, vm->ram_size);
	fdtw_end_node(&f);

	describe_cpus(&f, vm);
	describe_soc(&f, vm, cfg);
	fdtw_end_node(&f);
	return fdtw_finish(&f);
}

bool boot_load(struct vmm *vm, const struct boot_config *cfg, struct boot_entry *entry)
{
	uint64_t text_offset, image_size, kernel_end, initrd_start, fdt_at;
	const char *why = boot_image_problem(cfg->kernel, cfg->kernel_size, &text_offset,
					     &image_size);
	size_t fdt_size;

	if (why) {
		vmm_log(vm, "kernel: %s", why);
		return false;
	}
	fdt_at = vm->ram_base + vm->ram_size - FDT_MAX;
	kernel_end = vm->ram_base + text_offset + image_size;
	initrd_start = align_up(kernel_end, 2u << 20);
	if (text_offset >= vm->ram_size || image_size > vm->ram_size - FDT_MAX ||
	    kernel_end > fdt_at) {
		vmm_log(vm, "kernel: %lu KiB at offset 0x%lx do not fit in %lu KiB of RAM",
			(unsigned long)(image_size >> 10), (unsigned long)text_offset,
			(unsigned long)(vm->ram_size >> 10));
		return false;
	}
	if (cfg->initrd && (initrd_start > fdt_at || cfg->initrd_size > fdt_at - initrd_start)) {
		vmm_log(vm, "initrd: %lu KiB do not fit after the kernel",
			(unsigned long)(cfg->initrd_size >> 10));
		return false;
	}
	memcpy(vmm_ram(vm, vm->ram_base + text_offset, cfg->kernel_size), cfg->kernel,
	       cfg->kernel_size);
	if (cfg->initrd)
		memcpy(vmm_ram(vm, initrd_start, cfg->initrd_size), cfg->initrd, cfg->initrd_size);
	fdt_size = boot_fdt(vm, cfg, initrd_start, cfg->initrd ? initrd_start + cfg->initrd_size : 0,
			    vmm_ram(vm, fdt_at, FDT_MAX), FDT_MAX);
	if (!fdt_size) {
		vmm_log(vm, "the device tree does not fit in %u KiB", FDT_MAX >> 10);
		return false;
	}
	entry->pc = vm->ram_base + text_offset;
	entry->fdt = fdt_at;
	return true;
}
