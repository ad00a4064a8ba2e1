/* PLIC driver (see arch/plic.h; register map from the PLIC spec, chapter 3). */
#include <arch/plic.h>

#define PRIORITY_BASE 0x0
#define ENABLE_BASE 0x2000
#define ENABLE_STRIDE 0x80
#define CONTEXT_BASE 0x200000
#define CONTEXT_STRIDE 0x1000
#define THRESHOLD 0x0
#define CLAIM 0x4

static volatile uint32_t *plic;
static unsigned sources, ctx;

static volatile uint32_t *reg(uint64_t offset)
{
	return plic + offset / 4;
}

void plic_init(vaddr_t base, unsigned ndev, unsigned context)
{
	plic = va_ptr(base);
	sources = ndev;
	ctx = context;
	for (unsigned s = 1; s <= ndev; s++) {
		*reg(PRIORITY_BASE + 4 * s) = 1;
		plic_disable(s);
	}
	*reg(CONTEXT_BASE + CONTEXT_STRIDE * ctx + THRESHOLD) = 0;
}

unsigned plic_sources(void)
{
	return sources;
}

static volatile uint32_t *enable_word(unsigned source)
{
	return reg(ENABLE_BASE + ENABLE_STRIDE * ctx + 4 * (source / 32));
}

void plic_enable(unsigned source)
{
	*enable_word(source) |= 1u << (source % 32);
}

void plic_disable(unsigned source)
{
	*enable_word(source) &= ~(1u << (source % 32));
}

unsigned plic_claim(void)
{
	return *reg(CONTEXT_BASE + CONTEXT_STRIDE * ctx + CLAIM);
}

void plic_complete(unsigned source)
{
	*reg(CONTEXT_BASE + CONTEXT_STRIDE * ctx + CLAIM) = source;
}
