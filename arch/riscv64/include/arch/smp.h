/* riscv64 side of SMP bring-up (arch/riscv64/smp.c). */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <kernel/bootinfo.h>

/* Number the CPUs: the boot hart is CPU 0 (set up already), the others follow in tree order. */
void arch_smp_init(const struct boot_info *bi);

#endif
