/* Checking boot.cfg's programs before starting any (see validate.h). */
#include <stdio.h>

#include "archive.h"
#include "caps.h"
#include "frames.h"
#include "loader.h"
#include "validate.h"

#define KIB(bytes) ((unsigned long)((bytes) / 1024))

static uint64_t quota_available(void)
{
	uint64_t limit = 0, used = 0;

	if (vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &used) != VIREO_OK)
		return 0;
	return limit - used;
}

/* The module exists and parses as an ELF for the program address range. */
static unsigned check_image(struct program *p)
{
	const char *inst = p->cfg->instance, *mod = p->cfg->module;
	struct parse_error err = { "", 0 };

	if (!archive_find(mod, &p->file, &p->file_size, &err)) {
		printf("root: %s: %s: %s\n", inst, mod, err.what);
		return 1;
	}
	if (!elf_parse(p->file, p->file_size, VIREO_PROG_IMAGE_MIN, VIREO_PROG_IMAGE_END,
		       &p->image, &err)) {
		printf("root: %s: %s: %s at offset %zu\n", inst, mod, err.what, err.offset);
		return 1;
	}
	p->pages = loader_pages_needed(&p->image);
	for (unsigned i = 0; i < p->cfg->nfiles; i++) {
		const struct bootcfg_file *f = &p->cfg->file[i];

		if (!archive_find(f->module, &p->fdata[i], &p->fsize[i], &err)) {
			printf("root: %s: file %s: %s: %s (boot.cfg line %u)\n", inst, f->name,
			       f->module, err.what, f->line);
			return 1;
		}
		p->pages += loader_file_pages(p->fsize[i]);
	}
	if (p->pages * LOADER_PAGE > p->cfg->memory) {
		printf("root: %s: needs %lu KiB of memory (image, stack, environment, files), "
		       "memory allows %lu KiB\n",
		       inst, KIB(p->pages * LOADER_PAGE), KIB(p->cfg->memory));
		return 1;
	}
	return 0;
}

static unsigned check_caps(const struct program *p)
{
	unsigned problems = 0;

	for (unsigned i = 0; i < p->cfg->ncaps; i++) {
		const struct bootcfg_cap *c = &p->cfg->cap[i];
		const char *why = caps_problem(c);

		if (!why)
			continue;
		printf("root: %s: cap %s: %s%s%s %s (boot.cfg line %u)\n", p->cfg->instance, c->name,
		       bootcfg_source_name(c->source), c->service[0] ? ":" : "", c->service, why,
		       c->line);
		problems++;
	}
	return problems;
}

static unsigned check_limits(const struct program *p, uint64_t quota)
{
	const struct bootcfg_program *cfg = p->cfg;
	unsigned problems = 0;

	if (cfg->cpus >> vireo_boot_info->ncpus) {
		printf("root: %s: cpus: CPU %u does not exist (%u CPU(s))\n", cfg->instance,
		       (unsigned)(63 - __builtin_clzll(cfg->cpus)),
		       (unsigned)vireo_boot_info->ncpus);
		problems++;
	}
	if (cfg->quota < VALIDATE_MIN_QUOTA) {
		printf("root: %s: quota %lu KiB is below the %lu KiB a program needs\n",
		       cfg->instance, KIB(cfg->quota), KIB(VALIDATE_MIN_QUOTA));
		problems++;
	} else if (cfg->quota > quota) {
		printf("root: %s: quota %lu KiB exceeds the root factory's %lu KiB\n",
		       cfg->instance, KIB(cfg->quota), KIB(quota));
		problems++;
	}
	return problems;
}

/* All programs at once: their quotas and their memory. */
static unsigned check_totals(uint64_t quota)
{
	uint64_t need_quota = 0, need_pages = 0;
	unsigned problems = 0;

	for (unsigned i = 0; i < root_nprograms; i++) {
		need_quota += root_program[i].cfg->quota + VALIDATE_ROOT_OVERHEAD;
		need_pages += root_program[i].pages;
	}
	if (need_quota > quota) {
		printf("root: the programs' quotas need %lu KiB, the root factory has %lu KiB\n",
		       KIB(need_quota), KIB(quota));
		problems++;
	}
	if (need_pages > frames_available()) {
		printf("root: the programs need %lu KiB of memory, the root task has %lu KiB\n",
		       KIB(need_pages * LOADER_PAGE), KIB(frames_available() * LOADER_PAGE));
		problems++;
	}
	return problems;
}

unsigned validate_all(void)
{
	uint64_t quota = quota_available();
	unsigned problems = 0, before;

	for (unsigned i = 0; i < root_nprograms; i++) {
		struct program *p = &root_program[i];

		problems += check_image(p);
		problems += check_caps(p);
		problems += check_limits(p, quota);
	}
	before = problems;
	/* Totals only mean something once every program is fine on its own. */
	if (!before)
		problems += check_totals(quota);
	return problems;
}
