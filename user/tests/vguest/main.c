/*
 * A small guest operating system on a vCPU (issue #5): it runs three
 * processes, each in a task of its own, in virtual user mode. Its kernel
 * is this root task's main thread in vCPU mode:
 *   - system calls (ecall): write, getpid, yield, exit;
 *   - demand paging: the processes' code and constants come from this
 *     program's image, their stack from pages it hands out on first touch;
 *   - preemption: a periodic Irq timer ticks, and the running process goes
 *     to the back of the queue;
 *   - a process that faults outside its memory is killed;
 *   - the FPU: the vCPU thread has one set of FP registers, so this kernel
 *     keeps each process's FP state and swaps it on every process switch.
 * tests/system/scenarios.py checks what it prints.
 */
#include <stdio.h>
#include <string.h>

#include <vireo.h>

#include "../common/fpregs.h"

#define NPROC 3
#define PROC_MEM 0x40000000UL /* each process's stack: PROC_PAGES pages here */
#define PROC_PAGES 16
#define AREA (VIREO_ROOT_UTCB_AREA + 1024)
#define TICK_LABEL 0x40
#define SPIN_ROUNDS 4000000

enum { SYS_WRITE = 1, SYS_GETPID = 2, SYS_YIELD = 3, SYS_EXIT = 4 };
enum { RUNNABLE, EXITED, KILLED };

struct proc {
	int pid;
	int state;
	long code;
	vireo_cap_t task;
	struct vireo_vcpu_regs r;
	uint64_t fp[33]; /* f0..f31 and the rounding mode while it does not run */
	uintptr_t page[PROC_PAGES]; /* backing of its stack pages, 0 until touched */
};

extern char __image_start[], __text_end[], __rodata_end[];

static struct proc procs[NPROC];
static int current;
static int fp_owner = -1; /* whose FP state the vCPU's registers hold */
static struct vireo_vcpu_state *const v = (struct vireo_vcpu_state *)AREA;
static vireo_cap_t timer;
static unsigned ticks, preemptions, faults_served, ecalls;
static uintptr_t next_page;
static char entry_stack[16384] __attribute__((aligned(16)));

/* ---- the processes (user mode, in their own tasks; only stack and registers) ---- */

static long sys(long nr, long a0, long a1)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
	return r0;
}

static void say(const char *s)
{
	sys(SYS_WRITE, (long)s, (long)strlen(s));
}

static void __attribute__((noreturn)) process(long which)
{
	if (which == 1) {
		bool fp_ok = true;

		say("hello from the first process");
		fp_set(1);
		for (int i = 0; i < 3; i++) {
			say("yielding");
			sys(SYS_YIELD, 0, 0);
			fp_ok = fp_ok && fp_check(1);
		}
		say(fp_ok ? "FP registers kept" : "FP registers lost");
		sys(SYS_EXIT, sys(SYS_GETPID, 0, 0), 0);
	} else if (which == 2) {
		volatile long spin = 0;
		bool fp_ok = true;

		say("hello from the second process; spinning without yielding");
		fp_set(2);
		while (spin < SPIN_ROUNDS)
			if (++spin % 100000 == 0)
				fp_ok = fp_ok && fp_check(2);
		say("done spinning");
		say(fp_ok ? "FP registers kept" : "FP registers lost");
		sys(SYS_EXIT, 7, 0);
	} else {
		say("hello from the third process; about to touch memory it does not have");
		*(volatile long *)0x1000 = 1;
		say("still alive (wrong)");
		sys(SYS_EXIT, 1, 0);
	}
	for (;;)
		;
}

/* ---- the guest kernel ---- */

static uintptr_t alloc_page(void)
{
	const struct vireo_mem_range *m = &vireo_boot_info->mem[0];

	if (!next_page)
		next_page = (m->addr + 0xfff) & ~0xfffUL;
	if (next_page + 4096 > m->addr + m->size)
		return 0;
	next_page += 4096;
	memset((void *)(next_page - 4096), 0, 4096);
	return next_page - 4096;
}

static void __attribute__((noreturn)) halt(const char *why)
{
	printf("vguest: %s\n", why);
	for (;;)
		vireo_wait(VIREO_TIMEOUT_NEVER);
}

/* A process's virtual address in the guest: its stack pages, or the shared image. */
static const char *guest_view(const struct proc *p, uintptr_t va, size_t len)
{
	if (va >= (uintptr_t)__image_start && va + len <= (uintptr_t)__rodata_end && va + len > va)
		return (const char *)va;
	if (va >= PROC_MEM && va + len <= PROC_MEM + PROC_PAGES * 4096UL &&
	    (va - PROC_MEM) / 4096 == (va + len - 1 - PROC_MEM) / 4096) {
		uintptr_t page = p->page[(va - PROC_MEM) / 4096];

		return page ? (const char *)(page + (va & 0xfff)) : 0;
	}
	return 0;
}

static void __attribute__((noreturn)) finish(void)
{
	unsigned exited = 0, killed = 0;

	for (int i = 0; i < NPROC; i++) {
		exited += procs[i].state == EXITED;
		killed += procs[i].state == KILLED;
	}
	(void)vireo_irq_op(timer, VIREO_IRQ_STOP_TIMER);
	printf("vguest: %d processes: %u exited, %u killed; %u ticks, %u preemptions, "
	       "%u page faults served, %u system calls\n",
	       NPROC, exited, killed, ticks, preemptions, faults_served, ecalls);
	printf("vguest: done\n");
	vireo_platform_op(VIREO_SEL_PLATFORM, VIREO_PLATFORM_POWEROFF);
	halt("power off failed");
}

/*
 * The FP registers are the vCPU thread's: a process that ran since the
 * last switch leaves its values in them. Save them with it, load the next.
 */
static void switch_fp(int next)
{
	if (fp_owner == next)
		return;
	if (fp_owner >= 0 && procs[fp_owner].state == RUNNABLE)
		fp_store(procs[fp_owner].fp);
	fp_load(procs[next].fp);
	fp_owner = next;
}

/* Run the next runnable process after the current one (round robin). */
static void __attribute__((noreturn)) schedule(void)
{
	for (int i = 1; i <= NPROC; i++) {
		int n = (current + i) % NPROC;

		if (procs[n].state == RUNNABLE) {
			current = n;
			switch_fp(n);
			v->r = procs[n].r;
			v->user_task = procs[n].task;
			v->saved_state = VIREO_VCPU_USER_MODE;
			printf("vguest: resume failed: %d\n", vireo_thread_vcpu_resume(VIREO_SEL_THREAD));
			halt("stopped");
		}
	}
	finish();
}

static void __attribute__((noreturn)) kill_process(struct proc *p, const char *why, uintptr_t addr)
{
	printf("vguest: pid %d killed: %s at 0x%lx\n", p->pid, why, (unsigned long)addr);
	p->state = KILLED;
	if (vireo_kobject_delete(p->task) != VIREO_OK)
		halt("cannot delete a task");
	schedule();
}

/* Continue the current process where p->r says, mapping `page` first if given. */
static void __attribute__((noreturn)) resume(struct proc *p, uintptr_t src, unsigned rights,
					     uintptr_t dst)
{
	v->r = p->r;
	if (src)
		vireo_thread_vcpu_resume_map(VIREO_SEL_THREAD, vireo_fpage_mem(src, 12, rights), dst);
	else
		vireo_thread_vcpu_resume(VIREO_SEL_THREAD);
	halt("resume failed");
}

static void __attribute__((noreturn)) page_fault(struct proc *p, uintptr_t addr, bool exec)
{
	uintptr_t page = addr & ~0xfffUL;

	if (page >= (uintptr_t)__image_start && page < (uintptr_t)__rodata_end) {
		faults_served++;
		resume(p, page, page < (uintptr_t)__text_end ? VIREO_MEM_R | VIREO_MEM_X : VIREO_MEM_R,
		       page);
	}
	if (!exec && page >= PROC_MEM && page < PROC_MEM + PROC_PAGES * 4096UL) {
		unsigned i = (unsigned)((page - PROC_MEM) / 4096);

		if (!p->page[i] && !(p->page[i] = alloc_page()))
			halt("out of memory");
		faults_served++;
		resume(p, p->page[i], VIREO_MEM_R | VIREO_MEM_W, page);
	}
	kill_process(p, "page fault", addr);
}

static void __attribute__((noreturn)) system_call(struct proc *p)
{
	long nr = (long)p->r.x[17], a0 = (long)p->r.x[10], a1 = (long)p->r.x[11];
	const char *s;

	ecalls++;
	p->r.pc += 4; /* past the ecall */
	switch (nr) {
	case SYS_WRITE:
		s = guest_view(p, (uintptr_t)a0, (size_t)a1);
		if (s)
			printf("vguest: pid %d: %.*s\n", p->pid, (int)a1, s);
		p->r.x[10] = s ? (vireo_word_t)a1 : (vireo_word_t)-1;
		break;
	case SYS_GETPID:
		p->r.x[10] = (vireo_word_t)p->pid;
		break;
	case SYS_YIELD:
		p->r.x[10] = 0;
		schedule();
	case SYS_EXIT:
		printf("vguest: pid %d exited with %ld\n", p->pid, a0);
		p->state = EXITED;
		p->code = a0;
		if (vireo_kobject_delete(p->task) != VIREO_OK)
			halt("cannot delete a task");
		schedule();
	default:
		p->r.x[10] = (vireo_word_t)-1;
	}
	resume(p, 0, 0, 0);
}

/* Every event enters here, with virtual interrupts off, on entry_stack. */
static void __attribute__((noreturn)) entry(struct vireo_vcpu_state *state)
{
	struct proc *p = &procs[current];

	if (!(state->saved_state & VIREO_VCPU_USER_MODE))
		halt("event in the guest kernel itself"); /* it never enables interrupts there */
	p->r = state->r;
	switch (state->r.cause) {
	case VIREO_VCPU_CAUSE_IPC:
		if (state->ipc.label != TICK_LABEL)
			halt("unexpected message");
		ticks++;
		(void)vireo_irq_op(timer, VIREO_IRQ_UNMASK);
		preemptions++;
		schedule();
	case 8:
		system_call(p);
	case 12:
		page_fault(p, state->r.tval, true);
	case 13:
	case 15:
		page_fault(p, state->r.tval, false);
	default:
		kill_process(p, "exception", state->r.pc);
	}
}

static bool start_process(struct proc *p, int pid, long which)
{
	vireo_cap_t task = VIREO_SEL_FIRST_FREE + (vireo_cap_t)pid;
	uintptr_t gp;

	__asm__ volatile("mv %0, gp" : "=r"(gp));
	*p = (struct proc){ .pid = pid, .state = RUNNABLE, .task = task };
	p->r.pc = (uintptr_t)process;
	p->r.x[2] = PROC_MEM + PROC_PAGES * 4096UL;
	p->r.x[3] = gp;
	p->r.x[10] = (vireo_word_t)which;
	/* An empty task: every page it touches is a fault this kernel serves. */
	return vireo_factory_create_task(VIREO_SEL_FACTORY, task, 0, 0) == VIREO_OK;
}

int main(int argc, char **argv)
{
	uint64_t hz = vireo_boot_info->timebase_hz;

	(void)argc;
	(void)argv;

	timer = VIREO_SEL_FIRST_FREE;
	if (vireo_thread_vcpu_enable(VIREO_SEL_THREAD, AREA) != VIREO_OK)
		halt("cannot enable vCPU mode");
	v->entry_ip = (uintptr_t)entry;
	v->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	for (int i = 0; i < NPROC; i++)
		if (!start_process(&procs[i], i + 1, i + 1))
			halt("cannot create a process");
	if (vireo_factory_create_irq(VIREO_SEL_FACTORY, timer) != VIREO_OK ||
	    vireo_irq_bind(timer, VIREO_SEL_THREAD, TICK_LABEL) != VIREO_OK ||
	    vireo_irq_set_timer(timer, VIREO_IRQ_TIMER_PERIODIC, hz / 1000, hz / 1000) != VIREO_OK)
		halt("cannot start the tick");
	printf("vguest: %d processes, a tick every 1 ms\n", NPROC);
	current = NPROC - 1;
	schedule();
}
