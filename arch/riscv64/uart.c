/*
 * NS16550A-compatible UART, polled (register layout from the TI PC16550D
 * data sheet: RBR/THR at 0, IER 1, FCR 2, LCR 3, LSR 5). The firmware has
 * already set the line parameters. Output is polled; input raises the
 * receive interrupt once the PLIC is set up (kernel/vcon.c takes it).
 */
#include <arch/uart.h>

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define IER_RX_AVAILABLE 0x01
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static volatile uint8_t *uart_base;
static unsigned uart_shift;
static bool uart_wide; /* 32-bit registers (reg-io-width 4) */

static uint8_t uart_read(unsigned reg)
{
	volatile uint8_t *r = uart_base + (reg << uart_shift);

	return uart_wide ? (uint8_t)*(volatile uint32_t *)r : *r;
}

static void uart_write(unsigned reg, uint8_t v)
{
	volatile uint8_t *r = uart_base + (reg << uart_shift);

	if (uart_wide)
		*(volatile uint32_t *)r = v;
	else
		*r = v;
}

void uart_init(vaddr_t base, unsigned reg_shift, unsigned io_width)
{
	uart_base = va_ptr(base);
	uart_shift = reg_shift;
	uart_wide = io_width == 4;
	uart_write(UART_IER, 0);
}

void uart_enable_rx_interrupt(void)
{
	uart_write(UART_IER, IER_RX_AVAILABLE);
}

void uart_move(vaddr_t base)
{
	uart_base = va_ptr(base);
}

bool uart_ready(void)
{
	return uart_base != 0;
}

void uart_putc(char c)
{
	while (!(uart_read(UART_LSR) & LSR_THR_EMPTY))
		;
	uart_write(UART_THR, (uint8_t)c);
}

int uart_getc(void)
{
	if (!(uart_read(UART_LSR) & LSR_DATA_READY))
		return -1;
	return uart_read(UART_RBR);
}
