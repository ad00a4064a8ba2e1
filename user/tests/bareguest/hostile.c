/*
 * A hostile guest for the VMM (tests/system: vm-hostile-guest). It runs
 * bare in VS-mode and does what a broken or malicious guest would: SBI
 * calls with bad arguments, loads and stores where no device is,
 * privileged instructions, and virtio queues with looping chains,
 * buffers outside its RAM, huge lengths and descriptors beyond the queue.
 * It checks every answer itself, prints one line per check, and shuts
 * down through SBI (reason "system failure" if a check failed).
 */
#include <stdint.h>

#include "bare.h"

#define RAM 0x80000000UL
#define RAM_SIZE (32UL << 20)
#define VIRTIO0 0x10001000UL /* the console */
#define NOWHERE 0x30000000UL

/* Output goes out a line at a time (console_write). */
static char line[160];
static unsigned line_len;

static void putc_(char c)
{
	if (line_len < sizeof(line))
		line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line)) {
		console_write(line, line_len);
		line_len = 0;
	}
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(unsigned long v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		if (v >> i || i == 0)
			putc_("0123456789abcdef"[(v >> i) & 15]);
}

static unsigned checks, failed;

static void check(const char *what, int ok, unsigned long got)
{
	checks++;
	failed += !ok;
	puts_("hostile: ");
	puts_(what);
	puts_(ok ? ": ok (" : ": FAILED (");
	puthex(got);
	puts_(")\n");
}

/* ---- traps: record the cause, skip the instruction ---- */

static volatile unsigned long last_cause = ~0UL;

__attribute__((interrupt("supervisor"))) static void trap(void)
{
	unsigned long cause, epc;
	uint16_t insn;

	__asm__ volatile("csrr %0, scause" : "=r"(cause));
	__asm__ volatile("csrr %0, sepc" : "=r"(epc));
	last_cause = cause;
	insn = *(volatile uint16_t *)epc;
	epc += (insn & 3) == 3 ? 4 : 2;
	__asm__ volatile("csrw sepc, %0" ::"r"(epc));
}

static unsigned long trapped(void)
{
	unsigned long c = last_cause;

	last_cause = ~0UL;
	return c;
}

/* ---- virtio-mmio (virtio spec 1.2 §4.2.2) ---- */

static void w32(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(VIRTIO0 + off) = v;
}

static uint32_t r32(unsigned long off)
{
	return *(volatile uint32_t *)(VIRTIO0 + off);
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define QSIZE 8
static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct {
	uint16_t flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(2)));
static struct {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[QSIZE];
	uint16_t avail_event;
} used __attribute__((aligned(4)));
static char message[] = "hostile: the virtio console still works\n";

/* Reset the console and bring up its transmit queue (1) with rings at desc_at. */
static void setup(unsigned long desc_at)
{
	w32(0x70, 0);           /* reset */
	w32(0x70, 1 | 2);       /* ACKNOWLEDGE, DRIVER */
	w32(0x24, 1);
	w32(0x20, 1);           /* VIRTIO_F_VERSION_1 */
	w32(0x70, 1 | 2 | 8);   /* FEATURES_OK */
	w32(0x30, 1);
	w32(0x38, QSIZE);
	w32(0x80, (uint32_t)desc_at);
	w32(0x84, (uint32_t)(desc_at >> 32));
	w32(0x90, (uint32_t)(uintptr_t)&avail);
	w32(0x94, 0);
	w32(0xa0, (uint32_t)(uintptr_t)&used);
	w32(0xa4, 0);
	w32(0x44, 1);           /* QueueReady */
	w32(0x70, 1 | 2 | 8 | 4); /* DRIVER_OK */
	avail.idx = 0;
}

static void offer(uint16_t head)
{
	avail.ring[avail.idx % QSIZE] = head;
	__asm__ volatile("fence w, w" ::: "memory");
	avail.idx++;
	__asm__ volatile("fence w, w" ::: "memory");
	w32(0x50, 1); /* QueueNotify */
}

static int needs_reset(void)
{
	return (r32(0x70) & 64) != 0;
}

static void virtio_checks(void)
{
	setup((uintptr_t)descs);
	descs[0] = (struct desc){ (uintptr_t)descs, 4, 1, 1 };
	descs[1] = (struct desc){ (uintptr_t)descs, 4, 1, 0 };
	offer(0);
	check("virtio: a looping chain stops the device", needs_reset(), r32(0x70));

	setup((uintptr_t)descs);
	descs[0] = (struct desc){ 0x1000, 16, 0, 0 };
	offer(0);
	check("virtio: a buffer below RAM stops the device", needs_reset(), r32(0x70));

	setup((uintptr_t)descs);
	descs[0] = (struct desc){ RAM + 0x100000, 0xffffffffu, 0, 0 };
	offer(0);
	check("virtio: a 4 GiB buffer stops the device", needs_reset(), r32(0x70));

	setup((uintptr_t)descs);
	descs[0] = (struct desc){ RAM + RAM_SIZE - 8, 64, 0, 0 };
	offer(0);
	check("virtio: a buffer across the end of RAM stops the device", needs_reset(), r32(0x70));

	setup((uintptr_t)descs);
	offer(200);
	check("virtio: a descriptor beyond the queue stops the device", needs_reset(), r32(0x70));

	setup((uintptr_t)descs);
	avail.idx = 1000;
	offer(0);
	check("virtio: an avail index far ahead stops the device", needs_reset(), r32(0x70));

	setup(0x2000); /* the descriptor table outside RAM: the queue never gets ready */
	check("virtio: rings outside RAM are refused", r32(0x44) == 0 && needs_reset(), r32(0x44));

	setup((uintptr_t)descs);
	descs[0] = (struct desc){ (uintptr_t)message, sizeof(message) - 1, 0, 0 };
	offer(0);
	check("virtio: after a reset the device works", !needs_reset() && used.idx == 1, used.idx);
}

static void sbi_checks(void)
{
	struct sbiret r;

	r = sbi(0x12345678, 0, 0, 0, 0);
	check("sbi: an unknown extension is not supported", r.error == -2, (unsigned long)r.error);
	r = sbi(0x10, 3, 0x12345678, 0, 0);
	check("sbi: probing it says absent", r.error == 0 && r.value == 0, (unsigned long)r.value);
	r = sbi(0x10, 99, 0, 0, 0);
	check("sbi: an unknown base function is not supported", r.error == -2,
	      (unsigned long)r.error);
	r = sbi(0x48534d, 0, 7, RAM, 0);
	check("sbi: hart_start of a hart that is not there", r.error == -3, (unsigned long)r.error);
	r = sbi(0x48534d, 0, 0, RAM, 0);
	check("sbi: hart_start of a running hart", r.error == -6, (unsigned long)r.error);
	r = sbi(0x48534d, 0, 1, 0x1000, 0);
	check("sbi: hart_start outside RAM", r.error == -5 || r.error == -3,
	      (unsigned long)r.error);
	r = sbi(0x48534d, 2, 1000, 0, 0);
	check("sbi: hart_get_status of a hart that is not there", r.error == -3,
	      (unsigned long)r.error);
	r = sbi(0x4442434e, 0, 64, 0x1000, 0);
	check("sbi: console_write from outside RAM", r.error == -3, (unsigned long)r.error);
	r = sbi(0x4442434e, 0, -1L, RAM, 0);
	check("sbi: console_write of 2^64 - 1 bytes", r.error == -3, (unsigned long)r.error);
	r = sbi(0x4442434e, 0, 16, RAM, 1);
	check("sbi: console_write above 4 GiB", r.error == -3, (unsigned long)r.error);
	r = sbi(0x735049, 0, 1UL << 5, 0, 0);
	check("sbi: an IPI to a hart that is not there", r.error == -3, (unsigned long)r.error);
	r = sbi(0x52464e43, 1, 1, 63, 0);
	check("sbi: a fence on harts that are not there", r.error == -3, (unsigned long)r.error);
	r = sbi(0x52464e43, 3, 1, 0, 0);
	check("sbi: hfence (no H for guests) is not supported", r.error == -2,
	      (unsigned long)r.error);
	r = sbi(0x53525354, 0, 7, 0, 0);
	check("sbi: a reset of unknown type", r.error == -3, (unsigned long)r.error);
}

static void trap_checks(void)
{
	unsigned long v;

	v = *(volatile uint32_t *)NOWHERE;
	check("mmio: a load where no device is faults in the guest", trapped() == 5, v);
	*(volatile uint32_t *)NOWHERE = 1;
	check("mmio: a store there too", trapped() == 7, 0);
	*(volatile uint64_t *)(VIRTIO0 + 0x70) = 1;
	check("mmio: an 8-byte store to a 4-byte register", trapped() == 7, 0);
	__asm__ volatile("csrr %0, mstatus" : "=r"(v));
	check("priv: reading mstatus is illegal", trapped() == 2, v);
	__asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, zero\n.option pop");
	check("priv: hfence.gvma is illegal", trapped() == 2, 0);
	__asm__ volatile("csrr %0, 0x600" : "=r"(v)); /* hstatus */
	check("priv: reading hstatus is illegal", trapped() == 2, v);
	__asm__ volatile(".word 0xffffffff");
	check("priv: an undefined instruction is illegal", trapped() == 2, 0);
}

void guest_main(void);

void guest_main(void)
{
	__asm__ volatile("csrw stvec, %0" ::"r"((uintptr_t)trap));
	puts_("hostile: start\n");
	sbi_checks();
	trap_checks();
	virtio_checks();
	puts_("hostile: ");
	puthex(checks);
	puts_(failed ? " checks, some FAILED\n" : " checks, all passed\n");
	sbi(0x53525354, 0, 0, failed ? 1 : 0, 0); /* shutdown */
}
