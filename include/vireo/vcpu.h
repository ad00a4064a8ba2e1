/*
 * The vCPU state area (docs/abi/vcpu.md): 1 KiB in the task's UTCB area,
 * shared by the vCPU thread and the kernel. The kernel reaches it through
 * its own mapping, never through user addresses.
 *
 *   0x000  version               the kernel writes VIREO_VCPU_VERSION on enable
 *   0x008  user[7]               free for the program
 *   0x040  r                     the interrupted registers (x1..x31, pc, cause, tval)
 *   0x160  ipc                   what the event delivered: status, tag, label
 *   0x180  state, saved_state    VIREO_VCPU_* flags now / before the last event
 *   0x188  sticky                VIREO_VCPU_STICKY_*; set by the kernel
 *   0x190  user_task             task selector for virtual user mode (issue #5)
 *   0x198  entry_sp, entry_ip    where events enter
 *   0x200  vm                    extended mode: the guest's VS state (issue #6)
 */
#ifndef VIREO_VCPU_H
#define VIREO_VCPU_H

#include <stddef.h>
#include <stdint.h>
#include <vireo/types.h>

#define VIREO_VCPU_VERSION 1
#define VIREO_VCPU_SIZE 1024

/* state / saved_state flags. */
#define VIREO_VCPU_IRQ 0x01u         /* virtual interrupts enabled: events enter at once */
#define VIREO_VCPU_PAGE_FAULTS 0x02u /* user-mode page faults are events */
#define VIREO_VCPU_EXCEPTIONS 0x04u  /* user-mode exceptions are events */
#define VIREO_VCPU_USER_MODE 0x20u   /* vcpu_resume runs in user_task */
#define VIREO_VCPU_EXTENDED 0x40u    /* vcpu_resume runs the guest of the Vm user_task */

/* sticky flags. */
#define VIREO_VCPU_STICKY_PENDING 0x01u /* an Irq or a sender waits for this thread */

/* r.cause of an event that is an IPC or an Irq (not a trap cause). */
#define VIREO_VCPU_CAUSE_IPC ((vireo_word_t)1 << 62)

struct vireo_vcpu_regs {
	vireo_word_t x[32]; /* x[0] is unused */
	vireo_word_t pc;
	vireo_word_t cause;
	vireo_word_t tval;
	vireo_word_t reserved;
};

struct vireo_vcpu_ipc {
	vireo_word_t status;
	vireo_word_t tag;
	vireo_word_t label;
	vireo_word_t reserved;
};

/*
 * Extended mode: the guest's virtual-supervisor CSRs (priv spec ch. 18),
 * loaded on every entry into the guest and saved on every exit, plus what
 * the kernel reports about an exit.
 */
struct vireo_vcpu_vm {
	vireo_word_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	vireo_word_t hvip;       /* virtual interrupts injected into the guest */
	vireo_word_t htval;      /* exit: guest-physical address >> 2 of a guest page fault */
	vireo_word_t htinst;     /* exit: the trapping instruction, transformed, or 0 */
	vireo_word_t guest_mode; /* 1: VS-mode, 0: VU-mode (exit: where it was; entry: where to go) */
	/*
	 * Exceptions the guest handles itself, without an exit (hedeleg):
	 * bit n for scause n, out of VIREO_VCPU_VM_DELEGABLE; other bits are
	 * ignored.
	 */
	vireo_word_t hedeleg;
	/*
	 * The guest's timer (Sstc): vstimecmp, compared with time + htimedelta;
	 * it raises the guest's VS timer interrupt by itself, without an exit.
	 */
	vireo_word_t vstimecmp;
	vireo_word_t htimedelta;
	vireo_word_t ctl; /* VIREO_VCPU_VM_* below */
};

/*
 * vm.ctl. FENCE_VVMA: before the next entry, the kernel drops the hart's
 * translations of the guest's own (VS-stage, hfence.vvma for the Vm's VMID)
 * and clears the bit: a VMM's SBI remote sfence.vma for this vCPU.
 * FENCE_I: a fence.i on the hart before the next entry (cleared): an SBI
 * remote fence.i.
 * TRAP_WFI (kept): the guest's wfi exits (cause 22, virtual instruction)
 * instead of waiting in the guest, so the VMM can block the vCPU.
 */
#define VIREO_VCPU_VM_FENCE_VVMA 0x1u
#define VIREO_VCPU_VM_FENCE_I 0x2u
#define VIREO_VCPU_VM_TRAP_WFI 0x100u

/*
 * What a guest may take itself: misaligned and access faults, breakpoint,
 * ecall from VU-mode, page faults. Not: illegal instruction (the kernel
 * needs it for the FPU), ecall from VS-mode (the VMM's SBI), guest-page
 * faults and virtual instructions (the hypervisor's by definition).
 */
#define VIREO_VCPU_VM_DELEGABLE                                                           \
	((1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | \
	 (1u << 8) | (1u << 12) | (1u << 13) | (1u << 15))

struct vireo_vcpu_state {
	vireo_word_t version;
	vireo_word_t user[7];
	struct vireo_vcpu_regs r;
	struct vireo_vcpu_ipc ipc;
	uint32_t state;
	uint32_t saved_state;
	uint32_t sticky;
	uint32_t reserved0;
	vireo_word_t user_task;
	vireo_word_t entry_sp;
	vireo_word_t entry_ip;
	vireo_word_t reserved1[11];
	struct vireo_vcpu_vm vm;
};

_Static_assert(offsetof(struct vireo_vcpu_state, r) == 0x40, "vcpu r");
_Static_assert(offsetof(struct vireo_vcpu_state, r.pc) == 0x140, "vcpu r.pc");
_Static_assert(offsetof(struct vireo_vcpu_state, ipc) == 0x160, "vcpu ipc");
_Static_assert(offsetof(struct vireo_vcpu_state, state) == 0x180, "vcpu state");
_Static_assert(offsetof(struct vireo_vcpu_state, sticky) == 0x188, "vcpu sticky");
_Static_assert(offsetof(struct vireo_vcpu_state, user_task) == 0x190, "vcpu user_task");
_Static_assert(offsetof(struct vireo_vcpu_state, entry_sp) == 0x198, "vcpu entry_sp");
_Static_assert(offsetof(struct vireo_vcpu_state, entry_ip) == 0x1a0, "vcpu entry_ip");
_Static_assert(offsetof(struct vireo_vcpu_state, vm) == 0x200, "vcpu vm");
_Static_assert(offsetof(struct vireo_vcpu_state, vm.guest_mode) == 0x258, "vcpu vm.guest_mode");
_Static_assert(offsetof(struct vireo_vcpu_state, vm.hedeleg) == 0x260, "vcpu vm.hedeleg");
_Static_assert(offsetof(struct vireo_vcpu_state, vm.htimedelta) == 0x270, "vcpu vm.htimedelta");
_Static_assert(offsetof(struct vireo_vcpu_state, vm.ctl) == 0x278, "vcpu vm.ctl");
_Static_assert(sizeof(struct vireo_vcpu_state) <= VIREO_VCPU_SIZE, "vcpu area size");

#endif
