/* Compiler helpers shared by the kernel and its host-side unit tests. */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#define must_check __attribute__((warn_unused_result))
#define noreturn_fn __attribute__((noreturn))
#define packed_struct __attribute__((packed))
#define aligned_to(n) __attribute__((aligned(n)))
#define unused_var __attribute__((unused))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/*
 * Index of the highest set bit of x (x != 0). A binary search: the RV64GC
 * baseline has no count-leading-zeros instruction, and the kernel links no
 * libgcc to emulate one.
 */
static inline unsigned high_bit64(unsigned long long x)
{
	unsigned n = 0;

	for (unsigned shift = 32; shift; shift >>= 1) {
		if (x >> shift) {
			x >>= shift;
			n += shift;
		}
	}
	return n;
}

/* Index of the lowest set bit of x (x != 0). */
static inline unsigned low_bit64(unsigned long long x)
{
	return high_bit64(x & -x);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Round up/down to a power-of-two alignment. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((__typeof__(x))(a) - 1), (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif
