/*
 * Several CPUs: placement, migration, IPC across harts, remote ex_regs and
 * delete, TLB shootdown, concurrent map/unmap, CPUs going off- and online.
 * They need at least two CPUs (the system tests boot these with -smp 2
 * and -smp 4).
 */
#include "vtest.h"

#define ALIAS 0x68000000UL
#define STRESS_BASE 0x6c000000UL
#define RW (VIREO_MEM_R | VIREO_MEM_W)

static unsigned ncpus(void)
{
	return (unsigned)vireo_boot_info->ncpus;
}

static unsigned last_cpu(void)
{
	return ncpus() - 1;
}

struct where {
	volatile unsigned cpu;
	volatile unsigned seen; /* bit n: it ran on CPU n */
	volatile uint64_t spins;
	volatile int stop;
};

/* Spin until told to stop, noting the CPU it runs on. */
static void wanderer(void *arg)
{
	struct where *w = arg;

	while (!w->stop) {
		unsigned c;

		if (vireo_sched_this_cpu(VIREO_SEL_SCHEDULER, &c) == VIREO_OK) {
			w->cpu = c;
			w->seen |= 1u << c;
		}
		w->spins++;
	}
}

static bool gone(vireo_cap_t thread)
{
	unsigned kind, rights;

	return vireo_kobject_info(thread, &kind, &rights) == VIREO_E_CAP;
}

VTEST(smp_threads_run_on_the_cpu_they_are_placed_on)
{
	static struct where w[8];
	vireo_cap_t t[8];

	EXPECT(ncpus() >= 2 && ncpus() <= 8);
	for (unsigned c = 0; c < ncpus(); c++) {
		w[c] = (struct where){ .cpu = ~0u };
		/* Below this thread: on CPU 0 it runs while this one sleeps. */
		EXPECT(vt_thread_on(&t[c], wanderer, &w[c], c, VT_PRIORITY - 1));
	}
	for (unsigned c = 0; c < ncpus(); c++) {
		EXPECT(VT_WAIT_UNTIL(w[c].spins > 10, 200));
		EXPECT(w[c].cpu == c && w[c].seen == 1u << c);
	}
	for (unsigned c = 0; c < ncpus(); c++)
		w[c].stop = 1;
	for (unsigned c = 0; c < ncpus(); c++)
		EXPECT(VT_WAIT_UNTIL(gone(t[c]), 200));
	return true;
}

VTEST(smp_migration_moves_a_running_thread)
{
	static struct where w;
	vireo_cap_t t;
	unsigned path[3] = { 1, 0, last_cpu() };

	w = (struct where){ .cpu = ~0u };
	EXPECT(ncpus() >= 2);
	EXPECT(vt_thread_on(&t, wanderer, &w, path[0], VT_PRIORITY - 1));
	EXPECT(VT_WAIT_UNTIL(w.cpu == path[0], 200));
	for (unsigned i = 1; i < 3; i++) {
		EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, path[i], VT_PRIORITY - 1, 0),
			  VIREO_OK);
		EXPECT(VT_WAIT_UNTIL(w.cpu == path[i], 200));
	}
	w.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	return true;
}

/* Echo server for the ping-pong: MR0 + 1 back, and MR1 = the CPU it runs on. */
static void pong(void *arg)
{
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r;
	unsigned here = ~0u;

	(void)arg;
	(void)vireo_sched_this_cpu(VIREO_SEL_SCHEDULER, &here); /* (it uses the MRs) */
	r = vireo_wait(VIREO_TIMEOUT_NEVER);
	while (r.status == VIREO_OK && u->mr[0] != ~0ULL) {
		u->mr[0] += 1;
		u->mr[1] = here;
		r = vireo_reply_wait(vireo_tag(0, 2, 0), VIREO_TIMEOUT_NEVER);
	}
	vireo_reply(vireo_tag(0, 0, 0));
}

VTEST(smp_ipc_ping_pong_across_harts)
{
	struct vireo_utcb *u = vireo_utcb();
	vireo_cap_t t, gate = vt_sel();
	unsigned here;

	EXPECT(ncpus() >= 2);
	EXPECT_ST(vireo_sched_this_cpu(VIREO_SEL_SCHEDULER, &here), VIREO_OK);
	EXPECT(here == 0);
	EXPECT(vt_thread_on(&t, pong, 0, last_cpu(), VT_PRIORITY));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x70), VIREO_OK);
	for (uint64_t i = 0; i < 2000; i++) {
		struct vireo_ret r;

		u->mr[0] = i;
		r = vireo_call(gate, vireo_tag(0, 1, 0), 0);
		EXPECT_ST(r.status, VIREO_OK);
		EXPECT(vireo_tag_words(r.tag) == 2 && u->mr[0] == i + 1 && u->mr[1] == last_cpu());
	}
	u->mr[0] = ~0ULL;
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 1, 0), 0).status, VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

struct spinner {
	volatile uint64_t spins;
	volatile int landed;
};

static struct spinner spin_state;

static void spin_forever(void *arg)
{
	struct spinner *s = arg;

	for (;;)
		s->spins++;
}

/* Where ex_regs sends the spinner: a loop of its own that says it arrived. */
static void __attribute__((noreturn)) landing(void)
{
	for (;;)
		spin_state.landed = 1;
}

VTEST(smp_ex_regs_and_delete_reach_a_thread_running_elsewhere)
{
	vireo_cap_t t;
	uintptr_t old_ip, old_sp;
	uint64_t idle0, idle1, hz = vireo_boot_info->timebase_hz;

	spin_state = (struct spinner){ 0 };
	EXPECT(ncpus() >= 2);
	EXPECT(vt_thread_on(&t, spin_forever, &spin_state, last_cpu(), VT_PRIORITY));
	EXPECT(VT_WAIT_UNTIL(spin_state.spins > 1000, 200));
	/* It runs on the other hart right now: ex_regs stops it there first. */
	EXPECT_ST(vireo_thread_ex_regs(t, (uintptr_t)landing, ~0UL, &old_ip, &old_sp), VIREO_OK);
	EXPECT(old_ip >= (uintptr_t)spin_forever && old_ip < (uintptr_t)landing);
	EXPECT(VT_WAIT_UNTIL(spin_state.landed, 200));
	/* Deleted while it runs there: that hart leaves it and goes idle. */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT(gone(t));
	spin_state.landed = 0;
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, last_cpu(), &idle0), VIREO_OK);
	vt_sleep_us(3000);
	EXPECT_ST(vireo_sched_idle_time(VIREO_SEL_SCHEDULER, last_cpu(), &idle1), VIREO_OK);
	EXPECT(spin_state.landed == 0);
	EXPECT(idle1 - idle0 >= hz * 2 / 1000);
	return true;
}

/* A page fault arrives here; the faulting thread stays blocked (no reply). */
struct fault_seen {
	volatile vireo_word_t addr;
	volatile int count;
};

static void silent_pager(void *arg)
{
	struct fault_seen *f = arg;
	struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

	while (r.status == VIREO_OK) {
		f->addr = vireo_utcb()->mr[0];
		f->count++;
		r = vireo_wait(VIREO_TIMEOUT_NEVER);
	}
}

struct reader {
	volatile uint64_t reads;
	volatile uint64_t value;
};

static void read_alias(void *arg)
{
	struct reader *r = arg;

	for (;;) {
		r->value = *(volatile uint64_t *)ALIAS;
		r->reads++;
	}
}

VTEST(smp_unmap_shoots_down_the_tlb_of_another_hart)
{
	static struct fault_seen f;
	static struct reader rd;
	vireo_cap_t pager, gate = vt_sel(), t;
	uintptr_t page = vt_pages(0);
	uint64_t reads;

	f = (struct fault_seen){ 0 };
	rd = (struct reader){ 0 };
	EXPECT(ncpus() >= 2 && page);
	*(volatile uint64_t *)page = 0x5eed;
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, RW), ALIAS), VIREO_OK);
	EXPECT(vt_thread_on(&pager, silent_pager, &f, 0, VT_PRIORITY + 1));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, pager, 0x90), VIREO_OK);
	EXPECT(vt_thread_on(&t, read_alias, &rd, last_cpu(), VT_PRIORITY));
	EXPECT_ST(vireo_thread_control(t, VIREO_THREAD_CTL_PAGER, gate, 0, 0), VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(rd.reads > 1000, 200));
	EXPECT(rd.value == 0x5eed);
	/* The reader's hart has the translation cached; the unmap must reach it. */
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(page, 12, 0), VIREO_MEM_RWX, 0),
		  VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(f.count == 1, 200));
	EXPECT(f.addr == ALIAS);
	reads = rd.reads;
	vt_sleep_us(2000);
	EXPECT(rd.reads == reads); /* blocked in its fault, not reading a stale TLB entry */
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(pager), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

struct stress {
	vireo_cap_t target;   /* a task every worker maps into */
	uintptr_t page;       /* the one source page they all map */
	unsigned index;
	volatile int errors;
	volatile int done;
};

/* Map the shared page into the target at this worker's slot and take it back, many times. */
static void map_worker(void *arg)
{
	struct stress *s = arg;
	uintptr_t dst = STRESS_BASE + s->index * 0x200000UL;

	for (unsigned i = 0; i < 300; i++) {
		uintptr_t at = dst + (i % 16) * 0x1000UL;

		if (vireo_task_map(s->target, vireo_fpage_mem(s->page, 12, RW), at) != VIREO_OK)
			s->errors++;
		if (vireo_task_unmap(s->target, vireo_fpage_mem(at, 12, 0), VIREO_MEM_RWX,
				     VIREO_UNMAP_SELF) != VIREO_OK)
			s->errors++;
	}
	s->done = 1;
}

VTEST(smp_concurrent_map_unmap_loses_and_leaks_nothing)
{
	static struct stress s[8];
	vireo_cap_t target = vt_sel(), t[8];
	uintptr_t page = vt_pages(0);
	uint64_t limit, before, after;

	EXPECT(ncpus() >= 2 && ncpus() <= 8 && page);
	vt_sels_ready(8);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, target, 0, 0), VIREO_OK);
	for (unsigned c = 0; c < ncpus(); c++) {
		s[c] = (struct stress){ .target = target, .page = page, .index = c };
		EXPECT(vt_thread_on(&t[c], map_worker, &s[c], c, VT_PRIORITY - 1));
	}
	for (unsigned c = 0; c < ncpus(); c++) {
		EXPECT(VT_WAIT_UNTIL(s[c].done, 5000));
		EXPECT(s[c].errors == 0);
	}
	for (unsigned c = 0; c < ncpus(); c++)
		for (unsigned i = 0; i < 16; i++)
			EXPECT(vt_rights_at(target, STRESS_BASE + c * 0x200000UL + i * 0x1000UL, 0) == 0);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, page, 0) == VIREO_MEM_RWX);
	for (unsigned c = 0; c < ncpus(); c++)
		EXPECT(VT_WAIT_UNTIL(gone(t[c]), 200));
	EXPECT_ST(vireo_kobject_delete(target), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before); /* every node and table came back */
	return true;
}

static uint64_t online_mask(void)
{
	unsigned n;
	uint64_t hz, online = 0;

	(void)vireo_sched_info(VIREO_SEL_SCHEDULER, &n, &hz, &online);
	return online;
}

VTEST(smp_cpu_offline_and_online)
{
	static struct where w;
	vireo_cap_t t;
	unsigned c = last_cpu();

	w = (struct where){ .cpu = ~0u };
	EXPECT(ncpus() >= 2);
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_OFFLINE, 0),
		  VIREO_E_BUSY);
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_OFFLINE, ncpus()),
		  VIREO_E_ARG);
	EXPECT(vt_thread_on(&t, wanderer, &w, c, VT_PRIORITY - 1));
	EXPECT(VT_WAIT_UNTIL(w.cpu == c, 200));
	/* Its thread moves to CPU 0 (it runs there while this thread sleeps). */
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_OFFLINE, c), VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(!(online_mask() & (1UL << c)), 200));
	EXPECT(VT_WAIT_UNTIL(w.cpu == 0, 200));
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, c, VT_PRIORITY - 1, 0),
		  VIREO_E_BUSY);
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_OFFLINE, c),
		  VIREO_E_BUSY);
	/* Back online, it runs threads again. */
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_ONLINE, c), VIREO_OK);
	EXPECT(online_mask() & (1UL << c));
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, c, VT_PRIORITY - 1, 0), VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(w.cpu == c, 200));
	EXPECT_ST(vireo_platform_cpu(VIREO_SEL_PLATFORM, VIREO_PLATFORM_CPU_ONLINE, c), VIREO_OK);
	w.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	return true;
}

struct caller {
	vireo_cap_t gate;
	volatile uint64_t calls;
	volatile int errors;
	volatile int stop;
};

/* Call the pong server until told to stop (fast-path IPC from whatever CPU it is on). */
static void keep_calling(void *arg)
{
	struct caller *k = arg;
	struct vireo_utcb *u = vireo_utcb();

	while (!k->stop) {
		u->mr[0] = k->calls;
		if (vireo_call(k->gate, vireo_tag(0, 1, 0), 0).status != VIREO_OK ||
		    u->mr[0] != k->calls + 1)
			k->errors++;
		k->calls++;
	}
}

/*
 * Moved back and forth while it makes calls: a thread moved while it runs
 * and then blocked in IPC must resume on its new CPU with that hart's
 * kernel stack, whichever path wakes it.
 */
VTEST(smp_migrating_a_thread_in_ipc_keeps_it_whole)
{
	static struct caller k;
	vireo_cap_t server, gate = vt_sel(), t;

	EXPECT(ncpus() >= 2);
	EXPECT(vt_thread_on(&server, pong, 0, 0, VT_PRIORITY + 1));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, server, 0x80), VIREO_OK);
	k = (struct caller){ .gate = gate };
	EXPECT(vt_thread_on(&t, keep_calling, &k, last_cpu(), VT_PRIORITY - 1));
	for (unsigned i = 0; i < 200; i++) {
		unsigned to = i % 2 ? last_cpu() : 0;
		uint64_t seen = k.calls;

		EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, to, VT_PRIORITY - 1, 0),
			  VIREO_OK);
		EXPECT(VT_WAIT_UNTIL(k.calls > seen + 2, 200));
	}
	k.stop = 1;
	EXPECT(VT_WAIT_UNTIL(gone(t), 200));
	EXPECT(k.errors == 0);
	vireo_utcb()->mr[0] = ~0ULL;
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 1, 0), 0).status, VIREO_OK);
	EXPECT(VT_WAIT_UNTIL(gone(server), 200));
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}

struct churn {
	unsigned cpu;
	uintptr_t page;
	volatile unsigned errors, rounds;
	volatile int done;
};

#define CHURN_ROUNDS 150

/*
 * Objects made and destroyed on every CPU at once: a task with a mapping,
 * a thread bound to it, a gate and a pending Irq on that thread, all
 * deleted again (the task takes its thread with it).
 */
static void churn_worker(void *arg)
{
	struct churn *w = arg;
	vireo_cap_t base = 3000 + w->cpu * 8, task = base, thread = base + 1, gate = base + 2,
		    irq = base + 3;

	for (unsigned i = 0; i < CHURN_ROUNDS; i++) {
		unsigned bad = 0;

		bad += vireo_factory_create_task(VIREO_SEL_FACTORY, task, 0, 0) != VIREO_OK;
		bad += vireo_factory_create_thread(VIREO_SEL_FACTORY, thread) != VIREO_OK;
		bad += vireo_thread_bind(thread, task, 0) != VIREO_OK;
		bad += vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, thread, 0x40) != VIREO_OK;
		bad += vireo_factory_create_irq(VIREO_SEL_FACTORY, irq) != VIREO_OK;
		bad += vireo_irq_bind(irq, thread, 0x80) != VIREO_OK;
		bad += vireo_irq_op(irq, VIREO_IRQ_TRIGGER) != VIREO_OK;
		bad += vireo_task_map(task, vireo_fpage_mem(w->page, 12, RW), 0x10000000UL) != VIREO_OK;
		bad += vireo_kobject_delete(task) != VIREO_OK;
		bad += vireo_kobject_delete(gate) != VIREO_OK;
		bad += vireo_kobject_delete(irq) != VIREO_OK;
		w->errors += bad;
		w->rounds++;
	}
	w->done = 1;
}

VTEST(smp_objects_made_and_destroyed_on_every_cpu_at_once)
{
	static struct churn w[8];
	vireo_cap_t t[8];
	uint64_t limit, before, after;

	EXPECT(ncpus() >= 2 && ncpus() <= 8);
	vt_sels_ready(8);
	for (unsigned c = 0; c < ncpus(); c++) {
		w[c] = (struct churn){ .cpu = c, .page = vt_pages(0) };
		EXPECT(w[c].page);
		/* The selectors' tables exist before the quota is read: they stay. */
		EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, 3000 + c * 8 + 3), VIREO_OK);
		EXPECT_ST(vireo_kobject_delete(3000 + c * 8 + 3), VIREO_OK);
	}
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	for (unsigned c = 0; c < ncpus(); c++)
		EXPECT(vt_thread_on(&t[c], churn_worker, &w[c], c, VT_PRIORITY - 1));
	for (unsigned c = 0; c < ncpus(); c++)
		EXPECT(VT_WAIT_UNTIL(w[c].done, 5000));
	for (unsigned c = 0; c < ncpus(); c++) {
		EXPECT(w[c].rounds == CHURN_ROUNDS && w[c].errors == 0);
		EXPECT(VT_WAIT_UNTIL(gone(t[c]), 200));
	}
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before); /* every object, table and node came back */
	return true;
}
