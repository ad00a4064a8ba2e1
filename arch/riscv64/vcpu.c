/* The riscv64 side of the vCPU (see kernel/vcpu.h). */
#include <arch/csr.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <kernel/cpu.h>
#include <kernel/vcpu.h>
#include <kernel/vmspace.h>

/*
 * Unrolled: every event and every resume copies the whole register file.
 * The empty asm keeps each load next to its store (else GCC loads all 31
 * first and spills callee-saved registers to hold them).
 */
#define COPY31(dst, src)                                                             \
	do {                                                                         \
		_Pragma("GCC unroll 31") for (unsigned i = 1; i < 32; i++) {          \
			(dst)[i] = (src)[i];                                         \
			__asm__ volatile("" ::: "memory");                          \
		}                                                                    \
	} while (0)

void arch_vcpu_save(const struct trap_frame *tf, struct vireo_vcpu_regs *r)
{
	COPY31(r->x, tf->regs);
	r->x[0] = 0;
	r->pc = tf->sepc;
}

/* Only registers: sstatus stays the hart's (user mode, interrupts on). */
void arch_vcpu_load(struct trap_frame *tf, const struct vireo_vcpu_regs *r)
{
	COPY31(tf->regs, r->x);
	tf->sepc = r->pc;
}

void arch_vcpu_frame_init(struct trap_frame *tf, struct vireo_vcpu_regs *r)
{
	tf->vcpu_regs = (uint64_t)(uintptr_t)r;
}


/* Extended mode: the guest's VS CSRs and hgatp into the hart (before every entry). */
void arch_guest_load(struct vireo_vcpu_vm *vm, struct vmspace *g, bool other_vcpu)
{
	uint64_t me = 1UL << cpu_val(cpu_this()->id);

	/* What the VMM lets the guest take itself; everything else exits. */
	csr_write(CSR_HEDELEG, vm->hedeleg & VIREO_VCPU_VM_DELEGABLE);
	/* Interrupts the VMM injects through hvip go to the guest itself. */
	csr_write(CSR_HIDELEG, HVIP_VS_BITS);
	csr_write(CSR_VSSTATUS, vm->vsstatus);
	csr_write(CSR_VSIE, vm->vsie);
	csr_write(CSR_VSTVEC, vm->vstvec);
	csr_write(CSR_VSSCRATCH, vm->vsscratch);
	csr_write(CSR_VSEPC, vm->vsepc);
	csr_write(CSR_VSCAUSE, vm->vscause);
	csr_write(CSR_VSTVAL, vm->vstval);
	csr_write(CSR_VSATP, vm->vsatp);
	csr_write(CSR_HVIP, vm->hvip & HVIP_VS_BITS);
	/* The guest reads time, cycle and instret itself, as user mode does. */
	csr_write(CSR_HCOUNTEREN, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
	if (arch_timer_has_sstc()) {
		csr_set(CSR_HENVCFG, HENVCFG_STCE);
		csr_write(CSR_HTIMEDELTA, vm->htimedelta);
		csr_write(CSR_VSTIMECMP, vm->vstimecmp);
	}
	csr_write(CSR_HGATP, g->satp);
	/*
	 * Translations are tagged with the VMID (§18.5.2). Its guest-physical
	 * ones go if the Vm changed since this hart last flushed them (or if
	 * it has no VMID of its own). The guest's own ones (hfence.vvma, for
	 * the VMID in hgatp) go with them, and whenever they may be another
	 * vCPU's: the guest fences each of its harts' TLBs as separate ones.
	 */
	if (!g->vmid || (g->vmid_stale & me)) {
		arch_gstage_flush(g->vmid);
		g->vmid_stale &= ~me;
		other_vcpu = true;
	}
	if (vm->ctl & (VIREO_VCPU_VM_FENCE_VVMA | VIREO_VCPU_VM_FENCE_I)) {
		if (vm->ctl & VIREO_VCPU_VM_FENCE_I)
			__asm__ volatile("fence.i" ::: "memory");
		other_vcpu = other_vcpu || (vm->ctl & VIREO_VCPU_VM_FENCE_VVMA);
		vm->ctl &= ~(vireo_word_t)(VIREO_VCPU_VM_FENCE_VVMA | VIREO_VCPU_VM_FENCE_I);
	}
	if (other_vcpu)
		__asm__ volatile(".option push\n.option arch, +h\nhfence.vvma zero, zero\n"
				 ".option pop" ::: "memory");
	if (vm->ctl & VIREO_VCPU_VM_TRAP_WFI)
		csr_set(CSR_HSTATUS, HSTATUS_VTW);
	else
		csr_clear(CSR_HSTATUS, HSTATUS_VTW);
	if (vm->guest_mode)
		csr_set(sstatus, SSTATUS_SPP);
	else
		csr_clear(sstatus, SSTATUS_SPP);
}

/* A guest exit: its VS CSRs, what the exit says, and where it was. */
void arch_guest_save(struct vireo_vcpu_vm *vm, const struct trap_frame *tf)
{
	(void)tf;
	vm->vsstatus = csr_read(CSR_VSSTATUS);
	vm->vsie = csr_read(CSR_VSIE);
	vm->vstvec = csr_read(CSR_VSTVEC);
	vm->vsscratch = csr_read(CSR_VSSCRATCH);
	vm->vsepc = csr_read(CSR_VSEPC);
	vm->vscause = csr_read(CSR_VSCAUSE);
	vm->vstval = csr_read(CSR_VSTVAL);
	vm->vsatp = csr_read(CSR_VSATP);
	vm->htval = csr_read(CSR_HTVAL);
	vm->htinst = csr_read(CSR_HTINST);
	vm->guest_mode = (csr_read(sstatus) & SSTATUS_SPP) != 0;
	/* The guest clears its own software interrupt (sip.SSIP is hvip.VSSIP). */
	vm->hvip = csr_read(CSR_HVIP) & HVIP_VS_BITS;
	if (arch_timer_has_sstc())
		vm->vstimecmp = csr_read(CSR_VSTIMECMP);
}

void arch_guest_off(void)
{
	/* Nothing of a guest stays in the hart: its Vm's root, its interrupts, its delegations. */
	csr_write(CSR_HGATP, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HEDELEG, 0);
	if (arch_timer_has_sstc())
		csr_write(CSR_VSTIMECMP, UINT64_MAX); /* no guest timer interrupt pending for the next */
}

bool arch_hlv_d(uintptr_t gva, uint64_t *out);
bool arch_hlvx_hu(uintptr_t gva, uint64_t *out);
bool arch_hsv_d(uintptr_t gva, uint64_t value);

bool arch_guest_access(uint64_t hgatp, const struct vireo_vcpu_vm *vm, uintptr_t gva,
		       enum vcpu_guest_access kind, uint64_t *value)
{
	bool ok;

	/* The guest's view: its page table, its SUM/MXR, its privilege (SPVP). */
	csr_write(CSR_HGATP, hgatp);
	csr_write(CSR_VSATP, vm->vsatp);
	csr_write(CSR_VSSTATUS, vm->vsstatus);
	if (vm->guest_mode)
		csr_set(CSR_HSTATUS, HSTATUS_SPVP);
	else
		csr_clear(CSR_HSTATUS, HSTATUS_SPVP);
	__asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, zero\n"
			 "hfence.vvma zero, zero\n.option pop" ::: "memory");
	switch (kind) {
	case VCPU_GUEST_LOAD:
		ok = arch_hlv_d(gva, value);
		break;
	case VCPU_GUEST_FETCH: { /* the whole instruction: 16 bits, or 32 if its low bits say so */
		uint64_t high = 0;

		ok = arch_hlvx_hu(gva, value);
		if (ok && (*value & 3) == 3) {
			ok = arch_hlvx_hu(gva + 2, &high);
			*value |= high << 16;
		}
		break;
	}
	default:
		ok = arch_hsv_d(gva, *value);
	}
	csr_write(CSR_HGATP, 0);
	return ok;
}
