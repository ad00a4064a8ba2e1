/*
 * virtio over MMIO (virtio spec 1.2 §4.2.2, version 2 only) with split
 * virtqueues (§2.7), for the guest's devices. The transport keeps the
 * registers and the queues; a device (virtio_blk.c, virtio_console.c)
 * supplies its id, features, config space and what a queue notification
 * does.
 *
 * Every ring and buffer address comes from the guest and is checked
 * against guest RAM (vmm_ram) before use; a descriptor chain longer than
 * its queue (a loop) or naming a descriptor outside it is an error. An
 * error makes the device NEEDS_RESET and is logged: the VM goes on, the
 * device stops until the driver resets it.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include "vmm.h"

#define VIRTIO_QUEUE_MAX 256
#define VIRTIO_MAX_QUEUES 2
#define VIRTIO_MAX_CHAIN VIRTIO_QUEUE_MAX

/* One buffer of a chain, checked: host pointer, length, device-writable or not. */
struct virtio_buf {
	uint8_t *p;
	uint32_t len;
	bool writable;
};

struct virtio_chain {
	uint16_t head;
	unsigned n;
	struct virtio_buf buf[VIRTIO_MAX_CHAIN];
};

struct virtio_queue {
	uint32_t num;                /* size the driver chose; 0 until it does */
	bool ready;
	uint64_t desc, avail, used;  /* guest-physical */
	uint16_t last_avail;         /* the next avail entry to take */
};

struct virtio_dev;

struct virtio_ops {
	uint32_t device_id;
	uint64_t features;     /* besides VIRTIO_F_VERSION_1 */
	unsigned nqueues;
	/* Read config space bytes [off, off + len); false if out of range. */
	bool (*config_read)(struct virtio_dev *d, uint64_t off, unsigned len, uint64_t *data);
	/* The driver notified queue q (and its chains are there to take). */
	void (*notify)(struct virtio_dev *d, unsigned q);
	/* The driver reset the device. */
	void (*reset)(struct virtio_dev *d);
};

struct virtio_dev {
	struct vmm *vm;
	const struct virtio_ops *ops;
	void *priv;
	unsigned slot;                 /* MMIO slot; PLIC source 1 + slot */
	uint32_t status;
	uint32_t features_sel, driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t interrupt_status;
	struct virtio_queue queue[VIRTIO_MAX_QUEUES];
	unsigned errors;               /* logged so far */
};

/* Put d into MMIO slot `slot` (at most VMM_VIRTIO_SLOTS). */
void virtio_attach(struct vmm *vm, struct virtio_dev *d, const struct virtio_ops *ops, void *priv);

/* The guest's access to slot's registers; false if no device is there or the access is bad. */
bool virtio_mmio(struct vmm *vm, uint64_t off, unsigned len, bool write, uint64_t *data);

/*
 * The next chain the driver made available on queue q: true and *c filled
 * (every buffer checked), or false if there is none (or on an error, which
 * is logged and stops the device).
 */
bool virtio_next(struct virtio_dev *d, unsigned q, struct virtio_chain *c);

/* Give chain `head` back with `written` bytes written, and raise the interrupt. */
void virtio_done(struct virtio_dev *d, unsigned q, uint16_t head, uint32_t written);

/* The device has failed: log why, set NEEDS_RESET, tell the driver. */
void virtio_fail(struct virtio_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
