/*
 * The VMM: one VM per process, configured by its boot.cfg block.
 *
 *   start vmm
 *       args "ram=64M" "cpus=2" "cmdline=console=hvc0"
 *       file kernel linux-Image        # the guest's Linux Image
 *       file initrd initramfs          # optional
 *       file disk disk.img             # optional: a virtio disk (writes stay in memory)
 *       cap sched scheduler            # to put the vCPUs on their own CPUs
 *       cap log vcon
 *       memory 80M                     # the VMM itself plus guest RAM and files
 *
 * Every argument is NAME=VALUE; an unknown name or a bad value stops the
 * VMM with a message before any VM exists. With the KVM backend on Linux
 * the files are paths instead: kernel=PATH, initrd=PATH, disk=PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "boot.h"
#include "plic.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "vmm.h"

static struct vmm vm;
static struct plic plic;
static struct virtio_console console;
static struct virtio_blk disk;
/* The files a VM is made of: names in boot.cfg, and with KVM NAME=PATH arguments. */
enum vm_file { FILE_KERNEL, FILE_INITRD, FILE_DISK, FILE_COUNT };
static const char *const file_names[FILE_COUNT] = { "kernel", "initrd", "disk" };
static const char *paths[FILE_COUNT];

/* A size with an optional K or M suffix, a multiple of 2 MiB, at least 16 MiB. */
static bool parse_ram(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return false;
	if (*end == 'M')
		v <<= 20, end++;
	else if (*end == 'K')
		v <<= 10, end++;
	if (*end || v < (16u << 20) || v > (1ULL << 34) || v % (2u << 20))
		return false;
	*out = v;
	return true;
}

/* NAME=PATH for one of the files: remembered, true. */
static bool file_arg(const char *a, const char *eq)
{
	for (unsigned i = 0; i < FILE_COUNT; i++) {
		size_t n = (size_t)(eq - a);

		if (strlen(file_names[i]) == n && !strncmp(a, file_names[i], n)) {
			paths[i] = eq + 1;
			return true;
		}
	}
	return false;
}

static bool parse_args(int argc, char **argv, struct boot_config *cfg)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char *end;

		if (!eq) {
			vmm_log(&vm, "argument '%s' is not NAME=VALUE", a);
			return false;
		}
		if (strncmp(a, "ram=", 4) == 0) {
			if (!parse_ram(eq + 1, &vm.ram_size)) {
				vmm_log(&vm, "ram=%s: want a size in M (16M or more, a multiple of 2M)",
					eq + 1);
				return false;
			}
		} else if (strncmp(a, "cpus=", 5) == 0) {
			unsigned long n = strtoul(eq + 1, &end, 10);

			if (*end || end == eq + 1 || n < 1 || n > VMM_MAX_CPUS) {
				vmm_log(&vm, "cpus=%s: want 1 to %u", eq + 1, VMM_MAX_CPUS);
				return false;
			}
			vm.ncpus = (unsigned)n;
		} else if (strncmp(a, "cmdline=", 8) == 0) {
			cfg->cmdline = eq + 1;
		} else if (!file_arg(a, eq)) {
			vmm_log(&vm, "unknown argument '%.*s' (ram, cpus, cmdline, kernel, initrd, disk)",
				(int)(eq - a), a);
			return false;
		}
	}
	return true;
}


/* The file called name; false (logged) if it was asked for and is not there. */
static bool get_file(enum vm_file i, const uint8_t **data, size_t *size)
{
	const char *why;

	*data = backend_file(file_names[i], paths[i], size, &why);
	if (!*data && why) {
		vmm_log(&vm, "%s: %s", file_names[i], why);
		return false;
	}
	return true;
}

/* The disk image ("disk"), copied into writable memory. */
static bool disk_attach(struct boot_config *cfg)
{
	size_t size;
	const uint8_t *image;
	uint64_t rounded;
	void *copy;

	if (!get_file(FILE_DISK, &image, &size))
		return false;
	if (!image)
		return true;
	rounded = (size + 4095) & ~(uint64_t)4095;
	if (size % 512 || !size) {
		vmm_log(&vm, "disk: %zu bytes is not a whole number of 512-byte sectors", size);
		return false;
	}
	if (!(copy = backend_memory(rounded))) {
		vmm_log(&vm, "disk: no %lu KiB of memory for its copy",
			(unsigned long)(rounded >> 10));
		return false;
	}
	memcpy(copy, image, size);
	virtio_blk_attach(&vm, &disk, copy, size);
	cfg->virtio_irqs++;
	return true;
}

int main(int argc, char **argv)
{
	struct boot_config cfg = { .cmdline = "console=hvc0" };
	struct boot_entry entry;

	vm.name = argc > 0 ? argv[0] : "vmm";
	if (strrchr(vm.name, '/'))
		vm.name = strrchr(vm.name, '/') + 1;
	vm.ram_base = VMM_RAM_BASE;
	vm.ram_size = 64u << 20;
	vm.ncpus = 1;
	if (!parse_args(argc, argv, &cfg))
		return 2;
	if (!get_file(FILE_KERNEL, &cfg.kernel, &cfg.kernel_size) ||
	    !get_file(FILE_INITRD, &cfg.initrd, &cfg.initrd_size))
		return 2;
	if (!cfg.kernel) {
		vmm_log(&vm, "no kernel: boot.cfg's 'file kernel MODULE' or kernel=PATH");
		return 2;
	}
	for (unsigned i = 0; i < vm.ncpus; i++) {
		vm.vcpu[i].vm = &vm;
		vm.vcpu[i].id = i;
	}
	plic_init(&plic, &vm);
	vm.plic = &plic;
	virtio_console_attach(&vm, &console);
	vm.vcon = &console;
	cfg.virtio_irqs = 1;
	if (!disk_attach(&cfg))
		return 1;
	if (!backend_ram(&vm) || !boot_load(&vm, &cfg, &entry) || !backend_create(&vm))
		return 1;
	vmm_log(&vm, "%u vCPU(s), %lu MiB of RAM, kernel %lu KiB, initrd %lu KiB, \"%s\"",
		vm.ncpus, (unsigned long)(vm.ram_size >> 20), (unsigned long)(cfg.kernel_size >> 10),
		(unsigned long)(cfg.initrd_size >> 10), cfg.cmdline);
	for (unsigned i = 0; i < vm.ncpus; i++)
		if (!backend_vcpu_create(&vm.vcpu[i], entry.pc, entry.fdt))
			return 1;
	return backend_run(&vm);
}
