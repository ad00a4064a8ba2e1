/* The environment page of a program (layout in include/vireo/env.h). */
#ifndef ROOT_ENV_H
#define ROOT_ENV_H

#include "root.h"

/*
 * The selector in program p where its i-th capability from boot.cfg sits:
 * 'cap' lines from VIREO_SEL_FIRST_FREE on in file order, then the gates of
 * the services it serves.
 */
static inline vireo_cap_t env_cap_sel(const struct program *p, unsigned i)
{
	(void)p;
	return VIREO_SEL_FIRST_FREE + i;
}

/*
 * Fill the zeroed page env for p: magic, argv (instance name, then args),
 * the capability table. Returns false if the strings do not fit.
 */
__attribute__((warn_unused_result)) bool env_fill(struct vireo_env *env, const struct program *p);

#endif
