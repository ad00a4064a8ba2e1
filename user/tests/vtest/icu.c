/* The Icu (device interrupt lines) and console input through an Irq. */
#include <string.h>

#include "vtest.h"

/* QEMU virt: the console UART is source 10; sources 1..8 are virtio-mmio slots. */
#define UART_SOURCE 10
#define QUIET_SOURCE 1

VTEST(icu_info_and_binding_errors)
{
	vireo_cap_t irq = vt_sel();
	unsigned n, flags;

	EXPECT_ST(vireo_icu_info(VIREO_SEL_ICU, &n), VIREO_OK);
	EXPECT(n >= UART_SOURCE);
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, 0, irq), VIREO_E_ARG);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, n + 1, irq), VIREO_E_ARG);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, UART_SOURCE, irq), VIREO_E_BUSY);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, QUIET_SOURCE, VIREO_SEL_TASK), VIREO_E_ARG);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, QUIET_SOURCE, irq), VIREO_OK);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, QUIET_SOURCE + 1, irq), VIREO_E_BUSY);
	EXPECT_ST(vireo_icu_unbind(VIREO_SEL_ICU, QUIET_SOURCE), VIREO_OK);
	EXPECT_ST(vireo_icu_unbind(VIREO_SEL_ICU, UART_SOURCE), VIREO_E_ARG);
	/* Bound again, then the Irq goes: the line is freed with it. */
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, QUIET_SOURCE, irq), VIREO_OK);
	EXPECT_ST(vireo_irq_info(irq, &flags), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	irq = vt_sel();
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_icu_bind(VIREO_SEL_ICU, QUIET_SOURCE, irq), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

/*
 * Console input through the UART's receive interrupt, the PLIC and an Irq:
 * the test runner types "hello" when it sees the prompt.
 */
VTEST(interactive_console_input_interrupt)
{
	vireo_cap_t irq = vt_sel();
	char line[32];
	size_t have = 0, n;
	struct vireo_ret r;

	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_irq_bind(irq, VIREO_SEL_THREAD, 0x990), VIREO_OK);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, irq), VIREO_OK);
	printf("vtest: type a line\n");
	while (have < 5) {
		r = vireo_recv(irq, vireo_timeout_ns(10000000000ULL));
		EXPECT_ST(r.status, VIREO_OK);
		EXPECT(r.label == 0x990);
		EXPECT_ST(vireo_vcon_read(VIREO_SEL_VCON, line + have, sizeof(line) - 1 - have, &n),
			  VIREO_OK);
		have += n;
		EXPECT_ST(vireo_irq_op(irq, VIREO_IRQ_UNMASK), VIREO_OK);
	}
	line[have] = 0;
	printf("# got \"%s\"\n", line);
	EXPECT(strncmp(line, "hello", 5) == 0);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, VIREO_CAP_INVALID), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}

/*
 * An Irq that console input is bound to goes like any other: deleted, or
 * when its last capability goes (a program that ends). Its memory comes
 * back either way.
 */
VTEST(console_input_irq_deleted_while_bound)
{
	vireo_cap_t irq = vt_sel();
	uint64_t limit, before, after;

	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &before), VIREO_OK);
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, irq), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before);
	/* Its only capability unmapped instead of deleted. */
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, irq), VIREO_OK);
	EXPECT_ST(vireo_task_unmap(VIREO_SEL_TASK, vireo_fpage_cap(irq, 0, 0), VIREO_CAP_ALL,
				   VIREO_UNMAP_SELF),
		  VIREO_OK);
	EXPECT_ST(vireo_factory_quota(VIREO_SEL_FACTORY, &limit, &after), VIREO_OK);
	EXPECT(after == before);
	/* Input still works for the next binding. */
	EXPECT_ST(vireo_factory_create_irq(VIREO_SEL_FACTORY, irq), VIREO_OK);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, irq), VIREO_OK);
	EXPECT_ST(vireo_vcon_bind_input(VIREO_SEL_VCON, VIREO_CAP_INVALID), VIREO_OK);
	EXPECT_ST(vireo_kobject_delete(irq), VIREO_OK);
	return true;
}
