/* Kernel-memory quotas (see kernel/quota.h). */
#include <kernel/quota.h>

bool quota_charge(struct quota *q, uint64_t bytes)
{
	if (bytes > q->limit - q->used)
		return false;
	q->used += bytes;
	return true;
}

bool quota_uncharge(struct quota *q, uint64_t bytes)
{
	if (bytes > q->used)
		return false;
	q->used -= bytes;
	return true;
}

bool quota_split(struct quota *parent, struct quota *child, uint64_t limit)
{
	if (!quota_charge(parent, limit))
		return false;
	child->limit = limit;
	child->used = 0;
	return true;
}

bool quota_join(struct quota *parent, struct quota *child)
{
	if (child->used != 0 || !quota_uncharge(parent, child->limit))
		return false;
	child->limit = 0;
	return true;
}
