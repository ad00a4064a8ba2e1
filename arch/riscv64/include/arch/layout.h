/*
 * The kernel's virtual address layout (Sv39: 39-bit virtual addresses, the
 * kernel owns the upper half, user tasks the lower half).
 *
 *   0x0000000000000000 .. 0x0000003fffffffff   user (256 GiB)
 *   0xffffffc000000000 .. 0xffffffdfffffffff   direct map: VA = base + PA, RAM only
 *   0xffffffe000000000 .. 0xffffffe03fffffff   device windows (MMIO), 1 GiB
 *   0xffffffff80000000 .. 0xffffffffffffffff   kernel image (linked at +2 MiB)
 *
 * This header is also read by the linker script and by assembly.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_LINK_BASE 0xffffffff80200000
#define DIRECT_MAP_BASE 0xffffffc000000000
#define DIRECT_MAP_SIZE 0x2000000000 /* 128 GiB of physical address space */
#define IO_MAP_BASE 0xffffffe000000000
#define IO_MAP_SIZE 0x40000000

#define KERNEL_STACK_SIZE 0x4000

#endif
