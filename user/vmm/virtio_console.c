/*
 * virtio console (virtio spec 1.2 §5.3), one port, no features: queue 0
 * takes input for the guest, queue 1 its output. Input comes from the
 * VMM's console buffer, filled from the host console.
 */
#include "virtio_console.h"

#define Q_RX 0
#define Q_TX 1

static bool config_read(struct virtio_dev *d, uint64_t off, unsigned len, uint64_t *data)
{
	(void)d;
	if (off >= 12 || len > 12 - off)
		return false;
	*data = 0; /* cols, rows, max_nr_ports: not offered */
	return true;
}

void virtio_console_input(struct virtio_console *con)
{
	struct virtio_dev *d = &con->dev;
	struct vmm_console *in = &d->vm->console;
	static struct virtio_chain c; /* under the VMM lock */

	while (in->in_head != in->in_tail && virtio_next(d, Q_RX, &c)) {
		uint32_t n = 0;

		for (unsigned i = 0; i < c.n && in->in_head != in->in_tail; i++) {
			if (!c.buf[i].writable)
				continue;
			for (uint32_t k = 0; k < c.buf[i].len && in->in_head != in->in_tail; k++, n++)
				c.buf[i].p[k] = (uint8_t)in->in[in->in_head++ % sizeof(in->in)];
		}
		virtio_done(d, Q_RX, c.head, n);
	}
}

static void notify(struct virtio_dev *d, unsigned q)
{
	static struct virtio_chain c; /* under the VMM lock */

	if (q == Q_RX) {
		virtio_console_input(d->priv);
		return;
	}
	while (virtio_next(d, Q_TX, &c)) {
		for (unsigned i = 0; i < c.n; i++)
			if (!c.buf[i].writable)
				vmm_console_out(d->vm, (const char *)c.buf[i].p, c.buf[i].len);
		virtio_done(d, Q_TX, c.head, 0);
	}
}

static const struct virtio_ops console_ops = {
	.device_id = 3,
	.features = 0,
	.nqueues = 2,
	.config_read = config_read,
	.notify = notify,
};

void virtio_console_attach(struct vmm *vm, struct virtio_console *con)
{
	virtio_attach(vm, &con->dev, &console_ops, con);
}
