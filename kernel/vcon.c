/*
 * The kernel console as an object. Writes need SEND, reads need READ.
 * Bytes travel packed little-endian in the message registers: a write's
 * length in MR1 and bytes from MR2; a read returns its length in MR0 and
 * bytes from MR1.
 */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/debugger.h>
#include <kernel/irq.h>
#include <kernel/task.h>
#include <kernel/thread.h>
#include <kernel/msg.h>
#include <kernel/vcon.h>
#include <vireo/fpage.h>

static struct kobject boot_vcon;

/*
 * Console input: bytes from the UART wait here (its receive interrupt, or
 * a poll, moves them) until a Vcon read takes them. When the ring is full
 * new bytes are dropped: a reader that does not keep up loses the newest
 * input, never the oldest.
 */
#define INPUT_RING 256

static uint8_t input[INPUT_RING];
static unsigned input_head, input_count;
/*
 * Not a counted reference: an Irq lives while capabilities refer to it,
 * and its teardown unbinds it here (vcon_irq_gone).
 */
static struct irq *input_irq;

void vcon_input_poll(void)
{
	int c;
	bool got = false;

	while ((c = arch_console_getc()) >= 0) {
		if (c == DEBUGGER_KEY) {
			debugger_enter("Ctrl-] on the console");
			continue;
		}
		if (input_count < INPUT_RING) {
			input[(input_head + input_count++) % INPUT_RING] = (uint8_t)c;
			got = true;
		}
	}
	if (got && input_irq)
		irq_trigger(input_irq);
}

void vcon_input_interrupt(unsigned source)
{
	(void)source;
	vcon_input_poll();
}

int vcon_getc(void)
{
	int c;

	vcon_input_poll();
	if (!input_count)
		return -1;
	c = input[input_head];
	input_head = (input_head + 1) % INPUT_RING;
	input_count--;
	return c;
}

struct kobject *vcon_boot(void)
{
	if (boot_vcon.kind == VIREO_KIND_NONE)
		kobject_init(&boot_vcon, VIREO_KIND_VCON);
	return &boot_vcon;
}

static uint8_t byte_at(const struct msg *m, unsigned first_mr, size_t i)
{
	return (uint8_t)(msg_word(m, first_mr + (unsigned)(i / 8)) >> (8 * (i % 8)));
}

static enum vireo_status vcon_write(struct msg *m)
{
	size_t len = msg_word(m, 1);

	if (len > VCON_MAX_WRITE || msg_words(m) < 2 + (len + 7) / 8)
		return VIREO_E_ARG;
	for (size_t i = 0; i < len; i++) {
		char c = (char)byte_at(m, 2, i);

		if (c == '\n')
			arch_console_putc('\r');
		arch_console_putc(c);
	}
	return VIREO_OK;
}

static enum vireo_status vcon_read(struct msg *m)
{
	size_t max = msg_word(m, 1), len = 0;
	int c;

	if (max > 8 * (VIREO_MR_COUNT - 1))
		return VIREO_E_ARG;
	if (max > 8 * (MSG_REG_WORDS - 1) && !m->utcb)
		return VIREO_E_OVERFLOW;
	for (unsigned i = 1; i < VIREO_MR_COUNT && i <= (max + 7) / 8; i++)
		msg_set(m, i, 0);
	while (len < max && (c = vcon_getc()) >= 0) {
		unsigned mr = 1 + (unsigned)(len / 8);

		msg_set(m, mr, msg_word_any(m, mr) | (vireo_word_t)(uint8_t)c << (8 * (len % 8)));
		len++;
	}
	msg_reply(m, 1 + (unsigned)((len + 7) / 8));
	msg_set(m, 0, len);
	return VIREO_OK;
}

void vcon_irq_gone(struct irq *irq)
{
	if (input_irq == irq)
		input_irq = 0;
}

static enum vireo_status vcon_bind_input(struct thread *caller, struct msg *m)
{
	struct kobject *obj = 0;

	if (msg_words(m) < 2)
		return VIREO_E_ARG;
	if (msg_word(m, 1) != VIREO_CAP_INVALID) {
		enum vireo_status st =
			cspace_get(&caller->task->cspace, msg_word(m, 1), VIREO_CAP_WRITE, &obj, 0);

		if (st != VIREO_OK)
			return st;
		if (obj->kind != VIREO_KIND_IRQ)
			return VIREO_E_ARG;
	}
	input_irq = (struct irq *)obj;
	if (input_irq && input_count)
		irq_trigger(input_irq); /* input waiting already */
	return VIREO_OK;
}

static enum vireo_status vcon_invoke(struct kobject *obj, unsigned rights,
				     struct thread *caller, struct msg *m)
{
	(void)obj;
	switch (msg_op(m)) {
	case VIREO_VCON_BIND_INPUT:
		return rights & VIREO_CAP_READ ? vcon_bind_input(caller, m) : VIREO_E_RIGHTS;
	case VIREO_VCON_WRITE:
		return rights & VIREO_CAP_SEND ? vcon_write(m) : VIREO_E_RIGHTS;
	case VIREO_VCON_READ:
		return rights & VIREO_CAP_READ ? vcon_read(m) : VIREO_E_RIGHTS;
	default:
		return VIREO_E_OP;
	}
}

static void vcon_release(struct kobject *obj)
{
	(void)obj; /* the boot console lives forever */
}

const struct kobject_ops vcon_ops = {
	.invoke = vcon_invoke,
	.release = vcon_release,
};
