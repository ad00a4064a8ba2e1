/*
 * What the kernel learns from the boot device tree, extracted once into
 * fixed-size arrays so nothing later has to parse the blob again.
 *
 * Limits are fixed maxima: a tree with more entries is rejected with an
 * error, never silently truncated.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>
#include <kernel/fdt.h>
#include <kernel/parse.h>
#include <kernel/types.h>

#define BOOTINFO_MAX_MEMORY 16   /* RAM ranges */
#define BOOTINFO_MAX_RESERVED 32 /* /memreserve/ + /reserved-memory ranges */
#define BOOTINFO_MAX_HARTS 64    /* enabled harts */
#define BOOTINFO_MAX_PLIC_NDEV 1023u /* PLIC sources are 1..1023 */

/* Address translation modes, ordered so that the smaller one is weaker. */
enum bootinfo_mmu {
	BOOTINFO_MMU_NONE = 0,   /* "riscv,none" or no mmu-type */
	BOOTINFO_MMU_SV39,
	BOOTINFO_MMU_SV48,
	BOOTINFO_MMU_SV57,
};

/* An ns16550-compatible console UART. */
struct bootinfo_uart {
	bool present;
	struct pa_range reg;
	uint32_t reg_shift;      /* register stride is 1 << reg_shift */
	uint32_t reg_io_width;   /* access width in bytes: 1, 2 or 4 */
	uint64_t clock_hz;       /* 0 if not given */
	uint32_t irq;            /* its interrupt source at the PLIC; 0 if none */
};

/* The platform-level interrupt controller. */
#define BOOTINFO_NO_CONTEXT UINT32_MAX

struct bootinfo_plic {
	bool present;
	struct pa_range reg;
	uint32_t ndev;           /* riscv,ndev: number of interrupt sources */
	/* Per hart (same order as harts[]): its S-mode context, or BOOTINFO_NO_CONTEXT. */
	uint32_t s_context[BOOTINFO_MAX_HARTS];
};

struct boot_info {
	struct pa_range memory[BOOTINFO_MAX_MEMORY]; /* sorted, disjoint, non-empty */
	size_t nmemory;
	struct pa_range reserved[BOOTINFO_MAX_RESERVED]; /* non-empty, may overlap */
	size_t nreserved;
	hartid_t harts[BOOTINFO_MAX_HARTS];          /* distinct, in tree order */
	uint32_t hart_intc[BOOTINFO_MAX_HARTS];      /* phandle of each hart's interrupt controller; 0: none */
	size_t nharts;
	bool all_harts_h;        /* every enabled hart has the H extension */
	bool all_harts_sstc;     /* ... and Sstc */
	enum bootinfo_mmu mmu;   /* weakest mmu-type among enabled harts */
	uint64_t timebase_hz;    /* /cpus timebase-frequency, non-zero */
	struct bootinfo_uart uart;
	struct bootinfo_plic plic;
	bool has_initrd;         /* false if absent or empty */
	struct pa_range initrd;  /* inside one memory range */
	const char *bootargs;    /* points into the blob; "" if absent */
};

/*
 * Fill *bi from an opened tree. The blob must stay mapped while bi->bootargs
 * is used. Returns false with err set on anything malformed, missing or over
 * a limit; *bi is then unspecified.
 */
must_check bool bootinfo_from_fdt(struct boot_info *bi, const struct fdt *fdt,
				  struct parse_error *err);

#endif
