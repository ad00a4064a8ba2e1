/*
 * The root task: reads boot.cfg from the boot archive, checks every
 * program it names, starts them all, then supervises them until none is
 * left (see supervise.h). Nothing starts unless everything checks out.
 */
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "frames.h"
#include "program.h"
#include "supervise.h"
#include "validate.h"

static bool read_config(void)
{
	static struct bootcfg_errors errs;
	struct parse_error err = { "", 0 };
	const uint8_t *text;
	size_t len;

	if (!archive_find("boot.cfg", &text, &len, &err)) {
		if (strcmp(err.what, "not found in archive") == 0)
			printf("root: no boot.cfg in the boot archive\n");
		else
			printf("root: boot archive: %s at offset %zu\n", err.what, err.offset);
		return false;
	}
	if (bootcfg_parse((const char *)text, len, &root_cfg, &errs))
		return true;
	for (unsigned i = 0; i < bootcfg_errors_kept(&errs); i++)
		printf("boot.cfg:%u: %s\n", errs.error[i].line, errs.error[i].message);
	if (errs.count > BOOTCFG_MAX_ERRORS)
		printf("boot.cfg: %u more error(s)\n", errs.count - BOOTCFG_MAX_ERRORS);
	return false;
}

static void start_line(const struct program *p)
{
	printf("root: starting %s (module %s, %lu KiB of memory, quota %lu KiB, priority %u)\n",
	       p->cfg->instance, p->cfg->module, (unsigned long)p->pages * 4,
	       (unsigned long)(p->cfg->quota / 1024), p->cfg->priority);
}

/* Create every program before any runs, so each service gate is bound when clients call. */
static bool start_all(void)
{
	enum vireo_status st = program_gates_create();
	const char *what = "";
	unsigned i;

	if (st != VIREO_OK) {
		printf("root: cannot create the programs' gates: %s\n", vireo_status_name(st));
		program_gates_destroy();
		return false;
	}
	for (i = 0; i < root_nprograms && st == VIREO_OK; i++) {
		start_line(&root_program[i]);
		st = program_create(&root_program[i], &what);
	}
	if (st != VIREO_OK) {
		printf("root: %s: cannot start: %s failed with %s\n", root_program[i - 1].cfg->instance,
		       what, vireo_status_name(st));
		for (unsigned j = 0; j < i; j++)
			program_destroy(&root_program[j]);
		program_gates_destroy();
		return false;
	}
	for (i = 0; i < root_nprograms; i++)
		if ((st = program_run(&root_program[i])) != VIREO_OK)
			printf("root: %s: cannot run: %s\n", root_program[i].cfg->instance,
			       vireo_status_name(st));
	return true;
}

static uint64_t quota_used(void)
{
	uint64_t limit = 0, used = 0;

	(void)vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &used);
	return used;
}

int main(int argc, char **argv)
{
	unsigned problems;
	uint64_t used, pages;

	(void)argc;
	(void)argv;
	if (!vireo_boot_info) {
		printf("root: started without boot information\n");
		return 1;
	}
	frames_init(vireo_boot_info);
	if (!read_config()) {
		printf("root: nothing started\n");
		return 1;
	}
	root_nprograms = root_cfg.nprograms;
	for (unsigned i = 0; i < root_nprograms; i++)
		root_program[i] = (struct program){ .cfg = &root_cfg.prog[i], .index = i };
	printf("root: boot.cfg names %u program(s)\n", root_nprograms);
	if ((problems = validate_all()) != 0) {
		printf("root: nothing started (%u problem(s))\n", problems);
		return 1;
	}
	used = quota_used();
	pages = frames_available();
	if (!start_all()) {
		printf("root: nothing started\n");
		return 1;
	}
	supervise();
	program_gates_destroy();
	printf("root: all programs ended\n");
	if (quota_used() != used)
		printf("root: %lu bytes of kernel quota not returned\n",
		       (unsigned long)(quota_used() - used));
	if (frames_available() != pages)
		printf("root: %lu KiB of memory not returned\n",
		       (unsigned long)(pages - frames_available()) * 4);
	return 0;
}
