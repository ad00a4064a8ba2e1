/*
 * IPC gates: endpoints bound to a thread with a label. A message sent
 * through a gate reaches the bound thread with the gate's label; the low
 * four bits carry the sender's rights on the gate, so a label's own low
 * bits must be zero.
 */
#ifndef KERNEL_GATE_H
#define KERNEL_GATE_H

#include <kernel/kobject.h>
#include <vireo/fpage.h>
#include <vireo/protocol.h>
#include <vireo/tag.h>
#include <vireo/types.h>

#define GATE_LABEL_RIGHTS_MASK 0xfu

struct ipc_gate {
	struct kobject obj;
	struct thread *thread; /* reference held; NULL while unbound */
	vireo_word_t label;
};

/* A gate bound to the thread at `thread_sel` in the caller's space (or unbound). */
must_check enum vireo_status gate_create(struct factory *f, struct thread *caller,
					 vireo_cap_t thread_sel, vireo_word_t label,
					 struct kobject **out);

/*
 * Whether a message with this tag manages the gate (gate or generic object
 * protocol, through a capability with WRITE) instead of passing through it.
 */
static inline bool gate_is_management(vireo_tag_t tag, unsigned rights)
{
	int64_t label = vireo_tag_label(tag);

	return (label == VIREO_PROTO_IPC_GATE || label == VIREO_PROTO_KOBJECT) &&
	       (rights & VIREO_CAP_WRITE);
}

extern const struct kobject_ops gate_ops;

#endif
