/*
 * Microbenchmarks of the kernel core, run as the root task under QEMU with
 * -icount shift=0 (scripts/bench). Each figure is instructions per
 * operation, counted with the instret counter over many repetitions, all
 * privilege levels included (user stubs, kernel, firmware if any), and
 * printed as "bench: <name> <instructions>". Loop overhead is included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vireo.h>

#define DEFAULT_ROUNDS 20000
#define MAP_ROUNDS 200
#define SERVER_LABEL 0x100
#define SAME_UTCB (VIREO_ROOT_UTCB_AREA + 1024)
#define OTHER_TASK_UTCB 0x3fff000000UL
#define MAP_SRC 0x20000000UL
#define MAP_DST 0x40000000UL

static vireo_cap_t next_sel = VIREO_SEL_FIRST_FREE;
static unsigned bench_rounds = DEFAULT_ROUNDS;
static char server_stack[16384] __attribute__((aligned(16)));

static inline uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static void report(const char *name, uint64_t start, uint64_t end, unsigned rounds)
{
	printf("bench: %s %lu\n", name, (unsigned long)((end - start + rounds / 2) / rounds));
}

/*
 * Answer every call with an empty reply, forever. Messages stay in
 * registers (vireo_syscall_regs), as a server's hot loop would keep them.
 */
static void server(void *arg)
{
	vireo_word_t mr[4] = { 0 };

	(void)arg;
	vireo_syscall_regs(VIREO_CAP_INVALID, 0, VIREO_IPC_WAIT, 0, mr);
	for (;;)
		vireo_syscall_regs(VIREO_CAP_INVALID, vireo_tag(0, 0, 0), VIREO_IPC_REPLY_WAIT,
				   vireo_timeouts(VIREO_TIMEOUT_ZERO, VIREO_TIMEOUT_NEVER), mr);
}

static bool bench_ipc(const char *name, vireo_cap_t gate)
{
	vireo_word_t mr[4] = { 0 };
	unsigned n = bench_rounds;
	uint64_t t0, t1;

	for (unsigned i = 0; i < 100; i++) /* warm up */
		vireo_syscall_regs(gate, vireo_tag(0, 0, 0), VIREO_IPC_CALL, 0, mr);
	t0 = instret();
	for (unsigned i = 0; i < n; i++)
		if (vireo_syscall_regs(gate, vireo_tag(0, 0, 0), VIREO_IPC_CALL, 0, mr).status !=
		    VIREO_OK)
			return false;
	t1 = instret();
	report(name, t0, t1, n);
	return true;
}

static bool ipc_same_task(void)
{
	vireo_cap_t thread = next_sel++, gate = next_sel++;

	return vireo_factory_create_thread(VIREO_SEL_FACTORY, thread) == VIREO_OK &&
	       vireo_thread_bind(thread, VIREO_SEL_TASK, SAME_UTCB) == VIREO_OK &&
	       vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, thread, SERVER_LABEL) ==
		       VIREO_OK &&
	       vireo_thread_run(thread, thread, SAME_UTCB, server, 0, server_stack,
				sizeof(server_stack)) == VIREO_OK &&
	       bench_ipc("ipc_roundtrip_same_task", gate) && vireo_kobject_delete(thread) == VIREO_OK;
}

static bool ipc_two_tasks(void)
{
	vireo_cap_t task = next_sel++, thread = next_sel++, gate = next_sel++;

	return vireo_image_task(VIREO_SEL_FACTORY, task, thread, OTHER_TASK_UTCB, 12) ==
		       VIREO_OK &&
	       vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, thread, SERVER_LABEL) ==
		       VIREO_OK &&
	       vireo_thread_run(thread, VIREO_SEL_THREAD, OTHER_TASK_UTCB, server, 0, server_stack,
				sizeof(server_stack)) == VIREO_OK &&
	       bench_ipc("ipc_roundtrip_two_tasks", gate) && vireo_kobject_delete(thread) == VIREO_OK &&
	       vireo_kobject_delete(task) == VIREO_OK;
}

static inline uint64_t now_ticks(void)
{
	uint64_t v;

	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/*
 * Call + reply with the server on CPU 1. instret counts one hart only, so
 * this one is timed: under -icount shift=0 every instruction of every hart
 * takes 1 ns of virtual time, and harts that all wait skip ahead to the
 * next event, so the figure is the instructions both harts spend per round
 * trip (plus nothing for idling).
 */
static bool ipc_cross_hart(void)
{
	vireo_cap_t thread = next_sel++, gate = next_sel++;
	vireo_word_t mr[4] = { 0 };
	unsigned n = bench_rounds / 4 ? bench_rounds / 4 : 1;
	uint64_t hz = vireo_boot_info->timebase_hz, t0, t1;

	if (vireo_boot_info->ncpus < 2) {
		printf("bench: ipc_roundtrip_cross_hart needs two harts\n");
		return false;
	}
	if (vireo_factory_create_thread(VIREO_SEL_FACTORY, thread) != VIREO_OK ||
	    vireo_thread_bind(thread, VIREO_SEL_TASK, SAME_UTCB) != VIREO_OK ||
	    vireo_sched_run_thread(VIREO_SEL_SCHEDULER, thread, 1, 10, 0) != VIREO_OK ||
	    vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, thread, SERVER_LABEL) != VIREO_OK ||
	    vireo_thread_run(thread, thread, SAME_UTCB, server, 0, server_stack,
			     sizeof(server_stack)) != VIREO_OK)
		return false;
	for (unsigned i = 0; i < 100; i++) /* warm up */
		vireo_syscall_regs(gate, vireo_tag(0, 0, 0), VIREO_IPC_CALL, 0, mr);
	t0 = now_ticks();
	for (unsigned i = 0; i < n; i++)
		if (vireo_syscall_regs(gate, vireo_tag(0, 0, 0), VIREO_IPC_CALL, 0, mr).status !=
		    VIREO_OK)
			return false;
	t1 = now_ticks();
	printf("bench: ipc_roundtrip_cross_hart %lu\n",
	       (unsigned long)((t1 - t0) * 1000000000 / hz / n));
	return vireo_kobject_delete(thread) == VIREO_OK;
}

/* Kobject info on our own task: the smallest kernel-object invocation there is. */
static bool null_invocation(void)
{
	vireo_word_t mr[4] = { VIREO_KOBJECT_INFO };
	unsigned n = bench_rounds;
	uint64_t t0, t1;

	t0 = instret();
	for (unsigned i = 0; i < n; i++) {
		mr[0] = VIREO_KOBJECT_INFO;
		if (vireo_syscall_regs(VIREO_SEL_TASK, vireo_tag(VIREO_PROTO_KOBJECT, 1, 0),
				       VIREO_IPC_CALL, 0, mr)
			    .status != VIREO_OK)
			return false;
	}
	t1 = instret();
	report("null_invocation", t0, t1, n);
	return true;
}

/*
 * Irq latency: a low-priority thread triggers an Irq bound to a
 * high-priority thread waiting in receive; counted from before the trigger
 * to the handler's return from its receive.
 */
static volatile uint64_t trigger_time, latency_sum;
static volatile unsigned latency_count;
static vireo_cap_t irq_cap;
static char handler_stack[16384] __attribute__((aligned(16)));

static void irq_handler(void *arg)
{
	vireo_word_t mr[4] = { 0 };

	(void)arg;
	for (;;) {
		vireo_syscall_regs(VIREO_CAP_INVALID, 0, VIREO_IPC_WAIT, 0, mr);
		latency_sum += instret() - trigger_time;
		latency_count++;
		mr[0] = VIREO_IRQ_UNMASK;
		vireo_syscall_regs(irq_cap, vireo_tag(VIREO_PROTO_IRQ, 1, 0), VIREO_IPC_CALL, 0, mr);
	}
}

static bool irq_latency(void)
{
	vireo_cap_t thread = next_sel++;
	uintptr_t utcb = SAME_UTCB + 1024;
	vireo_word_t mr[4] = { 0 };
	unsigned n = bench_rounds;

	irq_cap = next_sel++;
	if (vireo_factory_create_thread(VIREO_SEL_FACTORY, thread) != VIREO_OK ||
	    vireo_thread_bind(thread, VIREO_SEL_TASK, utcb) != VIREO_OK ||
	    vireo_sched_run_thread(VIREO_SEL_SCHEDULER, thread, 0, 20, 0) != VIREO_OK ||
	    vireo_factory_create_irq(VIREO_SEL_FACTORY, irq_cap) != VIREO_OK ||
	    vireo_irq_bind(irq_cap, thread, 0x10) != VIREO_OK ||
	    vireo_thread_run(thread, thread, utcb, irq_handler, 0, handler_stack,
			     sizeof(handler_stack)) != VIREO_OK)
		return false;
	for (unsigned i = 0; i < n; i++) {
		mr[0] = VIREO_IRQ_TRIGGER;
		trigger_time = instret();
		if (vireo_syscall_regs(irq_cap, vireo_tag(VIREO_PROTO_IRQ, 1, 0), VIREO_IPC_CALL, 0,
				       mr)
			    .status != VIREO_OK)
			return false;
	}
	if (latency_count != n)
		return false;
	printf("bench: irq_trigger_to_handler %lu\n",
	       (unsigned long)((latency_sum + n / 2) / n));
	return vireo_kobject_delete(thread) == VIREO_OK && vireo_kobject_delete(irq_cap) == VIREO_OK;
}

/*
 * Thread switch on yield: two threads of one priority yield to each other;
 * the first counts the instructions over all their switches.
 */
struct yielder {
	vireo_cap_t self;
	unsigned rounds;
	volatile uint64_t start, end;
	volatile bool done;
};

static struct yielder yield_a, yield_b;
static char yield_stack_b[16384] __attribute__((aligned(16)));

static void yield_loop(void *arg)
{
	struct yielder *y = arg;

	y->start = instret();
	for (unsigned i = 0; i < y->rounds; i++)
		vireo_thread_yield(y->self);
	y->end = instret();
	y->done = true;
}

static bool yield_switch(void)
{
	vireo_cap_t ta = next_sel++, tb = next_sel++, wait = next_sel++;
	uintptr_t ua = SAME_UTCB + 2048, ub = SAME_UTCB + 3072;
	unsigned n = bench_rounds;

	yield_a = (struct yielder){ ta, n, 0, 0, false };
	yield_b = (struct yielder){ tb, n + 1, 0, 0, false };
	if (vireo_factory_create_thread(VIREO_SEL_FACTORY, ta) != VIREO_OK ||
	    vireo_factory_create_thread(VIREO_SEL_FACTORY, tb) != VIREO_OK ||
	    vireo_thread_bind(ta, VIREO_SEL_TASK, ua) != VIREO_OK ||
	    vireo_thread_bind(tb, VIREO_SEL_TASK, ub) != VIREO_OK ||
	    vireo_thread_control(ta, VIREO_THREAD_CTL_PRIORITY, 0, 0, 5) != VIREO_OK ||
	    vireo_thread_control(tb, VIREO_THREAD_CTL_PRIORITY, 0, 0, 5) != VIREO_OK ||
	    vireo_factory_create_gate(VIREO_SEL_FACTORY, wait, VIREO_CAP_INVALID, 0) != VIREO_OK ||
	    vireo_thread_run(ta, ta, ua, yield_loop, &yield_a, server_stack,
			     sizeof(server_stack)) != VIREO_OK ||
	    vireo_thread_run(tb, tb, ub, yield_loop, &yield_b, yield_stack_b,
			     sizeof(yield_stack_b)) != VIREO_OK)
		return false;
	/* Sleep (a closed receive nobody answers) while they take turns. */
	while (!yield_a.done)
		vireo_recv(wait, vireo_timeout_ns(10000000));
	/* a's loop spans 2n switches: each of its yields and each of b's. */
	printf("bench: thread_switch_on_yield %lu\n",
	       (unsigned long)((yield_a.end - yield_a.start + n) / (2 * n)));
	return vireo_kobject_delete(wait) == VIREO_OK;
}

/* Map `log2` bytes from MAP_SRC into another task and unmap them again. */
static bool map_unmap(const char *name, vireo_cap_t task, unsigned log2)
{
	vireo_fpage_t fp = vireo_fpage_mem(MAP_SRC, log2, VIREO_MEM_R | VIREO_MEM_W);
	uint64_t t0, t1;

	t0 = instret();
	for (unsigned i = 0; i < MAP_ROUNDS; i++)
		if (vireo_task_map(task, fp, MAP_DST) != VIREO_OK ||
		    vireo_task_unmap(VIREO_SEL_TASK, fp, VIREO_MEM_RWX, 0) != VIREO_OK)
			return false;
	t1 = instret();
	report(name, t0, t1, MAP_ROUNDS);
	return true;
}

static bool mapping(void)
{
	vireo_cap_t task = next_sel++;
	uintptr_t mem = vireo_boot_info->mem[0].addr;

	/* 512 separate 4 KiB mappings of our own, so the 2 MiB map makes 512 children. */
	for (unsigned i = 0; i < 512; i++)
		if (vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(mem + 4096 * i, 12, VIREO_MEM_RWX),
				   MAP_SRC + 4096 * i) != VIREO_OK)
			return false;
	return vireo_factory_create_task(VIREO_SEL_FACTORY, task, 0, 0) == VIREO_OK &&
	       map_unmap("map_unmap_1_page", task, 12) &&
	       map_unmap("map_unmap_512_pages", task, 21) && vireo_kobject_delete(task) == VIREO_OK;
}

/*
 * The vCPU: a vCPU thread of this task runs a program in another task in
 * virtual user mode, serving its ecalls and page faults at its entry
 * point, and takes Irqs it triggers itself with virtual interrupts on.
 * The user program counts with instret, which sees everything on the hart.
 */
#define VCPU_UTCB (VIREO_ROOT_UTCB_AREA + 4096)
#define VCPU_AREA (VIREO_ROOT_UTCB_AREA + 5120)
#define VCPU_FAULT_BASE 0x50000000UL
#define VCPU_MAX_FAULTS 256

static vireo_cap_t vcpu_self, vcpu_irq;
static uintptr_t vcpu_page;
static volatile uint64_t vcpu_ecall_cost, vcpu_fault_cost, vcpu_irq_cost;
static volatile bool vcpu_done, vcpu_failed;
static char vcpu_stack[16384] __attribute__((aligned(16)));
static char vcpu_entry_stack[8192] __attribute__((aligned(16)));
static char vcpu_user_stack[8192] __attribute__((aligned(16)));

static inline void user_ecall(uint64_t nr)
{
	register uint64_t a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : : "r"(a7) : "memory", "a0");
}

static void __attribute__((noreturn)) vcpu_user_program(void)
{
	unsigned n = bench_rounds, faults = n < VCPU_MAX_FAULTS ? n : VCPU_MAX_FAULTS;
	uint64_t t0 = instret();

	for (unsigned i = 0; i < n; i++)
		user_ecall(1);
	vcpu_ecall_cost = (instret() - t0 + n / 2) / n;
	t0 = instret();
	for (unsigned i = 0; i < faults; i++)
		(void)*(volatile uint64_t *)(VCPU_FAULT_BASE + i * 4096UL);
	vcpu_fault_cost = (instret() - t0 + faults / 2) / faults;
	user_ecall(2);
	for (;;)
		;
}

static void __attribute__((noreturn)) vcpu_entry(struct vireo_vcpu_state *v)
{
	if (v->r.cause == VIREO_VCPU_CAUSE_IPC) {
		if (vireo_irq_op(vcpu_irq, VIREO_IRQ_UNMASK) != VIREO_OK)
			vcpu_failed = true;
		vireo_thread_vcpu_resume(vcpu_self);
	} else if (v->r.cause == 8 && v->r.x[17] == 1) {
		v->r.pc += 4;
		vireo_thread_vcpu_resume(vcpu_self);
	} else if (v->r.cause == 13) {
		vireo_thread_vcpu_resume_map(vcpu_self, vireo_fpage_mem(vcpu_page, 12, VIREO_MEM_R),
					     v->r.tval & ~0xfffUL);
	} else if (!(v->r.cause == 8 && v->r.x[17] == 2)) {
		vcpu_failed = true;
	}
	vcpu_done = true;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static void vcpu_main(void *arg)
{
	struct vireo_vcpu_state *v = (struct vireo_vcpu_state *)VCPU_AREA;
	vireo_cap_t user_task = (vireo_cap_t)(uintptr_t)arg;
	unsigned n = bench_rounds;
	uintptr_t gp;
	uint64_t t0;

	v->entry_ip = (uintptr_t)vcpu_entry;
	v->entry_sp = (uintptr_t)vcpu_entry_stack + sizeof(vcpu_entry_stack);
	vireo_vcpu_irq_enable(v, 0);
	t0 = instret();
	for (unsigned i = 0; i < n; i++)
		vireo_irq_op(vcpu_irq, VIREO_IRQ_TRIGGER);
	vcpu_irq_cost = (instret() - t0 + n / 2) / n;
	vireo_vcpu_irq_disable(v);
	__asm__ volatile("mv %0, gp" : "=r"(gp));
	v->user_task = user_task;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = (uintptr_t)vcpu_user_program;
	v->r.x[2] = (uintptr_t)vcpu_user_stack + sizeof(vcpu_user_stack);
	v->r.x[3] = gp;
	v->saved_state = VIREO_VCPU_USER_MODE;
	vireo_thread_vcpu_resume(vcpu_self);
	vcpu_failed = true;
	vcpu_done = true;
	vireo_wait(VIREO_TIMEOUT_NEVER);
}

static bool vcpu(void)
{
	vireo_cap_t task = next_sel++, unused = next_sel++;

	vcpu_self = next_sel++;
	vcpu_irq = next_sel++;
	vcpu_page = (uintptr_t)vcpu_user_stack; /* any page of this task will do */
	if (vireo_image_task(VIREO_SEL_FACTORY, task, unused, OTHER_TASK_UTCB, 12) != VIREO_OK ||
	    vireo_factory_create_thread(VIREO_SEL_FACTORY, vcpu_self) != VIREO_OK ||
	    vireo_thread_bind(vcpu_self, VIREO_SEL_TASK, VCPU_UTCB) != VIREO_OK ||
	    vireo_thread_vcpu_enable(vcpu_self, VCPU_AREA) != VIREO_OK ||
	    vireo_sched_run_thread(VIREO_SEL_SCHEDULER, vcpu_self, 0, 20, 0) != VIREO_OK ||
	    vireo_factory_create_irq(VIREO_SEL_FACTORY, vcpu_irq) != VIREO_OK ||
	    vireo_irq_bind(vcpu_irq, vcpu_self, 0x20) != VIREO_OK ||
	    vireo_thread_run(vcpu_self, vcpu_self, VCPU_UTCB, vcpu_main, (void *)(uintptr_t)task,
			     vcpu_stack, sizeof(vcpu_stack)) != VIREO_OK)
		return false;
	/* It outranks this thread: it is done by the time this one runs again. */
	if (!vcpu_done || vcpu_failed)
		return false;
	printf("bench: vcpu_ecall_roundtrip %lu\n", (unsigned long)vcpu_ecall_cost);
	printf("bench: vcpu_page_fault_map_resume %lu\n", (unsigned long)vcpu_fault_cost);
	printf("bench: vcpu_irq_event %lu\n", (unsigned long)vcpu_irq_cost);
	return vireo_kobject_delete(vcpu_self) == VIREO_OK &&
	       vireo_kobject_delete(vcpu_irq) == VIREO_OK && vireo_kobject_delete(task) == VIREO_OK;
}

int main(int argc, char **argv)
{
	const char *r = strstr(vireo_boot_info->cmdline, "rounds=");

	(void)argc;
	(void)argv;
	/* rounds=N: fewer repetitions and no mapping runs, for tracing with QEMU's -d exec. */
	if (r)
		bench_rounds = (unsigned)strtoul(r + 7, 0, 10);
	if (!null_invocation() || !ipc_same_task() || !ipc_two_tasks() || !ipc_cross_hart() ||
	    !irq_latency() || !yield_switch() || !vcpu() || (!r && !mapping())) {
		printf("bench: failed\n");
		return 1;
	}
	printf("bench: done\n");
	return 0;
}
