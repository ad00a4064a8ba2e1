/*
 * FP register helpers for the tests (the test programs are built without
 * F/D, so these say .option arch, +d): a thread or process fills f0..f31
 * and the rounding mode with a pattern from a seed and checks it later.
 */
#ifndef TESTS_FPREGS_H
#define TESTS_FPREGS_H

#include <stdbool.h>
#include <stdint.h>

/* Load f0..f31 from v[0..31] and the rounding mode from v[32]. */
static inline void fp_load(const uint64_t *v)
{
	__asm__ volatile(".option push\n.option arch, +d\n"
			 "fld f0, 0(%0)\n fld f1, 8(%0)\n fld f2, 16(%0)\n fld f3, 24(%0)\n"
			 "fld f4, 32(%0)\n fld f5, 40(%0)\n fld f6, 48(%0)\n fld f7, 56(%0)\n"
			 "fld f8, 64(%0)\n fld f9, 72(%0)\n fld f10, 80(%0)\n fld f11, 88(%0)\n"
			 "fld f12, 96(%0)\n fld f13, 104(%0)\n fld f14, 112(%0)\n fld f15, 120(%0)\n"
			 "fld f16, 128(%0)\n fld f17, 136(%0)\n fld f18, 144(%0)\n fld f19, 152(%0)\n"
			 "fld f20, 160(%0)\n fld f21, 168(%0)\n fld f22, 176(%0)\n fld f23, 184(%0)\n"
			 "fld f24, 192(%0)\n fld f25, 200(%0)\n fld f26, 208(%0)\n fld f27, 216(%0)\n"
			 "fld f28, 224(%0)\n fld f29, 232(%0)\n fld f30, 240(%0)\n fld f31, 248(%0)\n"
			 "fsrm %1\n"
			 ".option pop"
			 :
			 : "r"(v), "r"(v[32])
			 : "memory");
}

static inline void fp_store(uint64_t *v)
{
	uint64_t rm;

	__asm__ volatile(".option push\n.option arch, +d\n"
			 "fsd f0, 0(%1)\n fsd f1, 8(%1)\n fsd f2, 16(%1)\n fsd f3, 24(%1)\n"
			 "fsd f4, 32(%1)\n fsd f5, 40(%1)\n fsd f6, 48(%1)\n fsd f7, 56(%1)\n"
			 "fsd f8, 64(%1)\n fsd f9, 72(%1)\n fsd f10, 80(%1)\n fsd f11, 88(%1)\n"
			 "fsd f12, 96(%1)\n fsd f13, 104(%1)\n fsd f14, 112(%1)\n fsd f15, 120(%1)\n"
			 "fsd f16, 128(%1)\n fsd f17, 136(%1)\n fsd f18, 144(%1)\n fsd f19, 152(%1)\n"
			 "fsd f20, 160(%1)\n fsd f21, 168(%1)\n fsd f22, 176(%1)\n fsd f23, 184(%1)\n"
			 "fsd f24, 192(%1)\n fsd f25, 200(%1)\n fsd f26, 208(%1)\n fsd f27, 216(%1)\n"
			 "fsd f28, 224(%1)\n fsd f29, 232(%1)\n fsd f30, 240(%1)\n fsd f31, 248(%1)\n"
			 "frrm %0\n"
			 ".option pop"
			 : "=r"(rm)
			 : "r"(v)
			 : "memory");
	v[32] = rm;
}

static inline uint64_t fp_pattern(uint64_t seed, unsigned i)
{
	return i < 32 ? seed * 0x9e3779b97f4a7c15ULL + i : seed % 5; /* rounding modes 0..4 */
}

static inline void fp_set(uint64_t seed)
{
	uint64_t v[33];

	for (unsigned i = 0; i < 33; i++)
		v[i] = fp_pattern(seed, i);
	fp_load(v);
}

static inline bool fp_check(uint64_t seed)
{
	uint64_t got[33];

	fp_store(got);
	for (unsigned i = 0; i < 33; i++)
		if (got[i] != fp_pattern(seed, i))
			return false;
	return true;
}

#endif
