/* Faults, exceptions, exits and restarts of the programs (see supervise.h). */
#include <stdio.h>

#include "program.h"
#include "loader.h"
#include "supervise.h"

static const char *const restart_names[] = {
	[BOOTCFG_RESTART_NEVER] = "never",
	[BOOTCFG_RESTART_ON_FAILURE] = "on-failure",
	[BOOTCFG_RESTART_ALWAYS] = "always",
};

bool supervise_start(struct program *p)
{
	const char *what = "";
	enum vireo_status st = program_create(p, &what);

	if (st == VIREO_OK && (st = program_run(p)) != VIREO_OK)
		what = "starting its thread";
	if (st == VIREO_OK)
		return true;
	printf("root: %s: cannot start: %s failed with %s\n", p->cfg->instance, what,
	       vireo_status_name(st));
	program_destroy(p);
	return false;
}

static bool wants_restart(const struct program *p, bool failed)
{
	switch (p->cfg->restart) {
	case BOOTCFG_RESTART_ALWAYS:
		return true;
	case BOOTCFG_RESTART_ON_FAILURE:
		return failed;
	default:
		return false;
	}
}

/* p has ended (its thread is gone or stuck in a fault): free it, maybe start it again. */
static void ended(struct program *p, bool failed)
{
	program_destroy(p);
	if (!wants_restart(p, failed))
		return;
	if (p->restarts == ROOT_MAX_RESTARTS) {
		printf("root: %s: not restarted: restart %s allows at most %u restarts\n",
		       p->cfg->instance, restart_names[p->cfg->restart], ROOT_MAX_RESTARTS);
		return;
	}
	p->restarts++;
	printf("root: restarting %s (%u of at most %u)\n", p->cfg->instance, p->restarts,
	       ROOT_MAX_RESTARTS);
	supervise_start(p); /* it reports a failure itself */
}

static const char *access_name(vireo_word_t fault)
{
	if (fault & VIREO_PF_EXEC)
		return "execute";
	return fault & VIREO_PF_WRITE ? "write" : "read";
}

static void on_message(struct program *p, vireo_tag_t tag)
{
	const vireo_word_t *mr = vireo_utcb()->mr;
	const char *name = p->cfg->instance;

	switch (vireo_tag_label(tag)) {
	case VIREO_PROTO_PAGE_FAULT:
		printf("root: %s: page fault at 0x%lx (pc 0x%lx, %s)\n", name,
		       (unsigned long)(mr[0] & ~(vireo_word_t)3), (unsigned long)mr[1],
		       access_name(mr[0]));
		ended(p, true);
		break;
	case VIREO_PROTO_EXCEPTION:
		printf("root: %s: exception, cause %lu (value 0x%lx) at pc 0x%lx\n", name,
		       (unsigned long)mr[0], (unsigned long)mr[1], (unsigned long)mr[2]);
		ended(p, true);
		break;
	case VIREO_PROTO_PARENT:
		if (vireo_tag_words(tag) >= 2 && mr[0] == VIREO_PARENT_MEMORY) {
			uintptr_t addr = 0;
			enum vireo_status st =
				loader_grant(p, program_sel(p, PROGRAM_TASK), mr[1], &addr);

			vireo_utcb()->mr[0] = (vireo_word_t)st;
			vireo_utcb()->mr[1] = addr;
			(void)vireo_reply(vireo_tag(0, 2, 0));
			break;
		}
		if (vireo_tag_words(tag) < 2 || mr[0] != VIREO_PARENT_EXIT)
			break;
		printf("root: %s exited with status %d\n", name, (int)(int64_t)mr[1]);
		ended(p, (int)(int64_t)mr[1] != 0);
		break;
	default:
		break;
	}
}

static bool any_running(void)
{
	for (unsigned i = 0; i < root_nprograms; i++)
		if (root_program[i].running)
			return true;
	return false;
}

void supervise(void)
{
	while (any_running()) {
		struct vireo_ret r = vireo_wait(VIREO_TIMEOUT_NEVER);
		struct program *p = r.status == VIREO_OK ? program_of_label(r.label) : 0;

		/* Only parent gates are bound to this thread; a stale message finds no program. */
		if (p && p->running && (r.label & 0xf0) == 0)
			on_message(p, r.tag);
	}
}
