/*
 * Calls into the SBI firmware (RISC-V Supervisor Binary Interface spec v2.0):
 * a0..a5 arguments, a6 function id, a7 extension id; returns error in a0 and
 * value in a1 (§3 "Binary Encoding").
 */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_IPI 0x735049

#define SBI_SUCCESS 0
#define SBI_ERR_NOT_SUPPORTED (-2)

struct sbi_ret {
	long error;
	long value;
};

/* Raw SBI call with up to four arguments. */
struct sbi_ret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3);

/* Whether the firmware implements extension `ext` (BASE probe_extension). */
bool sbi_has_extension(unsigned long ext);

/* Write one byte through the legacy console; works before the UART is known. */
void sbi_console_putchar(char c);

/* Program the next timer interrupt at absolute `time` (TIME extension). */
void sbi_set_timer(uint64_t time);

/* Shut the machine down through SRST (falls back to the legacy call). */
noreturn_fn void sbi_shutdown(void);

/* Cold-reboot through SRST. Returns only if the firmware refuses. */
void sbi_reboot(void);

/* HSM (§9): start a stopped hart at physical `start` with a1 = opaque; stop this one. */
bool sbi_hart_start(uint64_t hart, uint64_t start, uint64_t opaque);
noreturn_fn void sbi_hart_stop(void);
/* The HSM state of a hart (SBI_HSM_STOPPED, ...), negative if unknown. */
long sbi_hart_status(uint64_t hart);
#define SBI_HSM_STOPPED 1

/* IPI (§7): raise the supervisor software interrupt on one hart. */
void sbi_send_ipi(uint64_t hart);


#endif
