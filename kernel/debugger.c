/* The kernel debugger (see kernel/debugger.h). */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/debugger.h>
#include <kernel/console.h>
#include <kernel/fastpath.h>
#include <kernel/kmain.h>
#include <kernel/msg.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <vireo/fpage.h>

#define TRACE_ENTRIES 64
#define LINE 64

struct trace_entry {
	const struct thread *from, *to;
	vireo_word_t label;
	vireo_tag_t tag;
};

static struct trace_entry trace[TRACE_ENTRIES];
static unsigned trace_next, trace_count;
bool debugger_tracing;
static struct kobject debugger;

static const char *const kind_names[VIREO_KIND_COUNT] = {
	[VIREO_KIND_FACTORY] = "factory", [VIREO_KIND_TASK] = "task",
	[VIREO_KIND_THREAD] = "thread",   [VIREO_KIND_IPC_GATE] = "ipc_gate",
	[VIREO_KIND_VCON] = "vcon",       [VIREO_KIND_IRQ] = "irq",
	[VIREO_KIND_SCHEDULER] = "scheduler", [VIREO_KIND_PLATFORM] = "platform",
	[VIREO_KIND_ICU] = "icu",         [VIREO_KIND_DEBUGGER] = "debugger",
	[VIREO_KIND_VM] = "vm",
};

static const char *const state_names[] = {
	[THREAD_INACTIVE] = "inactive", [THREAD_READY] = "ready",
	[THREAD_SEND_BLOCKED] = "send", [THREAD_RECV_BLOCKED] = "recv",
	[THREAD_DEAD] = "dead",
};

void debugger_trace_ipc(const struct thread *from, const struct thread *to, vireo_word_t label,
			vireo_tag_t tag)
{
	trace[trace_next] = (struct trace_entry){ from, to, label, tag };
	trace_next = (trace_next + 1) % TRACE_ENTRIES;
	if (trace_count < TRACE_ENTRIES)
		trace_count++;
}

static const char *name_of(const struct kobject *o)
{
	return o->name[0] ? o->name : "-";
}

static void list_objects(enum vireo_kind only)
{
	for (struct kobject *o = kobject_all; o; o = o->all_next) {
		if (only != VIREO_KIND_NONE && o->kind != only)
			continue;
		kprintf("  %p %-9s %-15s refs %u%s\n", (void *)o, kind_names[o->kind], name_of(o),
			o->refs, o->dead ? " dead" : "");
	}
}

static void list_threads(void)
{
	for (struct kobject *o = kobject_all; o; o = o->all_next) {
		const struct thread *t = (const struct thread *)o;

		if (o->kind != VIREO_KIND_THREAD)
			continue;
		kprintf("  %p %-15s %-8s cpu %u prio %3u pc 0x%lx sp 0x%lx task %s%s\n",
			(void *)t, name_of(o), state_names[t->state], cpu_val(t->cpu->id),
			t->priority, t->regs.sepc, t->regs.regs[REG_SP],
			t->task ? name_of(&t->task->obj) : "-",
			sched_running_on(t) ? " (running)" : "");
	}
}

static struct kobject *object_at(uint64_t addr)
{
	for (struct kobject *o = kobject_all; o; o = o->all_next)
		if ((uint64_t)(uintptr_t)o == addr)
			return o;
	return 0;
}

static struct kobject *task_named(const char *name)
{
	for (struct kobject *o = kobject_all; o; o = o->all_next)
		if (o->kind == VIREO_KIND_TASK && o->name[0] && strcmp(o->name, name) == 0)
			return o;
	return 0;
}

/* The capabilities of a task given by address or by name. */
static void list_caps(const char *arg, uint64_t addr)
{
	struct kobject *o = addr ? object_at(addr) : task_named(arg);
	const struct cspace *cs;

	if (!o || o->kind != VIREO_KIND_TASK) {
		kprintf("  no such task: %s\n", arg);
		return;
	}
	cs = &((struct task *)o)->cspace;
	for (vireo_cap_t sel = 0; cs->l1 && sel < CSPACE_MAX_SELECTORS; sel++) {
		struct cap_slot *s;

		if (!cs->l1[sel >> CSPACE_L2_BITS]) {
			sel |= CSPACE_L2_SLOTS - 1; /* skip the empty table */
			continue;
		}
		s = cspace_lookup(cs, sel);
		if (s)
			kprintf("  %5lu %-9s %-15s rights 0x%x\n", sel, kind_names[s->obj->kind],
				name_of(s->obj), s->rights);
	}
}

/* Only RAM the kernel maps (not firmware-reserved memory) can be shown. */
static bool dumpable(uint64_t addr, const uint8_t **p)
{
	const struct boot_info *bi = kernel_boot_info;
	bool in_ram = false;

	for (size_t i = 0; i < bi->nmemory; i++)
		in_ram |= addr >= pa_val(bi->memory[i].base) &&
			  addr + 16 <= pa_val(pa_range_end(bi->memory[i]));
	for (size_t i = 0; i < bi->nreserved; i++)
		if (addr + 16 > pa_val(bi->reserved[i].base) &&
		    addr < pa_val(pa_range_end(bi->reserved[i])))
			in_ram = false;
	if (in_ram)
		*p = va_ptr(phys_to_virt(pa(addr)));
	return in_ram;
}

static void dump(uint64_t pa_addr, uint64_t len)
{
	len = len ? len : 64;
	if (len > 1024)
		len = 1024;
	for (uint64_t off = 0; off < len; off += 16) {
		const uint8_t *p;

		if (!dumpable(pa_addr + off, &p)) {
			kprintf("  0x%lx: not RAM\n", pa_addr + off);
			return;
		}
		kprintf("  0x%09lx:", pa_addr + off);
		for (unsigned i = 0; i < 16; i++)
			kprintf(" %02x", p[i]);
		kprintf("\n");
	}
}

static void show_trace(void)
{
	kprintf("  tracing %s; last %u IPCs, oldest first\n", debugger_tracing ? "on" : "off",
		trace_count);
	for (unsigned i = 0; i < trace_count; i++) {
		const struct trace_entry *e =
			&trace[(trace_next + TRACE_ENTRIES - trace_count + i) % TRACE_ENTRIES];

		kprintf("  %p -> %p label 0x%lx words %u items %u\n", (const void *)e->from,
			(const void *)e->to, e->label, vireo_tag_words(e->tag), vireo_tag_items(e->tag));
	}
}

static void set_tracing(bool on)
{
	debugger_tracing = on;
	/* The fast path does not trace: while tracing every IPC takes the general path. */
	if (on)
		fastpath_disable();
	else
		fastpath_enable();
}

/* Read a command line (echoed); returns its length. */
static unsigned read_line(char *buf)
{
	unsigned n = 0;

	for (;;) {
		int c = arch_console_getc();

		if (c < 0)
			continue;
		if (c == '\r' || c == '\n')
			break;
		if ((c == 0x7f || c == 8) && n) {
			n--;
			kprintf("\b \b");
		} else if (c >= ' ' && c < 0x7f && n < LINE - 1) {
			buf[n++] = (char)c;
			kprintf("%c", c);
		}
	}
	buf[n] = 0;
	kprintf("\n");
	return n;
}

/* The hexadecimal or decimal numbers after the command letter. */
static unsigned numbers(const char *s, uint64_t *out, unsigned max)
{
	unsigned n = 0;

	while (*s && n < max) {
		uint64_t v = 0;
		unsigned base = 10;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (s[0] == '0' && s[1] == 'x') {
			base = 16;
			s += 2;
		}
		for (;; s++) {
			unsigned d = (*s >= '0' && *s <= '9') ? (unsigned)(*s - '0')
				   : (*s >= 'a' && *s <= 'f') ? (unsigned)(*s - 'a' + 10)
							      : 99;
			if (d >= base)
				break;
			v = v * base + d;
		}
		out[n++] = v;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

static void help(void)
{
	kprintf("  t tasks   h threads   o objects   c <task address or name> capabilities\n"
		"  m <paddr> [len] memory   i IPC trace   T/U tracing on/off   g continue\n");
}

void debugger_enter(const char *why)
{
	char line[LINE];
	uint64_t arg[2] = { 0, 0 };

	kprintf("\nvdb: %s; ? for help\n", why);
	for (;;) {
		kprintf("vdb> ");
		if (!read_line(line))
			continue;
		numbers(line + 1, arg, 2);
		switch (line[0]) {
		case 't': list_objects(VIREO_KIND_TASK); break;
		case 'o': list_objects(VIREO_KIND_NONE); break;
		case 'h': list_threads(); break;
		case 'c': list_caps(line + 2, arg[0]); break;
		case 'm': dump(arg[0], arg[1]); break;
		case 'i': show_trace(); break;
		case 'T': set_tracing(true); kprintf("  tracing on\n"); break;
		case 'U': set_tracing(false); kprintf("  tracing off\n"); break;
		case 'g': kprintf("vdb: continuing\n"); return;
		default: help(); break;
		}
	}
}

struct kobject *debugger_boot(void)
{
	if (debugger.kind == VIREO_KIND_NONE)
		kobject_init(&debugger, VIREO_KIND_DEBUGGER);
	return &debugger;
}

static enum vireo_status name_object(struct thread *caller, struct msg *m)
{
	struct kobject *obj;
	unsigned words = msg_words(m);
	enum vireo_status st;

	if (words < 2)
		return VIREO_E_ARG;
	st = cspace_get(&caller->task->cspace, msg_word(m, 1), 0, &obj, 0);
	if (st != VIREO_OK)
		return st;
	for (unsigned i = 0; i < KOBJECT_NAME - 1; i++) {
		unsigned w = 2 + i / 8;
		char c = w < words ? (char)(msg_word(m, w) >> (8 * (i % 8))) : 0;

		obj->name[i] = (c >= ' ' && c < 0x7f) ? c : 0;
		if (!obj->name[i])
			break;
	}
	obj->name[KOBJECT_NAME - 1] = 0;
	return VIREO_OK;
}

static enum vireo_status debugger_invoke(struct kobject *obj, unsigned rights,
					 struct thread *caller, struct msg *m)
{
	(void)obj;
	if (msg_op(m) != VIREO_DEBUGGER_NAME && msg_op(m) != VIREO_DEBUGGER_ENTER)
		return VIREO_E_OP;
	if (!(rights & VIREO_CAP_WRITE))
		return VIREO_E_RIGHTS;
	if (msg_op(m) == VIREO_DEBUGGER_NAME)
		return name_object(caller, m);
	debugger_enter("entered through the Debugger object");
	return VIREO_OK;
}

static void debugger_release(struct kobject *obj)
{
	(void)obj;
}

const struct kobject_ops debugger_ops = {
	.invoke = debugger_invoke,
	.release = debugger_release,
};
