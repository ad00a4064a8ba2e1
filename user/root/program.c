/* Making and destroying a program's objects (see program.h). */
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "env.h"
#include "loader.h"
#include "program.h"

struct bootcfg root_cfg;
struct program root_program[BOOTCFG_MAX_PROGRAMS];
unsigned root_nprograms;

struct program *program_of_label(vireo_word_t label)
{
	vireo_word_t i = label >> 8;

	return i >= 1 && i <= root_nprograms ? &root_program[i - 1] : 0;
}

int program_service_index(const struct program *p, const char *name)
{
	for (unsigned k = 0; k < p->cfg->nserves; k++)
		if (strcmp(p->cfg->serve[k].name, name) == 0)
			return (int)k;
	return -1;
}

enum vireo_status program_gates_create(void)
{
	for (unsigned i = 0; i < root_nprograms; i++) {
		struct program *p = &root_program[i];
		enum vireo_status st;

		st = vireo_factory_create_gate(VIREO_SEL_FACTORY, program_sel(p, PROGRAM_PARENT_GATE),
					       VIREO_SEL_THREAD, program_parent_label(p));
		for (unsigned k = 0; k < p->cfg->nserves && st == VIREO_OK; k++)
			st = vireo_factory_create_gate(VIREO_SEL_FACTORY,
						       program_sel(p, PROGRAM_SERVICE_GATE + k),
						       VIREO_CAP_INVALID, program_service_label(p, k));
		if (st != VIREO_OK)
			return st;
	}
	return VIREO_OK;
}

void program_gates_destroy(void)
{
	for (unsigned i = 0; i < root_nprograms; i++) {
		struct program *p = &root_program[i];

		(void)vireo_kobject_delete(program_sel(p, PROGRAM_PARENT_GATE));
		for (unsigned k = 0; k < p->cfg->nserves; k++)
			(void)vireo_kobject_delete(program_sel(p, PROGRAM_SERVICE_GATE + k));
	}
}

/* Copy the root's capability src into p's task at dst with (at most) rights. */
static enum vireo_status give(struct program *p, vireo_cap_t src, unsigned rights, vireo_cap_t dst)
{
	return vireo_task_map(program_sel(p, PROGRAM_TASK), vireo_fpage_cap(src, 0, rights), dst);
}

/* Where the root task holds what boot.cfg's cap c names. */
static vireo_cap_t cap_source(const struct program *p, const struct bootcfg_cap *c)
{
	const struct program *server;

	switch (c->source) {
	case BOOTCFG_SRC_VCON:
		return VIREO_SEL_VCON;
	case BOOTCFG_SRC_FACTORY:
		return program_sel(p, PROGRAM_FACTORY);
	case BOOTCFG_SRC_SCHEDULER:
		return VIREO_SEL_SCHEDULER;
	case BOOTCFG_SRC_PLATFORM:
		return VIREO_SEL_PLATFORM;
	case BOOTCFG_SRC_ICU:
		return VIREO_SEL_ICU;
	case BOOTCFG_SRC_DEBUGGER:
		return VIREO_SEL_DEBUGGER;
	case BOOTCFG_SRC_GATE:
		server = &root_program[c->server];
		return program_sel(server, PROGRAM_SERVICE_GATE +
						   (unsigned)program_service_index(server, c->service));
	default:
		return VIREO_CAP_INVALID; /* validation rejected it */
	}
}

/* The fixed selectors, then boot.cfg's caps and the served gates (env.h order). */
static enum vireo_status give_caps(struct program *p)
{
	const struct bootcfg_program *cfg = p->cfg;
	const unsigned own = VIREO_CAP_READ | VIREO_CAP_WRITE | VIREO_CAP_SEND;
	enum vireo_status st;
	bool console = false;

	if ((st = give(p, program_sel(p, PROGRAM_TASK), VIREO_CAP_ALL, VIREO_SEL_TASK)) ||
	    (st = give(p, program_sel(p, PROGRAM_THREAD), VIREO_CAP_ALL, VIREO_SEL_THREAD)) ||
	    (st = give(p, program_sel(p, PROGRAM_FACTORY), own, VIREO_SEL_FACTORY)) ||
	    (st = give(p, program_sel(p, PROGRAM_PARENT_GATE), VIREO_CAP_SEND, VIREO_SEL_PARENT)))
		return st;
	for (unsigned i = 0; i < cfg->ncaps; i++) {
		const struct bootcfg_cap *c = &cfg->cap[i];

		st = give(p, cap_source(p, c), caps_rights(c), env_cap_sel(p, i));
		if (st == VIREO_OK && c->source == BOOTCFG_SRC_VCON && !console) {
			console = true;
			st = give(p, VIREO_SEL_VCON, caps_rights(c), VIREO_SEL_VCON);
		}
		if (st != VIREO_OK)
			return st;
	}
	/* The server may receive, and learn its label with gate_info: all but delete. */
	for (unsigned k = 0; k < cfg->nserves; k++)
		if ((st = give(p, program_sel(p, PROGRAM_SERVICE_GATE + k), own,
			       env_cap_sel(p, cfg->ncaps + k))))
			return st;
	return VIREO_OK;
}

static enum vireo_status bind_services(struct program *p)
{
	enum vireo_status st = VIREO_OK;

	for (unsigned k = 0; k < p->cfg->nserves && st == VIREO_OK; k++)
		st = vireo_gate_bind(program_sel(p, PROGRAM_SERVICE_GATE + k),
				     program_sel(p, PROGRAM_THREAD), program_service_label(p, k));
	return st;
}

/*
 * Faults and exceptions come to the root task through the parent gate; the
 * priority is the Scheduler's to give (it may be above the root task's own).
 */
static enum vireo_status control(struct program *p)
{
	vireo_cap_t gate = program_sel(p, PROGRAM_PARENT_GATE), thread = program_sel(p, PROGRAM_THREAD);
	enum vireo_status st = vireo_thread_control(
		thread, VIREO_THREAD_CTL_PAGER | VIREO_THREAD_CTL_EXC_HANDLER, gate, gate, 0);

	return st != VIREO_OK ? st
			      : vireo_sched_run_thread(VIREO_SEL_SCHEDULER, thread,
						       (unsigned)__builtin_ctzll(p->cfg->cpus),
						       p->cfg->priority, 0);
}

/* Run step; on failure remember its name. */
#define STEP(name, expr)                  \
	do {                              \
		if ((st = (expr)) != VIREO_OK) { \
			*what = (name);   \
			return st;        \
		}                         \
	} while (0)

enum vireo_status program_create(struct program *p, const char **what)
{
	vireo_cap_t factory = program_sel(p, PROGRAM_FACTORY);
	vireo_cap_t task = program_sel(p, PROGRAM_TASK), thread = program_sel(p, PROGRAM_THREAD);
	enum vireo_status st;

	p->created = true;
	STEP("creating its factory",
	     vireo_factory_create_factory(VIREO_SEL_FACTORY, factory, p->cfg->quota));
	STEP("creating its task", vireo_factory_create_task(factory, task, VIREO_PROG_UTCB_AREA,
							    VIREO_PROG_UTCB_LOG2));
	STEP("creating its thread", vireo_factory_create_thread(factory, thread));
	STEP("binding its thread", vireo_thread_bind(thread, task, VIREO_PROG_UTCB_AREA));
	STEP("loading it", loader_load(p, task));
	STEP("granting capabilities", give_caps(p));
	STEP("binding its service gates", bind_services(p));
	STEP("setting up its thread", control(p));
	return VIREO_OK;
}

enum vireo_status program_run(struct program *p)
{
	enum vireo_status st = vireo_thread_ex_regs(program_sel(p, PROGRAM_THREAD), p->image.entry,
						    VIREO_PROG_STACK_TOP - 16, 0, 0);

	p->running = st == VIREO_OK;
	return st;
}

void program_destroy(struct program *p)
{
	/*
	 * The thread first: it holds a reference to the task. The thread may
	 * have deleted itself already (at exit), so errors are expected.
	 */
	(void)vireo_kobject_delete(program_sel(p, PROGRAM_THREAD));
	(void)vireo_kobject_delete(program_sel(p, PROGRAM_TASK));
	(void)vireo_kobject_delete(program_sel(p, PROGRAM_FACTORY));
	loader_free(p);
	p->created = false;
	p->running = false;
}
