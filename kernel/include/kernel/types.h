/*
 * Distinct types for the kinds of numbers the kernel juggles.
 *
 * Physical addresses, kernel virtual addresses, page frame numbers and CPU
 * numbers are all plain integers to the machine, and a kernel that mixes them
 * up corrupts memory. Each is wrapped in a one-member struct so that passing
 * one where another is expected does not compile; the conversions between them
 * are the named functions below. (tests/unit/compile_fail proves the mixing
 * fails.)
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_SHIFT)

typedef struct { uint64_t raw; } paddr_t;  /* physical address */
typedef struct { uintptr_t raw; } vaddr_t; /* kernel virtual address */
typedef struct { uint64_t raw; } pfn_t;    /* physical page frame number */
typedef struct { uint32_t raw; } cpu_t;    /* logical CPU number, 0..ncpus-1 */
typedef struct { uint64_t raw; } hartid_t; /* RISC-V hart id, as in the DT */

static inline paddr_t pa(uint64_t raw) { return (paddr_t){ raw }; }
static inline uint64_t pa_val(paddr_t p) { return p.raw; }
static inline paddr_t pa_add(paddr_t p, uint64_t off) { return pa(p.raw + off); }
static inline uint64_t pa_diff(paddr_t hi, paddr_t lo) { return hi.raw - lo.raw; }
static inline bool pa_lt(paddr_t a, paddr_t b) { return a.raw < b.raw; }
static inline bool pa_eq(paddr_t a, paddr_t b) { return a.raw == b.raw; }

static inline vaddr_t va(uintptr_t raw) { return (vaddr_t){ raw }; }
static inline vaddr_t va_of_ptr(const void *p) { return va((uintptr_t)p); }
static inline uintptr_t va_val(vaddr_t v) { return v.raw; }
static inline void *va_ptr(vaddr_t v) { return (void *)v.raw; }
static inline vaddr_t va_add(vaddr_t v, uintptr_t off) { return va(v.raw + off); }

static inline pfn_t pfn(uint64_t raw) { return (pfn_t){ raw }; }
static inline uint64_t pfn_val(pfn_t f) { return f.raw; }
static inline pfn_t pfn_of_pa(paddr_t p) { return pfn(p.raw >> PAGE_SHIFT); }
static inline paddr_t pa_of_pfn(pfn_t f) { return pa(f.raw << PAGE_SHIFT); }

static inline cpu_t cpu(uint32_t raw) { return (cpu_t){ raw }; }
static inline uint32_t cpu_val(cpu_t c) { return c.raw; }

static inline hartid_t hartid(uint64_t raw) { return (hartid_t){ raw }; }
static inline uint64_t hartid_val(hartid_t h) { return h.raw; }

/* A half-open physical range [base, base + size). */
struct pa_range {
	paddr_t base;
	uint64_t size;
};

static inline paddr_t pa_range_end(struct pa_range r) { return pa_add(r.base, r.size); }

#endif
