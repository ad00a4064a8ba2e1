/*
 * The vCPU: enabling, Irq events while virtual interrupts are on (every
 * register comes back), events that wait while they are off, virtual user
 * mode with ecall and page-fault events, and the error cases.
 */
#include "vtest.h"

#define LABEL 0x5a0
#define USER_FAULT_VA 0x7a000000UL

struct guest {
	vireo_cap_t self;
	struct vireo_vcpu_state *v;
	volatile int ready;    /* the area is set up: go */
	volatile int looping;  /* in its register loop with interrupts on */
	volatile int stop;
	volatile unsigned events;
	volatile unsigned handled;
	volatile unsigned bad; /* register-loop mismatches */
	volatile vireo_word_t label, cause;
	volatile uint64_t rounds;
	volatile int phase;
	volatile int triggered;
	volatile unsigned sticky_seen;
	volatile unsigned resume_failed;
	volatile unsigned nested_on_stack; /* kernel-mode events that ran below the interrupted sp */
};

static struct guest g;

static unsigned ncpus(void)
{
	return (unsigned)vireo_boot_info->ncpus;
}

/*
 * Hold known values in 12 registers for n rounds and check them every
 * round; 1 if one ever changed (an event that did not restore them).
 */
static uint64_t register_loop(uint64_t n)
{
	uint64_t bad;

	__asm__ volatile("li t0, 0x1001\n li t1, 0x1002\n li t2, 0x1003\n li t3, 0x1004\n"
			 "li t4, 0x1005\n li t5, 0x1006\n li t6, 0x1007\n li s2, 0x1008\n"
			 "li s3, 0x1009\n li s4, 0x100a\n li s5, 0x100b\n li s6, 0x100c\n"
			 "li %0, 0\n"
			 "1: addi %1, %1, -1\n"
			 "li a0, 0x1001\n bne t0, a0, 2f\n li a0, 0x1002\n bne t1, a0, 2f\n"
			 "li a0, 0x1003\n bne t2, a0, 2f\n li a0, 0x1004\n bne t3, a0, 2f\n"
			 "li a0, 0x1005\n bne t4, a0, 2f\n li a0, 0x1006\n bne t5, a0, 2f\n"
			 "li a0, 0x1007\n bne t6, a0, 2f\n li a0, 0x1008\n bne s2, a0, 2f\n"
			 "li a0, 0x1009\n bne s3, a0, 2f\n li a0, 0x100a\n bne s4, a0, 2f\n"
			 "li a0, 0x100b\n bne s5, a0, 2f\n li a0, 0x100c\n bne s6, a0, 2f\n"
			 "bnez %1, 1b\n j 3f\n"
			 "2: li %0, 1\n"
			 "3:\n"
			 : "=&r"(bad), "+r"(n)
			 :
			 : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "s2", "s3", "s4", "s5", "s6",
			   "a0", "memory");
	return bad;
}

/* An event from the guest's own kernel mode: note it, go back to what it interrupted. */
static void __attribute__((noreturn)) count_entry(struct vireo_vcpu_state *v)
{
	uintptr_t sp;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	/* From its own kernel mode an event runs on the interrupted stack, just below. */
	if (!(v->saved_state & VIREO_VCPU_USER_MODE) && sp < v->r.x[2] && v->r.x[2] - sp < 4096)
		g.nested_on_stack++;
	g.events++;
	g.label = v->ipc.label;
	g.cause = v->r.cause;
	vireo_thread_vcpu_resume(g.self);
	g.resume_failed++;
	for (;;)
		;
}

static void wait_ready(void)
{
	while (!g.ready)
		;
}

static void irq_guest(void *arg)
{
	(void)arg;
	wait_ready();
	g.v->state = VIREO_VCPU_IRQ;
	g.looping = 1;
	while (!g.stop) {
		g.bad |= (unsigned)register_loop(1000);
		g.rounds++;
	}
	vireo_vcpu_irq_disable(g.v);
}

/* A vCPU thread on the last CPU running fn, its state area set up with `entry`. */
static bool start_guest(vireo_cap_t *t, void (*fn)(void *), void (*entry)(struct vireo_vcpu_state *))
{
	uintptr_t area = vt_utcb();
	static char entry_stack[8192] __attribute__((aligned(16)));

	g = (struct guest){ 0 };
	if (!area || !vt_thread_on(t, fn, 0, ncpus() - 1, VT_PRIORITY - 1) ||
	    vireo_thread_vcpu_enable(*t, area) != VIREO_OK)
		return false;
	g.self = *t;
	g.v = (struct vireo_vcpu_state *)area;
	g.v->entry_ip = (uintptr_t)entry;
	g.v->entry_sp = (uintptr_t)entry_stack + sizeof(entry_stack);
	g.ready = 1;
	return g.v->version == VIREO_VCPU_VERSION;
}

static bool gone(vireo_cap_t thread)
{
	unsigned kind, rights;

	return vireo_kobject_info(thread, &kind, &rights) == VIREO_E_CAP;
}

static bool irq_for(vireo_cap_t thread, vireo_cap_t *irq)
{
	*irq = vt_sel();
	return vireo_factory_create_irq(VIREO_SEL_FACTORY, *irq) == VIREO_OK &&
	       vireo_irq_bind(*irq, thread, LABEL) == VIREO_OK;
}

VTEST(vcpu_irq_event_enters_and_resume_restores_every_register)
{
	vireo_cap_t t, irq;
	uint64_t rounds;

	EXPECT(start_guest(&t, irq_guest, count_entry));
	EXPECT(irq_for(t, &irq));
	EXPECT(VT_WAIT_UNTIL(g.looping, 200));
	for (unsigned i = 1; i <= 50; i++) {
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
		EXPECT(VT_WAIT_UNTIL(g.events == i, 200));
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	}
	EXPECT(g.label == LABEL && g.cause == VIREO_VCPU_CAUSE_IPC);
	rounds = g.rounds;
	EXPECT(VT_WAIT_UNTIL(g.rounds > rounds + 2, 200)); /* it went on where it was */
	g.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	EXPECT(g.bad == 0 && g.resume_failed == 0 && g.events == 50);
	EXPECT(g.nested_on_stack == 50);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

static void handle(struct vireo_vcpu_state *v)
{
	if (v->ipc.status == VIREO_OK && v->ipc.label == LABEL)
		g.handled++;
}

static void pending_guest(void *arg)
{
	(void)arg;
	wait_ready();
	g.v->state = 0; /* interrupts off: the Irq waits */
	g.phase = 1;
	while (!g.triggered)
		;
	g.sticky_seen = g.v->sticky;
	vireo_vcpu_irq_enable(g.v, handle); /* fetches it, no event entry */
	g.phase = 2;
	while (!g.stop)
		;
	vireo_vcpu_irq_disable(g.v);
}

VTEST(vcpu_events_wait_while_interrupts_are_off)
{
	vireo_cap_t t, irq;

	EXPECT(start_guest(&t, pending_guest, count_entry));
	EXPECT(irq_for(t, &irq));
	EXPECT(VT_WAIT_UNTIL(g.phase == 1, 200));
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	g.triggered = 1;
	EXPECT(VT_WAIT_UNTIL(g.phase == 2, 200));
	EXPECT(g.sticky_seen & VIREO_VCPU_STICKY_PENDING);
	EXPECT(g.handled == 1 && g.events == 0);
	/* With interrupts on, the next one enters at once. */
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(g.events == 1, 200));
	g.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	EXPECT(!(g.v->sticky & VIREO_VCPU_STICKY_PENDING));
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

/* ---- virtual user mode ---- */

static struct vt_helper user;
static volatile uint64_t user_got, user_read, user_t3;
static volatile unsigned user_faults, user_exits, user_ecalls, user_state_ok;
static char user_stack[8192] __attribute__((aligned(16)));
static uintptr_t user_page;

/* An ecall the guest kernel serves: a7 = number, a0 = argument; it adds 1 to a0 and t3. */
static uint64_t user_ecall(uint64_t nr, uint64_t arg, uint64_t *t3_after)
{
	register uint64_t a0 __asm__("a0") = arg;
	register uint64_t a7 __asm__("a7") = nr;
	uint64_t t3;

	__asm__ volatile("li t3, 0x7733\n ecall\n mv %1, t3"
			 : "+r"(a0), "=r"(t3)
			 : "r"(a7)
			 : "t3", "memory");
	*t3_after = t3;
	return a0;
}

/* Runs in the user task, in U-mode, as a process of the guest. */
static void __attribute__((noreturn)) user_program(void)
{
	uint64_t t3;

	user_got = user_ecall(1, 41, &t3);
	user_t3 = t3;
	user_read = *(volatile uint64_t *)USER_FAULT_VA; /* a page fault the guest serves */
	user_ecall(2, 0, &t3);
	for (;;)
		;
}

/* The guest kernel's entry for events from its process. */
static void __attribute__((noreturn)) user_entry(struct vireo_vcpu_state *v)
{
	if ((v->saved_state & VIREO_VCPU_USER_MODE) && !(v->state & VIREO_VCPU_USER_MODE) &&
	    !(v->state & VIREO_VCPU_IRQ))
		user_state_ok++;
	if (v->r.cause == 8 && v->r.x[17] == 1) {
		user_ecalls++;
		v->r.x[10] += 1;
		v->r.x[28] += 1; /* t3: every register goes both ways */
		v->r.pc += 4;    /* the kernel leaves pc on the ecall */
	} else if (v->r.cause == 13 && v->r.tval == USER_FAULT_VA) {
		/* Answer the fault and resume in one call: the page travels with the resume. */
		user_faults++;
		vireo_thread_vcpu_resume_map(g.self, vireo_fpage_mem(user_page, 12, VIREO_MEM_R),
					     USER_FAULT_VA);
		g.resume_failed++;
	} else {
		user_exits++;
		vireo_wait(VIREO_TIMEOUT_NEVER); /* the process is done; the test deletes us */
	}
	vireo_thread_vcpu_resume(g.self);
	g.resume_failed++;
	for (;;)
		;
}

static void user_guest(void *arg)
{
	struct vireo_vcpu_state *v;
	uintptr_t gp;

	(void)arg;
	wait_ready();
	v = g.v;
	__asm__ volatile("mv %0, gp" : "=r"(gp));
	v->user_task = user.task;
	v->r = (struct vireo_vcpu_regs){ 0 };
	v->r.pc = (uintptr_t)user_program;
	v->r.x[2] = (uintptr_t)user_stack + sizeof(user_stack);
	v->r.x[3] = gp;
	v->saved_state = VIREO_VCPU_USER_MODE;
	vireo_thread_vcpu_resume(g.self);
	g.resume_failed++;
}

VTEST(vcpu_user_mode_ecall_and_page_fault_are_events)
{
	vireo_cap_t t;

	user_got = user_read = user_t3 = 0;
	user_faults = user_exits = user_ecalls = user_state_ok = 0;
	user_page = vt_pages(0);
	EXPECT(user_page);
	*(volatile uint64_t *)user_page = 0xfacade;
	EXPECT(vt_helper_task(&user));
	EXPECT(vt_rights_at(user.task, USER_FAULT_VA, 0) == 0);
	EXPECT(start_guest(&t, user_guest, user_entry));
	EXPECT(VT_WAIT_UNTIL(user_exits == 1, 500));
	EXPECT(g.resume_failed == 0 && g.bad == 0);
	EXPECT(user_ecalls == 1 && user_got == 42 && user_t3 == 0x7734);
	EXPECT(user_faults == 1 && user_read == 0xfacade);
	EXPECT(user_state_ok == 3);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT(vt_helper_done(&user));
	return true;
}

static void idle_thread(void *arg)
{
	(void)arg;
	vireo_wait(VIREO_TIMEOUT_NEVER);
}

VTEST(vcpu_enable_and_resume_refuse_bad_requests)
{
	vireo_cap_t t, unbound = vt_sel(), irq;
	uintptr_t area = vt_utcb(), own_utcb = VIREO_ROOT_UTCB_AREA;
	struct vireo_vcpu_state *v = (struct vireo_vcpu_state *)area;

	EXPECT(area);
	EXPECT(vt_thread(&t, idle_thread, 0));
	EXPECT_ST(vireo_thread_vcpu_enable(t, area + 8), VIREO_E_ARG);        /* not a slot */
	EXPECT_ST(vireo_thread_vcpu_enable(t, 0x1000), VIREO_E_ARG);          /* not UTCB area */
	EXPECT_ST(vireo_thread_vcpu_enable(t, own_utcb), VIREO_E_EXISTS);     /* a thread's UTCB */
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, unbound), VIREO_OK);
	EXPECT_ST(vireo_thread_vcpu_enable(unbound, area), VIREO_E_BUSY);    /* not bound */
	EXPECT_ST(vireo_thread_vcpu_enable(t, area), VIREO_OK);
	EXPECT(v->version == VIREO_VCPU_VERSION);
	EXPECT_ST(vireo_thread_vcpu_enable(t, area), VIREO_E_BUSY);          /* one-way, once */
	EXPECT_ST(vireo_thread_bind(unbound, VIREO_SEL_TASK, area), VIREO_E_EXISTS);
	EXPECT_ST(vireo_thread_vcpu_resume(t), VIREO_E_ARG);                 /* not the caller */
	EXPECT_ST(vireo_thread_vcpu_resume(VIREO_SEL_THREAD), VIREO_E_BUSY); /* not a vCPU */
	EXPECT(irq_for(t, &irq));
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(unbound), VIREO_OK);
	return true;
}

/* A vCPU whose resume into user mode names a bad task gets the error back, and runs on. */
static volatile int bad_task_status[5];

static void bad_task_guest(void *arg)
{
	(void)arg;
	wait_ready();
	g.v->saved_state = VIREO_VCPU_USER_MODE;
	g.v->user_task = 4000; /* empty selector */
	bad_task_status[0] = vireo_thread_vcpu_resume(g.self);
	g.v->user_task = VIREO_SEL_TASK; /* its own task */
	bad_task_status[1] = vireo_thread_vcpu_resume(g.self);
	g.v->user_task = VIREO_SEL_SCHEDULER; /* not a task */
	bad_task_status[2] = vireo_thread_vcpu_resume(g.self);
	/* A map item, a capability item: only memory, and only into a user task. */
	g.v->user_task = user.task;
	vireo_utcb()->mr[0] = VIREO_THREAD_VCPU_RESUME;
	vireo_utcb()->mr[1] = vireo_item_cap(0);
	vireo_utcb()->mr[2] = vireo_fpage_cap(VIREO_SEL_TASK, 0, VIREO_CAP_READ);
	bad_task_status[3] = vireo_call(g.self, vireo_tag(VIREO_PROTO_THREAD, 1, 1), 0).status;
	g.v->saved_state = 0;
	bad_task_status[4] = vireo_thread_vcpu_resume_map(
		g.self, vireo_fpage_mem(user_page, 12, VIREO_MEM_R), USER_FAULT_VA);
	g.phase = 1;
	vireo_wait(VIREO_TIMEOUT_NEVER);
}

VTEST(vcpu_resume_with_a_bad_user_task_or_item_fails_cleanly)
{
	vireo_cap_t t;

	for (unsigned i = 0; i < 5; i++)
		bad_task_status[i] = -1;
	user_page = vt_pages(0);
	EXPECT(user_page && vt_helper_task(&user));
	EXPECT(start_guest(&t, bad_task_guest, count_entry));
	EXPECT(VT_WAIT_UNTIL(g.phase == 1, 200));
	EXPECT(bad_task_status[0] == VIREO_E_CAP);
	EXPECT(bad_task_status[1] == VIREO_E_ARG);
	EXPECT(bad_task_status[2] == VIREO_E_ARG);
	EXPECT(bad_task_status[3] == VIREO_E_ARG);
	EXPECT(bad_task_status[4] == VIREO_E_ARG);
	EXPECT(vt_rights_at(user.task, USER_FAULT_VA, 0) == 0); /* nothing was mapped */
	EXPECT(g.events == 0);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT(vt_helper_done(&user));
	return true;
}

/* ---- the race between events and the virtual interrupt flag ---- */

#define RACE_EVENTS 100000

static vireo_cap_t race_irq;
static volatile uint64_t race_triggered, race_handled, race_dups, race_wrong;
static volatile uint64_t race_entries, race_fetched;

static void race_handle(struct vireo_vcpu_state *v)
{
	if (v->ipc.status != VIREO_OK || v->ipc.label != LABEL) {
		race_wrong++;
		return;
	}
	race_handled++;
	if (race_handled > race_triggered)
		race_dups++; /* more deliveries than triggers */
	if (vireo_irq_op(race_irq, VIREO_IRQ_UNMASK) != VIREO_OK)
		race_wrong++;
}

static void race_fetch_handle(struct vireo_vcpu_state *v)
{
	race_fetched++;
	race_handle(v);
}

static void __attribute__((noreturn)) race_entry(struct vireo_vcpu_state *v)
{
	race_entries++;
	race_handle(v);
	vireo_thread_vcpu_resume(g.self);
	g.resume_failed++;
	for (;;)
		;
}

/* The vCPU: toggle the flag as fast as it can; events enter or wait and get fetched. */
static void race_guest(void *arg)
{
	(void)arg;
	wait_ready();
	g.looping = 1;
	while (!g.stop) {
		unsigned old = vireo_vcpu_irq_disable(g.v);

		g.rounds++;
		vireo_vcpu_irq_restore(g.v, old | VIREO_VCPU_IRQ, race_fetch_handle);
		g.bad |= (unsigned)register_loop(3);
	}
	vireo_vcpu_irq_disable(g.v);
}

/* On another hart: trigger the next Irq as soon as the last one was handled. */
static void race_trigger(void *arg)
{
	(void)arg;
	while (!g.looping)
		;
	for (uint64_t i = 0; i < RACE_EVENTS; i++) {
		while (race_handled != i && !g.stop)
			;
		if (g.stop)
			break;
		race_triggered = i + 1;
		if (vireo_irq_op(race_irq, VIREO_IRQ_TRIGGER) != VIREO_OK)
			race_wrong++;
	}
	g.phase = 1;
}

/*
 * 10^5 Irqs from another hart while the vCPU toggles its flag in a tight
 * loop: each one is handled exactly once, either by an event entry or by
 * the fetch when the flag goes back on.
 */
VTEST(race_vcpu_irq_flag_loses_and_duplicates_nothing)
{
	vireo_cap_t t, trig;
	unsigned last = ncpus() - 1;

	race_triggered = race_handled = race_dups = race_wrong = 0;
	race_entries = race_fetched = 0;
	EXPECT(ncpus() >= 2);
	EXPECT(start_guest(&t, race_guest, race_entry));
	EXPECT(irq_for(t, &race_irq));
	EXPECT(vt_thread_on(&trig, race_trigger, 0, last == 1 ? 0 : 1, VT_PRIORITY - 1));
	/* Wait for the end; if an event is lost, the trigger thread stalls and this times out. */
	for (uint64_t seen = 0; g.phase == 0;) {
		vt_sleep_us(20000);
		if (race_handled == seen)
			break; /* no progress in 20 ms: something was lost */
		seen = race_handled;
	}
	EXPECT(VT_WAIT_UNTIL(race_handled == race_triggered, 200));
	printf("# %lu events: %lu entered, %lu fetched after the flag went on\n",
	       (unsigned long)race_handled, (unsigned long)race_entries,
	       (unsigned long)race_fetched);
	g.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t) && gone(trig), 500));
	EXPECT(race_triggered == RACE_EVENTS && race_handled == RACE_EVENTS);
	EXPECT(race_dups == 0 && race_wrong == 0 && g.bad == 0 && g.resume_failed == 0);
	EXPECT(race_entries > 0 && race_fetched > 0); /* both ways were taken */
	EXPECT_ST(vireo_kobject_delete(race_irq), VIREO_OK);
	return true;
}

/* ---- idling, and user tasks and vCPUs that go away ---- */

static void idle_guest(void *arg)
{
	(void)arg;
	wait_ready();
	g.phase = 1;
	vireo_vcpu_idle(g.v, handle); /* sleeps until the Irq, handles it, interrupts on */
	g.phase = 2;
	while (!g.stop)
		;
	vireo_vcpu_irq_disable(g.v);
}

VTEST(vcpu_idle_sleeps_until_an_event_and_handles_it)
{
	vireo_cap_t t, irq;
	uint64_t idle0, idle1;
	unsigned c = ncpus() - 1;

	EXPECT(start_guest(&t, idle_guest, count_entry));
	EXPECT(irq_for(t, &irq));
	EXPECT(VT_WAIT_UNTIL(g.phase == 1, 200));
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, c, &idle0), VIREO_OK);
	vt_sleep_us(2000);
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, c, &idle1), VIREO_OK);
	EXPECT(g.phase == 1 && idle1 > idle0); /* asleep in the kernel, its hart idle */
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(g.phase == 2, 200));
	EXPECT(g.handled == 1 && g.events == 0);
	g.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

static volatile uint64_t spins_in_user;
static volatile unsigned gone_events, gone_cause, gone_resume_status;

static void __attribute__((noreturn)) user_spinner(void)
{
	for (;;)
		spins_in_user++;
}

/* After the user task is deleted: the next fault is an event, the next resume an error. */
static void __attribute__((noreturn)) gone_entry(struct vireo_vcpu_state *v)
{
	gone_events++;
	gone_cause = (unsigned)v->r.cause;
	gone_resume_status = vireo_thread_vcpu_resume(g.self);
	g.phase = 2;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;)
		;
}

static void spinner_guest(void *arg)
{
	uintptr_t gp;

	(void)arg;
	wait_ready();
	__asm__ volatile("mv %0, gp" : "=r"(gp));
	g.v->user_task = user.task;
	g.v->r = (struct vireo_vcpu_regs){ 0 };
	g.v->r.pc = (uintptr_t)user_spinner;
	g.v->r.x[2] = (uintptr_t)user_stack + sizeof(user_stack);
	g.v->r.x[3] = gp;
	g.v->saved_state = VIREO_VCPU_USER_MODE;
	g.phase = 1;
	vireo_thread_vcpu_resume(g.self);
	g.resume_failed++;
}

VTEST(vcpu_user_task_deleted_under_it_is_a_fault_then_an_error)
{
	vireo_cap_t t;
	uint64_t limit, before, after;

	spins_in_user = 0;
	gone_events = gone_cause = 0;
	gone_resume_status = ~0u;
	vt_sels_ready(8);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT(vt_helper_task(&user));
	EXPECT(start_guest(&t, spinner_guest, gone_entry));
	EXPECT(VT_WAIT_UNTIL(spins_in_user > 1000, 500));
	/* Deleted while the vCPU runs in it on another hart: its memory goes at once. */
	EXPECT(vt_helper_done(&user));
	EXPECT(VT_WAIT_UNTIL(g.phase == 2, 500));
	EXPECT(gone_events == 1 && gone_cause == 12); /* instruction page fault */
	EXPECT(gone_resume_status == VIREO_E_CAP);
	EXPECT(g.resume_failed == 0);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before); /* the task's last reference went with the vCPU's */
	return true;
}

VTEST(vcpu_deleted_while_in_user_mode_on_another_hart)
{
	vireo_cap_t t;
	uint64_t spins;

	spins_in_user = 0;
	EXPECT(ncpus() >= 2);
	EXPECT(vt_helper_task(&user));
	EXPECT(start_guest(&t, spinner_guest, gone_entry));
	EXPECT(VT_WAIT_UNTIL(spins_in_user > 1000, 500));
	{
		uintptr_t ip, sp;

		/* Its registers are its guest's now (in the state area), not ex_regs'. */
		EXPECT_ST(vireo_thread_ex_regs(t, 0x1000, ~0UL, &ip, &sp), VIREO_E_BUSY);
	}
	spins = spins_in_user;
	EXPECT(VT_WAIT_UNTIL(spins_in_user > spins + 1000, 500)); /* and it runs on */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	spins = spins_in_user;
	vt_sleep_us(2000);
	EXPECT(spins_in_user == spins); /* its hart left it */
	EXPECT(vt_helper_done(&user));
	return true;
}
