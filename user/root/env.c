/* Building a program's environment page (see env.h, include/vireo/env.h). */
#include <string.h>

#include "env.h"

/* Append s to the string area; its offset from the page start in argv[argc]. */
static bool add_arg(struct vireo_env *env, size_t *used, const char *s)
{
	size_t len = strlen(s);

	if (env->argc == VIREO_ENV_MAX_ARGS || *used + len + 1 > sizeof(env->strings))
		return false;
	memcpy(env->strings + *used, s, len + 1);
	env->argv[env->argc++] = offsetof(struct vireo_env, strings) + *used;
	*used += len + 1;
	return true;
}

static void add_cap(struct vireo_env *env, const char *name, vireo_cap_t sel, vireo_word_t label)
{
	struct vireo_env_cap *c = &env->cap[env->ncaps++];

	memcpy(c->name, name, strnlen(name, sizeof(c->name) - 1)); /* the page is zeroed */
	c->sel = sel;
	c->label = label;
}

bool env_fill(struct vireo_env *env, const struct program *p)
{
	const struct bootcfg_program *cfg = p->cfg;
	size_t used = 0;

	env->magic = VIREO_ENV_MAGIC;
	if (!add_arg(env, &used, cfg->instance))
		return false;
	for (unsigned i = 0; i < cfg->nargs; i++)
		if (!add_arg(env, &used, bootcfg_arg(&root_cfg, cfg, i)))
			return false;
	for (unsigned i = 0; i < cfg->ncaps; i++)
		add_cap(env, cfg->cap[i].name, env_cap_sel(p, i), 0);
	for (unsigned i = 0; i < cfg->nfiles; i++) {
		struct vireo_env_file *f = &env->file[env->nfiles++];

		memcpy(f->name, cfg->file[i].name, strnlen(cfg->file[i].name, sizeof(f->name) - 1));
		f->addr = p->faddr[i];
		f->size = p->fsize[i];
	}
	for (unsigned k = 0; k < cfg->nserves; k++)
		add_cap(env, cfg->serve[k].name, env_cap_sel(p, cfg->ncaps + k),
			program_service_label(p, k));
	return true;
}
