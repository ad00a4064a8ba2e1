/* The device model's core: logging, the console, stopping, vCPU requests, MMIO dispatch. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "plic.h"
#include "virtio_console.h"
#include "vmm.h"

static int lock_word;

void vmm_lock(void)
{
	while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
		backend_relax();
}

void vmm_unlock(void)
{
	__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

void vmm_log(const struct vmm *vm, const char *fmt, ...)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "vmm: %s: ", vm->name);
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	backend_console_write(line, (size_t)n);
}

void vmm_console_out(struct vmm *vm, const char *s, size_t n)
{
	(void)vm;
	backend_console_write(s, n);
}

/* Host input into the buffer, as much as fits. Under the VMM lock. */
static void console_poll(struct vmm_console *con)
{
	char buf[24];
	size_t room = sizeof(con->in) - (con->in_tail - con->in_head), n;

	while (room && (n = backend_console_read(buf, room < sizeof(buf) ? room : sizeof(buf)))) {
		for (size_t i = 0; i < n; i++)
			con->in[con->in_tail++ % sizeof(con->in)] = buf[i];
		room -= n;
	}
}

void vmm_console_input_event(struct vmm *vm)
{
	vmm_lock();
	console_poll(&vm->console);
	if (vm->vcon)
		virtio_console_input(vm->vcon);
	vmm_unlock();
}

int vmm_console_in(struct vmm *vm)
{
	struct vmm_console *con = &vm->console;
	int ch = -1;

	vmm_lock();
	if (con->in_head == con->in_tail)
		console_poll(con);
	if (con->in_head != con->in_tail)
		ch = (unsigned char)con->in[con->in_head++ % sizeof(con->in)];
	vmm_unlock();
	return ch;
}

void vmm_stop(struct vmm *vm, int status, const char *why)
{
	if (vm->stopped)
		return;
	vm->exit_status = status;
	vmm_log(vm, "stopped: %s", why);
	__atomic_store_n(&vm->stopped, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (&vm->vcpu[i] != vcpu_current())
			backend_kick(&vm->vcpu[i]);
}

void vcpu_request(struct vmm_vcpu *c, uint32_t req)
{
	__atomic_fetch_or(&c->requests, req, __ATOMIC_ACQ_REL);
	if (c != vcpu_current())
		backend_kick(c);
}

uint32_t vcpu_take_requests(struct vmm_vcpu *c)
{
	return __atomic_exchange_n(&c->requests, 0, __ATOMIC_ACQ_REL);
}

bool vmm_mmio(struct vmm_vcpu *c, uint64_t gpa, unsigned len, bool write, uint64_t *data)
{
	struct vmm *vm = c->vm;
	bool ok = false;

	vmm_lock();
	if (gpa >= VMM_PLIC_BASE && gpa - VMM_PLIC_BASE < VMM_PLIC_SIZE)
		ok = plic_access(vm->plic, gpa - VMM_PLIC_BASE, len, write, data);
	else if (gpa >= VMM_VIRTIO_BASE && gpa - VMM_VIRTIO_BASE < VMM_VIRTIO_SLOTS * VMM_VIRTIO_SIZE)
		ok = virtio_mmio(vm, gpa - VMM_VIRTIO_BASE, len, write, data);
	vmm_unlock();
	return ok;
}
