/*
 * The KVM backend: the same device model on riscv64 Linux, each vCPU a
 * thread in KVM_RUN (Documentation/virt/kvm/api.rst). KVM carries out the
 * SBI's timer, IPI, fence and HSM calls itself; what it hands to user space
 * (the console, DBCN, loads and stores outside RAM, shutdown) reaches the
 * model as on Vireo. Interrupts from the PLIC go in with KVM_INTERRUPT,
 * which riscv takes from any thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "backend.h"
#include "vmm.h"

struct kvm_vcpu {
	int fd;
	struct kvm_run *run;
	pthread_t thread;
};

static int kvm_fd = -1, vm_fd = -1;
static size_t run_size;
static struct kvm_vcpu vcpus[VMM_MAX_CPUS];
static __thread struct vmm_vcpu *current;
static struct termios saved_tty;
static int tty_raw;

struct vmm_vcpu *vcpu_current(void)
{
	return current;
}

static struct kvm_vcpu *kv(const struct vmm_vcpu *c)
{
	return c->backend;
}

bool backend_ram(struct vmm *vm)
{
	void *p = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		vmm_log(vm, "no %lu MiB of guest RAM: %s", (unsigned long)(vm->ram_size >> 20),
			strerror(errno));
		return false;
	}
	vm->ram = p;
	return true;
}

const void *backend_file(const char *name, const char *path, size_t *size, const char **why)
{
	struct stat st;
	void *p;
	int fd;

	(void)name;
	*why = NULL;
	if (!path)
		return NULL;
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		*why = strerror(errno);
		return NULL;
	}
	p = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (p == MAP_FAILED) {
		*why = st.st_size ? strerror(errno) : "empty file";
		return NULL;
	}
	*size = (size_t)st.st_size;
	return p;
}

void *backend_memory(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

bool backend_create(struct vmm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = vm->ram_base,
		.memory_size = vm->ram_size,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	int size;

	if ((kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0) {
		vmm_log(vm, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	if ((vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0)) < 0 ||
	    ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ||
	    (size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0) {
		vmm_log(vm, "KVM: cannot create the VM: %s", strerror(errno));
		return false;
	}
	run_size = (size_t)size;
	return true;
}

void backend_console_write(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

size_t backend_console_read(char *buf, size_t max)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 0) != 1 || (n = read(0, buf, max)) <= 0)
		return 0;
	return (size_t)n;
}

void backend_relax(void)
{
	sched_yield();
}

/*
 * c's requests: only the external line is ours (KVM does IPIs, fences and
 * starts itself). From any thread: riscv's KVM_INTERRUPT needs no stop.
 * Under the VMM lock, as the PLIC sets the line, so the last state set is
 * the last one applied.
 */
static void apply_requests(struct vmm_vcpu *c)
{
	struct kvm_interrupt irq;

	if (!kv(c) || kv(c)->fd < 0 || !(vcpu_take_requests(c) & VCPU_REQ_EXT))
		return;
	irq.irq = c->ext_line ? KVM_INTERRUPT_SET : KVM_INTERRUPT_UNSET;
	(void)ioctl(kv(c)->fd, KVM_INTERRUPT, &irq);
}

void backend_kick(struct vmm_vcpu *c)
{
	apply_requests(c);
}

void backend_set_timer(struct vmm_vcpu *c, uint64_t when)
{
	(void)c;
	(void)when; /* KVM keeps the SBI timer itself */
}

static bool set_reg(struct vmm_vcpu *c, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	return ioctl(kv(c)->fd, KVM_SET_ONE_REG, &reg) == 0;
}

#define CORE_REG(name) \
	(KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | KVM_REG_RISCV_CORE_REG(name))

static void mmio_exit(struct vmm_vcpu *c, struct kvm_run *run)
{
	uint64_t data = 0;
	unsigned len = run->mmio.len;

	if (len > 8)
		len = 8;
	memcpy(&data, run->mmio.data, len);
	if (!vmm_mmio(c, run->mmio.phys_addr, len, run->mmio.is_write, &data)) {
		vmm_log(c->vm, "vcpu %u: %u-byte %s at guest-physical 0x%llx: no device there",
			c->id, len, run->mmio.is_write ? "store" : "load",
			(unsigned long long)run->mmio.phys_addr);
		data = 0;
	}
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &data, len);
}

static void sbi_exit(struct vmm_vcpu *c, struct kvm_run *run)
{
	uint64_t a[8];

	for (unsigned i = 0; i < 6; i++)
		a[i] = run->riscv_sbi.args[i];
	a[6] = run->riscv_sbi.function_id;
	a[7] = run->riscv_sbi.extension_id;
	vmm_sbi(c, a);
	run->riscv_sbi.ret[0] = a[0];
	run->riscv_sbi.ret[1] = a[1];
}

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *c = arg;
	struct kvm_run *run = kv(c)->run;

	current = c;
	while (!c->vm->stopped) {
		vmm_lock();
		apply_requests(c);
		vmm_unlock();
		if (ioctl(kv(c)->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vmm_log(c->vm, "vcpu %u: KVM_RUN: %s", c->id, strerror(errno));
			vmm_stop(c->vm, 1, "a vCPU failed");
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			mmio_exit(c, run);
			break;
		case KVM_EXIT_RISCV_SBI:
			sbi_exit(c, run);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vmm_stop(c->vm, run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? 0 : 3,
				 run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN
					 ? "the guest asked for shutdown (no reason)"
					 : "the guest asked for a reboot");
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			vmm_log(c->vm, "vcpu %u: unexpected KVM exit %u", c->id, run->exit_reason);
			vmm_stop(c->vm, 1, "a vCPU took an exit the VMM cannot handle");
			break;
		}
	}
	return NULL;
}

bool backend_vcpu_create(struct vmm_vcpu *c, uint64_t pc, uint64_t arg)
{
	struct kvm_vcpu *k = &vcpus[c->id];
	struct kvm_mp_state stopped = { KVM_MP_STATE_STOPPED };

	c->backend = k;
	k->fd = ioctl(vm_fd, KVM_CREATE_VCPU, c->id);
	if (k->fd < 0 ||
	    (k->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0)) ==
		    MAP_FAILED) {
		vmm_log(c->vm, "vcpu %u: %s", c->id, strerror(errno));
		return false;
	}
	if (c->id == 0) {
		if (!set_reg(c, CORE_REG(regs.pc), pc) || !set_reg(c, CORE_REG(regs.a0), 0) ||
		    !set_reg(c, CORE_REG(regs.a1), arg)) {
			vmm_log(c->vm, "vcpu 0: cannot set its registers: %s", strerror(errno));
			return false;
		}
	} else if (ioctl(k->fd, KVM_SET_MP_STATE, &stopped) < 0) {
		vmm_log(c->vm, "vcpu %u: cannot stop it: %s", c->id, strerror(errno));
		return false;
	}
	if (pthread_create(&k->thread, NULL, vcpu_thread, c)) {
		vmm_log(c->vm, "vcpu %u: no thread", c->id);
		return false;
	}
	return true;
}

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
}

int backend_run(struct vmm *vm)
{
	struct termios raw;

	/* A terminal passes keys through as typed; the guest echoes them. */
	if (tcgetattr(0, &saved_tty) == 0) {
		raw = saved_tty;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		tty_raw = tcsetattr(0, TCSANOW, &raw) == 0;
		atexit(restore_tty);
	}
	while (!__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = 0, .events = POLLIN };

		if (poll(&p, 1, 20) == 1)
			vmm_console_input_event(vm);
	}
	return vm->exit_status; /* main returns: the vCPU threads end with the process */
}
