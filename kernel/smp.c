/* Several harts (see kernel/smp.h); the lock rules are in docs/locking.md. */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/klock.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

/* How long a hart may take from the firmware's start call to its first kernel code. */
#define START_TIMEOUT_US 1000000
/* Spins on a busy lock before the hart dozes off between tries. */
#define SPINS_BEFORE_DOZE 64

struct klock klock;
struct cpu cpus[CPU_MAX];
unsigned cpu_count;

/* A TLB flush another hart asked for (it holds the lock and waits). */
static void serve_flush(void)
{
	struct cpu *c = cpu_this();

	if (__atomic_load_n(&c->flush_pending, __ATOMIC_ACQUIRE)) {
		arch_tlb_flush_all();
		__atomic_store_n(&c->flush_pending, false, __ATOMIC_RELEASE);
	}
}

void smp_relax(void)
{
	serve_flush();
	arch_doze();
}

void klock_wait(uint32_t ticket)
{
	unsigned spins = 0;

	while (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != ticket) {
		serve_flush();
		if (++spins < SPINS_BEFORE_DOZE) {
			cpu_relax();
		} else {
			arch_doze();
			spins = 0;
		}
	}
}

void smp_remote_flush(struct cpu *c)
{
	__atomic_store_n(&c->flush_pending, true, __ATOMIC_RELEASE);
	/* Its IPI flag may be set already; the interrupt is what matters, send it anyway. */
	c->kicked = true;
	arch_send_ipi(c);
	while (__atomic_load_n(&c->flush_pending, __ATOMIC_ACQUIRE))
		smp_relax();
}

void smp_kick(struct cpu *c)
{
	if (c == cpu_this() || c->kicked || (c->state != CPU_ONLINE && c->state != CPU_GOING_OFFLINE))
		return;
	c->kicked = true;
	arch_send_ipi(c);
}

void smp_kicked(void)
{
	cpu_this()->kicked = false;
	clock_reprogram(); /* timers may have moved here from a CPU gone offline */
}

uint64_t smp_online_mask(void)
{
	uint64_t mask = 0;

	for (unsigned i = 0; i < cpu_count; i++)
		if (cpu_online(&cpus[i]))
			mask |= 1UL << i;
	return mask;
}

/* Start c's hart and wait for it to run kernel code (it then waits for the lock). */
static bool bring_up(struct cpu *c)
{
	uint64_t give_up;

	__atomic_store_n(&c->started, false, __ATOMIC_RELAXED);
	if (!arch_cpu_start(c))
		return false;
	give_up = arch_time_now() + clock_ticks_from_us(START_TIMEOUT_US);
	while (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE)) {
		if (arch_time_now() > give_up)
			return false;
		smp_relax();
	}
	c->state = CPU_ONLINE;
	return true;
}

void smp_boot(void)
{
	unsigned online = 1;

	for (unsigned i = 1; i < cpu_count; i++) {
		if (bring_up(&cpus[i]))
			online++;
		else
			kprintf("smp: cpu %u did not start\n", i);
	}
	kprintf("smp: %u of %u cpu(s) online\n", online, cpu_count);
}

noreturn_fn void smp_secondary_main(void)
{
	struct cpu *c = cpu_this();

	__atomic_store_n(&c->started, true, __ATOMIC_RELEASE);
	klock_acquire();
	if (c->state != CPU_ONLINE)
		smp_cpu_stop(c); /* it came up after its starter gave up on it */
	sched_exit();
}

/* Move every thread queued on c to the boot CPU (c is no longer online). */
static void evacuate(struct cpu *c)
{
	while (c->rq.top >= 0) {
		struct thread *t = c->rq.head[c->rq.top];

		sched_remove(t);
		sched_ready(t);
	}
}

enum vireo_status smp_cpu_offline(unsigned n)
{
	struct cpu *c = &cpus[n];

	if (n >= cpu_count)
		return VIREO_E_ARG;
	if (c == cpu_boot() || c->state != CPU_ONLINE)
		return VIREO_E_BUSY;
	c->state = CPU_GOING_OFFLINE;
	evacuate(c);
	smp_kick(c); /* its running thread moves and it stops (a no-op on this hart) */
	return VIREO_OK;
}

noreturn_fn void smp_cpu_stop(struct cpu *c)
{
	evacuate(c); /* anything queued here since it was asked to go */
	timer_cancel(&c->slice_timer);
	clock_move_timers(c, cpu_boot());
	c->state = CPU_OFFLINE;
	c->kicked = false;
	smp_kick(cpu_boot()); /* it loads the timers it got */
	if (c->active_vm) {
		vmspace_activate_kernel();
		c->active_vm = 0;
	}
	klock_release();
	arch_cpu_stop();
}

enum vireo_status smp_cpu_online(unsigned n)
{
	struct cpu *c = &cpus[n];

	if (n >= cpu_count)
		return VIREO_E_ARG;
	if (c->state == CPU_ONLINE)
		return VIREO_OK;
	if (c->state != CPU_OFFLINE)
		return VIREO_E_BUSY;
	return bring_up(c) ? VIREO_OK : VIREO_E_BUSY;
}
