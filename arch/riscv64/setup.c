/*
 * Boot on riscv64: from the first C code at the link address to
 * kernel_main. Until the UART is known the console is SBI's.
 */
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/plic.h>
#include <arch/sbi.h>
#include <arch/smp.h>
#include <arch/timer.h>
#include <arch/uart.h>
#include <kernel/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/console.h>
#include <kernel/fdt.h>
#include <kernel/icu.h>
#include <kernel/vcon.h>
#include <kernel/klock.h>
#include <kernel/kmain.h>
#include <kernel/memory.h>
#include <kernel/pages.h>
#include <kernel/smp.h>

#define FDT_MAX_SIZE (4u << 20)

noreturn_fn void arch_boot(uint64_t hart, uint64_t dtb_pa, uint64_t load_pa);

extern char boot_stack_top[];

static struct boot_info boot_info;
static struct fdt boot_fdt;
static size_t boot_fdt_size;

void arch_console_putc(char c)
{
	if (uart_ready())
		uart_putc(c);
	else
		sbi_console_putchar(c);
}

int arch_console_getc(void)
{
	return uart_ready() ? uart_getc() : -1;
}

hartid_t arch_hart_this(void)
{
	return cpu_this()->arch.hart;
}

void arch_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

void arch_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

void arch_wfi(void)
{
	/* wfi ends on a pending interrupt even with SIE clear (priv spec §10.1.3). */
	__asm__ volatile("wfi" ::: "memory");
}

void arch_idle(void)
{
	arch_wfi();
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
}

noreturn_fn void arch_halt(void)
{
	arch_irq_disable();
	kprintf("*** hart %lu halted\n", hartid_val(arch_hart_this()));
	for (;;)
		__asm__ volatile("wfi");
}

bool arch_reboot(void)
{
	kprintf("Vireo: rebooting\n");
	sbi_reboot();
	return false;
}

noreturn_fn void arch_poweroff(void)
{
	kprintf("Vireo: powering off\n");
	sbi_shutdown();
}

/* This hart's S-mode PLIC context, from the device tree; BOOTINFO_NO_CONTEXT if none. */
static uint32_t plic_context(void)
{
	for (size_t i = 0; i < boot_info.nharts; i++)
		if (hartid_val(boot_info.harts[i]) == hartid_val(arch_hart_this()))
			return boot_info.plic.s_context[i];
	return BOOTINFO_NO_CONTEXT;
}

/*
 * The PLIC, if the tree has one and routes this hart's S-mode external
 * interrupt through it. The console UART's receive interrupt becomes the
 * kernel's own line.
 */
static void intc_init(void)
{
	uint32_t ctx = plic_context();

	if (!boot_info.plic.present)
		return;
	if (ctx == BOOTINFO_NO_CONTEXT) {
		kprintf("plic: no S-mode context for hart %lu; no device interrupts\n",
			hartid_val(arch_hart_this()));
		boot_info.plic.present = false;
		return;
	}
	plic_init(mmu_map_io(boot_info.plic.reg), boot_info.plic.ndev, ctx);
	csr_set(sie, SIE_SEIE);
	if (boot_info.uart.present && boot_info.uart.irq &&
	    boot_info.uart.irq <= boot_info.plic.ndev) {
		icu_kernel_line(boot_info.uart.irq, vcon_input_interrupt);
		uart_enable_rx_interrupt();
	}
}

unsigned arch_intc_sources(void)
{
	return boot_info.plic.present ? plic_sources() : 0;
}

void arch_intc_enable(unsigned source)
{
	plic_enable(source);
}

void arch_intc_disable(unsigned source)
{
	plic_disable(source);
}

void arch_intc_complete(unsigned source)
{
	plic_complete(source);
}

static void parse_device_tree(paddr_t dtb)
{
	struct parse_error err = { 0 };
	const void *blob;
	size_t size = 0;

	if (pa_val(dtb) >= DIRECT_MAP_SIZE - FDT_MAX_SIZE)
		panic("device tree at 0x%lx is outside the direct map", pa_val(dtb));
	blob = va_ptr(phys_to_virt(dtb));
	if (!fdt_header_totalsize(blob, FDT_MAX_SIZE, &size, &err) || size > FDT_MAX_SIZE ||
	    !fdt_open(&boot_fdt, blob, size, &err) ||
	    !bootinfo_from_fdt(&boot_info, &boot_fdt, &err))
		panic("device tree rejected: %s at offset %zu", err.what, err.offset);
	boot_fdt_size = size;
}

/*
 * Regions the page allocator must never hand out: firmware, this image, the
 * device tree and the boot archive.
 */
static size_t collect_holes(paddr_t dtb, struct pa_range *holes)
{
	size_t n = 0;

	for (size_t i = 0; i < boot_info.nreserved; i++)
		holes[n++] = boot_info.reserved[i];
	holes[n++] = mmu_kernel_image();
	holes[n++] = (struct pa_range){ dtb, boot_fdt_size };
	if (boot_info.has_initrd)
		holes[n++] = boot_info.initrd;
	return n;
}

noreturn_fn void arch_boot(uint64_t hart, uint64_t dtb_pa, uint64_t load_pa)
{
	struct pa_range holes[MEMORY_MAX_HOLES];

	mmu_set_load_address(pa(load_pa));
	cpus[0].arch = (struct cpu_arch){ .stack_top = (uint64_t)boot_stack_top,
					  .hart = hartid(hart),
					  .klock_next = &klock.next,
					  .klock_owner = &klock.owner };
	cpu_install(&cpus[0]);
	/* This hart runs alone until smp_boot; it holds the lock until it first leaves the kernel. */
	klock_acquire();
	csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);

	parse_device_tree(pa(dtb_pa));
	if (boot_info.mmu < BOOTINFO_MMU_SV39)
		panic("device tree: harts lack Sv39 address translation");
	if (boot_info.uart.present)
		uart_init(phys_to_virt(boot_info.uart.reg.base), boot_info.uart.reg_shift,
			  boot_info.uart.reg_io_width);
	if (boot_info.nreserved + 3 > MEMORY_MAX_HOLES)
		panic("device tree: too many reserved regions (%zu)", boot_info.nreserved);
	pages_init(boot_info.memory, boot_info.nmemory, holes, collect_holes(pa(dtb_pa), holes),
		   DIRECT_MAP_BASE);
	mmu_init(boot_info.memory, boot_info.nmemory, boot_info.reserved, boot_info.nreserved);
	if (boot_info.uart.present)
		uart_move(mmu_map_io(boot_info.uart.reg));
	timer_init(boot_info.all_harts_sstc);
	csr_set(sie, SIE_SSIE);
	intc_init();
	arch_smp_init(&boot_info);
	kernel_main(&boot_info);
}
