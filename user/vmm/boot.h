/*
 * Loading a Linux guest (Documentation/riscv/boot-image-header.rst and
 * boot.rst in Linux 6.1): the Image at RAM + its text_offset, the
 * initramfs after it, the device tree at the top of RAM. Every size and
 * offset in the Image header is checked against RAM before anything is
 * copied.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include "vmm.h"

struct boot_config {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd; /* or NULL */
	size_t initrd_size;
	const char *cmdline;
	unsigned virtio_irqs;  /* virtio-mmio slots in use (0..VMM_VIRTIO_SLOTS) */
};

struct boot_entry {
	uint64_t pc;  /* the kernel's first instruction */
	uint64_t fdt; /* a1: the device tree's guest-physical address */
};

/*
 * Put the kernel, the initramfs and the device tree into guest RAM.
 * False with a logged reason if the Image is malformed or does not fit.
 */
bool boot_load(struct vmm *vm, const struct boot_config *cfg, struct boot_entry *entry);

/* The Image's problem, or NULL if it is a loadable RISC-V Image of that size. */
const char *boot_image_problem(const uint8_t *image, size_t size, uint64_t *text_offset,
			       uint64_t *image_size);

/* Write the guest's device tree into buf; its size, or 0 if cap is too small. */
size_t boot_fdt(const struct vmm *vm, const struct boot_config *cfg, uint64_t initrd_start,
		uint64_t initrd_end, void *buf, size_t cap);

#endif
