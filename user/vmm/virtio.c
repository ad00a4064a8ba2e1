/* The virtio-mmio transport and split virtqueues (see virtio.h). */
#include <stdio.h>
#include <string.h>

#include "plic.h"
#include "virtio.h"

#define MAGIC 0x74726976 /* "virt" */
#define VENDOR 0x4f524956 /* "VIRO" */
#define F_VERSION_1 (1ULL << 32)

/* Registers (§4.2.2). */
enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR_ID = 0x00c,
	R_DEVICE_FEATURES = 0x010, R_DEVICE_FEATURES_SEL = 0x014,
	R_DRIVER_FEATURES = 0x020, R_DRIVER_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038, R_QUEUE_READY = 0x044,
	R_QUEUE_NOTIFY = 0x050, R_INTERRUPT_STATUS = 0x060, R_INTERRUPT_ACK = 0x064,
	R_STATUS = 0x070,
	R_QUEUE_DESC_LOW = 0x080, R_QUEUE_DESC_HIGH = 0x084,
	R_QUEUE_DRIVER_LOW = 0x090, R_QUEUE_DRIVER_HIGH = 0x094,
	R_QUEUE_DEVICE_LOW = 0x0a0, R_QUEUE_DEVICE_HIGH = 0x0a4,
	R_CONFIG_GENERATION = 0x0fc, R_CONFIG = 0x100,
};

#define S_DRIVER_OK 4
#define S_NEEDS_RESET 64
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4

void virtio_attach(struct vmm *vm, struct virtio_dev *d, const struct virtio_ops *ops, void *priv)
{
	for (unsigned s = 0; s < VMM_VIRTIO_SLOTS; s++) {
		if (!vm->virtio[s]) {
			memset(d, 0, sizeof(*d));
			d->vm = vm;
			d->ops = ops;
			d->priv = priv;
			d->slot = s;
			vm->virtio[s] = d;
			return;
		}
	}
}

static void set_interrupt(struct virtio_dev *d, uint32_t bits)
{
	d->interrupt_status |= bits;
	plic_set_level(d->vm->plic, 1 + d->slot, d->interrupt_status != 0);
}

void virtio_fail(struct virtio_dev *d, const char *fmt, ...)
{
	char why[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (d->errors++ < 8)
		vmm_log(d->vm, "virtio slot %u (device %u): %s; the device stops until reset", d->slot,
			d->ops->device_id, why);
	d->status |= S_NEEDS_RESET;
	set_interrupt(d, 2); /* configuration change: the driver looks at the status */
}

static void reset(struct virtio_dev *d)
{
	d->status = 0;
	d->driver_features = 0;
	d->features_sel = d->driver_features_sel = d->queue_sel = 0;
	memset(d->queue, 0, sizeof(d->queue));
	d->interrupt_status = 0;
	plic_set_level(d->vm->plic, 1 + d->slot, false);
	if (d->ops->reset)
		d->ops->reset(d);
}

/* Ring and table addresses must lie in RAM with their whole size (§2.7: alignment too). */
static bool queue_fits(const struct virtio_dev *d, const struct virtio_queue *q)
{
	return q->num && !(q->desc % 16) && !(q->avail % 2) && !(q->used % 4) &&
	       vmm_ram(d->vm, q->desc, 16ULL * q->num) &&
	       vmm_ram(d->vm, q->avail, 6 + 2ULL * q->num) &&
	       vmm_ram(d->vm, q->used, 6 + 8ULL * q->num);
}

static uint64_t set_half(uint64_t v, uint64_t half, bool high)
{
	return high ? (v & 0xffffffffULL) | half << 32 : (v & ~0xffffffffULL) | half;
}

static bool queue_reg(struct virtio_dev *d, uint64_t off, bool write, uint64_t *data)
{
	struct virtio_queue *q = d->queue_sel < d->ops->nqueues ? &d->queue[d->queue_sel] : NULL;
	uint64_t v = (uint32_t)*data;

	if (!write) {
		*data = 0;
		if (q && off == R_QUEUE_NUM_MAX)
			*data = VIRTIO_QUEUE_MAX;
		else if (q && off == R_QUEUE_READY)
			*data = q->ready;
		return true;
	}
	if (!q || q->ready) /* no queue there, or changing a live one: ignored (§4.2.2.3) */
		return true;
	switch (off) {
	case R_QUEUE_NUM:
		q->num = v <= VIRTIO_QUEUE_MAX && v && !(v & (v - 1)) ? (uint32_t)v : 0;
		break;
	case R_QUEUE_DESC_LOW: case R_QUEUE_DESC_HIGH:
		q->desc = set_half(q->desc, v, off == R_QUEUE_DESC_HIGH);
		break;
	case R_QUEUE_DRIVER_LOW: case R_QUEUE_DRIVER_HIGH:
		q->avail = set_half(q->avail, v, off == R_QUEUE_DRIVER_HIGH);
		break;
	case R_QUEUE_DEVICE_LOW: case R_QUEUE_DEVICE_HIGH:
		q->used = set_half(q->used, v, off == R_QUEUE_DEVICE_HIGH);
		break;
	case R_QUEUE_READY:
		if (v == 1 && !queue_fits(d, q))
			virtio_fail(d, "queue %u: size %u or rings at 0x%lx/0x%lx/0x%lx not in RAM",
				    d->queue_sel, q->num, (unsigned long)q->desc,
				    (unsigned long)q->avail, (unsigned long)q->used);
		else
			q->ready = v == 1;
		break;
	default:
		break;
	}
	return true;
}

static bool reg_write(struct virtio_dev *d, uint64_t off, uint64_t v)
{
	switch (off) {
	case R_DEVICE_FEATURES_SEL:
		d->features_sel = (uint32_t)v;
		return true;
	case R_DRIVER_FEATURES:
		if (d->driver_features_sel < 2)
			d->driver_features = set_half(d->driver_features, v & 0xffffffffULL,
						      d->driver_features_sel == 1);
		return true;
	case R_DRIVER_FEATURES_SEL:
		d->driver_features_sel = (uint32_t)v;
		return true;
	case R_QUEUE_SEL:
		d->queue_sel = (uint32_t)v;
		return true;
	case R_QUEUE_NOTIFY:
		if (v < d->ops->nqueues && d->queue[v].ready && (d->status & S_DRIVER_OK) &&
		    !(d->status & S_NEEDS_RESET))
			d->ops->notify(d, (unsigned)v);
		return true;
	case R_INTERRUPT_ACK:
		d->interrupt_status &= ~(uint32_t)v;
		plic_set_level(d->vm->plic, 1 + d->slot, d->interrupt_status != 0);
		return true;
	case R_STATUS:
		if (v == 0)
			reset(d);
		else
			d->status = (uint32_t)v | (d->status & S_NEEDS_RESET);
		return true;
	default:
		return true; /* read-only registers ignore writes */
	}
}

static uint64_t reg_read(struct virtio_dev *d, uint64_t off)
{
	uint64_t features = d->ops->features | F_VERSION_1;

	switch (off) {
	case R_MAGIC: return MAGIC;
	case R_VERSION: return 2;
	case R_DEVICE_ID: return d->ops->device_id;
	case R_VENDOR_ID: return VENDOR;
	case R_DEVICE_FEATURES:
		return d->features_sel == 0 ? (uint32_t)features
		       : d->features_sel == 1 ? features >> 32 : 0;
	case R_INTERRUPT_STATUS: return d->interrupt_status;
	case R_STATUS: return d->status;
	case R_CONFIG_GENERATION: return 0;
	default: return 0;
	}
}

bool virtio_mmio(struct vmm *vm, uint64_t off, unsigned len, bool write, uint64_t *data)
{
	unsigned slot = (unsigned)(off / VMM_VIRTIO_SIZE);
	struct virtio_dev *d = slot < VMM_VIRTIO_SLOTS ? vm->virtio[slot] : NULL;

	off %= VMM_VIRTIO_SIZE;
	if (!d)
		return false;
	if (off >= R_CONFIG)
		return !write && d->ops->config_read(d, off - R_CONFIG, len, data);
	if (len != 4 || off % 4)
		return false;
	if (off >= R_QUEUE_NUM_MAX && off <= R_QUEUE_DEVICE_HIGH && off != R_QUEUE_NOTIFY &&
	    off != R_INTERRUPT_STATUS && off != R_INTERRUPT_ACK && off != R_STATUS)
		return queue_reg(d, off, write, data);
	if (write)
		return reg_write(d, off, *data);
	*data = reg_read(d, off);
	return true;
}

static uint16_t load16(const void *p)
{
	uint16_t v;

	__atomic_load((const uint16_t *)p, &v, __ATOMIC_ACQUIRE);
	return v;
}

bool virtio_next(struct virtio_dev *d, unsigned qi, struct virtio_chain *c)
{
	struct virtio_queue *q = &d->queue[qi];
	const uint8_t *avail = vmm_ram(d->vm, q->avail, 6 + 2ULL * q->num);
	const uint8_t *desc = vmm_ram(d->vm, q->desc, 16ULL * q->num);
	uint16_t idx, next;

	if (!q->ready || !avail || !desc || (d->status & S_NEEDS_RESET))
		return false;
	idx = load16(avail + 2);
	if (idx == q->last_avail)
		return false;
	if ((uint16_t)(idx - q->last_avail) > q->num) {
		virtio_fail(d, "queue %u: avail index %u runs %u ahead of %u entries", qi, idx,
			    (uint16_t)(idx - q->last_avail), q->num);
		return false;
	}
	c->head = load16(avail + 4 + 2 * (q->last_avail % q->num));
	q->last_avail++;
	c->n = 0;
	next = c->head;
	for (;;) {
		const uint8_t *e;
		uint64_t addr;
		uint32_t len;
		uint16_t flags;

		if (next >= q->num) {
			virtio_fail(d, "queue %u: descriptor %u out of %u", qi, next, q->num);
			return false;
		}
		if (c->n == q->num) {
			virtio_fail(d, "queue %u: the chain from %u loops", qi, c->head);
			return false;
		}
		e = desc + 16 * next;
		memcpy(&addr, e, 8);
		memcpy(&len, e + 8, 4);
		memcpy(&flags, e + 12, 2);
		if (flags & DESC_F_INDIRECT) {
			virtio_fail(d, "queue %u: indirect descriptor (not offered)", qi);
			return false;
		}
		c->buf[c->n].p = vmm_ram(d->vm, addr, len ? len : 1);
		if (!c->buf[c->n].p) {
			virtio_fail(d, "queue %u: buffer 0x%lx+%u is outside guest RAM", qi,
				    (unsigned long)addr, len);
			return false;
		}
		c->buf[c->n].len = len;
		c->buf[c->n].writable = flags & DESC_F_WRITE;
		c->n++;
		if (!(flags & DESC_F_NEXT))
			return true;
		memcpy(&next, e + 14, 2);
	}
}

void virtio_done(struct virtio_dev *d, unsigned qi, uint16_t head, uint32_t written)
{
	struct virtio_queue *q = &d->queue[qi];
	uint8_t *used = vmm_ram(d->vm, q->used, 6 + 8ULL * q->num);
	uint16_t idx;
	uint32_t id = head;

	if (!used)
		return;
	memcpy(&idx, used + 2, 2);
	memcpy(used + 4 + 8 * (idx % q->num), &id, 4);
	memcpy(used + 8 + 8 * (idx % q->num), &written, 4);
	idx++;
	__atomic_store((uint16_t *)(used + 2), &idx, __ATOMIC_RELEASE);
	set_interrupt(d, 1);
}
