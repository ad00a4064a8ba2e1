/*
 * virtio block device (virtio spec 1.2 §5.2) over a disk image from the
 * boot archive, copied into VMM memory: the guest's writes stay there and
 * go when the VM does. Every request is checked: its header, its status
 * byte, and every sector it touches against the disk's size.
 */
#include <string.h>

#include "virtio_blk.h"

#define SECTOR 512u
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2
#define ID "vireo-virtio-blk"

static struct virtio_blk *blk_of(struct virtio_dev *d)
{
	return d->priv;
}

static bool config_read(struct virtio_dev *d, uint64_t off, unsigned len, uint64_t *data)
{
	uint8_t config[0x40] = { 0 };
	uint64_t sectors = blk_of(d)->size / SECTOR;

	if (off >= sizeof(config) || len > sizeof(config) - off || (len != 1 && len != 2 &&
								   len != 4 && len != 8))
		return false;
	memcpy(config, &sectors, 8); /* capacity, in 512-byte sectors */
	*data = 0;
	memcpy(data, config + off, len);
	return true;
}

/* Whether [sector * 512, + bytes) lies in the disk, without overflow. */
static bool in_disk(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	return sector <= b->size / SECTOR && bytes <= b->size - sector * SECTOR;
}

/* Carry out one request; the status it ends with; *written counts bytes given to the guest. */
static uint8_t request(struct virtio_blk *b, const struct virtio_chain *c, uint32_t *written)
{
	uint32_t type;
	uint64_t sector, bytes = 0, at;

	memcpy(&type, c->buf[0].p, 4);
	memcpy(&sector, c->buf[0].p + 8, 8);
	for (unsigned i = 1; i + 1 < c->n; i++) {
		if (c->buf[i].writable != (type == T_IN || type == T_GET_ID))
			return S_IOERR;
		bytes += c->buf[i].len;
	}
	switch (type) {
	case T_IN:
	case T_OUT:
		if (!in_disk(b, sector, bytes))
			return S_IOERR;
		at = sector * SECTOR;
		for (unsigned i = 1; i + 1 < c->n; i++) {
			if (type == T_IN)
				memcpy(c->buf[i].p, b->disk + at, c->buf[i].len);
			else
				memcpy(b->disk + at, c->buf[i].p, c->buf[i].len);
			at += c->buf[i].len;
		}
		if (type == T_IN)
			*written += (uint32_t)bytes;
		return S_OK;
	case T_FLUSH:
		return S_OK; /* writes are in VMM memory at once */
	case T_GET_ID:
		if (c->n < 3 || c->buf[1].len < sizeof(ID) - 1)
			return S_IOERR;
		memset(c->buf[1].p, 0, c->buf[1].len);
		memcpy(c->buf[1].p, ID, sizeof(ID) - 1);
		*written += c->buf[1].len;
		return S_OK;
	default:
		return S_UNSUPP;
	}
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_blk *b = blk_of(d);
	static struct virtio_chain c; /* under the VMM lock */

	while (virtio_next(d, q, &c)) {
		const struct virtio_buf *status = &c.buf[c.n - 1];
		uint32_t written = 1;

		if (c.n < 2 || c.buf[0].writable || c.buf[0].len < 16 || !status->writable ||
		    status->len < 1) {
			virtio_fail(d, "request %u: no readable 16-byte header or writable status "
				       "byte", c.head);
			return;
		}
		*status->p = request(b, &c, &written);
		virtio_done(d, q, c.head, written);
	}
}

static const struct virtio_ops blk_ops = {
	.device_id = 2,
	.features = 0,
	.nqueues = 1,
	.config_read = config_read,
	.notify = notify,
};

void virtio_blk_attach(struct vmm *vm, struct virtio_blk *b, uint8_t *disk, uint64_t size)
{
	b->disk = disk;
	b->size = size;
	virtio_attach(vm, &b->dev, &blk_ops, b);
}
