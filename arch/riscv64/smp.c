/*
 * Harts on riscv64: started and stopped through the SBI HSM extension, and
 * kicked with the supervisor software interrupt that the SBI IPI extension
 * raises.
 *
 * A started hart enters _start_secondary (entry.S) with the MMU off, a0 =
 * its hart id and a1 = its struct cpu (a kernel virtual address). It turns
 * on the boot page table (which still maps the image at its physical
 * address), jumps to the link address, and calls arch_secondary_boot on
 * its own kernel stack.
 */
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/sbi.h>
#include <arch/timer.h>
#include <kernel/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/console.h>
#include <kernel/klock.h>
#include <kernel/pages.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <arch/smp.h>

/* How long to wait for a hart that was just stopped to reach STOPPED. */
#define STOP_TIMEOUT_US 100000

noreturn_fn void arch_secondary_boot(void);

extern char _start_secondary[];

static unsigned stack_order(void)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < KERNEL_STACK_SIZE)
		order++;
	return order;
}

/* All harts have the H extension: guest translations to flush too. */
static bool has_h;

void arch_smp_init(const struct boot_info *bi)
{
	struct cpu *c = &cpus[0];
	hartid_t boot_hart = c->arch.hart;

	has_h = bi->all_harts_h;
	c->state = CPU_ONLINE;
	sched_cpu_init(c);
	cpu_count = 1;
	for (size_t i = 0; i < bi->nharts; i++) {
		if (hartid_val(bi->harts[i]) == hartid_val(boot_hart))
			continue;
		if (cpu_count == CPU_MAX) {
			kprintf("smp: only %u cpus supported; hart %lu stays off\n", CPU_MAX,
				hartid_val(bi->harts[i]));
			continue;
		}
		c = &cpus[cpu_count];
		c->id = cpu(cpu_count++);
		c->arch.hart = bi->harts[i];
		c->state = CPU_ABSENT;
		sched_cpu_init(c);
	}
}

/* Wait until a hart that stopped itself is STOPPED for the firmware too. */
static bool wait_stopped(hartid_t hart)
{
	uint64_t give_up = arch_time_now() + clock_ticks_from_us(STOP_TIMEOUT_US);

	while (sbi_hart_status(hartid_val(hart)) != SBI_HSM_STOPPED) {
		if (arch_time_now() > give_up)
			return false;
		smp_relax();
	}
	return true;
}

bool arch_cpu_start(struct cpu *c)
{
	paddr_t stack;

	if (!c->arch.stack_top) {
		if (!pages_alloc(stack_order(), &stack))
			return false;
		c->arch.stack_top = va_val(phys_to_virt(stack)) + KERNEL_STACK_SIZE;
	}
	c->arch.klock_next = &klock.next;
	c->arch.klock_owner = &klock.owner;
	if (!wait_stopped(c->arch.hart))
		return false;
	return sbi_hart_start(hartid_val(c->arch.hart),
			      pa_val(virt_to_phys(va_of_ptr(_start_secondary))), (uint64_t)c);
}

noreturn_fn void arch_cpu_stop(void)
{
	arch_irq_disable();
	sbi_hart_stop();
}

void arch_tlb_flush_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
	if (has_h)
		__asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, zero\n"
				 ".option pop" ::: "memory");
}

void arch_send_ipi(const struct cpu *c)
{
	sbi_send_ipi(hartid_val(c->arch.hart));
}

/* On the new hart, at the link address, on its own stack, tp = its struct cpu. */
noreturn_fn void arch_secondary_boot(void)
{
	vmspace_activate_kernel();
	csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
	timer_hart_init();
	csr_set(sie, SIE_SSIE);
	smp_secondary_main();
}
