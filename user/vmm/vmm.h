/*
 * The VMM's device model: one process per VM, whatever runs its vCPUs.
 *
 * A backend (backend.h) runs the vCPUs: natively on Vireo (a Vm and one
 * extended-mode vCPU thread per guest hart, native.c) or on Linux KVM.
 * Every exit the backend cannot finish itself reaches the model through
 * vmm_sbi() (an SBI call, sbi.c) or vmm_mmio() (a load or store outside
 * guest RAM, decoded into address, width and data). The model answers,
 * raises interrupts through the PLIC (plic.c) and asks vCPUs for things
 * (an IPI, a fence, a start) through vcpu requests, which the backend
 * carries out before that vCPU next enters its guest.
 *
 * Guest-physical layout (the device tree says the same, fdt_build.c):
 *
 *   0x0c000000  PLIC                    VMM_PLIC_BASE, 4 MiB
 *   0x10001000  virtio-mmio slot 0..7   one 4 KiB page each, IRQ 1 + slot
 *   0x80000000  RAM                     VMM_RAM_BASE, ram_size bytes
 *     + text_offset  the kernel Image
 *     ...            the initramfs, then the device tree at the top
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_MAX_CPUS 4
#define VMM_RAM_BASE 0x80000000UL
#define VMM_PLIC_BASE 0x0c000000UL
#define VMM_PLIC_SIZE 0x400000UL
#define VMM_VIRTIO_BASE 0x10001000UL
#define VMM_VIRTIO_SLOTS 8
#define VMM_VIRTIO_SIZE 0x1000UL
#define VMM_TIMEBASE_HZ 10000000u

/* SBI HSM states (SBI spec §9). */
enum vcpu_hsm { VCPU_STARTED = 0, VCPU_STOPPED = 1, VCPU_START_PENDING = 2 };

/*
 * What another vCPU (or a device) asks of a vCPU before its next entry
 * (vcpu_request). FENCE and START only make it look: what to do is in
 * fence_asked and hsm, which the backend reads whatever bits it finds.
 */
#define VCPU_REQ_IPI 0x1u   /* raise its supervisor software interrupt */
#define VCPU_REQ_FENCE 0x2u /* drop its guest's translations (remote sfence.vma) */
#define VCPU_REQ_FENCE_I 0x4u
#define VCPU_REQ_START 0x8u /* HSM hart_start: begin at start_pc */
#define VCPU_REQ_EXT 0x10u  /* the external interrupt line changed */

struct vmm;
struct virtio_dev;
struct virtio_console;
struct plic;

struct vmm_vcpu {
	struct vmm *vm;
	unsigned id;               /* the guest's hart id */
	volatile int hsm;          /* enum vcpu_hsm */
	uint64_t start_pc, start_arg;
	uint32_t requests;         /* VCPU_REQ_*, atomic */
	uint32_t fence_asked;      /* fences asked of it, atomic; fence_done catches up */
	uint32_t fence_done;
	volatile bool ext_line;    /* the PLIC's line into its supervisor context */
	void *backend;             /* the backend's own state for it */
};

struct vmm_console {
	char in[256];              /* input from the host console, not yet read by the guest */
	unsigned in_head, in_tail; /* single producer and consumer, each under the VMM lock */
};

struct vmm {
	const char *name;
	uint64_t ram_base, ram_size;
	uint8_t *ram;              /* the VMM's mapping of guest RAM */
	unsigned ncpus;
	struct vmm_vcpu vcpu[VMM_MAX_CPUS];
	struct vmm_console console;
	struct plic *plic;
	struct virtio_console *vcon; /* or NULL */
	struct virtio_dev *virtio[VMM_VIRTIO_SLOTS]; /* by MMIO slot; NULL: empty */
	volatile bool stopped;
	int exit_status;
};

/*
 * The host pointer for guest-physical [gpa, gpa + len), or NULL unless it
 * lies entirely in guest RAM. Every access the VMM makes for the guest
 * goes through here, so none reaches the VMM's own memory.
 */
static inline void *vmm_ram(const struct vmm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < vm->ram_base || len > vm->ram_size || gpa - vm->ram_base > vm->ram_size - len)
		return NULL;
	return vm->ram + (gpa - vm->ram_base);
}

/*
 * The VMM lock: the state vCPUs share (console input, PLIC, devices).
 * A spinlock that lets other threads run while it waits; never held
 * across an entry into the guest.
 */
void vmm_lock(void);
void vmm_unlock(void);

/*
 * The guest-physical address of guest-virtual va, for an instruction
 * fetch, by walking the guest's page table (vsatp: Bare, Sv39, Sv48 or
 * Sv57; priv spec §10.3.2) in guest RAM. False if the walk leaves RAM,
 * meets an invalid entry or ends at a leaf that is not executable or a
 * misaligned superpage: then only the hart's own fetch (the kernel's
 * hypervisor load) can tell. It reads what the guest's table says now,
 * which a guest that changed it without a fence may not have used.
 */
bool vmm_guest_code_address(const struct vmm *vm, uint64_t vsatp, uint64_t va, uint64_t *gpa);

/* "vmm: NAME: ..." on the host console, one line, whole. */
__attribute__((format(printf, 2, 3))) void vmm_log(const struct vmm *vm, const char *fmt, ...);

/* The guest's console output (one or more bytes). */
void vmm_console_out(struct vmm *vm, const char *s, size_t n);

/* One byte of console input for the guest, or -1 if none waits. */
int vmm_console_in(struct vmm *vm);

/* Host console input arrived (the backend's event): into the buffer and on to the guest. */
void vmm_console_input_event(struct vmm *vm);

/* Stop the VM (all its vCPUs) with an exit status; the reason is logged. */
void vmm_stop(struct vmm *vm, int status, const char *why);

/*
 * An SBI call from vCPU c: a[0..5] the arguments, a[6] the function, a[7]
 * the extension. Sets a[0] (error) and a[1] (value) for the guest.
 */
void vmm_sbi(struct vmm_vcpu *c, uint64_t a[8]);

/*
 * A load (write false) or store of len bytes (1, 2, 4, 8) at gpa outside
 * RAM. Loads return their value in *data. False if no device is there.
 */
bool vmm_mmio(struct vmm_vcpu *c, uint64_t gpa, unsigned len, bool write, uint64_t *data);

/* Ask c for something before its next entry, and make it look soon. */
void vcpu_request(struct vmm_vcpu *c, uint32_t req);

/* Take c's requests (the backend, on c's own thread, before an entry). */
uint32_t vcpu_take_requests(struct vmm_vcpu *c);

/* The vCPU the calling thread runs (the backend keeps it). */
struct vmm_vcpu *vcpu_current(void);

#endif
