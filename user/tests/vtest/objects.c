/* Capabilities, generic operations, factories and quotas. */
#include <string.h>

#include "vtest.h"

VTEST(null_invocation_reports_kind_and_rights)
{
	unsigned kind, rights;

	EXPECT_ST(vireo_kobject_info(VIREO_SEL_TASK, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_TASK && rights == VIREO_CAP_ALL);
	EXPECT_ST(vireo_kobject_info(VIREO_SEL_VCON, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_VCON);
	return true;
}

VTEST(invalid_capability_is_an_error)
{
	unsigned kind, rights;

	EXPECT_ST(vireo_kobject_info(9999, &kind, &rights), VIREO_E_CAP);
	EXPECT_ST(vireo_kobject_info(1ULL << 40, &kind, &rights), VIREO_E_CAP);
	EXPECT_ST(vireo_kobject_info(VIREO_CAP_INVALID, &kind, &rights), VIREO_E_CAP);
	return true;
}

VTEST(wrong_protocol_and_unknown_operation)
{
	vireo_utcb()->mr[0] = VIREO_FACTORY_QUOTA;
	EXPECT_ST(vireo_invoke(VIREO_SEL_TASK, VIREO_PROTO_FACTORY, 1), VIREO_E_PROTOCOL);
	vireo_utcb()->mr[0] = 99;
	EXPECT_ST(vireo_invoke(VIREO_SEL_TASK, VIREO_PROTO_TASK, 1), VIREO_E_OP);
	vireo_utcb()->mr[0] = 99;
	EXPECT_ST(vireo_invoke(VIREO_SEL_TASK, VIREO_PROTO_KOBJECT, 1), VIREO_E_OP);
	return true;
}

VTEST(malformed_operation_bits)
{
	EXPECT_ST(vireo_syscall(VIREO_SEL_TASK, 0, 0, 0).status, VIREO_E_ARG);
	EXPECT_ST(vireo_syscall(VIREO_SEL_TASK, 0, 0x10, 0).status, VIREO_E_ARG);
	EXPECT_ST(vireo_syscall(VIREO_SEL_TASK, 0, VIREO_OP_REPLY, 0).status, VIREO_E_ARG);
	return true;
}

VTEST(cap_map_reduces_rights)
{
	vireo_cap_t ro = vt_sel();
	unsigned kind, rights;
	uint64_t limit, used;

	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(VIREO_SEL_FACTORY, 0,
								  VIREO_CAP_READ),
				 ro),
		  VIREO_OK);
	EXPECT_ST(vireo_kobject_info(ro, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_FACTORY && rights == VIREO_CAP_READ);
	EXPECT_ST(vireo_factory_quota(ro, &limit, &used), VIREO_OK);
	EXPECT_ST(vireo_factory_create_thread(ro, vt_sel()), VIREO_E_RIGHTS);
	EXPECT_ST(vireo_kobject_delete(ro), VIREO_E_RIGHTS);
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_cap(ro, 0, 0), VIREO_CAP_ALL, 0),
		  VIREO_OK);
	EXPECT_ST(vireo_task_cap_info(VIREO_SEL_TASK, ro, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_NONE);
	return true;
}

VTEST(cap_map_rejects_bad_flexpages)
{
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(3, 1, VIREO_CAP_ALL), vt_sel()),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(0, 40, VIREO_CAP_ALL), 0),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(0, 4, VIREO_CAP_ALL), 1ULL << 30),
		  VIREO_E_RANGE);
	return true;
}

VTEST(factory_creates_every_kind_and_returns_quota_exactly)
{
	vt_sels_ready(8);

	uint64_t limit, before, during, after;
	vireo_cap_t task = vt_sel(), thread = vt_sel(), gate = vt_sel(), fac = vt_sel();
	unsigned kind, rights;

	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, task, 0x7000000, 14), VIREO_OK);
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, thread), VIREO_OK);
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, thread, 0x100), VIREO_OK);
	EXPECT_ST(vireo_factory_create_factory(VIREO_SEL_FACTORY, fac, 65536), VIREO_OK);
	EXPECT_ST(vireo_kobject_info(task, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_TASK);
	EXPECT_ST(vireo_kobject_info(gate, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_IPC_GATE);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &during), VIREO_OK);
	/* The task's tables and 16 KiB UTCB area, the sub-factory's whole quota, ... */
	EXPECT(during >= before + 65536 + 16384 + 3 * 4096);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(thread), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(task), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(fac), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before);
	EXPECT_ST(vireo_kobject_info(gate, &kind, &rights), VIREO_E_CAP);
	return true;
}

VTEST(factory_rejects_bad_arguments)
{
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, vt_sel(), 0x7000100, 14),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, vt_sel(), 0x7000000, 30),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, vt_sel(), VIREO_CAP_INVALID, 0x101),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, vt_sel(), VIREO_SEL_TASK, 0),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, 1ULL << 30), VIREO_E_RANGE);
	vireo_utcb()->mr[0] = VIREO_FACTORY_CREATE;
	vireo_utcb()->mr[1] = 77;
	vireo_utcb()->mr[2] = vt_sel();
	EXPECT_ST(vireo_invoke(VIREO_SEL_FACTORY, VIREO_PROTO_FACTORY, 3), VIREO_E_ARG);
	return true;
}

/*
 * A small sub-factory runs out: creation fails cleanly with E_QUOTA, and
 * deleting everything returns its usage to zero and the parent's to where
 * it was.
 */
VTEST(quota_exhaustion_and_exact_return)
{
	vt_sels_ready(70);

	uint64_t limit, parent_before, parent_after, used;
	vireo_cap_t fac = vt_sel(), threads[64];
	unsigned n = 0;
	enum vireo_status st = VIREO_OK;

	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &parent_before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_factory(VIREO_SEL_FACTORY, fac, 8192), VIREO_OK);
	while (n < 64) {
		threads[n] = vt_sel();
		st = vireo_factory_create_thread(fac, threads[n]);
		if (st != VIREO_OK)
			break;
		n++;
	}
	EXPECT_ST(st, VIREO_E_QUOTA);
	EXPECT(n > 0 && n < 64);
	EXPECT_ST(vireo_factory_quota(fac, &limit, &used), VIREO_OK);
	EXPECT(limit == 8192 && used <= limit);
	EXPECT_ST(vireo_factory_create_task(fac, vt_sel(), 0, 0), VIREO_E_QUOTA);
	for (unsigned i = 0; i < n; i++)
		EXPECT_ST(vireo_kobject_delete(threads[i]), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(fac, &limit, &used), VIREO_OK);
	EXPECT(used == 0);
	EXPECT_ST(vireo_kobject_delete(fac), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &parent_after), VIREO_OK);
	EXPECT(parent_after == parent_before);
	return true;
}

VTEST(delete_clears_every_copy)
{
	vireo_cap_t gate = vt_sel(), copy = vt_sel();
	unsigned kind, rights;

	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, VIREO_CAP_INVALID, 0x40),
		  VIREO_OK);
	EXPECT_ST(vireo_task_map(VIREO_SEL_TASK, vireo_fpage_cap(gate, 0, VIREO_CAP_ALL), copy),
		  VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(copy), VIREO_OK);
	EXPECT_ST(vireo_kobject_info(gate, &kind, &rights), VIREO_E_CAP);
	EXPECT_ST(vireo_kobject_info(copy, &kind, &rights), VIREO_E_CAP);
	return true;
}

static void idle_thread(void *arg)
{
	(void)arg;
	vt_sleep_us(1000000000);
}

VTEST(thread_bind_and_ex_regs_errors)
{
	vireo_cap_t t = vt_sel(), busy;
	uintptr_t ip, sp;

	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, t), VIREO_OK);
	EXPECT_ST(vireo_thread_ex_regs(t, 0x1000, 0x2000, &ip, &sp), VIREO_E_BUSY);
	EXPECT_ST(vireo_thread_bind(t, VIREO_SEL_TASK, VIREO_ROOT_UTCB_AREA + 100), VIREO_E_ARG);
	EXPECT_ST(vireo_thread_bind(t, VIREO_SEL_FACTORY, VIREO_ROOT_UTCB_AREA), VIREO_E_ARG);
	EXPECT_ST(vireo_thread_control(t, 0x80, 0, 0, 0), VIREO_E_ARG);
	EXPECT_ST(vireo_thread_control(t, VIREO_THREAD_CTL_PRIORITY, 0, 0, 256), VIREO_E_ARG);
	/* Not above the caller's own priority: that takes the Scheduler. */
	EXPECT_ST(vireo_thread_control(t, VIREO_THREAD_CTL_PRIORITY, 0, 0, VT_PRIORITY + 1),
		  VIREO_E_RIGHTS);
	EXPECT_ST(vireo_thread_control(t, VIREO_THREAD_CTL_PRIORITY, 0, 0, VT_PRIORITY), VIREO_OK);
	EXPECT_ST(vireo_sched_run_thread(VIREO_SEL_SCHEDULER, t, 0, VT_PRIORITY + 1, 0), VIREO_OK);
	EXPECT_ST(vireo_thread_control(t, VIREO_THREAD_CTL_PAGER, VIREO_SEL_TASK, 0, 0),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_kobject_delete(t), VIREO_OK);
	EXPECT(vt_thread(&busy, idle_thread, 0));
	EXPECT_ST(vireo_thread_bind(busy, VIREO_SEL_TASK, vt_utcb()), VIREO_E_BUSY);
	EXPECT_ST(vireo_kobject_delete(busy), VIREO_OK);
	return true;
}

VTEST(deleting_a_task_deletes_its_threads)
{
	vt_sels_ready(8);

	vireo_cap_t task = vt_sel(), t1 = vt_sel(), t2 = vt_sel();
	unsigned kind, rights;
	uint64_t limit, before, after;

	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, task, 0x7000000, 12), VIREO_OK);
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, t1), VIREO_OK);
	EXPECT_ST(vireo_factory_create_thread(VIREO_SEL_FACTORY, t2), VIREO_OK);
	EXPECT_ST(vireo_thread_bind(t1, task, 0x7000000), VIREO_OK);
	/* One UTCB belongs to one thread. */
	EXPECT_ST(vireo_thread_bind(t2, task, 0x7000000), VIREO_E_EXISTS);
	EXPECT_ST(vireo_thread_bind(t2, task, 0x7000400), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(task), VIREO_OK);
	EXPECT_ST(vireo_kobject_info(t1, &kind, &rights), VIREO_E_CAP);
	EXPECT_ST(vireo_kobject_info(t2, &kind, &rights), VIREO_E_CAP);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before);
	return true;
}

/* The fast and general paths must answer Kobject info alike, malformed requests too. */
VTEST(kobject_info_edge_cases)
{
	vireo_word_t mr[4] = { VIREO_KOBJECT_INFO, 0, 0, 0 };
	struct vireo_ret r;

	/* No words: there is no operation to read. */
	r = vireo_syscall_regs(VIREO_SEL_TASK, vireo_tag(VIREO_PROTO_KOBJECT, 0, 0), VIREO_IPC_CALL,
			       0, mr);
	EXPECT_ST(r.status, VIREO_E_OP);
	EXPECT(vireo_tag_words(r.tag) == 0);
	mr[0] = VIREO_KOBJECT_INFO;
	r = vireo_syscall_regs(VIREO_SEL_FACTORY, vireo_tag(VIREO_PROTO_KOBJECT, 3, 0),
			       VIREO_IPC_CALL, 0, mr);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(vireo_tag_words(r.tag) == 2 && vireo_tag_label(r.tag) == VIREO_PROTO_KOBJECT);
	EXPECT(mr[0] == VIREO_KIND_FACTORY && mr[1] == VIREO_CAP_ALL);
	/* Send-only: the answer is there all the same. */
	mr[0] = VIREO_KOBJECT_INFO;
	r = vireo_syscall_regs(VIREO_SEL_VCON, vireo_tag(VIREO_PROTO_KOBJECT, 1, 0), VIREO_IPC_SEND,
			       0, mr);
	EXPECT_ST(r.status, VIREO_OK);
	EXPECT(mr[0] == VIREO_KIND_VCON);
	return true;
}

static enum vireo_status name(vireo_cap_t cap, const char *n)
{
	vireo_word_t *m = vireo_utcb()->mr;
	size_t len = strlen(n);

	m[0] = VIREO_DEBUGGER_NAME;
	m[1] = cap;
	memset(&m[2], 0, 16);
	memcpy(&m[2], n, len < 15 ? len : 15);
	return vireo_invoke(VIREO_SEL_DEBUGGER, VIREO_PROTO_DEBUGGER, 4);
}

static enum vireo_status enter_debugger(void)
{
	vireo_utcb()->mr[0] = VIREO_DEBUGGER_ENTER;
	return vireo_invoke(VIREO_SEL_DEBUGGER, VIREO_PROTO_DEBUGGER, 1);
}

/* Answers one call. */
static void answer_once(void *arg)
{
	(void)arg;
	vireo_wait(VIREO_TIMEOUT_NEVER);
	vireo_reply(vireo_tag(0, 0, 0));
}

/*
 * The kernel debugger, driven over the serial line by the test runner
 * (scenario vtest-kernel-debugger): objects named here must show up, and
 * with tracing on, the call and reply below appear in the IPC trace.
 */
VTEST(interactive_kernel_debugger)
{
	vireo_cap_t gate = vt_sel(), server;

	/* A task whose creation fails must not stay on the debugger's object list. */
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, vt_sel(), 0x10001000, 13),
		  VIREO_E_ARG);
	EXPECT_ST(vireo_factory_create_task(VIREO_SEL_FACTORY, vt_sel(), 0, 0), VIREO_OK);
	EXPECT_ST(name(VIREO_SEL_TASK, "vtest"), VIREO_OK);
	EXPECT_ST(name(VIREO_SEL_THREAD, "vtest-main"), VIREO_OK);
	EXPECT(vt_thread(&server, answer_once, 0));
	EXPECT_ST(name(server, "answerer"), VIREO_OK);
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, server, 0x5a0), VIREO_OK);
	vt_sleep_us(200); /* the answerer waits */
	EXPECT_ST(enter_debugger(), VIREO_OK); /* the runner turns tracing on there */
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	EXPECT_ST(enter_debugger(), VIREO_OK); /* and shows the trace, tracing off */
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	return true;
}
