/* The capability grant policy (see caps.h). */
#include <vireo.h>

#include "caps.h"

/* What a source may give; 0 for sources that cannot be granted yet. */
static unsigned allowed(enum bootcfg_source s)
{
	switch (s) {
	case BOOTCFG_SRC_VCON:
	case BOOTCFG_SRC_FACTORY:
	case BOOTCFG_SRC_SCHEDULER:
	case BOOTCFG_SRC_PLATFORM:
	case BOOTCFG_SRC_ICU:
	case BOOTCFG_SRC_DEBUGGER:
		return VIREO_CAP_READ | VIREO_CAP_WRITE | VIREO_CAP_SEND;
	case BOOTCFG_SRC_GATE:
		return VIREO_CAP_SEND;
	default:
		return 0;
	}
}

static unsigned from_letters(uint8_t r)
{
	return (r & BOOTCFG_RIGHT_READ ? VIREO_CAP_READ : 0) |
	       (r & BOOTCFG_RIGHT_WRITE ? VIREO_CAP_WRITE : 0) |
	       (r & BOOTCFG_RIGHT_SEND ? VIREO_CAP_SEND : 0) |
	       (r & BOOTCFG_RIGHT_DELETE ? VIREO_CAP_DELETE : 0);
}

unsigned caps_rights(const struct bootcfg_cap *c)
{
	return c->rights_default ? allowed(c->source) : from_letters(c->rights);
}

const char *caps_problem(const struct bootcfg_cap *c)
{
	if (!allowed(c->source))
		return "is not available yet";
	if (caps_rights(c) & ~allowed(c->source))
		return c->source == BOOTCFG_SRC_GATE ? "allows only rights=s"
						     : "allows only rights from \"rws\"";
	return 0;
}
