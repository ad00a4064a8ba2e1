/* Typed items in messages, page-fault IPC to pagers, exception IPC to handlers. */
#include "vtest.h"

#define WINDOW 0x60000000UL
#define FAULT_ADDR 0x70000000UL
#define RW (VIREO_MEM_R | VIREO_MEM_W)

struct item_box {
	vireo_cap_t cap_base;
	volatile int status;
	volatile vireo_word_t words;
};

/* Receive one message with windows for memory (2 MiB) and capabilities (16 slots). */
static void item_receiver(void *arg)
{
	struct item_box *b = arg;
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r;

	u->br[VIREO_BR_MEM_WINDOW] = vireo_fpage_mem(WINDOW, 21, VIREO_MEM_RWX);
	u->br[VIREO_BR_CAP_WINDOW] = vireo_fpage_cap(b->cap_base, 4, VIREO_CAP_ALL);
	r = vireo_wait(VIREO_TIMEOUT_NEVER);
	b->status = r.status;
	b->words = r.tag;
	vireo_reply(vireo_tag(0, 0, 0));
	u->br[VIREO_BR_MEM_WINDOW] = 0;
	u->br[VIREO_BR_CAP_WINDOW] = 0;
	r = vireo_wait(VIREO_TIMEOUT_NEVER); /* the second, windowless send */
	vireo_reply(vireo_tag(0, 0, 0));
}

VTEST(ipc_typed_items_land_in_receive_windows)
{
	static struct item_box b;
	vireo_cap_t t, gate = vt_sel();
	struct vireo_utcb *u = vireo_utcb();
	uintptr_t page = vt_pages(0);
	unsigned kind, rights;

	b.cap_base = 0x400; /* a free, 16-aligned range of slots */
	EXPECT(vt_thread(&t, item_receiver, &b));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, gate, t, 0x40), VIREO_OK);
	u->mr[0] = 99;
	u->mr[1] = vireo_item_mem(0x3000, 0);
	u->mr[2] = vireo_fpage_mem(page, 12, RW);
	u->mr[3] = vireo_item_cap(2);
	u->mr[4] = vireo_fpage_cap(VIREO_SEL_VCON, 0, VIREO_CAP_SEND);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 1, 2), 0).status, VIREO_OK);
	EXPECT_ST(b.status, VIREO_OK);
	EXPECT(vireo_tag_items(b.words) == 2);
	EXPECT(vt_rights_at(VIREO_SEL_TASK, WINDOW + 0x3000, 0) == RW);
	EXPECT_ST(vireo_kobject_info(0x402, &kind, &rights), VIREO_OK);
	EXPECT(kind == VIREO_KIND_VCON && rights == VIREO_CAP_SEND);
	/* Without a window, items fail the send. */
	u->mr[0] = vireo_item_mem(0, 0);
	u->mr[1] = vireo_fpage_mem(page, 12, RW);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 1), vireo_timeouts(vireo_timeout_ns(5000000), 0))
			  .status,
		  VIREO_E_MAP);
	EXPECT_ST(vireo_call(gate, vireo_tag(0, 0, 0), 0).status, VIREO_OK);
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_mem(WINDOW, 21, 0), VIREO_MEM_RWX,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(0x402), VIREO_E_RIGHTS);
	EXPECT_ST(vireo_kobject_delete(gate), VIREO_OK);
	vt_sleep_us(100); /* the receiver returns and ends itself */
	EXPECT_ST(vireo_kobject_info(t, &kind, &rights), VIREO_E_CAP);
	return true;
}

/* ---- a pager thread in this task, serving a helper task's faults ---- */

struct pager_log {
	uintptr_t page;          /* what to map in answer */
	unsigned rights;
	volatile unsigned faults;
	volatile vireo_word_t last_fault, last_pc;
};

static void pager(void *arg)
{
	struct pager_log *log = arg;
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

	for (;;) {
		if (r.status != VIREO_OK || vireo_tag_label(r.tag) != VIREO_PROTO_PAGE_FAULT)
			break;
		log->faults++;
		log->last_fault = u->mr[0];
		log->last_pc = u->mr[1];
		u->mr[0] = vireo_item_mem(0, 0);
		u->mr[1] = vireo_fpage_mem(log->page, 12, log->rights);
		r = vireo_reply_wait(vireo_tag(0, 0, 1), VIREO_TIMEOUT_NEVER);
	}
}

struct toucher {
	volatile uint64_t seen;
	volatile int done;
	int write;
};

/* Runs in the helper task: read (and maybe write) an address nobody mapped. */
static void touch(void *arg)
{
	struct toucher *t = arg;
	volatile uint64_t *p = (volatile uint64_t *)FAULT_ADDR;

	t->seen = *p;
	if (t->write)
		*p = 0xfeed;
	t->done = 1;
}

static bool with_pager(struct vt_helper *h, struct pager_log *log, vireo_cap_t *pthread,
		       vireo_cap_t *pgate)
{
	*pgate = vt_sel();
	return vt_helper_task(h) && vt_thread(pthread, pager, log) &&
	       vireo_factory_create_gate(VIREO_SEL_FACTORY, *pgate, *pthread, 0x50) == VIREO_OK &&
	       vireo_thread_control(h->thread, VIREO_THREAD_CTL_PAGER, *pgate, 0, 0) == VIREO_OK;
}

VTEST(page_fault_goes_to_the_pager_and_resumes)
{
	static struct pager_log log;
	static struct toucher t;
	struct vt_helper h;
	vireo_cap_t pt, pg;
	uintptr_t page = vt_pages(0);

	*(volatile uint64_t *)page = 0xabcdef;
	log = (struct pager_log){ .page = page, .rights = VIREO_MEM_R };
	t = (struct toucher){ 0 };
	EXPECT(with_pager(&h, &log, &pt, &pg));
	EXPECT(vt_helper_run(&h, touch, &t));
	for (int i = 0; i < 100 && !t.done; i++)
		vt_sleep_us(100);
	EXPECT(t.done && t.seen == 0xabcdef);
	EXPECT(log.faults == 1);
	EXPECT(log.last_fault == FAULT_ADDR); /* a read: no access bits */
	EXPECT(vt_rights_at(h.task, FAULT_ADDR, 0) == VIREO_MEM_R);
	EXPECT(vt_helper_done(&h));
	EXPECT_ST(vireo_kobject_delete(pg), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(pt), VIREO_OK);
	return true;
}

/* A write to a read-only page faults again with the write bit; the pager upgrades it. */
VTEST(write_fault_on_read_only_page)
{
	static struct pager_log log;
	static struct toucher t;
	struct vt_helper h;
	vireo_cap_t pt, pg;
	uintptr_t page = vt_pages(0);

	log = (struct pager_log){ .page = page, .rights = VIREO_MEM_R };
	t = (struct toucher){ .write = 1 };
	EXPECT(with_pager(&h, &log, &pt, &pg));
	EXPECT_ST(vireo_task_map(h.task, vireo_fpage_mem(page, 12, VIREO_MEM_R), FAULT_ADDR),
		  VIREO_OK);
	log.rights = RW;
	EXPECT(vt_helper_run(&h, touch, &t));
	for (int i = 0; i < 100 && !t.done; i++)
		vt_sleep_us(100);
	EXPECT(t.done);
	EXPECT(log.faults == 1 && log.last_fault == (FAULT_ADDR | VIREO_PF_WRITE));
	EXPECT(*(volatile uint64_t *)page == 0xfeed);
	EXPECT(vt_helper_done(&h));
	EXPECT_ST(vireo_kobject_delete(pg), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(pt), VIREO_OK);
	return true;
}

VTEST(fault_without_pager_kills_the_thread)
{
	static struct toucher t;
	struct vt_helper h;
	unsigned kind, rights;

	t = (struct toucher){ 0 };
	EXPECT(vt_helper_task(&h));
	EXPECT(vt_helper_run(&h, touch, &t));
	vt_sleep_us(1000);
	EXPECT(!t.done);
	EXPECT_ST(vireo_kobject_info(h.thread, &kind, &rights), VIREO_E_CAP);
	EXPECT(vt_helper_done(&h));
	return true;
}

/* ---- exceptions ---- */

struct exc_log {
	volatile vireo_word_t cause, pc;
	volatile unsigned count;
};

static void exc_handler(void *arg)
{
	struct exc_log *log = arg;
	struct vireo_utcb *u = vireo_utcb();
	struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);

	if (r.status != VIREO_OK || vireo_tag_label(r.tag) != VIREO_PROTO_EXCEPTION ||
	    vireo_tag_words(r.tag) != VIREO_EXC_WORDS)
		return;
	log->count++;
	log->cause = u->mr[0];
	log->pc = u->mr[2];
	u->mr[2] += 4;               /* skip the 4-byte ebreak */
	u->mr[3 + 10 - 1] = 0x777;   /* a0 is x10 */
	vireo_reply(vireo_tag(0, VIREO_EXC_WORDS, 0));
}

struct breaker {
	volatile uint64_t a0;
	volatile int done;
};

static void do_break(void *arg)
{
	struct breaker *b = arg;
	register uint64_t a0 __asm__("a0") = 1;

	__asm__ volatile(".4byte 0x00100073" : "+r"(a0)::"memory"); /* ebreak, uncompressed */
	b->a0 = a0;
	b->done = 1;
}

VTEST(exception_goes_to_handler_which_sets_registers)
{
	static struct exc_log log;
	static struct breaker b;
	struct vt_helper h;
	vireo_cap_t ht, hg = vt_sel();

	log = (struct exc_log){ 0 };
	b = (struct breaker){ 0 };
	EXPECT(vt_helper_task(&h));
	EXPECT(vt_thread(&ht, exc_handler, &log));
	EXPECT_ST(vireo_factory_create_gate(VIREO_SEL_FACTORY, hg, ht, 0x60), VIREO_OK);
	EXPECT_ST(vireo_thread_control(h.thread, VIREO_THREAD_CTL_EXC_HANDLER, 0, hg, 0),
		  VIREO_OK);
	EXPECT(vt_helper_run(&h, do_break, &b));
	for (int i = 0; i < 100 && !b.done; i++)
		vt_sleep_us(100);
	EXPECT(log.count == 1 && log.cause == 3); /* breakpoint */
	EXPECT(b.done && b.a0 == 0x777);
	EXPECT(vt_helper_done(&h));
	EXPECT_ST(vireo_kobject_delete(hg), VIREO_OK);
	return true;
}
