/* The polled NS16550A console UART. */
#ifndef ARCH_UART_H
#define ARCH_UART_H

#include <kernel/types.h>

/* Start using the UART whose registers are mapped at `base`. */
void uart_init(vaddr_t base, unsigned reg_shift, unsigned io_width);
/* The same registers are now mapped at `base` (after the final page table). */
void uart_move(vaddr_t base);
bool uart_ready(void);
/* Interrupt (through the PLIC) when a byte has arrived. */
void uart_enable_rx_interrupt(void);
void uart_putc(char c);
/* A received byte, or -1 when none is waiting. */
int uart_getc(void);

#endif
