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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Round up/down to a power-of-two alignment. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((__typeof__(x))(a) - 1), (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif
