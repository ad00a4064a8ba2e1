/* The PLIC (see plic.h). Register map: PLIC spec 1.0 §3. */
#include <string.h>

#include "plic.h"

#define PRIORITY_BASE 0x0
#define PENDING_BASE 0x1000
#define ENABLE_BASE 0x2000
#define ENABLE_STRIDE 0x80
#define CONTEXT_BASE 0x200000
#define CONTEXT_STRIDE 0x1000
#define VALID_SOURCES 0xfffffffeu /* ids 1..31 */

void plic_init(struct plic *p, struct vmm *vm)
{
	memset(p, 0, sizeof(*p));
	p->vm = vm;
}

/* The best source context ctx may claim now: enabled, pending, above its threshold. */
static unsigned best(const struct plic *p, unsigned ctx)
{
	uint32_t cand = p->pending & p->enable[ctx] & VALID_SOURCES;
	unsigned id = 0, prio = p->threshold[ctx];

	for (unsigned s = 1; s < PLIC_SOURCES; s++) {
		if ((cand >> s & 1) && p->priority[s] > prio) {
			prio = p->priority[s];
			id = s;
		}
	}
	return id;
}

static void update(struct plic *p)
{
	/* The gateway: a high line is pending unless a claim of it is in service. */
	p->pending |= p->level & ~p->claimed;
	for (unsigned ctx = 0; ctx < p->vm->ncpus; ctx++) {
		struct vmm_vcpu *c = &p->vm->vcpu[ctx];
		bool line = best(p, ctx) != 0;

		if (line != c->ext_line) {
			c->ext_line = line;
			vcpu_request(c, VCPU_REQ_EXT);
		}
	}
}

void plic_set_level(struct plic *p, unsigned source, bool high)
{
	if (source == 0 || source >= PLIC_SOURCES)
		return;
	if (high)
		p->level |= 1u << source;
	else
		p->level &= ~(1u << source);
	update(p);
}

static uint32_t claim(struct plic *p, unsigned ctx)
{
	unsigned id = best(p, ctx);

	if (id) {
		p->pending &= ~(1u << id);
		p->claimed |= 1u << id;
		update(p);
	}
	return id;
}

static void complete(struct plic *p, unsigned ctx, uint32_t id)
{
	/* Only a source this context may claim completes (PLIC spec §3.8). */
	if (id == 0 || id >= PLIC_SOURCES || !(p->enable[ctx] >> id & 1))
		return;
	p->claimed &= ~(1u << id);
	update(p);
}

static bool context_reg(struct plic *p, uint64_t off, bool write, uint64_t *data)
{
	uint64_t ctx = (off - CONTEXT_BASE) / CONTEXT_STRIDE, reg = (off - CONTEXT_BASE) % CONTEXT_STRIDE;

	if (ctx >= p->vm->ncpus || reg > 4)
		return false;
	if (reg == 0) { /* priority threshold */
		if (write) {
			p->threshold[ctx] = (uint32_t)*data & 7;
			update(p);
		} else {
			*data = p->threshold[ctx];
		}
	} else if (write) {
		complete(p, (unsigned)ctx, (uint32_t)*data);
	} else {
		*data = claim(p, (unsigned)ctx);
	}
	return true;
}

bool plic_access(struct plic *p, uint64_t off, unsigned len, bool write, uint64_t *data)
{
	if (len != 4 || off % 4)
		return false;
	if (off < PENDING_BASE) {
		uint64_t s = off / 4;

		if (s >= PLIC_SOURCES)
			return false;
		if (write && s)
			p->priority[s] = (uint32_t)*data & 7;
		else if (!write)
			*data = p->priority[s];
		if (write)
			update(p);
		return true;
	}
	if (off < ENABLE_BASE) {
		if (off != PENDING_BASE)
			return false;
		if (!write)
			*data = p->pending;
		return true;
	}
	if (off < CONTEXT_BASE) {
		uint64_t ctx = (off - ENABLE_BASE) / ENABLE_STRIDE;

		if (ctx >= p->vm->ncpus || (off - ENABLE_BASE) % ENABLE_STRIDE)
			return false;
		if (write) {
			p->enable[ctx] = (uint32_t)*data & VALID_SOURCES;
			update(p);
		} else {
			*data = p->enable[ctx];
		}
		return true;
	}
	return context_reg(p, off, write, data);
}
