/*
 * Vm objects (issue #6, first part): a guest-physical space made by the
 * Factory, filled with the ordinary map operation at guest-physical
 * addresses, up to 2^41 (Sv39x4), with superpages and recursive revocation.
 */
#include <string.h>

#include "vtest.h"

#define RW (VIREO_MEM_R | VIREO_MEM_W)
#define GPA_RAM 0x80000000UL
#define GPA_HIGH 0x18000000000UL /* in the root's fourth quarter (bits 40..39 = 3) */
#define GPA_END 0x20000000000UL  /* 2^41 */

VTEST(vm_maps_guest_physical_memory_and_returns_its_quota)
{
	vireo_cap_t vm = vt_sel(), task = vt_sel();
	uintptr_t page = vt_pages(0), big = vt_pages(9);
	uint64_t limit, before, after;
	unsigned log2;

	EXPECT(page && big);
	vt_sels_ready(8);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, vm), VIREO_OK);
	{
		unsigned kind, rights;

		EXPECT_ST(vireo_kobject_info(vm, &kind, &rights), VIREO_OK);
		EXPECT(kind == VIREO_KIND_VM);
	}
	/* A page at the guest's RAM, one at the top quarter, a 2 MiB superpage. */
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_RAM), VIREO_OK);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, VIREO_MEM_R), GPA_HIGH), VIREO_OK);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(big, 21, VIREO_MEM_RWX), GPA_RAM + 0x200000),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_RAM, 0) == RW);
	EXPECT(vt_rights_at(vm, GPA_HIGH, 0) == VIREO_MEM_R);
	EXPECT(vt_rights_at(vm, GPA_RAM + 0x200000, &log2) == VIREO_MEM_RWX && log2 == 21);
	EXPECT(vt_rights_at(vm, GPA_RAM + 0x1000, 0) == 0);
	/* A Vm holds memory only: no capabilities. */
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_cap(VIREO_SEL_TASK, 0, VIREO_CAP_READ), 8),
		  VIREO_E_ARG);
	/* Beyond 2^41: refused. */
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_END), VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(vm, vireo_fpage_mem(page, 12, RW), GPA_END - 0x1000), VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_END - 0x1000, 0) == RW);
	/* Revoking at the source takes it out of the guest's space. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_W, 0),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_RAM, 0) == VIREO_MEM_R);
	EXPECT_ST(vireo_task_unmap(vm, vireo_fpage_mem(GPA_HIGH, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT(vt_rights_at(vm, GPA_HIGH, 0) == 0);
	/* No thread runs in a Vm's space as if it were a task. */
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, task), VIREO_OK);
	EXPECT_ST(vireo_thread_bind(task, vm, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_kobject_delete(task), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(vm), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before); /* the 32 KiB root, the tables and the nodes */
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	return true;
}

/* ---- a guest: a few instructions in VS-mode ---- */

/* The guest's code: an SBI-style ecall with a7 and a0 set, then an ecall again. */
extern const char guest_code[], guest_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest_code:\n"
	"	li a7, 0x4321\n"
	"	li a0, 7\n"
	"	ecall\n"          /* exit 1: cause 10, environment call from VS-mode */
	"	addi a0, a0, 1\n"
	"	ld a1, 0(zero)\n" /* exit 2: a guest page fault at guest-physical 0 */
	"1:	j 1b\n"
	"guest_code_end:\n"
	".popsection");

#define GUEST_ENTRY 0x80000000UL

static struct {
	vireo_cap_t self, vm;
	struct vireo_vcpu_state *v;
	volatile int ready;
	volatile unsigned exits;
	volatile vireo_word_t cause[4], a7, a0, pc[4], htval, mode;
	volatile int done, mem_ok;
} gst;

static void __attribute__((noreturn)) vmm_entry(struct vireo_vcpu_state *v)
{
	unsigned n = gst.exits;

	if (n < 4) {
		gst.cause[n] = v->r.cause;
		gst.pc[n] = v->r.pc;
	}
	gst.exits = n + 1;
	if (v->r.cause == 10 && n == 0) {
		uint64_t word = 0, insn = 0, back = 0, probe = 0;

		/* The guest's memory through its eyes: its code, a store and a load, a hole. */
		gst.mem_ok = vireo_vcpu_guest_mem(gst.self, GUEST_ENTRY, VIREO_GUEST_LOAD, &word) ==
				     VIREO_OK &&
			     word == *(const uint64_t *)(const void *)guest_code &&
			     vireo_vcpu_guest_mem(gst.self, v->r.pc, VIREO_GUEST_FETCH, &insn) ==
				     VIREO_OK &&
			     insn == 0x00000073; /* the whole ecall */
		word = 0x5a5a;
		gst.mem_ok = gst.mem_ok &&
			     vireo_vcpu_guest_mem(gst.self, GUEST_ENTRY + 0x800, VIREO_GUEST_STORE,
						  &word) == VIREO_OK &&
			     vireo_vcpu_guest_mem(gst.self, GUEST_ENTRY + 0x800, VIREO_GUEST_LOAD,
						  &back) == VIREO_OK &&
			     back == 0x5a5a &&
			     vireo_vcpu_guest_mem(gst.self, 0x1000, VIREO_GUEST_LOAD, &probe) ==
				     VIREO_E_RANGE &&
			     vireo_vcpu_guest_mem(gst.self, GUEST_ENTRY, 9, &probe) == VIREO_E_ARG;
		/* The guest's ecall: answer in a0, skip it, enter again. */
		gst.a7 = v->r.x[17];
		gst.a0 = v->r.x[10];
		gst.mode = v->vm.guest_mode;
		v->r.x[10] += 100;
		v->r.pc += 4;
		vireo_thread_vcpu_resume(gst.self);
	}
	if (v->r.cause == 21 || v->r.cause == 13) { /* load guest-page fault */
		gst.htval = v->vm.htval;
		gst.a0 = v->r.x[10];
	}
	gst.done = 1;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static void vmm_vcpu(void *arg)
{
	struct vireo_vcpu_state *v;

	(void)arg;
	while (!gst.ready)
		;
	v = gst.v;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = GUEST_ENTRY;
	v->vm = (struct vireo_vcpu_vm){ .guest_mode = 1 };
	v->user_task = gst.vm;
	v->saved_state = VIREO_VCPU_EXTENDED;
	vireo_thread_vcpu_resume(gst.self);
	gst.done = -1;
}

VTEST(vm_guest_runs_and_its_exits_are_events)
{
	static char entry_stack[8192] __attribute__((aligned(16)));
	vireo_cap_t t;
	uintptr_t page = vt_pages(0), area = vt_utcb();

	gst.vm = vt_sel();
	gst.ready = 0;
	gst.exits = 0;
	gst.done = 0;
	gst.mem_ok = 0;
	EXPECT(page && area);
	memcpy((void *)page, guest_code, (size_t)(guest_code_end - guest_code));
	EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, gst.vm), VIREO_OK);
	EXPECT_ST(vireo_task_map(gst.vm, vireo_fpage_mem(page, 12, VIREO_MEM_RWX), GUEST_ENTRY),
		  VIREO_OK);
	EXPECT(vt_thread(&t, vmm_vcpu, 0));
	EXPECT_ST(vireo_thread_vcpu_enable(t, area), VIREO_OK);
	gst.self = t;
	gst.v = (struct vireo_vcpu_state *)area;
	gst.v->entry_ip = (uintptr_t)vmm_entry;
	gst.v->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	gst.ready = 1;
	EXPECT(VT_WAIT_UNTIL(gst.done != 0, 500));
	EXPECT(gst.done == 1 && gst.exits == 2);
	EXPECT(gst.cause[0] == 10 && gst.pc[0] == GUEST_ENTRY + 8);
	EXPECT(gst.a7 == 0x4321 && gst.mode == 1);
	EXPECT(gst.cause[1] == 21); /* load guest-page fault at guest-physical 0 */
	EXPECT(gst.htval == 0 && gst.a0 == 7 + 100 + 1);
	EXPECT(gst.mem_ok);
	EXPECT(*(volatile uint64_t *)(page + 0x800) == 0x5a5a); /* the store reached guest RAM */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(gst.vm), VIREO_OK);
	return true;
}

/*
 * A guest with a kernel and a user mode of its own: VS-mode sets its trap
 * vector and drops to VU-mode, whose ecall (cause 8, delegated) reaches
 * the guest kernel without an exit; the guest kernel then reports scause
 * to the VMM with an ecall of its own (cause 10).
 */
extern const char guest2_code[], guest2_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest2_code:\n"
	"	lla t0, 2f\n"
	"	csrw stvec, t0\n"   /* vstvec, in VS-mode */
	"	lla t0, 1f\n"
	"	csrw sepc, t0\n"
	"	li t0, 0x100\n"
	"	csrc sstatus, t0\n" /* SPP = 0: sret goes to VU-mode */
	"	sret\n"
	"1:	li a7, 0x55\n"       /* VU-mode */
	"	ecall\n"
	"	j 1b\n"
	".balign 4\n"
	"2:	csrr a0, scause\n"   /* VS-mode again: the guest kernel's trap handler */
	"	csrr a1, sepc\n"
	"	li a7, 0x66\n"
	"	ecall\n"
	"3:	j 3b\n"
	"guest2_code_end:\n"
	".popsection");

static struct {
	vireo_cap_t self;
	volatile int done;
	volatile vireo_word_t cause, a7, a0, a1, mode, exits;
} g2;

static void __attribute__((noreturn)) vmm2_entry(struct vireo_vcpu_state *v)
{
	g2.exits++;
	g2.cause = v->r.cause;
	g2.a7 = v->r.x[17];
	g2.a0 = v->r.x[10];
	g2.a1 = v->r.x[11];
	g2.mode = v->vm.guest_mode;
	g2.done = 1;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static volatile vireo_cap_t g2_vm;
static struct vireo_vcpu_state *volatile g2_v;

/* The VS state the guest starts with (g2_run). */
static struct vireo_vcpu_vm g2_start;

static void vmm2_vcpu(void *arg)
{
	struct vireo_vcpu_state *v;

	(void)arg;
	while (!g2_v)
		;
	v = g2_v;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = GUEST_ENTRY;
	v->vm = g2_start;
	v->user_task = g2_vm;
	v->saved_state = VIREO_VCPU_EXTENDED;
	vireo_thread_vcpu_resume(g2.self);
	g2.done = -1;
}

/*
 * Run [code, end) as a guest in a new Vm (*vm) on a new vCPU thread (*t)
 * starting with VS state `start`, until its first exit reaches vmm2_entry.
 * The caller checks g2 and deletes both.
 */
static bool g2_run(const char *code, const char *end, struct vireo_vcpu_vm start, vireo_cap_t *t,
		   vireo_cap_t *vm)
{
	static char entry_stack[8192] __attribute__((aligned(16)));
	uintptr_t page = vt_pages(0), area = vt_utcb();
	struct vireo_vcpu_state *v = (struct vireo_vcpu_state *)area;

	g2 = (typeof(g2)){ 0 };
	g2_v = 0;
	g2_vm = *vm = vt_sel();
	g2_start = start;
	EXPECT(page && area);
	memcpy((void *)page, code, (size_t)(end - code));
	EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, *vm), VIREO_OK);
	EXPECT_ST(vireo_task_map(*vm, vireo_fpage_mem(page, 12, VIREO_MEM_RWX), GUEST_ENTRY),
		  VIREO_OK);
	EXPECT(vt_thread(t, vmm2_vcpu, 0));
	EXPECT_ST(vireo_thread_vcpu_enable(*t, area), VIREO_OK);
	g2.self = *t;
	v->entry_ip = (uintptr_t)vmm2_entry;
	v->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	g2_v = v;
	EXPECT(VT_WAIT_UNTIL(g2.done != 0, 500));
	return true;
}

VTEST(vm_guest_takes_the_exceptions_it_is_given)
{
	vireo_cap_t t, vm;

	EXPECT(g2_run(guest2_code, guest2_code_end,
		      (struct vireo_vcpu_vm){ .guest_mode = 1, .hedeleg = 1u << 8 }, &t, &vm));
	/* One exit only: the VU ecall went to the guest kernel, which then called out. */
	EXPECT(g2.done == 1 && g2.exits == 1);
	EXPECT(g2.cause == 10 && g2.a7 == 0x66 && g2.mode == 1);
	EXPECT(g2.a0 == 8);                              /* the guest saw its user's ecall */
	EXPECT(g2.a1 >= GUEST_ENTRY && g2.a1 < GUEST_ENTRY + 0x100); /* at the VU ecall */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(vm), VIREO_OK);
	return true;
}

/* A guest that arms its own timer (Sstc's stimecmp is its vstimecmp) and waits for it. */
extern const char guest3_code[], guest3_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest3_code:\n"
	"	lla t0, 2f\n"
	"	csrw stvec, t0\n"
	"	rdtime t0\n"
	"	li t1, 10000\n"
	"	add t0, t0, t1\n"
	"	csrw 0x14d, t0\n"   /* stimecmp: the guest's vstimecmp */
	"	li t0, 0x20\n"
	"	csrs sie, t0\n"     /* STIE */
	"	csrsi sstatus, 2\n" /* SIE */
	"1:	wfi\n"
	"	j 1b\n"
	".balign 4\n"
	"2:	csrr a0, scause\n"
	"	li a7, 0x77\n"
	"	ecall\n"
	"3:	j 3b\n"
	"guest3_code_end:\n"
	".popsection");

VTEST(vm_guest_timer_interrupts_the_guest_without_an_exit)
{
	vireo_cap_t t, vm;

	EXPECT(g2_run(guest3_code, guest3_code_end,
		      (struct vireo_vcpu_vm){ .guest_mode = 1, .vstimecmp = ~0ULL }, &t, &vm));
	EXPECT(g2.done == 1 && g2.exits == 1); /* only the report: the tick itself did not exit */
	EXPECT(g2.cause == 10 && g2.a7 == 0x77);
	EXPECT(g2.a0 == ((1ULL << 63) | 5)); /* the guest took a supervisor timer interrupt */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(vm), VIREO_OK);
	return true;
}

/* A guest that uses the FPU: the vCPU thread's FP registers are its. */
extern const char guest4_code[], guest4_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest4_code:\n"
	"	li t0, 0x2000\n"
	"	csrs sstatus, t0\n"  /* the guest's own FS (vsstatus): Initial */
	"	li a0, 0x1234567\n"
	".option push\n.option arch, +d\n"
	"	fmv.d.x f3, a0\n"
	"	fmv.x.d a1, f3\n"
	".option pop\n"
	"	li a7, 0x88\n"
	"	ecall\n"
	"1:	j 1b\n"
	"guest4_code_end:\n"
	".popsection");

VTEST(vm_guest_uses_the_fpu)
{
	vireo_cap_t t, vm;

	EXPECT(g2_run(guest4_code, guest4_code_end,
		      (struct vireo_vcpu_vm){ .guest_mode = 1, .vstimecmp = ~0ULL }, &t, &vm));
	EXPECT(g2.done == 1 && g2.exits == 1); /* the FPU's first use is the kernel's, no exit */
	EXPECT(g2.cause == 10 && g2.a7 == 0x88);
	EXPECT(g2.a0 == 0x1234567 && g2.a1 == 0x1234567);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(vm), VIREO_OK);
	return true;
}

/*
 * Translations tagged with VMIDs must not outlive a change: a guest reads a
 * page of its RAM, exits, and between its exits that page is remapped by
 * another hart, or the vCPU runs another Vm on the same address meanwhile.
 * Each read must see the page mapped right then.
 */
extern const char guest5_code[], guest5_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest5_code:\n"
	"1:	ld a0, 0(s0)\n"
	"	li a7, 0x99\n"
	"	ecall\n"
	"	j 1b\n"
	"guest5_code_end:\n"
	".popsection");

#define G5_DATA (GUEST_ENTRY + 0x10000)
#define G5_READS 4

static struct {
	vireo_cap_t self, vm[2];
	struct vireo_vcpu_state *volatile v;
	volatile unsigned exits, go, done;
	volatile vireo_word_t val[G5_READS];
} g5;

static void __attribute__((noreturn)) vmm5_entry(struct vireo_vcpu_state *v)
{
	unsigned n = g5.exits;

	if (n < G5_READS)
		g5.val[n] = v->r.x[10];
	g5.exits = n + 1;
	if (v->r.cause == 10 && n + 1 < G5_READS) {
		while (g5.go < n + 1)
			;
		/* The third read is from the other Vm, the others from the first. */
		v->user_task = g5.vm[n + 1 == 2];
		v->r.pc += 4;
		vireo_thread_vcpu_resume(g5.self);
	}
	g5.done = 1;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static void vmm5_vcpu(void *arg)
{
	struct vireo_vcpu_state *v;

	(void)arg;
	while (!g5.v)
		;
	v = g5.v;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = GUEST_ENTRY;
	v->r.x[8] = G5_DATA;
	v->vm = (struct vireo_vcpu_vm){ .guest_mode = 1, .vstimecmp = ~0ULL };
	v->user_task = g5.vm[0];
	v->saved_state = VIREO_VCPU_EXTENDED;
	vireo_thread_vcpu_resume(g5.self);
	g5.done = 2;
}

static bool g5_remap(uintptr_t page)
{
	EXPECT_ST(vireo_task_unmap(g5.vm[0], vireo_fpage_mem(G5_DATA, 12, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT_ST(vireo_task_map(g5.vm[0], vireo_fpage_mem(page, 12, RW), G5_DATA),
		  VIREO_OK);
	return true;
}

VTEST(vm_guest_translations_follow_remaps_and_vm_switches)
{
	static char entry_stack[8192] __attribute__((aligned(16)));
	uintptr_t code = vt_pages(0), data[3] = { vt_pages(0), vt_pages(0), vt_pages(0) };
	uintptr_t area = vt_utcb();
	unsigned cpus = (unsigned)vireo_boot_info->ncpus;
	vireo_cap_t t;

	g5 = (typeof(g5)){ .vm = { vt_sel(), vt_sel() } };
	EXPECT(code && data[0] && data[1] && data[2] && area);
	memcpy((void *)code, guest5_code, (size_t)(guest5_code_end - guest5_code));
	for (unsigned i = 0; i < 3; i++)
		*(volatile uint64_t *)data[i] = 111 * (i + 1);
	for (unsigned i = 0; i < 2; i++) {
		EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, g5.vm[i]), VIREO_OK);
		EXPECT_ST(vireo_task_map(g5.vm[i], vireo_fpage_mem(code, 12, VIREO_MEM_R | VIREO_MEM_X),
					 GUEST_ENTRY),
			  VIREO_OK);
		EXPECT_ST(vireo_task_map(g5.vm[i], vireo_fpage_mem(data[i ? 2 : 0], 12, RW),
					 G5_DATA),
			  VIREO_OK);
	}
	/* The vCPU on the last CPU, this thread remapping from its own. */
	EXPECT(vt_thread_on(&t, vmm5_vcpu, 0, cpus - 1, VT_PRIORITY - 1));
	EXPECT_ST(vireo_thread_vcpu_enable(t, area), VIREO_OK);
	g5.self = t;
	((struct vireo_vcpu_state *)area)->entry_ip = (uintptr_t)vmm5_entry;
	((struct vireo_vcpu_state *)area)->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	g5.v = (struct vireo_vcpu_state *)area;
	EXPECT(VT_WAIT_UNTIL(g5.exits >= 1, 500));
	EXPECT(g5_remap(data[1]));
	g5.go = 1;
	EXPECT(VT_WAIT_UNTIL(g5.exits >= 2, 500));
	g5.go = 2;
	EXPECT(VT_WAIT_UNTIL(g5.exits >= 3, 500));
	EXPECT(g5_remap(data[0]));
	g5.go = 3;
	EXPECT(VT_WAIT_UNTIL(g5.done != 0, 500));
	EXPECT(g5.done == 1 && g5.exits == G5_READS);
	EXPECT(g5.val[0] == 111 && g5.val[1] == 222 && g5.val[2] == 333 && g5.val[3] == 111);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(g5.vm[0]), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(g5.vm[1]), VIREO_OK);
	return true;
}

/*
 * Interrupts the VMM injects and the guest clears itself: VSSIP set in
 * vm.hvip reaches the guest's handler, which clears sip.SSIP; the exit
 * shows it cleared. With VIREO_VCPU_VM_TRAP_WFI the guest's wfi exits
 * (virtual instruction) instead of waiting in the guest.
 */
extern const char guest6_code[], guest6_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	"guest6_code:\n"
	"	lla t0, 2f\n"
	"	csrw stvec, t0\n"
	"	li t0, 2\n"
	"	csrs sie, t0\n"     /* SSIE */
	"	csrsi sstatus, 2\n" /* SIE: VSSIP from vm.hvip arrives now */
	"1:	j 1b\n"
	".balign 4\n"
	"2:	csrr a0, scause\n"
	"	li t0, 2\n"
	"	csrc sip, t0\n"     /* the guest clears its software interrupt */
	"	wfi\n"              /* exit 1: virtual instruction */
	"	li a7, 0x66\n"
	"	ecall\n"            /* exit 2 */
	"3:	j 3b\n"
	"guest6_code_end:\n"
	".popsection");

static struct {
	vireo_cap_t self, vm;
	struct vireo_vcpu_state *volatile v;
	volatile unsigned exits, done;
	volatile vireo_word_t cause[2], a0, hvip, tval, a7;
} g6;

static void __attribute__((noreturn)) vmm6_entry(struct vireo_vcpu_state *v)
{
	unsigned n = g6.exits++;

	if (n < 2)
		g6.cause[n] = v->r.cause;
	if (n == 0 && v->r.cause == 22) {
		g6.a0 = v->r.x[10];
		g6.hvip = v->vm.hvip;
		g6.tval = v->r.tval;
		v->r.pc += 4;
		vireo_thread_vcpu_resume(g6.self);
	}
	g6.a7 = v->r.x[17];
	g6.done = 1;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static void vmm6_vcpu(void *arg)
{
	struct vireo_vcpu_state *v;

	(void)arg;
	while (!g6.v)
		;
	v = g6.v;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = GUEST_ENTRY;
	v->vm = (struct vireo_vcpu_vm){ .guest_mode = 1, .vstimecmp = ~0ULL, .hvip = 1u << 2,
					.ctl = VIREO_VCPU_VM_TRAP_WFI };
	v->user_task = g6.vm;
	v->saved_state = VIREO_VCPU_EXTENDED;
	vireo_thread_vcpu_resume(g6.self);
	g6.done = 2;
}

VTEST(vm_guest_takes_injected_interrupts_and_its_wfi_exits)
{
	static char entry_stack[8192] __attribute__((aligned(16)));
	uintptr_t page = vt_pages(0), area = vt_utcb();
	vireo_cap_t t;

	g6 = (typeof(g6)){ .vm = vt_sel() };
	EXPECT(page && area);
	memcpy((void *)page, guest6_code, (size_t)(guest6_code_end - guest6_code));
	EXPECT_ST(vireo_factory_create_vm(VIREO_SEL_FACTORY, g6.vm), VIREO_OK);
	EXPECT_ST(vireo_task_map(g6.vm, vireo_fpage_mem(page, 12, VIREO_MEM_RWX), GUEST_ENTRY),
		  VIREO_OK);
	EXPECT(vt_thread(&t, vmm6_vcpu, 0));
	EXPECT_ST(vireo_thread_vcpu_enable(t, area), VIREO_OK);
	g6.self = t;
	((struct vireo_vcpu_state *)area)->entry_ip = (uintptr_t)vmm6_entry;
	((struct vireo_vcpu_state *)area)->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	g6.v = (struct vireo_vcpu_state *)area;
	EXPECT(VT_WAIT_UNTIL(g6.done != 0, 500));
	EXPECT(g6.done == 1 && g6.exits == 2);
	EXPECT(g6.cause[0] == 22 && g6.cause[1] == 10 && g6.a7 == 0x66);
	EXPECT(g6.a0 == ((1ULL << 63) | 1)); /* a supervisor software interrupt */
	EXPECT(g6.hvip == 0);                /* cleared by the guest, seen at the exit */
	EXPECT(g6.tval == 0x10500073);       /* the wfi */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(g6.vm), VIREO_OK);
	return true;
}
