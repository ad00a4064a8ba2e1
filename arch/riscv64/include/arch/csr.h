/*
 * Supervisor CSRs and their bits (RISC-V Privileged Architecture, ch. 10
 * "Supervisor-Level ISA" and 3.1 for the shared layouts).
 */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

/* sstatus (§10.1.1) */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_SUM (1UL << 18)

/* sie / sip (§10.1.3) */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

/* scause (§10.1.8) */
#define SCAUSE_INTERRUPT (1UL << 63)
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* satp (§10.1.11) */
#define SATP_MODE_SV39 (8UL << 60)
#define SATP_PPN_MASK ((1UL << 44) - 1)

/* scounteren (§10.1.5): let user mode read cycle, time and instret. */
#define SCOUNTEREN_CY (1UL << 0)
#define SCOUNTEREN_TM (1UL << 1)
#define SCOUNTEREN_IR (1UL << 2)

#define CSR_STIMECMP 0x14d /* Sstc extension */

/* The H extension (priv spec ch. 18). */
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HVIP 0x645
#define CSR_HTVAL 0x643
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSATP 0x280
#define CSR_VSTIMECMP 0x24d
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HENVCFG 0x60a
#define HENVCFG_STCE (1UL << 63) /* the guest may use Sstc */
#define HSTATUS_SPV (1UL << 7) /* the trap came from V=1; sret goes to V=1 */
#define HSTATUS_SPVP (1UL << 8) /* hypervisor loads and stores act as VS-mode (else VU) */
#define HSTATUS_VTW (1UL << 21) /* wfi in VS-mode is a virtual-instruction trap */
#define HVIP_VS_BITS ((1UL << 2) | (1UL << 6) | (1UL << 10)) /* VSSIP, VSTIP, VSEIP */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define csr_read_(csr)                                                 \
	({                                                            \
		uint64_t v_;                                          \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)::"memory"); \
		v_;                                                   \
	})

#define csr_write_(csr, val)                                                  \
	do {                                                                 \
		uint64_t v_ = (val);                                         \
		__asm__ volatile("csrw " #csr ", %0" ::"rK"(v_) : "memory"); \
	} while (0)

#define csr_set_(csr, bits)                                                   \
	do {                                                                 \
		uint64_t v_ = (bits);                                        \
		__asm__ volatile("csrs " #csr ", %0" ::"rK"(v_) : "memory"); \
	} while (0)

#define csr_clear_(csr, bits)                                                 \
	do {                                                                 \
		uint64_t v_ = (bits);                                        \
		__asm__ volatile("csrc " #csr ", %0" ::"rK"(v_) : "memory"); \
	} while (0)

/* The extra level expands macro CSR names (CSR_STIMECMP) before stringizing. */
#define csr_read(csr) csr_read_(csr)
#define csr_write(csr, val) csr_write_(csr, val)
#define csr_set(csr, bits) csr_set_(csr, bits)
#define csr_clear(csr, bits) csr_clear_(csr, bits)

#endif
#endif
