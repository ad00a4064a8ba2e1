/*
 * Which capabilities boot.cfg may grant, and with which rights:
 *
 *   source      rights a program may get   default (no rights=)
 *   vcon        r w s                      r w s   (write, read input)
 *   factory     r w s                      r w s   (its own sub-factory)
 *   gate:NAME   s                          s       (call the service)
 *
 * Delete is never granted: a program must not be able to destroy the
 * console or a service gate other programs rely on. icu, scheduler,
 * platform, debugger and archive have no kernel object (or no root-side
 * support) yet and are rejected before anything starts.
 */
#ifndef ROOT_CAPS_H
#define ROOT_CAPS_H

#include "bootcfg.h"

/* The VIREO_CAP_* rights cap c grants (rights= or the source's default). */
unsigned caps_rights(const struct bootcfg_cap *c);

/* Why cap c cannot be granted (a static message), or NULL if it can. */
const char *caps_problem(const struct bootcfg_cap *c);

#endif
