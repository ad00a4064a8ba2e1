/*
 * Kernel-memory quotas: how many bytes of kernel memory an owner may have
 * charged at once. Portable and host-tested; factories embed one.
 *
 *   parent {limit 1 MiB, used 300 KiB}
 *     split 256 KiB -> child {limit 256 KiB, used 0}; parent used 556 KiB
 *     join (child used must be 0)                 -> parent used 300 KiB
 *
 * A child's whole limit is charged to its parent when it is split off, so
 * no chain of children can overdraw an ancestor.
 */
#ifndef KERNEL_QUOTA_H
#define KERNEL_QUOTA_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

struct quota {
	uint64_t limit;
	uint64_t used; /* invariant: used <= limit */
};

/* Charge bytes; false (nothing charged) when they do not fit. */
must_check bool quota_charge(struct quota *q, uint64_t bytes);

/* Give back bytes; false (nothing changed) if more than is charged: a kernel bug. */
must_check bool quota_uncharge(struct quota *q, uint64_t bytes);

/* A child quota of `limit` bytes, charged to parent at once; false if it does not fit. */
must_check bool quota_split(struct quota *parent, struct quota *child, uint64_t limit);

/* Return an unused child's limit to its parent; false (nothing changed) if it is in use. */
must_check bool quota_join(struct quota *parent, struct quota *child);

#endif
