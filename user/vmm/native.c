/*
 * The native backend: the VM is a Vireo Vm, each guest hart an
 * extended-mode vCPU thread of this task (docs/abi/vm.md, vcpu.md).
 *
 * A vCPU thread enters its guest with vcpu_resume; every exit comes to
 * `exit_entry` on the thread's entry stack, which handles it and resumes.
 * Another thread makes a vCPU look at its requests by triggering its kick
 * Irq: with virtual interrupts on in the guest, the event is an exit.
 *
 * Loads and stores outside RAM exit as guest-page faults; the instruction
 * comes from htinst (its transformed form) or, when the hart gives none,
 * from the guest's memory through the kernel (vcpu_guest_mem).
 */
#include <stdio.h>
#include <string.h>

#include <vireo.h>

#include "backend.h"
#include "vmm.h"

/* Selectors of our own, above the ones boot.cfg's caps take (VIREO_SEL_FIRST_FREE on). */
#define SEL_BASE 0x100
#define SEL_VM SEL_BASE
#define SEL_VCPU(i) (SEL_BASE + 1 + 2 * (i)) /* its thread */
#define SEL_KICK(i) (SEL_BASE + 2 + 2 * (i)) /* its kick Irq */
#define SEL_INPUT (SEL_BASE + 0x40)          /* console input, to vCPU 0 */
/* Event labels (the low four bits carry rights). */
#define LABEL_KICK 0x100
#define LABEL_INPUT 0x200
#define STACK_SIZE 16384
#define PRIORITY 10
#define HVIP_VSSIP (1u << 2)
#define HVIP_VSEIP (1u << 10)
#define SSTATUS_SIE (1u << 1)
#define SSTATUS_SPIE (1u << 5)
#define SSTATUS_SPP (1u << 8)
#define CAUSE_ILLEGAL 2
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define CAUSE_VS_ECALL 10
#define CAUSE_FETCH_GUEST_PAGE 20
#define CAUSE_LOAD_GUEST_PAGE 21
#define CAUSE_VIRTUAL_INSN 22
#define CAUSE_STORE_GUEST_PAGE 23
#define INSN_WFI 0x10500073u
/* What Linux takes itself: misaligned and access faults, breakpoints, user ecalls, page faults. */
#define GUEST_DELEGATED VIREO_VCPU_VM_DELEGABLE

struct native_vcpu {
	vireo_cap_t thread, kick;
	struct vireo_vcpu_state *v;
	unsigned unknown_mmio; /* logged so far */
	char stack[STACK_SIZE] __attribute__((aligned(16)));
	char entry_stack[STACK_SIZE] __attribute__((aligned(16)));
};

static struct native_vcpu vcpus[VMM_MAX_CPUS];
static vireo_cap_t sched = VIREO_CAP_INVALID;
static unsigned host_cpus = 1;
static uint64_t timebase_hz = VMM_TIMEBASE_HZ;
static __thread struct vmm_vcpu *current;

struct vmm_vcpu *vcpu_current(void)
{
	return current;
}

static struct native_vcpu *nv(const struct vmm_vcpu *c)
{
	return c->backend;
}

bool backend_ram(struct vmm *vm)
{
	void *ram;
	enum vireo_status st = vireo_parent_memory(vm->ram_size, &ram);

	if (st != VIREO_OK) {
		vmm_log(vm, "no %lu MiB of guest RAM from the parent: %s (boot.cfg 'memory')",
			(unsigned long)(vm->ram_size >> 20), vireo_status_name(st));
		return false;
	}
	vm->ram = ram;
	return true;
}

const void *backend_file(const char *name, const char *path, size_t *size, const char **why)
{
	const void *f;

	*why = NULL;
	if (path) {
		*why = "files come from boot.cfg ('file NAME MODULE'), not from paths";
		return NULL;
	}
	f = vireo_env_file(name, size);
	return f;
}

void *backend_memory(size_t bytes)
{
	void *p;

	return vireo_parent_memory(bytes, &p) == VIREO_OK ? p : NULL;
}

bool backend_create(struct vmm *vm)
{
	enum vireo_status st = vireo_factory_create_vm(VIREO_SEL_FACTORY, SEL_VM);
	unsigned ncpus = 1;
	uint64_t timebase;

	if (st != VIREO_OK) {
		vmm_log(vm, "cannot create a Vm: %s%s", vireo_status_name(st),
			st == VIREO_E_ARG ? " (no H extension?)" : "");
		return false;
	}
	/* Guest RAM in the largest pieces both sides align to. */
	for (uint64_t off = 0; off < vm->ram_size;) {
		unsigned order = 12;
		uintptr_t src = (uintptr_t)vm->ram + off;

		while (order < 21 && !((src | (vm->ram_base + off)) & ((2ULL << order) - 1)) &&
		       off + (2ULL << order) <= vm->ram_size)
			order++;
		st = vireo_task_map(SEL_VM, vireo_fpage_mem(src, order, VIREO_MEM_RWX),
				    vm->ram_base + off);
		if (st != VIREO_OK) {
			vmm_log(vm, "cannot map guest RAM: %s", vireo_status_name(st));
			return false;
		}
		off += 1ULL << order;
	}
	sched = vireo_env_cap("sched");
	if (sched != VIREO_CAP_INVALID &&
	    vireo_sched_info(sched, &ncpus, &timebase, NULL) == VIREO_OK && ncpus) {
		host_cpus = ncpus;
		timebase_hz = timebase;
	}
	return true;
}

/* The guest's time: the hart's (htimedelta is 0). */
static uint64_t time_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

void backend_console_write(const char *s, size_t n)
{
	(void)vireo_vcon_write(VIREO_SEL_VCON, s, n);
}

size_t backend_console_read(char *buf, size_t max)
{
	size_t n = 0;

	if (max > 24)
		max = 24;
	if (vireo_vcon_read(VIREO_SEL_VCON, buf, max, &n) != VIREO_OK)
		return 0;
	return n;
}

void backend_kick(struct vmm_vcpu *c)
{
	if (nv(c)->kick)
		(void)vireo_irq_op(nv(c)->kick, VIREO_IRQ_TRIGGER);
}

void backend_set_timer(struct vmm_vcpu *c, uint64_t when)
{
	nv(c)->v->vm.vstimecmp = when;
}

/*
 * Requests and the interrupt lines into the state area, for the next entry.
 * A fence is acknowledged by publishing fence_done: the vCPU is out of its
 * guest now and fences before it enters again. fence_asked is read after
 * taking the request bits, and compared, so a fence asked in between is
 * either seen here or made again by the next kick.
 */
static void apply_requests(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	uint32_t req = __atomic_load_n(&c->requests, __ATOMIC_ACQUIRE) ? vcpu_take_requests(c) : 0;
	uint32_t asked = __atomic_load_n(&c->fence_asked, __ATOMIC_ACQUIRE);

	if (req & VCPU_REQ_IPI)
		v->vm.hvip |= HVIP_VSSIP;
	if (req & VCPU_REQ_FENCE_I)
		v->vm.ctl |= VIREO_VCPU_VM_FENCE_I;
	if (asked != c->fence_done) {
		v->vm.ctl |= VIREO_VCPU_VM_FENCE_VVMA | VIREO_VCPU_VM_FENCE_I;
		__atomic_store_n(&c->fence_done, asked, __ATOMIC_RELEASE);
	}
	if (c->ext_line)
		v->vm.hvip |= HVIP_VSEIP;
	else
		v->vm.hvip &= ~(vireo_word_t)HVIP_VSEIP;
}

void backend_relax(void)
{
	struct vmm_vcpu *c = current;

	/* A vCPU that waits serves fences asked of it meanwhile (sbi_wait_fences). */
	if (c)
		apply_requests(c, nv(c)->v);
	(void)vireo_thread_yield(VIREO_CAP_INVALID);
}

/* Wait for the next event (a kick), with virtual interrupts off, and take it. */
static void wait_event(struct vmm_vcpu *c)
{
	struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

	if (r.status == VIREO_OK)
		(void)vireo_irq_op(nv(c)->kick, VIREO_IRQ_UNMASK);
}

/* The VM stopped: this vCPU never runs its guest again. */
static void __attribute__((noreturn)) halt(void)
{
	for (;;)
		(void)vireo_wait(VIREO_TIMEOUT_NEVER);
}

/* A fresh hart at pc: a0 = its hart id, a1 = arg, VS-mode, translation off, no interrupts. */
static void reset(struct vmm_vcpu *c, struct vireo_vcpu_state *v, uint64_t pc, uint64_t arg)
{
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = pc;
	v->r.x[10] = c->id;
	v->r.x[11] = arg;
	v->vm = (struct vireo_vcpu_vm){ .guest_mode = 1, .hedeleg = GUEST_DELEGATED,
					.vstimecmp = UINT64_MAX,
					.ctl = VIREO_VCPU_VM_FENCE_VVMA | VIREO_VCPU_VM_FENCE_I |
					       VIREO_VCPU_VM_TRAP_WFI };
}

/* A stopped hart waits for its hart_start. */
static void park(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	while (c->hsm != VCPU_START_PENDING) {
		if (c->vm->stopped)
			halt();
		wait_event(c);
		apply_requests(c, v);
	}
	reset(c, v, c->start_pc, c->start_arg);
	c->hsm = VCPU_STARTED;
}

static void __attribute__((noreturn)) enter(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	enum vireo_status st;

	if (c->hsm != VCPU_STARTED)
		park(c, v);
	if (c->vm->stopped)
		halt();
	apply_requests(c, v);
	v->saved_state = VIREO_VCPU_EXTENDED | VIREO_VCPU_IRQ;
	st = vireo_thread_vcpu_resume(nv(c)->thread);
	vmm_log(c->vm, "vcpu %u: cannot enter the guest: %s", c->id, vireo_status_name(st));
	vmm_stop(c->vm, 1, "a vCPU failed");
	halt();
}

/* Deliver an exception to the guest's own handler, as the hart would have. */
static void inject(struct vireo_vcpu_state *v, uint64_t cause, uint64_t tval)
{
	vireo_word_t s = v->vm.vsstatus & ~(vireo_word_t)(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);

	if (v->vm.guest_mode)
		s |= SSTATUS_SPP;
	if (v->vm.vsstatus & SSTATUS_SIE)
		s |= SSTATUS_SPIE;
	v->vm.vsstatus = s;
	v->vm.vsepc = v->r.pc;
	v->vm.vscause = cause;
	v->vm.vstval = tval;
	v->r.pc = v->vm.vstvec & ~(vireo_word_t)3;
	v->vm.guest_mode = 1;
}

/*
 * The instruction at guest-virtual va, read from guest RAM through the
 * guest's page table (twice if its second half is on the next page); false
 * if it is not there.
 */
static bool guest_code(const struct vmm *vm, const struct vireo_vcpu_state *v, uint64_t va,
		       uint32_t *insn, unsigned *len)
{
	uint64_t gpa, gpa2;
	const volatile uint16_t *p, *q;

	if (!vmm_guest_code_address(vm, v->vm.vsatp, va, &gpa) || (gpa & 1) || !(p = vmm_ram(vm, gpa, 2)))
		return false;
	*insn = p[0];
	*len = (*insn & 3) == 3 ? 4 : 2;
	if (*len == 2)
		return true;
	if ((va & 0xfff) != 0xffe) { /* both halves on this page: RAM holds whole pages */
		q = p + 1;
	} else if (!vmm_guest_code_address(vm, v->vm.vsatp, va + 2, &gpa2) ||
		   !(q = vmm_ram(vm, gpa2, 2))) {
		return false;
	}
	*insn |= (uint32_t)*q << 16;
	return true;
}

/*
 * The trapping instruction: htinst; or read through the guest's page
 * table from its RAM; or, when that walk fails, fetched by the kernel with
 * the hart's own translation. Its length in *len; 0 if none.
 */
static uint32_t trapped_insn(struct vmm_vcpu *c, struct vireo_vcpu_state *v, unsigned *len)
{
	uint64_t insn = v->vm.htinst;
	uint32_t code;

	if (insn & 1) { /* a transformed instruction (priv spec §18.6.3): bit 1 clear if it was 16-bit */
		*len = (insn & 2) ? 4 : 2;
		return (uint32_t)insn | 3;
	}
	if (guest_code(c->vm, v, v->r.pc, &code, len))
		return code;
	if (vireo_vcpu_guest_mem(nv(c)->thread, v->r.pc, VIREO_GUEST_FETCH, &insn) != VIREO_OK)
		return 0;
	*len = (insn & 3) == 3 ? 4 : 2;
	return (uint32_t)insn;
}

struct access {
	bool write, sign;
	unsigned size, reg;
};

/* A load or store (RV64 base and C extension); false for anything else. */
static bool decode(uint32_t insn, unsigned len, struct access *a)
{
	static const uint8_t csize[4] = { 0, 0, 4, 8 };
	unsigned f3 = (insn >> 12) & 7;

	if (len == 2) { /* C.LW C.LD C.SW C.SD (quadrant 0), C.LWSP C.LDSP C.SWSP C.SDSP (quadrant 2) */
		unsigned c3 = (insn >> 13) & 7, q = insn & 3;

		a->size = csize[c3 & 3];
		a->write = c3 >= 6;
		a->sign = c3 == 2 || c3 == 6;
		if (!a->size || (c3 != 2 && c3 != 3 && c3 != 6 && c3 != 7) || q == 1)
			return false;
		if (q == 0)
			a->reg = 8 + ((insn >> 2) & 7); /* rd' or rs2' */
		else
			a->reg = a->write ? (insn >> 2) & 31 : (insn >> 7) & 31;
		return true;
	}
	switch (insn & 0x7f) {
	case 0x03: /* LOAD */
		if (f3 == 7)
			return false;
		a->write = false;
		a->size = 1u << (f3 & 3);
		a->sign = f3 < 4;
		a->reg = (insn >> 7) & 31;
		return true;
	case 0x23: /* STORE */
		if (f3 > 3)
			return false;
		a->write = true;
		a->size = 1u << f3;
		a->reg = (insn >> 20) & 31;
		return true;
	default:
		return false;
	}
}

static void guest_page_fault(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	uint64_t gpa = v->vm.htval << 2 | (v->r.tval & 3), data = 0;
	uint64_t cause = v->r.cause;
	unsigned len = 0;
	uint32_t insn = cause == CAUSE_FETCH_GUEST_PAGE ? 0 : trapped_insn(c, v, &len);
	struct access a;

	if (!insn || !decode(insn, len, &a) || a.write != (cause == CAUSE_STORE_GUEST_PAGE)) {
		if (nv(c)->unknown_mmio++ < 8)
			vmm_log(c->vm, "vcpu %u: %s at guest-physical 0x%lx (pc 0x%lx): no device there",
				c->id, cause == CAUSE_FETCH_GUEST_PAGE ? "fetch" : "access",
				(unsigned long)gpa, (unsigned long)v->r.pc);
		inject(v, cause == CAUSE_STORE_GUEST_PAGE ? CAUSE_STORE_ACCESS
			  : cause == CAUSE_LOAD_GUEST_PAGE ? CAUSE_LOAD_ACCESS : 1,
		       v->r.tval);
		return;
	}
	if (a.write)
		data = a.reg ? v->r.x[a.reg] : 0;
	if (!vmm_mmio(c, gpa, a.size, a.write, &data)) {
		if (nv(c)->unknown_mmio++ < 8)
			vmm_log(c->vm, "vcpu %u: %u-byte %s at guest-physical 0x%lx (pc 0x%lx): "
				"no device there", c->id, a.size, a.write ? "store" : "load",
				(unsigned long)gpa, (unsigned long)v->r.pc);
		inject(v, a.write ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS, v->r.tval);
		return;
	}
	if (!a.write && a.reg) {
		unsigned shift = 64 - 8 * a.size;

		v->r.x[a.reg] = a.sign ? (uint64_t)((int64_t)(data << shift) >> shift)
				       : (a.size == 8 ? data : data & ((1ULL << 8 * a.size) - 1));
	}
	v->r.pc += len;
}

static void sbi_call(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	uint64_t a[8];

	memcpy(a, &v->r.x[10], sizeof(a));
	vmm_sbi(c, a);
	v->r.x[10] = a[0];
	v->r.x[11] = a[1];
	v->r.pc += 4;
}

/* An event (an Irq) for this vCPU: console input, or a kick whose requests come next. */
static void event(struct vmm_vcpu *c, vireo_word_t label)
{
	if ((label & ~(vireo_word_t)0xf) == LABEL_INPUT) {
		(void)vireo_irq_op(SEL_INPUT, VIREO_IRQ_UNMASK);
		vmm_console_input_event(c->vm);
	} else {
		(void)vireo_irq_op(nv(c)->kick, VIREO_IRQ_UNMASK);
	}
}

static uint64_t ticks_to_ns(uint64_t t)
{
	return t / timebase_hz * 1000000000 + t % timebase_hz * 1000000000 / timebase_hz;
}

/*
 * The guest waits for an interrupt (its wfi traps: VIREO_VCPU_VM_TRAP_WFI).
 * Unless one is pending already, the vCPU thread blocks until an event
 * comes or the guest's timer is due, so the hart can run something else.
 */
static void guest_wfi(struct vmm_vcpu *c, struct vireo_vcpu_state *v)
{
	uint64_t now = time_now(), when = v->vm.vstimecmp;
	struct vireo_ret r;

	v->r.pc += 4;
	apply_requests(c, v);
	if ((v->vm.hvip & (HVIP_VSSIP | HVIP_VSEIP)) || when <= now || c->vm->stopped ||
	    c->hsm != VCPU_STARTED)
		return;
	r = vireo_wait(when == UINT64_MAX ? VIREO_TIMEOUT_NEVER
					  : vireo_timeout_ns(ticks_to_ns(when - now)));
	if (r.status == VIREO_OK)
		event(c, r.label);
}

static void __attribute__((noreturn)) exit_entry(struct vireo_vcpu_state *v)
{
	struct vmm_vcpu *c = (struct vmm_vcpu *)v->user[0];

	switch (v->r.cause) {
	case VIREO_VCPU_CAUSE_IPC:
		event(c, v->ipc.label);
		break;
	case CAUSE_VS_ECALL:
		sbi_call(c, v);
		break;
	case CAUSE_FETCH_GUEST_PAGE:
	case CAUSE_LOAD_GUEST_PAGE:
	case CAUSE_STORE_GUEST_PAGE:
		guest_page_fault(c, v);
		break;
	case CAUSE_VIRTUAL_INSN:
		if (v->r.tval == INSN_WFI)
			guest_wfi(c, v);
		else
			inject(v, CAUSE_ILLEGAL, v->r.tval);
		break;
	case CAUSE_ILLEGAL:
		inject(v, CAUSE_ILLEGAL, v->r.tval);
		break;
	default:
		vmm_log(c->vm, "vcpu %u: unexpected exit, cause %lu (tval 0x%lx) at pc 0x%lx", c->id,
			(unsigned long)v->r.cause, (unsigned long)v->r.tval, (unsigned long)v->r.pc);
		vmm_stop(c->vm, 1, "a vCPU took an exit the VMM cannot handle");
		break;
	}
	enter(c, v);
}

static void vcpu_thread(void *arg)
{
	struct vmm_vcpu *c = arg;
	struct vireo_vcpu_state *v = nv(c)->v;

	current = c;
	v->user[0] = (vireo_word_t)c;
	v->user_task = SEL_VM;
	v->entry_ip = (uintptr_t)exit_entry;
	v->entry_sp = (uintptr_t)nv(c)->entry_stack + STACK_SIZE;
	if (c->hsm == VCPU_STARTED)
		reset(c, v, c->start_pc, c->start_arg);
	enter(c, v);
}

bool backend_vcpu_create(struct vmm_vcpu *c, uint64_t pc, uint64_t arg)
{
	struct native_vcpu *n = &vcpus[c->id];
	uintptr_t utcb = VIREO_PROG_UTCB_AREA + VIREO_UTCB_SIZE * (1 + 2 * c->id);
	uintptr_t area = utcb + VIREO_UTCB_SIZE;
	enum vireo_status st;

	c->backend = n;
	c->start_pc = pc;
	c->start_arg = arg;
	c->hsm = c->id == 0 ? VCPU_STARTED : VCPU_STOPPED;
	n->thread = SEL_VCPU(c->id);
	n->v = (struct vireo_vcpu_state *)area;
	if ((st = vireo_factory_create_thread(VIREO_SEL_FACTORY, n->thread)) != VIREO_OK ||
	    (st = vireo_thread_bind(n->thread, VIREO_SEL_TASK, utcb)) != VIREO_OK ||
	    (st = vireo_thread_vcpu_enable(n->thread, area)) != VIREO_OK ||
	    (st = vireo_factory_create_irq(VIREO_SEL_FACTORY, SEL_KICK(c->id))) != VIREO_OK ||
	    (st = vireo_irq_bind(SEL_KICK(c->id), n->thread, LABEL_KICK)) != VIREO_OK) {
		vmm_log(c->vm, "vcpu %u: cannot create its thread: %s", c->id,
			vireo_status_name(st));
		return false;
	}
	n->kick = SEL_KICK(c->id);
	/* Console input wakes vCPU 0, which hands it to the guest. */
	if (c->id == 0 &&
	    ((st = vireo_factory_create_irq(VIREO_SEL_FACTORY, SEL_INPUT)) != VIREO_OK ||
	     (st = vireo_irq_bind(SEL_INPUT, n->thread, LABEL_INPUT)) != VIREO_OK ||
	     (st = vireo_vcon_bind_input(VIREO_SEL_VCON, SEL_INPUT)) != VIREO_OK)) {
		vmm_log(c->vm, "no console input: %s", vireo_status_name(st));
		return false;
	}
	if (sched != VIREO_CAP_INVALID &&
	    (st = vireo_sched_run_thread(sched, n->thread, c->id % host_cpus, PRIORITY, 0)) !=
		    VIREO_OK) {
		vmm_log(c->vm, "vcpu %u: cannot place it on CPU %u: %s", c->id,
			c->id % host_cpus, vireo_status_name(st));
		return false;
	}
	st = vireo_thread_run(n->thread, n->thread, utcb, vcpu_thread, c, n->stack, STACK_SIZE);
	if (st != VIREO_OK) {
		vmm_log(c->vm, "vcpu %u: cannot start it: %s", c->id, vireo_status_name(st));
		return false;
	}
	return true;
}

int backend_run(struct vmm *vm)
{
	while (!__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE))
		(void)vireo_wait(vireo_timeout_ns(20 * 1000 * 1000));
	return vm->exit_status;
}
