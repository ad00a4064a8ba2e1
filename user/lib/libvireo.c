/* libvireo: bindings, program start, threads and the console (see vireo.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vireo.h"

__thread struct vireo_utcb *vireo_utcb_ptr;
const struct vireo_boot_info *vireo_boot_info;

enum vireo_status vireo_invoke(vireo_cap_t cap, int64_t proto, unsigned words)
{
	return vireo_call(cap, vireo_tag(proto, words, 0), 0).status;
}

static vireo_word_t *mr(void)
{
	return vireo_utcb()->mr;
}

enum vireo_status vireo_kobject_info(vireo_cap_t cap, unsigned *kind, unsigned *rights)
{
	enum vireo_status st;

	mr()[0] = VIREO_KOBJECT_INFO;
	st = vireo_invoke(cap, VIREO_PROTO_KOBJECT, 1);
	if (st == VIREO_OK) {
		*kind = (unsigned)mr()[0];
		*rights = (unsigned)mr()[1];
	}
	return st;
}

enum vireo_status vireo_kobject_delete(vireo_cap_t cap)
{
	mr()[0] = VIREO_KOBJECT_DELETE;
	return vireo_invoke(cap, VIREO_PROTO_KOBJECT, 1);
}

static enum vireo_status create(vireo_cap_t f, enum vireo_kind kind, vireo_cap_t dst,
				vireo_word_t a, vireo_word_t b, unsigned words)
{
	vireo_word_t *m = mr();

	m[0] = VIREO_FACTORY_CREATE;
	m[1] = kind;
	m[2] = dst;
	m[3] = a;
	m[4] = b;
	return vireo_invoke(f, VIREO_PROTO_FACTORY, words);
}

enum vireo_status vireo_factory_create_factory(vireo_cap_t f, vireo_cap_t dst, uint64_t quota)
{
	return create(f, VIREO_KIND_FACTORY, dst, quota, 0, 4);
}

enum vireo_status vireo_factory_create_task(vireo_cap_t f, vireo_cap_t dst, uintptr_t utcb_area,
					    unsigned utcb_log2)
{
	return create(f, VIREO_KIND_TASK, dst, utcb_area, utcb_log2, 5);
}

enum vireo_status vireo_factory_create_thread(vireo_cap_t f, vireo_cap_t dst)
{
	return create(f, VIREO_KIND_THREAD, dst, 0, 0, 3);
}

enum vireo_status vireo_factory_create_gate(vireo_cap_t f, vireo_cap_t dst, vireo_cap_t thread,
					    vireo_word_t label)
{
	return create(f, VIREO_KIND_IPC_GATE, dst, thread, label, 5);
}

enum vireo_status vireo_factory_quota(vireo_cap_t f, uint64_t *limit, uint64_t *used)
{
	enum vireo_status st;

	mr()[0] = VIREO_FACTORY_QUOTA;
	st = vireo_invoke(f, VIREO_PROTO_FACTORY, 1);
	if (st == VIREO_OK) {
		*limit = mr()[0];
		*used = mr()[1];
	}
	return st;
}

static enum vireo_status task_map(vireo_cap_t task, vireo_fpage_t src, vireo_word_t dst_base,
				  vireo_word_t flags)
{
	mr()[0] = VIREO_TASK_MAP;
	mr()[1] = src;
	mr()[2] = dst_base;
	mr()[3] = flags;
	return vireo_invoke(task, VIREO_PROTO_TASK, 4);
}

enum vireo_status vireo_task_map(vireo_cap_t task, vireo_fpage_t src, vireo_word_t dst_base)
{
	return task_map(task, src, dst_base, 0);
}

enum vireo_status vireo_task_grant(vireo_cap_t task, vireo_fpage_t src, vireo_word_t dst_base)
{
	return task_map(task, src, dst_base, VIREO_MAP_GRANT);
}

enum vireo_status vireo_task_mem_info(vireo_cap_t task, uintptr_t addr, unsigned *rights,
				      unsigned *log2_size)
{
	enum vireo_status st;

	mr()[0] = VIREO_TASK_MEM_INFO;
	mr()[1] = addr;
	st = vireo_invoke(task, VIREO_PROTO_TASK, 2);
	if (st == VIREO_OK) {
		*rights = (unsigned)mr()[0];
		*log2_size = (unsigned)mr()[1];
	}
	return st;
}

enum vireo_status vireo_task_unmap(vireo_cap_t task, vireo_fpage_t fp, unsigned rights,
				   unsigned flags)
{
	mr()[0] = VIREO_TASK_UNMAP;
	mr()[1] = fp;
	mr()[2] = rights;
	mr()[3] = flags;
	return vireo_invoke(task, VIREO_PROTO_TASK, 4);
}

enum vireo_status vireo_task_cap_info(vireo_cap_t task, vireo_cap_t sel, unsigned *kind,
				      unsigned *rights)
{
	enum vireo_status st;

	mr()[0] = VIREO_TASK_CAP_INFO;
	mr()[1] = sel;
	st = vireo_invoke(task, VIREO_PROTO_TASK, 2);
	if (st == VIREO_OK) {
		*kind = (unsigned)mr()[0];
		*rights = (unsigned)mr()[1];
	}
	return st;
}

enum vireo_status vireo_thread_bind(vireo_cap_t thread, vireo_cap_t task, uintptr_t utcb)
{
	mr()[0] = VIREO_THREAD_BIND;
	mr()[1] = task;
	mr()[2] = utcb;
	return vireo_invoke(thread, VIREO_PROTO_THREAD, 3);
}

enum vireo_status vireo_thread_control(vireo_cap_t thread, unsigned which, vireo_cap_t pager,
				       vireo_cap_t exc_handler, unsigned priority)
{
	vireo_word_t *m = mr();

	m[0] = VIREO_THREAD_CONTROL;
	m[1] = which;
	m[2] = pager;
	m[3] = exc_handler;
	m[4] = priority;
	return vireo_invoke(thread, VIREO_PROTO_THREAD, 5);
}

enum vireo_status vireo_thread_yield(vireo_cap_t self)
{
	mr()[0] = VIREO_THREAD_YIELD;
	return vireo_invoke(self, VIREO_PROTO_THREAD, 1);
}

enum vireo_status vireo_thread_ex_regs(vireo_cap_t thread, uintptr_t ip, uintptr_t sp,
				       uintptr_t *old_ip, uintptr_t *old_sp)
{
	enum vireo_status st;

	mr()[0] = VIREO_THREAD_EX_REGS;
	mr()[1] = ip;
	mr()[2] = sp;
	st = vireo_invoke(thread, VIREO_PROTO_THREAD, 3);
	if (st == VIREO_OK && old_ip)
		*old_ip = mr()[0];
	if (st == VIREO_OK && old_sp)
		*old_sp = mr()[1];
	return st;
}

enum vireo_status vireo_gate_bind(vireo_cap_t gate, vireo_cap_t thread, vireo_word_t label)
{
	mr()[0] = VIREO_GATE_BIND;
	mr()[1] = thread;
	mr()[2] = label;
	return vireo_invoke(gate, VIREO_PROTO_IPC_GATE, 3);
}

enum vireo_status vireo_gate_info(vireo_cap_t gate, vireo_word_t *label)
{
	enum vireo_status st;

	mr()[0] = VIREO_GATE_INFO;
	st = vireo_invoke(gate, VIREO_PROTO_IPC_GATE, 1);
	if (st == VIREO_OK)
		*label = mr()[0];
	return st;
}

enum vireo_status vireo_factory_create_irq(vireo_cap_t f, vireo_cap_t dst)
{
	return create(f, VIREO_KIND_IRQ, dst, 0, 0, 3);
}

enum vireo_status vireo_factory_create_vm(vireo_cap_t f, vireo_cap_t dst)
{
	return create(f, VIREO_KIND_VM, dst, 0, 0, 3);
}

enum vireo_status vireo_irq_bind(vireo_cap_t irq, vireo_cap_t thread, vireo_word_t label)
{
	mr()[0] = VIREO_IRQ_BIND;
	mr()[1] = thread;
	mr()[2] = label;
	return vireo_invoke(irq, VIREO_PROTO_IRQ, 3);
}

enum vireo_status vireo_irq_op(vireo_cap_t irq, unsigned op)
{
	mr()[0] = op;
	return vireo_invoke(irq, VIREO_PROTO_IRQ, 1);
}

enum vireo_status vireo_irq_set_timer(vireo_cap_t irq, unsigned mode, uint64_t ticks,
				      uint64_t period)
{
	mr()[0] = VIREO_IRQ_SET_TIMER;
	mr()[1] = mode;
	mr()[2] = ticks;
	mr()[3] = period;
	return vireo_invoke(irq, VIREO_PROTO_IRQ, 4);
}

enum vireo_status vireo_irq_info(vireo_cap_t irq, unsigned *flags)
{
	enum vireo_status st;

	mr()[0] = VIREO_IRQ_INFO;
	st = vireo_invoke(irq, VIREO_PROTO_IRQ, 1);
	if (st == VIREO_OK)
		*flags = (unsigned)mr()[0];
	return st;
}

enum vireo_status vireo_sched_run_thread(vireo_cap_t sched, vireo_cap_t thread, unsigned cpu,
					 unsigned priority, unsigned slice_us)
{
	vireo_word_t *m = mr();

	m[0] = VIREO_SCHED_RUN_THREAD;
	m[1] = thread;
	m[2] = cpu;
	m[3] = priority;
	m[4] = slice_us;
	return vireo_invoke(sched, VIREO_PROTO_SCHEDULER, 5);
}

enum vireo_status vireo_sched_info(vireo_cap_t sched, unsigned *ncpus, uint64_t *timebase_hz,
				   uint64_t *online)
{
	enum vireo_status st;

	mr()[0] = VIREO_SCHED_INFO;
	st = vireo_invoke(sched, VIREO_PROTO_SCHEDULER, 1);
	if (st == VIREO_OK) {
		*ncpus = (unsigned)mr()[0];
		*timebase_hz = mr()[1];
		if (online)
			*online = mr()[3];
	}
	return st;
}

enum vireo_status vireo_sched_this_cpu(vireo_cap_t sched, unsigned *cpu)
{
	enum vireo_status st;

	mr()[0] = VIREO_SCHED_THIS_CPU;
	st = vireo_invoke(sched, VIREO_PROTO_SCHEDULER, 1);
	if (st == VIREO_OK)
		*cpu = (unsigned)mr()[0];
	return st;
}

enum vireo_status vireo_sched_idle_time(vireo_cap_t sched, unsigned cpu, uint64_t *ticks)
{
	enum vireo_status st;

	mr()[0] = VIREO_SCHED_IDLE_TIME;
	mr()[1] = cpu;
	st = vireo_invoke(sched, VIREO_PROTO_SCHEDULER, 2);
	if (st == VIREO_OK)
		*ticks = mr()[0];
	return st;
}

enum vireo_status vireo_platform_op(vireo_cap_t platform, unsigned op)
{
	mr()[0] = op;
	return vireo_invoke(platform, VIREO_PROTO_PLATFORM, 1);
}

enum vireo_status vireo_platform_cpu(vireo_cap_t platform, unsigned op, unsigned cpu)
{
	mr()[0] = op;
	mr()[1] = cpu;
	return vireo_invoke(platform, VIREO_PROTO_PLATFORM, 2);
}

enum vireo_status vireo_icu_bind(vireo_cap_t icu, unsigned source, vireo_cap_t irq)
{
	mr()[0] = VIREO_ICU_BIND;
	mr()[1] = source;
	mr()[2] = irq;
	return vireo_invoke(icu, VIREO_PROTO_ICU, 3);
}

enum vireo_status vireo_icu_unbind(vireo_cap_t icu, unsigned source)
{
	mr()[0] = VIREO_ICU_UNBIND;
	mr()[1] = source;
	return vireo_invoke(icu, VIREO_PROTO_ICU, 2);
}

enum vireo_status vireo_icu_info(vireo_cap_t icu, unsigned *sources)
{
	enum vireo_status st;

	mr()[0] = VIREO_ICU_INFO;
	st = vireo_invoke(icu, VIREO_PROTO_ICU, 1);
	if (st == VIREO_OK)
		*sources = (unsigned)mr()[0];
	return st;
}

enum vireo_status vireo_vcon_bind_input(vireo_cap_t vcon, vireo_cap_t irq)
{
	mr()[0] = VIREO_VCON_BIND_INPUT;
	mr()[1] = irq;
	return vireo_invoke(vcon, VIREO_PROTO_VCON, 2);
}

enum vireo_status vireo_vcon_read(vireo_cap_t vcon, char *buf, size_t max, size_t *len)
{
	enum vireo_status st;

	if (max > 24)
		max = 24; /* three words come back in registers; no UTCB words needed */
	mr()[0] = VIREO_VCON_READ;
	mr()[1] = max;
	st = vireo_invoke(vcon, VIREO_PROTO_VCON, 2);
	if (st != VIREO_OK)
		return st;
	*len = mr()[0];
	memcpy(buf, &mr()[1], *len);
	return VIREO_OK;
}

#define VCON_CHUNK (8 * (VIREO_MR_COUNT - 2))

enum vireo_status vireo_vcon_write(vireo_cap_t vcon, const char *buf, size_t len)
{
	while (len) {
		size_t n = len < VCON_CHUNK ? len : VCON_CHUNK;
		enum vireo_status st;

		mr()[0] = VIREO_VCON_WRITE;
		mr()[1] = n;
		memset(&mr()[2], 0, (n + 7) / 8 * 8);
		memcpy(&mr()[2], buf, n);
		st = vireo_invoke(vcon, VIREO_PROTO_VCON, 2 + (unsigned)((n + 7) / 8));
		if (st != VIREO_OK)
			return st;
		buf += n;
		len -= n;
	}
	return VIREO_OK;
}

static const char *const status_names[VIREO_STATUS_COUNT] = {
	[VIREO_OK] = "ok",
	[VIREO_E_CAP] = "E_CAP",
	[VIREO_E_RIGHTS] = "E_RIGHTS",
	[VIREO_E_PROTOCOL] = "E_PROTOCOL",
	[VIREO_E_OP] = "E_OP",
	[VIREO_E_ARG] = "E_ARG",
	[VIREO_E_QUOTA] = "E_QUOTA",
	[VIREO_E_NOMEM] = "E_NOMEM",
	[VIREO_E_TIMEOUT] = "E_TIMEOUT",
	[VIREO_E_CANCELED] = "E_CANCELED",
	[VIREO_E_BUSY] = "E_BUSY",
	[VIREO_E_NO_REPLY] = "E_NO_REPLY",
	[VIREO_E_OVERFLOW] = "E_OVERFLOW",
	[VIREO_E_MAP] = "E_MAP",
	[VIREO_E_RANGE] = "E_RANGE",
	[VIREO_E_EXISTS] = "E_EXISTS",
	[VIREO_E_STALE] = "E_STALE",
};

const char *vireo_status_name(enum vireo_status st)
{
	return (unsigned)st < VIREO_STATUS_COUNT ? status_names[st] : "E_?";
}

/* ---- threads ---- */

extern char __tls_size[], __tls_align[];
void _init_tls(void *tls);
void _set_tls(void *tls);
void vireo_thread_trampoline(void);
void vireo_thread_entry(void *block);

struct start_block {
	void (*fn)(void *arg);
	void *arg;
	struct vireo_utcb *utcb;
	vireo_cap_t self;
	void *tls;
};

void vireo_thread_entry(void *p)
{
	struct start_block *b = p;

	_init_tls(b->tls);
	_set_tls(b->tls);
	vireo_utcb_ptr = b->utcb;
	b->fn(b->arg);
	vireo_kobject_delete(b->self);
	for (;;)
		;
}

enum vireo_status vireo_thread_run(vireo_cap_t thread, vireo_cap_t self, uintptr_t utcb,
				   void (*fn)(void *arg), void *arg, void *stack,
				   size_t stack_size)
{
	uintptr_t top = ((uintptr_t)stack + stack_size) & ~(uintptr_t)15;
	size_t tls = ((size_t)__tls_size + 15) & ~(size_t)15;
	struct start_block *b = (struct start_block *)(top - tls - sizeof(*b));

	if ((uintptr_t)__tls_align > 16 || tls + sizeof(*b) + 256 > stack_size)
		return VIREO_E_ARG;
	b = (struct start_block *)((uintptr_t)b & ~(uintptr_t)15);
	*b = (struct start_block){ fn, arg, (struct vireo_utcb *)utcb, self, (void *)(top - tls) };
	return vireo_thread_ex_regs(thread, (uintptr_t)vireo_thread_trampoline, (uintptr_t)b, 0,
				    0);
}

/* ---- console: stdout/stderr through the Vcon, line buffered ---- */

static char out_buf[256];
static size_t out_len;

static void out_flush(void)
{
	if (out_len)
		(void)vireo_vcon_write(VIREO_SEL_VCON, out_buf, out_len);
	out_len = 0;
}

static int out_put(char c, FILE *f)
{
	(void)f;
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out_buf))
		out_flush();
	return (unsigned char)c;
}

static int out_flush_file(FILE *f)
{
	(void)f;
	out_flush();
	return 0;
}

static FILE console = FDEV_SETUP_STREAM(out_put, NULL, out_flush_file, _FDEV_SETUP_WRITE);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

/* ---- program start and exit ---- */

/* The environment the root task gave this program (NULL for the root task itself). */
const struct vireo_env *vireo_env;

/* Writable copies of the arguments for main(): C lets a program change them. */
static char arg_strings[sizeof(((struct vireo_env *)0)->strings)];
static char *arg_vector[VIREO_ENV_MAX_ARGS + 1];

/*
 * The first thread ends: flush, tell the parent (programs the root task
 * started), then delete itself. The root task itself just ends; the kernel
 * reports it.
 */
void _exit(int status)
{
	out_flush();
	if (vireo_env) {
		mr()[0] = VIREO_PARENT_EXIT;
		mr()[1] = (vireo_word_t)(int64_t)status;
		(void)vireo_send(VIREO_SEL_PARENT, vireo_tag(VIREO_PROTO_PARENT, 2, 0),
				 VIREO_TIMEOUT_NEVER);
	}
	vireo_kobject_delete(VIREO_SEL_THREAD);
	for (;;)
		;
}

/* Copy argv out of the environment page, skipping entries that point outside it. */
static int env_args(const struct vireo_env *env)
{
	const size_t first = offsetof(struct vireo_env, strings);
	size_t used = 0;
	int argc = 0;

	for (vireo_word_t i = 0; i < env->argc && i < VIREO_ENV_MAX_ARGS; i++) {
		vireo_word_t off = env->argv[i];
		size_t len;

		if (off < first || off >= VIREO_ENV_SIZE)
			continue;
		len = strnlen((const char *)env + off, VIREO_ENV_SIZE - off);
		if (off + len == VIREO_ENV_SIZE || used + len + 1 > sizeof(arg_strings))
			continue;
		memcpy(arg_strings + used, (const char *)env + off, len + 1);
		arg_vector[argc++] = arg_strings + used;
		used += len + 1;
	}
	arg_vector[argc] = 0;
	return argc;
}

vireo_cap_t vireo_env_cap(const char *name)
{
	if (!vireo_env)
		return VIREO_CAP_INVALID;
	for (vireo_word_t i = 0; i < vireo_env->ncaps && i < VIREO_ENV_MAX_CAPS; i++)
		if (strncmp(vireo_env->cap[i].name, name, VIREO_ENV_NAME_SIZE) == 0)
			return vireo_env->cap[i].sel;
	return VIREO_CAP_INVALID;
}

vireo_word_t vireo_env_label(const char *name)
{
	if (!vireo_env)
		return 0;
	for (vireo_word_t i = 0; i < vireo_env->ncaps && i < VIREO_ENV_MAX_CAPS; i++)
		if (strncmp(vireo_env->cap[i].name, name, VIREO_ENV_NAME_SIZE) == 0)
			return vireo_env->cap[i].label;
	return 0;
}

const void *vireo_env_file(const char *name, size_t *size)
{
	if (!vireo_env)
		return 0;
	for (vireo_word_t i = 0; i < vireo_env->nfiles && i < VIREO_ENV_MAX_FILES; i++) {
		const struct vireo_env_file *f = &vireo_env->file[i];

		if (strncmp(f->name, name, VIREO_ENV_NAME_SIZE) == 0) {
			*size = f->size;
			return (const void *)f->addr;
		}
	}
	return 0;
}

enum vireo_status vireo_parent_memory(size_t bytes, void **addr)
{
	struct vireo_ret r;

	if (!vireo_env)
		return VIREO_E_CAP;
	mr()[0] = VIREO_PARENT_MEMORY;
	mr()[1] = bytes;
	r = vireo_call(VIREO_SEL_PARENT, vireo_tag(VIREO_PROTO_PARENT, 2, 0),
		       vireo_timeouts(VIREO_TIMEOUT_NEVER, VIREO_TIMEOUT_NEVER));
	if (r.status != VIREO_OK)
		return r.status;
	if (mr()[0] != VIREO_OK)
		return (enum vireo_status)mr()[0];
	*addr = (void *)mr()[1];
	return VIREO_OK;
}

void vireo_start(struct vireo_utcb *utcb, const vireo_word_t *info);

/* The start information's first word says what it is (include/vireo/bootinfo.h). */
void vireo_start(struct vireo_utcb *utcb, const vireo_word_t *info)
{
	int argc = 0;

	vireo_utcb_ptr = utcb;
	if (info && info[0] == VIREO_BOOT_INFO_MAGIC)
		vireo_boot_info = (const struct vireo_boot_info *)info;
	if (info && info[0] == VIREO_ENV_MAGIC) {
		vireo_env = (const struct vireo_env *)info;
		argc = env_args(vireo_env);
	}
	exit(main(argc, arg_vector));
}
