/*
 * The VM benchmarks' guest (scripts/bench): bare VS-mode code that times,
 * in executed instructions (instret; under QEMU -icount every instruction
 * of the machine, host kernel and VMM included), the round trips a guest
 * makes through its VMM:
 *  - vm_mmio_exit: a store to a virtio-mmio register (QueueSel), which
 *    exits, is decoded and handled by the device model, and resumes;
 *  - vm_sbi_roundtrip: an SBI call the VMM answers (get_spec_version).
 * Prints "bench: NAME N" lines and shuts down.
 */
#include <stdint.h>

#include "bare.h"

#define VIRTIO0 0x10001000UL
#define ROUNDS 200

static char line[64];

static void report(const char *name, uint64_t per_round)
{
	static const char prefix[] = "bench: ";
	unsigned n = 0;
	char digits[24];
	int d = 0;

	for (const char *p = prefix; *p; p++)
		line[n++] = *p;
	while (*name)
		line[n++] = *name++;
	line[n++] = ' ';
	do
		digits[d++] = (char)('0' + per_round % 10);
	while ((per_round /= 10));
	while (d)
		line[n++] = digits[--d];
	line[n++] = '\n';
	console_write(line, n);
}

static inline uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

void guest_main(void);

void guest_main(void)
{
	volatile uint32_t *queue_sel = (volatile uint32_t *)(VIRTIO0 + 0x30);
	uint64_t t0, t1;

	for (unsigned warm = 0; warm < 10; warm++)
		*queue_sel = 0;
	t0 = instret();
	for (unsigned i = 0; i < ROUNDS; i++)
		*queue_sel = 0;
	t1 = instret();
	report("vm_mmio_exit", (t1 - t0 + ROUNDS / 2) / ROUNDS);

	t0 = instret();
	for (unsigned i = 0; i < ROUNDS; i++)
		sbi(0x10, 0, 0, 0, 0);
	t1 = instret();
	report("vm_sbi_roundtrip", (t1 - t0 + ROUNDS / 2) / ROUNDS);
	sbi(0x53525354, 0, 0, 0, 0); /* shutdown */
}
