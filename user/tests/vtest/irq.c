/* Irq objects: software triggers, masking, binding, closed receive, timers. */
#include "vtest.h"

#define IRQ_LABEL 0x770

/* Receive with a timeout; the label of what came, or 0 for nothing. */
static vireo_word_t receive_irq(vireo_cap_t from, uint64_t us)
{
	struct vireo_ret r = from == VIREO_CAP_INVALID ? vireo_wait(vireo_timeout_ns(us * 1000))
						     : vireo_recv(from, vireo_timeout_ns(us * 1000));

	if (r.status != VIREO_OK || vireo_tag_label(r.tag) != VIREO_PROTO_IRQ ||
	    vireo_tag_words(r.tag) != 0)
		return 0;
	return r.label;
}

static bool new_irq(vireo_cap_t *irq)
{
	*irq = vt_sel();
	return vireo_factory_create_irq(VIREO_SEL_FACTORY, *irq) == VIREO_OK &&
	       vireo_irq_bind(*irq, VIREO_SEL_THREAD, IRQ_LABEL) == VIREO_OK;
}

VTEST(irq_software_trigger_is_received_and_masks)
{
	vireo_cap_t irq;
	unsigned flags;

	EXPECT(new_irq(&irq));
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT_ST(vireo_irq_info(irq, &flags), VIREO_OK);
	EXPECT(flags == (VIREO_IRQ_INFO_BOUND | VIREO_IRQ_INFO_PENDING));
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	/* Delivered: masked until acknowledged; a new trigger waits. */
	EXPECT_ST(vireo_irq_info(irq, &flags), VIREO_OK);
	EXPECT(flags == (VIREO_IRQ_INFO_BOUND | VIREO_IRQ_INFO_MASKED));
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 500) == 0);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_triggers_coalesce_while_pending)
{
	vireo_cap_t irq;

	EXPECT(new_irq(&irq));
	for (int i = 0; i < 5; i++)
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 500) == 0);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_unbound_trigger_waits_for_bind)
{
	vireo_cap_t irq = vt_sel();

	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 500) == 0);
	EXPECT_ST(vireo_irq_bind(irq, VIREO_SEL_THREAD, IRQ_LABEL), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_DETACH), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 500) == 0);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_masked_trigger_stays_pending)
{
	vireo_cap_t irq;

	EXPECT(new_irq(&irq));
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_MASK), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 500) == 0);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_closed_receive_takes_only_that_irq)
{
	vireo_cap_t a, b;

	EXPECT(new_irq(&a));
	b = vt_sel();
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, b), VIREO_OK);
	EXPECT_ST(vireo_irq_bind(b, VIREO_SEL_THREAD, 0x880), VIREO_OK);
	EXPECT_ST(vireo_irq_op(a, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT_ST(vireo_irq_op(b, VIREO_IRQ_TRIGGER), VIREO_OK);
	EXPECT(receive_irq(b, 1000) == 0x880);
	EXPECT(receive_irq(VIREO_CAP_INVALID, 1000) == IRQ_LABEL);
	EXPECT_ST(vireo_kobject_delete(a), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(b), VIREO_OK);
	return true;
}

VTEST(irq_operation_errors)
{
	vireo_cap_t irq, ro = vt_sel();

	EXPECT(new_irq(&irq));
	EXPECT_ST(vireo_irq_bind(irq, VIREO_SEL_THREAD, 0x771), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_bind(irq, VIREO_SEL_TASK, 0x770), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_set_timer(irq, 9, 10, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_PERIODIC, 10, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_op(irq, 99), VIREO_E_OP);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(irq, 0, VIREO_CAP_SEND), ro),
		  VIREO_OK);
	EXPECT_ST(vireo_irq_op(ro, VIREO_IRQ_MASK), VIREO_E_RIGHTS);
	EXPECT_ST(vireo_irq_op(ro, VIREO_IRQ_TRIGGER), VIREO_OK);
	/* Closed receive on an Irq that is not ours is refused. */
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_DETACH), VIREO_OK);
	EXPECT_ST(vireo_recv(irq, VIREO_TIMEOUT_ZERO).status, VIREO_E_ARG);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_one_shot_timer_fires_after_its_time)
{
	uint64_t hz = vireo_boot_info->timebase_hz, start = vt_now();
	vireo_cap_t irq;
	unsigned flags;

	EXPECT(new_irq(&irq));
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_RELATIVE, hz / 1000, 0), VIREO_OK);
	EXPECT_ST(vireo_irq_info(irq, &flags), VIREO_OK);
	EXPECT(flags & VIREO_IRQ_INFO_TIMER);
	EXPECT(receive_irq(irq, 100000) == IRQ_LABEL);
	EXPECT(vt_now() - start >= hz / 1000);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	EXPECT(receive_irq(irq, 3000) == 0); /* one shot only */
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_periodic_timer_ticks_without_drift)
{
	uint64_t hz = vireo_boot_info->timebase_hz, period = hz / 2000, start = vt_now();
	vireo_cap_t irq;

	EXPECT(new_irq(&irq));
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_PERIODIC, period, period), VIREO_OK);
	for (int i = 0; i < 10; i++) {
		EXPECT(receive_irq(irq, 100000) == IRQ_LABEL);
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	}
	EXPECT(vt_now() - start >= 10 * period);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_STOP_TIMER), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

/* Irq to a thread blocked in receive from another thread's trigger. */
struct irq_wait {
	vireo_cap_t irq;
	volatile vireo_word_t got;
};

static void irq_waiter(void *arg)
{
	struct irq_wait *w = arg;

	w->got = receive_irq(VIREO_CAP_INVALID, 1000000);
}

VTEST(irq_wakes_a_blocked_receiver)
{
	static struct irq_wait w;
	vireo_cap_t t;

	w.irq = vt_sel();
	w.got = 1;
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, w.irq), VIREO_OK);
	EXPECT(vt_thread(&t, irq_waiter, &w));
	EXPECT_ST(vireo_irq_bind(w.irq, t, IRQ_LABEL), VIREO_OK);
	vt_sleep_us(500);
	EXPECT(w.got == 1); /* still waiting */
	EXPECT_ST(vireo_irq_op(w.irq, VIREO_IRQ_TRIGGER), VIREO_OK);
	vt_sleep_us(500);
	EXPECT(w.got == IRQ_LABEL);
	EXPECT_ST(vireo_kobject_delete(w.irq), VIREO_OK);
	return true;
}

/* A trigger wakes a higher-priority handler at once: it has run when the trigger returns. */
struct fast_irq {
	vireo_cap_t irq;
	volatile unsigned handled;
	volatile vireo_word_t label;
};

static void eager_handler(void *arg)
{
	struct fast_irq *f = arg;

	for (int i = 0; i < 3; i++) {
		struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

		f->label = r.label;
		f->handled++;
		vireo_irq_op(f->irq, VIREO_IRQ_UNMASK);
	}
}

VTEST(irq_trigger_runs_a_higher_priority_handler_at_once)
{
	static struct fast_irq f;
	vireo_cap_t t;

	f.irq = vt_sel();
	f.handled = 0;
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, f.irq), VIREO_OK);
	EXPECT(vt_thread_at(&t, eager_handler, &f, VT_PRIORITY + 1));
	EXPECT_ST(vireo_irq_bind(f.irq, t, 0x330), VIREO_OK);
	for (unsigned i = 1; i <= 3; i++) {
		EXPECT_ST(vireo_irq_op(f.irq, VIREO_IRQ_TRIGGER), VIREO_OK);
		EXPECT(f.handled == i && f.label == 0x330);
	}
	EXPECT_ST(vireo_kobject_delete(f.irq), VIREO_OK);
	return true;
}

/*
 * Timer accuracy, meaningful only where time is deterministic: run under
 * QEMU -icount (scenario vtest-icount-timer-accuracy; "all" leaves it out).
 * An absolute one-shot must never fire early, and its handler must run
 * within 10 microseconds of the deadline.
 */
VTEST(icount_timer_accuracy)
{
	uint64_t hz = vireo_boot_info->timebase_hz, worst = 0;
	vireo_cap_t irq;

	EXPECT(new_irq(&irq));
	for (unsigned i = 1; i <= 20; i++) {
		uint64_t deadline = vt_now() + i * hz / 10000, late;

		EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_ABSOLUTE, deadline, 0), VIREO_OK);
		EXPECT(receive_irq(irq, 1000000) == IRQ_LABEL);
		late = vt_now() - deadline;
		EXPECT((int64_t)late >= 0);
		if (late > worst)
			worst = late;
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	}
	printf("# worst lateness %lu ticks (%lu ns)\n", (unsigned long)worst,
	       (unsigned long)(worst * 1000000000 / hz));
	EXPECT(worst * 100000 <= hz); /* 10 us */
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

VTEST(irq_periodic_timer_limits)
{
	uint64_t hz = vireo_boot_info->timebase_hz;
	vireo_cap_t irq;

	EXPECT(new_irq(&irq));
	/* Shorter than 100 us, or so long it would overflow: refused. */
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_PERIODIC, 10, hz / 20000), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_PERIODIC, 10, ~0ULL), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_RELATIVE, ~0ULL, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_irq_set_timer(irq, VIREO_IRQ_TIMER_PERIODIC, 10, hz / 10000), VIREO_OK);
	EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_STOP_TIMER), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

struct closed_irq {
	vireo_cap_t irq;
	volatile int status;
};

static void closed_irq_waiter(void *arg)
{
	struct closed_irq *c = arg;

	c->status = vireo_recv(c->irq, VIREO_TIMEOUT_NEVER).status;
}

VTEST(irq_rebind_cancels_a_closed_receive_on_it)
{
	static struct closed_irq c;
	vireo_cap_t t;

	c.irq = vt_sel();
	c.status = -1;
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, c.irq), VIREO_OK);
	EXPECT(vt_thread_at(&t, closed_irq_waiter, &c, VT_PRIORITY - 1));
	EXPECT_ST(vireo_irq_bind(c.irq, t, 0x40), VIREO_OK);
	vt_sleep_us(500); /* it waits for this Irq only */
	EXPECT(c.status == -1);
	EXPECT_ST(vireo_irq_bind(c.irq, VIREO_SEL_THREAD, 0x40), VIREO_OK);
	vt_sleep_us(500);
	EXPECT(c.status == VIREO_E_CANCELED);
	EXPECT_ST(vireo_kobject_delete(c.irq), VIREO_OK);
	return true;
}
