/*
 * What the device model needs from whatever runs the vCPUs: natively on
 * Vireo (native.c) or on Linux KVM (kvm.c). Each backend is one file; the
 * build picks one.
 */
#ifndef VMM_BACKEND_H
#define VMM_BACKEND_H

#include "vmm.h"

/* Guest RAM: allocate vm->ram_size bytes for vm->ram. False on failure (logged). */
bool backend_ram(struct vmm *vm);

/*
 * The file the VM is configured with under name ("kernel", "initrd",
 * "disk"): natively what boot.cfg's 'file NAME' gave, with KVM the file at
 * path (an argument NAME=PATH). NULL if there is none (*why says why, or
 * is NULL if none was asked for).
 */
const void *backend_file(const char *name, const char *path, size_t *size, const char **why);

/* bytes of zeroed, writable memory for the VMM (a disk's copy); NULL if there is none. */
void *backend_memory(size_t bytes);

/* Create the VM with its RAM mapped at vm->ram_base. False on failure (logged). */
bool backend_create(struct vmm *vm);

/*
 * Create vCPU c and let it run: vCPU 0 from pc with a0 = its hart id and
 * a1 = arg, the others stopped until an HSM hart_start.
 */
bool backend_vcpu_create(struct vmm_vcpu *c, uint64_t pc, uint64_t arg);

/* Make c leave its guest soon (if it is in it) and look at its requests. */
void backend_kick(struct vmm_vcpu *c);

/* The guest's timer for c (SBI set_timer; c is the calling vCPU): its stimecmp. */
void backend_set_timer(struct vmm_vcpu *c, uint64_t when);

/* Write the host console (the VMM's own log and the guest's output). */
void backend_console_write(const char *s, size_t n);

/* Read up to max bytes of host console input without blocking; how many came. */
size_t backend_console_read(char *buf, size_t max);

/* Let another thread run a little (while waiting for a lock or an answer). */
void backend_relax(void);

/* Run until the VM stops; returns its exit status. */
int backend_run(struct vmm *vm);

#endif
