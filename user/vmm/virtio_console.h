/* The guest's console: virtio-console, one port (virtio_console.c). */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

#include "virtio.h"

struct virtio_console {
	struct virtio_dev dev;
};

void virtio_console_attach(struct vmm *vm, struct virtio_console *con);

/* Host console input waits (in vm->console): give what fits to the guest. Under the VMM lock. */
void virtio_console_input(struct virtio_console *con);

#endif
