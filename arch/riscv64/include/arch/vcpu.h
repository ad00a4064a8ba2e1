/* riscv64 vCPU helpers the fast path inlines (see kernel/vcpu.h). */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <arch/trap.h>
#include <vireo/vcpu.h>

extern char trap_entry[], trap_entry_full[], trap_entry_guest[];

/* In virtual user mode every trap takes the full save into the state area. */
static inline void arch_vcpu_enter_user_mode(struct trap_frame *tf)
{
	tf->trap_entry = (uint64_t)(uintptr_t)trap_entry_full;
}

/* Into a guest: every trap is an exit, through trap_entry_guest. */
static inline void arch_vcpu_enter_guest_mode(struct trap_frame *tf)
{
	tf->trap_entry = (uint64_t)(uintptr_t)trap_entry_guest;
}

struct vmspace;
/*
 * Load the guest's VS CSRs and its Vm's hgatp before an entry. other_vcpu:
 * this hart last ran another vCPU of any guest, or this vCPU last ran on
 * another hart, so the guest's own (VS-stage) translations here are not
 * this vCPU's.
 */
void arch_guest_load(struct vireo_vcpu_vm *vm, struct vmspace *g, bool other_vcpu);
void arch_guest_save(struct vireo_vcpu_vm *vm, const struct trap_frame *tf);
enum vcpu_guest_access { VCPU_GUEST_LOAD, VCPU_GUEST_FETCH, VCPU_GUEST_STORE };

/*
 * Read or write the guest's memory at guest-virtual gva with its own
 * translation (hgatp = its Vm, vsatp and vsstatus from vm): 8 bytes, or
 * the instruction at gva fetched (16 or 32 bits, as its low bits say). False if the guest could not have
 * made that access (a fault, taken by the kernel's fixup).
 */
bool arch_guest_access(uint64_t hgatp, const struct vireo_vcpu_vm *vm, uintptr_t gva,
		       enum vcpu_guest_access kind, uint64_t *value);

/* After every guest exit, whatever became of its vCPU. */
void arch_guest_off(void);

/* Back in the guest kernel: system calls are system calls again. */
static inline void arch_vcpu_from_user(struct trap_frame *tf)
{
	tf->trap_entry = (uint64_t)(uintptr_t)trap_entry;
}

/* Start the frame at ip with sp and one argument (an event's entry). */
static inline void arch_vcpu_enter(struct trap_frame *tf, uintptr_t ip, uintptr_t sp,
				   uintptr_t arg)
{
	tf->sepc = ip;
	tf->regs[REG_SP] = sp;
	tf->regs[REG_A0] = arg;
}

static inline uintptr_t arch_frame_sp(const struct trap_frame *tf)
{
	return tf->regs[REG_SP];
}

static inline uintptr_t arch_vcpu_regs_sp(const struct vireo_vcpu_regs *r)
{
	return r->x[REG_SP];
}

#endif
