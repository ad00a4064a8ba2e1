/* The guest's disk: virtio-blk over an image in VMM memory (virtio_blk.c). */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include "virtio.h"

struct virtio_blk {
	struct virtio_dev dev;
	uint8_t *disk; /* size bytes, writable: the image's copy */
	uint64_t size; /* a multiple of 512 */
};

void virtio_blk_attach(struct vmm *vm, struct virtio_blk *b, uint8_t *disk, uint64_t size);

#endif
