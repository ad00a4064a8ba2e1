/*
 * Kernel objects and their lifetime.
 *
 * Every object a capability can name starts with a struct kobject. It lives
 * while anything refers to it: each capability slot holds one reference, and
 * kernel structures that point to it (a thread's task, a gate's thread) hold
 * one each. Deleting an object (a capability with the DELETE right) does not
 * wait for that: it clears every capability to it at once, runs the kind's
 * destroy hook (which cancels IPC and detaches it from others), and marks it
 * dead; the memory goes back to the factory's quota when the last reference
 * is dropped.
 *
 *   kobject --caps--> slot <-> slot <-> slot   (every capability naming it)
 */
#ifndef KERNEL_KOBJECT_H
#define KERNEL_KOBJECT_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/protocol.h>
#include <vireo/status.h>

struct cap_slot;
struct factory;
struct thread;
struct msg;

#define KOBJECT_NAME 16

struct kobject {
	enum vireo_kind kind;
	bool dead;
	uint32_t refs;
	struct cap_slot *caps;   /* list of slots naming this object */
	struct factory *factory; /* whose quota paid for it; NULL for boot objects */
	size_t charged;          /* bytes charged to that quota */
	struct kobject *all_next, *all_prev; /* every live object, for the debugger */
	char name[KOBJECT_NAME]; /* set through the Debugger; "" if none */
};

/* The list of every object that exists (newest first). */
extern struct kobject *kobject_all;

/* What each kind of object does. */
struct kobject_ops {
	/* Handle one invocation; `rights` are the capability's. */
	enum vireo_status (*invoke)(struct kobject *obj, unsigned rights, struct thread *caller,
				    struct msg *msg);
	/* Detach from everything (cancel IPC etc.) when deleted; may be NULL. */
	void (*destroy)(struct kobject *obj);
	/* Free the memory once unreferenced (after destroy). */
	void (*release)(struct kobject *obj);
};

/* Set up the header of a new object with no references yet. */
void kobject_init(struct kobject *obj, enum vireo_kind kind);

static inline void kobject_get(struct kobject *obj)
{
	obj->refs++;
}

/* Take an object off the list of all objects (its memory is about to be freed). */
void kobject_unlist(struct kobject *obj);

/* Drop a reference; the last one releases the object. */
void kobject_put(struct kobject *obj);

/* Delete: clear every capability, destroy, release when unreferenced. */
void kobject_delete(struct kobject *obj);

/* The operations of a kind (NULL for VIREO_KIND_NONE). */
const struct kobject_ops *kobject_ops_of(enum vireo_kind kind);

#endif
